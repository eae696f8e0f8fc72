#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The fault benchmark, small: bench/run-matrix.sh with touch, cow and sparse
# at 64 and 256 pages in forward and offload mode, then the benchmark's
# rules, bench/check.awk (the file bench/check-results.py runs on
# results.csv; listed there), on its 12 BENCH lines.  At these sizes the
# offload MMU_UPDATE rule counts what the 192 faults of the 256-page run
# add over the 64-page run (the setup calls would dominate 64 pages alone).
# run-matrix.sh and check.awk are looked for in $PFVMM_ROOT/bench (staged),
# next to this test, and in ../../bench (the source tree).
. ./lib.sh
need_module

RM=
for f in "$PFVMM_ROOT/bench/run-matrix.sh" ./run-matrix.sh ../../bench/run-matrix.sh \
	/work/run-matrix.sh; do
	if [ -f "$f" ]; then RM=$f; break; fi
done
[ -n "$RM" ] || fail "bench/run-matrix.sh is not in the machine (stage it to $PFVMM_ROOT/bench/)"
RULES=$(dirname "$RM")/check.awk
[ -f "$RULES" ] || fail "$RULES is missing (stage bench/check.awk beside run-matrix.sh)"

out=/tmp/t-bench-check.out
err=/tmp/t-bench-check.err
sh "$RM" -w "touch cow sparse" -p "64 256" -m "forward offload" -r 1 -H 0 >"$out" 2>"$err"
st=$?
grep '^BENCH ' "$out" | sed 's/^BENCH/bench/'
if [ "$st" -ne 0 ]; then
	show "$err"
	fail "run-matrix.sh exited with status $st"
fi

res=/tmp/t-bench-check.res
awk -v prog=bench-check -v rows=12 -f "$RULES" "$out" >"$res"
st=$?
sed 's/^/  /' "$res"
[ "$st" -eq 0 ] || fail "the benchmark rows broke the rules (see above)"
exit 0
