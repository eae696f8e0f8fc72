#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Exit statistics are counted: "pfvmm run --stats hello.elf" prints lines
# "exit <name> <count>" and at least one count is non-zero.
. ./lib.sh
need_module

out=/tmp/t-stats.out
$PFVMM run --stats "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 0 ] || fail "pfvmm run --stats hello.elf exited with $st"
grep -q '^exit ' "$out" || fail "no 'exit <name> <count>' lines in the --stats output"
awk '$1 == "exit" && $3 + 0 > 0 { n++ } END { exit !n }' "$out" ||
	fail "every exit counter is zero"
exit 0
