#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh KDIR - the kernel's own style and type checkers over the module:
#
#   checkpatch.pl --strict --no-tree -f  over kmod/**/*.[ch] and include/**/*.h
#   sparse: make -C KDIR M=kmod C=2 modules, failing on any warning or error
#
# Prints "PASS lint-checkpatch"/"FAIL lint-checkpatch" and
# "PASS lint-sparse"/"FAIL lint-sparse", with the findings on failure.
# Nothing is ignored: every checkpatch --strict message is a failure.
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

# ---- checkpatch ----
files=$(find kmod include -type f \( -name '*.c' -o -name '*.h' \) \
	! -name '*.mod.c' 2>/dev/null | LC_ALL=C sort)
if [ ! -f "$CP" ]; then
	echo "lint: $CP missing (run scripts/deps.sh)"
	echo "FAIL lint-checkpatch"
	rc=1
elif [ -z "$files" ]; then
	echo "lint: no C files under kmod/ or include/"
	echo "FAIL lint-checkpatch"
	rc=1
else
	# shellcheck disable=SC2086
	perl "$CP" --strict --no-tree --no-summary --terse --show-types \
		--color=never -f $files >"$out/checkpatch.log" 2>&1
	# --strict in a git tree leaves a CamelCase cache file behind.
	rm -f .checkpatch-camelcase.git.*
	if [ -s "$out/checkpatch.log" ]; then
		echo "lint: checkpatch --strict found $(grep -c ': \(ERROR\|WARNING\|CHECK\):' \
			"$out/checkpatch.log") issue(s) (build/lint/checkpatch.log):"
		head -n 60 "$out/checkpatch.log" | indent
		echo "FAIL lint-checkpatch"
		rc=1
	else
		echo "PASS lint-checkpatch"
	fi
fi

# ---- sparse ----
if ! command -v sparse >/dev/null; then
	echo "lint: sparse missing (run scripts/deps.sh)"
	echo "FAIL lint-sparse"
	rc=1
elif [ ! -f kmod/Kbuild ] && [ ! -f kmod/Makefile ]; then
	echo "lint: kmod/Kbuild missing"
	echo "FAIL lint-sparse"
	rc=1
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
exit $rc
