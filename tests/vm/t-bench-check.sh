#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The fault benchmark, small: bench/run-matrix.sh with touch, cow and sparse
# at 64 and 256 pages in forward and offload mode, then the rules of
# bench/check-results.py on its BENCH lines (in awk: no python3 here):
#  - every run status=0 data=ok, and all 12 rows present;
#  - offload: one #PF exit (exit_EXCEPTION_NMI) per fault, pf_offloaded ==
#    faults, and no MMU_UPDATE on the fault path: the hypercalls the extra
#    192 faults of the 256-page run added over the 64-page run are < 0.05
#    per fault (the setup calls, a fixed number plus cow's batched
#    prefault, cancel out; at 64 pages alone they would dominate);
#  - forward: >= 2 synchronous exits per fault (#PF exit + VMCALL);
#  - one workload and size: the same fault count in both modes;
#  - the guest timed its fault phases: 0 < fault_cycles <= cycles.
# run-matrix.sh is looked for in $PFVMM_ROOT/bench (staged), next to this
# test, and in ../../bench (the source tree).
. ./lib.sh
need_module

RM=
for f in "$PFVMM_ROOT/bench/run-matrix.sh" ./run-matrix.sh ../../bench/run-matrix.sh \
	/work/run-matrix.sh; do
	if [ -f "$f" ]; then RM=$f; break; fi
done
[ -n "$RM" ] || fail "bench/run-matrix.sh is not in the machine (stage it to $PFVMM_ROOT/bench/)"

out=/tmp/t-bench-check.out
err=/tmp/t-bench-check.err
sh "$RM" -w "touch cow sparse" -p "64 256" -m "forward offload" -r 1 >"$out" 2>"$err"
st=$?
grep '^BENCH ' "$out" | sed 's/^BENCH/bench/'
if [ "$st" -ne 0 ]; then
	show "$err"
	fail "run-matrix.sh exited with status $st"
fi

awk '
function v(k) { return (k in f) ? f[k] + 0 : 0 }
function bad(msg) { print "bench-check: " msg " wrong"; nbad++ }
$1 == "BENCH" {
	delete f
	for (i = 2; i <= NF; i++) {
		e = index($i, "=")
		if (e > 1) f[substr($i, 1, e - 1)] = substr($i, e + 1)
	}
	w = f["workload"]; p = f["pages"]; m = f["mode"]
	key = w " " p " " m
	rows++
	name = w " pages=" p " mode=" m ":"
	if (f["status"] != "0" || f["data"] != "ok") {
		bad(name " status=" f["status"] " data=" f["data"])
		next
	}
	n = v("faults")
	if (n <= 0) { bad(name " faults=" f["faults"]); next }
	faults[key] = n
	if (v("fault_cycles") <= 0 || v("fault_cycles") > v("cycles"))
		bad(name " fault_cycles=" f["fault_cycles"] " (want 0 < it <= cycles=" f["cycles"] ")")
	sync = v("exits_total") - v("exit_EXTERNAL_INTERRUPT") - v("exit_PREEMPTION_TIMER") \
		- v("exit_INTERRUPT_WINDOW") - v("exit_NMI_WINDOW")
	if (m == "offload") {
		mmu[w " " p] = v("hc_mmu_update")
		if (v("exit_EXCEPTION_NMI") != n)
			bad(name " #PF exits " v("exit_EXCEPTION_NMI") " for " n " faults (want 1 per fault)")
		if (v("pf_offloaded") != n)
			bad(name " pf_offloaded=" v("pf_offloaded") " faults=" n)
	} else if (m == "forward") {
		if (sync < 2 * n)
			bad(name " " sync " exits for " n " faults (want >= 2 per fault)")
	}
}
END {
	if (rows != 12) bad("rows=" rows " (want 12)")
	split("touch cow sparse", ws, " ")
	for (j = 1; j <= 3; j++) {
		w = ws[j]
		for (q = 64; q <= 256; q *= 4)
			if (faults[w " " q " forward"] != faults[w " " q " offload"])
				bad(w " pages=" q ": faults forward=" faults[w " " q " forward"] \
				    " offload=" faults[w " " q " offload"])
		df = faults[w " 256 offload"] - faults[w " 64 offload"]
		dm = mmu[w " 256"] - mmu[w " 64"]
		if (df <= 0)
			bad(w ": offload faults did not grow from 64 to 256 pages")
		else if (dm / df >= 0.05)
			bad(w ": offload mmu_update per extra fault " dm "/" df " (want < 0.05)")
		else
			printf "bench-check: %s offload mmu_update per extra fault %d/%d\n", w, dm, df
	}
	exit nbad > 0
}' "$out" || fail "the benchmark rows broke the rules (see above)"
exit 0
