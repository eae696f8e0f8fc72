# SPDX-License-Identifier: GPL-2.0
#
# check.awk - the fault benchmark's rules, in one place.  Two programs run
# them: bench/check-results.py on a results.csv (make bench), and
# tests/vm/t-bench-check.sh on a small matrix inside the emulated machine,
# which has awk (busybox's) but no python3.  POSIX awk only.
#
#   awk [-v prog=NAME] [-v rows=N] -f check.awk FILE...
#
# Input: "BENCH k=v ..." lines, one a run (pfvmm bench's format) or one a
# results.csv row (check-results.py writes them so, unknown values left
# out); other lines are skipped, and so are repetitions after the first
# (rep=2...: a results.csv row says in reps_identical whether they agreed).
# Output: one line a check, "PASS ...", "FAIL ..." or "INFO ...", then
# "NAME: N failed" (NAME: prog, default "check"); exit status 1 on any FAIL.
#
# The rules:
#  - every run: status=0 and data=ok; touch, cow, remap and sparse fault;
#    the guest timed its fault phases: 0 < fault_cycles <= cycles;
#  - offload, touch/cow/sparse: one #PF exit (exit_EXCEPTION_NMI) per
#    fault and pf_offloaded == faults;
#  - offload, touch/cow/sparse: no MMU_UPDATE on the fault path: fewer than
#    0.05 hc_mmu_update per fault, over the faults the largest size adds to
#    the smallest (the setup calls, a fixed number plus cow's batched
#    prefault, cancel out; at 64 pages alone they would dominate), or over
#    all the faults when there is one size;
#  - forward: at least 2 synchronous exits per fault (the #PF exit and the
#    VMCALL; exits_sync, or exits_total less the asynchronous exits);
#  - one workload and size: the same fault count in every mode;
#  - every rule holds for each hugepages value (0: 4 KiB host pages, 1:
#    "pfvmm run --hugepages"; 0 when a line has none) on its own: its rows
#    are named "... hugepages=1", grouped and compared apart;
#  - several repetitions: identical counts (reps_identical=yes);
#  - cycles per fault (results.csv's cycles_per_op: per exit for the exit
#    workload) at the largest size within 1.5x of the smallest, per
#    workload and mode;
#  - with -v rows=N: exactly N runs.

function v(k) { return (k in f) ? f[k] + 0 : 0 }
function say(word, msg) {
	print word " " msg
	if (word == "FAIL")
		nfail++
}
function verdict(ok) { return ok ? "PASS" : "FAIL" }
# first-seen order of the keys of a group (awk's "for (k in a)" has none)
function remember(list, seen, key) {
	if (!(key in seen)) {
		seen[key] = 1
		list[++list[0]] = key
	}
}

BEGIN {
	MAX_MMU_PER_FAULT = 0.05
	MAX_SIZE_RATIO = 1.5
	if (prog == "")
		prog = "check"
}

$1 == "BENCH" {
	split("", f)
	for (i = 2; i <= NF; i++) {
		e = index($i, "=")
		if (e > 1)
			f[substr($i, 1, e - 1)] = substr($i, e + 1)
	}
	if (!("workload" in f) || !("pages" in f) || !("mode" in f))
		next
	if (("rep" in f) && f["rep"] != 1)
		next
	w = f["workload"]; p = f["pages"] + 0; m = f["mode"]
	h = ("hugepages" in f) ? f["hugepages"] + 0 : 0
	hs = h ? " hugepages=" h : ""
	nrows++
	name = w " pages=" p " mode=" m hs
	if (f["status"] != "0" || f["data"] != "ok") {
		say("FAIL", name ": run status=" f["status"] " data=" f["data"])
		next
	}
	n = v("faults")
	if (w != "exit") {
		remember(groups, gseen, w SUBSEP p SUBSEP h)
		remember(gmodes, gmseen, w SUBSEP p SUBSEP h SUBSEP m)
		gfaults[w, p, h, m] = f["faults"]
	}
	if (("reps" in f) && f["reps"] + 0 > 1) {
		nmulti++
		say(verdict(f["reps_identical"] == "yes"), name ": counts of " f["reps"] \
		    " repetitions identical: " f["reps_identical"] \
		    " (cycles " f["cycles_min"] ".." f["cycles_max"] ")")
	}
	if (v("cycles_per_op") > 0) {
		wm = w SUBSEP m SUBSEP h
		remember(costs, cseen, wm)
		cost[wm, p] = v("cycles_per_op")
		if (!(wm in lo) || p < lo[wm]) lo[wm] = p
		if (!(wm in hi) || p > hi[wm]) hi[wm] = p
	}
	if (w == "reaccess" || w == "exit")
		next
	if (n <= 0) {
		say("FAIL", name ": faults=" f["faults"] " (want > 0)")
		next
	}
	if (v("fault_cycles") <= 0 || v("fault_cycles") > v("cycles"))
		say("FAIL", name ": fault_cycles=" f["fault_cycles"] \
		    " (want 0 < it <= cycles=" f["cycles"] ")")
	pfx = v("exit_EXCEPTION_NMI")
	mmu = v("hc_mmu_update")
	if ("exits_sync" in f)
		sync = v("exits_sync")
	else
		sync = v("exits_total") - v("exit_EXTERNAL_INTERRUPT") \
		    - v("exit_PREEMPTION_TIMER") - v("exit_INTERRUPT_WINDOW") \
		    - v("exit_NMI_WINDOW")
	if (m == "offload" && (w == "touch" || w == "cow" || w == "sparse")) {
		say(verdict(pfx == n && v("pf_offloaded") == n), \
		    sprintf("%s: #PF exits/fault=%.3f (want 1.000) pf_offloaded=%d faults=%d mmu_update/fault=%.4f", \
			    name, pfx / n, v("pf_offloaded"), n, mmu / n))
		wh = w SUBSEP h
		remember(offw, oseen, wh)
		if (!(wh in olo) || p < olo[wh]) olo[wh] = p
		if (!(wh in ohi) || p > ohi[wh]) ohi[wh] = p
		ofaults[wh, p] = n
		ommu[wh, p] = mmu
	} else if (m == "offload") {
		say("INFO", sprintf("%s: #PF exits/fault=%.3f mmu_update/fault=%.4f hypercalls/fault=%.3f", \
				    name, pfx / n, mmu / n, v("hc_total") / n))
	} else if (m == "forward") {
		say(verdict(sync >= 2 * n), \
		    sprintf("%s: exits/fault=%.3f (want >= 2) hypercalls/fault=%.3f #PF exits/fault=%.3f", \
			    name, sync / n, v("hc_total") / n, pfx / n))
	}
}

END {
	# No MMU_UPDATE on the offload fault path.
	for (i = 1; i <= offw[0]; i++) {
		wh = offw[i]; a = olo[wh]; b = ohi[wh]
		split(wh, k, SUBSEP)
		wn = k[1] " mode=offload" (k[2] ? " hugepages=" k[2] : "")
		if (a == b) {
			df = ofaults[wh, b]; dm = ommu[wh, b]
			what = "per fault at " b " pages"
		} else {
			df = ofaults[wh, b] - ofaults[wh, a]; dm = ommu[wh, b] - ommu[wh, a]
			what = "per fault " a " -> " b " pages"
		}
		if (df <= 0)
			say("FAIL", wn ": faults did not grow from " a " to " b " pages")
		else
			say(verdict(dm / df < MAX_MMU_PER_FAULT), \
			    sprintf("%s: mmu_update %s %d/%d=%.4f (want < %s)", \
				    wn, what, dm, df, dm / df, MAX_MMU_PER_FAULT))
	}
	# The same fault count in every mode.
	for (i = 1; i <= groups[0]; i++) {
		split(groups[i], k, SUBSEP)
		line = ""; first = ""; ok = 1
		for (j = 1; j <= gmodes[0]; j++) {
			split(gmodes[j], km, SUBSEP)
			if (km[1] != k[1] || km[2] != k[2] || km[3] != k[3])
				continue
			c = gfaults[km[1], km[2], km[3], km[4]]
			if (line == "")
				first = c
			else if (c != first)
				ok = 0
			line = line " " km[4] "=" c
		}
		say(verdict(ok), k[1] " pages=" k[2] (k[3] ? " hugepages=" k[3] : "") \
		    ": faults in every mode:" line)
	}
	if (!nmulti)
		say("INFO", "one repetition per run: repeatability not checked")
	# Cost per fault: largest size against smallest.
	for (i = 1; i <= costs[0]; i++) {
		wm = costs[i]
		split(wm, k, SUBSEP)
		a = lo[wm]; b = hi[wm]
		wn = k[1] " mode=" k[2] (k[3] ? " hugepages=" k[3] : "")
		if (a == b) {
			say("INFO", wn ": one size only, scaling not checked")
			continue
		}
		r = cost[wm, b] / cost[wm, a]
		say(verdict(r >= 1 / MAX_SIZE_RATIO && r <= MAX_SIZE_RATIO), \
		    sprintf("%s: cycles/fault %.0f at %d pages, %.0f at %d pages: ratio %.3f (want within %sx)", \
			    wn, cost[wm, a], a, cost[wm, b], b, r, MAX_SIZE_RATIO))
	}
	if (!costs[0])
		say("INFO", "no cycles_per_op (BENCH lines of runs, not results.csv rows): scaling not checked")
	if (rows != "")
		say(verdict(nrows == rows + 0), nrows " runs (want " rows ")")
	if (!nrows)
		say("FAIL", "no runs")
	print prog ": " nfail + 0 " failed"
	exit nfail > 0
}
