# SPDX-License-Identifier: GPL-2.0
#
# linux-check.awk - the rules of the Linux rows of the fault benchmark
# (bench/linux-fault, stress-ng under bench/linux-run.sh), in one place.
# Three programs run them: tests/host/linux-fault.sh on the program's own
# "result ..." lines on this host, bench/check-results.py on the Linux rows
# of a results.csv, and bench/linux-bench.sh inside the emulated machine
# (busybox awk: POSIX only).
#
#   awk [-v prog=NAME] [-v tolerance=0.05] [-v need="W1 W2"] -f linux-check.awk FILE...
#
# Input: "result k=v ..." lines of linux-fault, or "BENCH ... mode=linux
# place=P ..." lines (a run, or a results.csv row); other lines are
# skipped.  A line without place= is of place "-".  Output: one line a
# check, "PASS ...", "FAIL ..." or "INFO ...", then "NAME: N failed"; exit
# status 1 on any FAIL.
#
# The rules:
#  - every row: status 0 (when given) and data=ok (a guest's boot row,
#    workload=boot, carries the reason when it failed);
#  - linux-fault's fault workloads take at least their faults: touch, cow,
#    sparse >= pages, remap >= 2 x pages, forkexec >= pages (rounds);
#    stress-ng rows (workload=stress-*) fault at all;
#  - reaccess, exit and stosb take next to none: faults <= ops / 100;
#  - 0 < fault_cycles <= cycles;
#  - with a bare row: every other place's fault count of that workload and
#    size within tolerance (default 5%) of bare's (the same program faults
#    the same way whatever runs the kernel), and its cycles per fault (per
#    op for exit, reaccess and stress-ng) as a ratio to bare's (INFO);
#  - need="W ...": a row of each of those workloads (in every place seen).

function v(k) { return (k in f) ? f[k] + 0 : 0 }
function say(word, msg) {
	print word " " msg
	if (word == "FAIL")
		nfail++
}
function min_faults(w, p) {
	if (w == "touch" || w == "cow" || w == "sparse" || w == "forkexec")
		return p
	if (w == "remap")
		return 2 * p
	if (w ~ /^stress-/)
		return 1
	return -1
}
# cycles per fault, or per op where nothing is meant to fault
function per(w) {
	if (w == "reaccess" || w == "exit" || w == "stosb" || w ~ /^stress-/)
		return v("ops") ? v("fault_cycles") / v("ops") : 0
	return v("faults") ? v("fault_cycles") / v("faults") : 0
}

BEGIN {
	if (prog == "")
		prog = "linux-check"
	if (tolerance == "")
		tolerance = 0.05
}

$1 == "result" || ($1 == "BENCH" && / mode=linux /) {
	split("", f)
	for (i = 2; i <= NF; i++) {
		e = index($i, "=")
		if (e > 1)
			f[substr($i, 1, e - 1)] = substr($i, e + 1)
	}
	if (!("workload" in f) || !("pages" in f))
		next
	w = f["workload"]; p = f["pages"] + 0
	pl = ("place" in f) ? f["place"] : "-"
	name = w " pages=" p " place=" pl
	seen[pl, w] = 1
	if (!(pl in places)) {
		places[pl] = 1
		order[++nplaces] = pl
	}
	if (("status" in f) && f["status"] != "0" || f["data"] != "ok") {
		why = ("reason" in f) ? " (" f["reason"] ")" : ""
		gsub(/_/, " ", why)
		say("FAIL", name ": status=" f["status"] " data=" f["data"] why)
		next
	}
	if (w == "boot") {	# a guest's whole run: its status was all
		say("PASS", name ": the guest ran its workloads and powered off")
		next
	}
	if (w == "cpu")		# the CPU features the kernel saw: information
		next
	n = v("faults")
	lo = min_faults(w, p)
	if (lo > 0)
		say(n >= lo ? "PASS" : "FAIL", name ": " n " faults (want >= " lo ")")
	else if (w == "reaccess" || w == "exit" || w == "stosb")
		say(n <= v("ops") / 100 ? "PASS" : "FAIL",
		    name ": " n " faults over " v("ops") " ops (want ~0)")
	fc = v("fault_cycles")
	if (!(fc > 0 && fc <= v("cycles")))
		say("FAIL", name ": fault_cycles=" fc " cycles=" v("cycles") " (want 0 < fault_cycles <= cycles)")
	key = w SUBSEP p
	if (!(key in kseen)) {
		kseen[key] = 1
		keys[++nkeys] = key
	}
	faults[key, pl] = n
	cost[key, pl] = per(w)
}

function compare(key, pl,    b, d, w, kw) {
	b = faults[key, "bare"]
	split(key, kw, SUBSEP)
	w = kw[1] " pages=" kw[2] " place=" pl
	d = b ? (faults[key, pl] - b) / b : 0
	if (d < 0)
		d = -d
	say(d <= tolerance ? "PASS" : "FAIL",
	    w ": " faults[key, pl] " faults vs bare's " b " (within " tolerance * 100 "%)")
	if (cost[key, "bare"] > 0)
		say("INFO", w ": " sprintf("%.0f", cost[key, pl]) " cycles per " \
		    (kw[1] ~ /^(reaccess|exit|stosb|stress-.*)$/ ? "op" : "fault") " vs bare's " \
		    sprintf("%.0f", cost[key, "bare"]) ": " sprintf("%.3f", cost[key, pl] / cost[key, "bare"]) "x")
}

END {
	for (k = 1; k <= nkeys; k++)
		for (j = 1; j <= nplaces; j++)
			if (order[j] != "bare" && ((keys[k], "bare") in faults) &&
			    ((keys[k], order[j]) in faults))
				compare(keys[k], order[j])
	nn = split(need, want, " ")
	for (j = 1; j <= nplaces; j++)
		for (k = 1; k <= nn; k++)
			if (!((order[j], want[k]) in seen))
				say("FAIL", want[k] ": no row in place " order[j])
	if (NR == 0 || nkeys == 0)
		say("FAIL", "no Linux rows")
	print prog ": " nfail + 0 " failed"
	exit nfail > 0
}
