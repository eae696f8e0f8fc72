#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh KDIR - the kernel's own style and type checkers over the module,
# and the shell and Python checkers over the harness, tests and benchmark:
#
#   checkpatch: checkpatch.pl --strict --no-tree -f over kmod/**/*.[ch] and
#     include/**/*.h
#   sparse: make -C KDIR M=kmod C=2 modules, failing on any warning or error
#   shell: shellcheck -x over every shell script under scripts/, tests/ and
#     bench/ (*.sh, and the files whose first line is a #!.../sh or bash)
#   Python: pyflakes3 (Debian's python3-pyflakes) over bench/*.py
#
# Prints "PASS lint-checkpatch"/"FAIL lint-checkpatch",
# "PASS lint-sparse"/"FAIL lint-sparse", and likewise lint-shellcheck and
# lint-pyflakes, with the findings on failure.
# Nothing is ignored: every checkpatch --strict message and every message
# of shellcheck (style notes too) is a failure; a script silences one in
# place, with a "disable" directive of shellcheck's that says why.
# (checkpatch's SPDX check needs only the tag on the first line, which every
# file carries; uapi headers under include/uapi/ are exempt from the
# "prefer u32 over __u32" rule by checkpatch itself.)
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
. scripts/lib.sh	# indent
KDIR=${1:?usage: lint.sh KDIR}
CP=$TOP/.cache/checkpatch/checkpatch.pl
out=$TOP/build/lint
mkdir -p "$out"
rc=0

# lint_fail NAME WHY: FAIL NAME, after why (a tool or its input missing)
lint_fail() {
	echo "lint: $2"
	echo "FAIL $1"
	rc=1
}

# lint_judge NAME STATUS LOG WHAT: PASS NAME when the checker exited with
# STATUS 0 and wrote nothing to LOG; else WHAT and LOG's first 60 lines,
# then FAIL NAME.
lint_judge() {
	if [ "$2" -eq 0 ] && [ ! -s "$3" ]; then
		echo "PASS $1"
	else
		echo "lint: $4 (build/lint/$(basename "$3")):"
		head -n 60 "$3" | indent
		echo "FAIL $1"
		rc=1
	fi
}

# ---- checkpatch ----
files=$(find kmod include -type f \( -name '*.c' -o -name '*.h' \) \
	! -name '*.mod.c' 2>/dev/null | LC_ALL=C sort)
if [ ! -f "$CP" ]; then
	lint_fail lint-checkpatch "$CP missing (run scripts/deps.sh)"
elif [ -z "$files" ]; then
	lint_fail lint-checkpatch "no C files under kmod/ or include/"
else
	# shellcheck disable=SC2086
	perl "$CP" --strict --no-tree --no-summary --terse --show-types \
		--color=never -f $files >"$out/checkpatch.log" 2>&1
	# --strict in a git tree leaves a CamelCase cache file behind.
	rm -f .checkpatch-camelcase.git.*
	# Its exit status does not count: any message in the log fails.
	lint_judge lint-checkpatch 0 "$out/checkpatch.log" "checkpatch --strict found \
$(grep -c ': \(ERROR\|WARNING\|CHECK\):' "$out/checkpatch.log") issue(s)"
fi

# ---- sparse ----
if ! command -v sparse >/dev/null; then
	lint_fail lint-sparse "sparse missing (run scripts/deps.sh)"
elif [ ! -f kmod/Kbuild ] && [ ! -f kmod/Makefile ]; then
	lint_fail lint-sparse "kmod/Kbuild missing"
else
	# C=2 checks every file whether or not it needs rebuilding.
	make -C "$KDIR" M="$TOP/kmod" C=2 modules >"$out/sparse.log" 2>&1
	st=$?
	if [ "$st" -ne 0 ] || grep -qE ': (warning|error):' "$out/sparse.log"; then
		echo "lint: make C=2 exit status $st (build/lint/sparse.log):"
		if grep -qE ': (warning|error):' "$out/sparse.log"; then
			grep -E ': (warning|error):' "$out/sparse.log" | head -n 60 | indent
		else
			tail -n 20 "$out/sparse.log" | indent
		fi
		echo "FAIL lint-sparse"
		rc=1
	else
		echo "PASS lint-sparse"
	fi
fi

# ---- shellcheck ----
# is_shell FILE: a shell script by name or by its #! line
is_shell() {
	case $1 in
	*.sh) return 0 ;;
	esac
	head -n 1 "$1" 2>/dev/null | grep -qE '^#!.*[/ ](ba)?sh( |$)'
}
shfiles=$(find scripts tests bench -type f 2>/dev/null |
	LC_ALL=C sort | while read -r f; do is_shell "$f" && echo "$f"; done)
if ! command -v shellcheck >/dev/null; then
	lint_fail lint-shellcheck "shellcheck missing (run scripts/deps.sh)"
elif [ -z "$shfiles" ]; then
	lint_fail lint-shellcheck "no shell scripts under scripts/, tests/ or bench/"
else
	# -x -P SCRIPTDIR: follow ". ./lib.sh" relative to the sourcing script.
	# shellcheck disable=SC2086
	shellcheck -x -P SCRIPTDIR -f gcc $shfiles >"$out/shellcheck.log" 2>&1
	lint_judge lint-shellcheck $? "$out/shellcheck.log" "shellcheck found \
$(grep -c ': [a-z]*: ' "$out/shellcheck.log") issue(s) in $(echo "$shfiles" | wc -l) scripts"
fi

# ---- pyflakes ----
# pyflakes3 runs Debian's /usr/bin/python3, which has python3-pyflakes; a
# python3 earlier in PATH (a venv, pyenv) may not.
pyfiles=$(find bench -maxdepth 1 -type f -name '*.py' 2>/dev/null | LC_ALL=C sort)
if ! command -v pyflakes3 >/dev/null; then
	lint_fail lint-pyflakes "pyflakes3 missing (run scripts/deps.sh)"
elif [ -z "$pyfiles" ]; then
	lint_fail lint-pyflakes "no Python files in bench/"
else
	# shellcheck disable=SC2086
	pyflakes3 $pyfiles >"$out/pyflakes.log" 2>&1
	lint_judge lint-pyflakes $? "$out/pyflakes.log" "pyflakes found \
$(wc -l <"$out/pyflakes.log") issue(s)"
fi
exit $rc
