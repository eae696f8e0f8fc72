#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# man.sh - docs/pfvmm.1 renders without a single groff/man warning, and it
# documents every subcommand of the launcher's table and every option of
# 'pfvmm run --help', 'pfvmm stat --help' and 'pfvmm bench --help'; and each
# of its RUN, STAT and BENCH OPTIONS sections lists the same groups and
# options in the same order as that subcommand's --help (both ways: an
# option dropped from the table must go from the page too).
# Prints PASS/FAIL lines.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
page=docs/pfvmm.1

w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
if [ -z "$w" ] && MANWIDTH=80 man -l "$page" >/dev/null 2>&1; then
	echo "PASS man-renders"
else
	echo "FAIL man-renders: $(echo "$w" | head -n 5 | tr '\n' ' ')"
fi

p=
text=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
if [ ! -x userspace/pfvmm ]; then
	p=" userspace/pfvmm is not built"
else
	# The commands of 'pfvmm --help', the options of each --help.
	cmds=$(userspace/pfvmm --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
	for c in $cmds; do
		echo "$text" | grep -q "pfvmm $c" || p="$p command '$c' undocumented;"
	done
	for c in run stat bench; do
		# bench is another file's work: checked once it is in the table
		userspace/pfvmm "$c" --help >/dev/null 2>&1 || continue
		for o in $(userspace/pfvmm "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			echo "$text" | grep -q -- "$o" || p="$p $c option '$o' undocumented;"
		done
	done
fi
for s in "EXIT STATUS" FILES ENVIRONMENT "SEE ALSO"; do
	echo "$text" | grep -q "^$s" || p="$p no $s section;"
done
if [ -z "$p" ]; then echo "PASS man-complete"; else echo "FAIL man-complete:$p"; fi

# The outline of a subcommand's options: "[Group]" (its first word) and
# "-x, --opt V" lines, from --help (groups end in ':', options start within
# the first 6 columns) and from the page (.SS at 3 columns, .TP tags at 7).
help_outline() {
	userspace/pfvmm "$1" --help | sed -n \
		-e 's/^\([A-Z][A-Za-z]*\).*:$/[\1]/p' \
		-e 's/^ \{2,6\}\(-\([^ ]\| [^ ]\)*\).*/\1/p'
}
man_outline() {
	echo "$text" | sed -n "/^$1 OPTIONS\$/,/^[A-Z]/p" | sed -n \
		-e 's/^   \([A-Z][A-Za-z]*\).*/[\1]/p' \
		-e 's/^       \(-.*[^ ]\) *$/\1/p'
}
p=
if [ -x userspace/pfvmm ]; then
	for c in run stat bench; do
		C=$(echo "$c" | tr '[:lower:]' '[:upper:]')
		h=$(help_outline "$c" | tr '\n' ' ')
		m=$(man_outline "$C" | tr '\n' ' ')
		[ -n "$h" ] && [ "$h" = "$m" ] ||
			p="$p $c --help has '$h', $C OPTIONS has '$m';"
	done
else
	p=" userspace/pfvmm is not built"
fi
if [ -z "$p" ]; then echo "PASS man-options-in-step"; else echo "FAIL man-options-in-step:$p"; fi
