#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py - BENCH lines (bench/run-matrix.sh) to bench/results/.

    report.py [--out DIR] [--kver V] [--wall S] [--matrix TEXT]
              [--vm-status N] BENCH-LINES-FILE

Writes results.csv, results.json, results.md and fault-cost.dat (the
gnuplot data of fault-cost.png).  One row per (workload, pages, mode,
hugepages: 1 for runs with "pfvmm run --hugepages", 0 without):
with several repetitions the counts are those of repetition 1 (reps_identical
says whether every repetition had the same counts), cycles the mean
(cycles_min, cycles_max beside it).

Units: "cycles" are emulated cycles (Bochs with clock: sync=none, TSC ~ one
tick per executed instruction), measured by the guest around the workload
("cycles": faulting loops and data checks) and around its faulting loops
only ("fault_cycles", from the guest's SYS_TIMED phases); both include the
VMM's time for the exits.  cycles_per_fault = fault_cycles / faults (cycles
/ faults with a guest that has no timed phases).  Counts are exact.

exits_sync: exits_total less the asynchronous exits (external interrupts,
preemption timer, interrupt/NMI windows); exits_per_fault = exits_sync/faults.
ept_violations_per_fault: pfvmm's EPT_VIOLATION exits (KVM's own pf_taken,
its TDP faults, for kvm rows) over the faults.  The per-phase breakdown
and the plot show the hugepages=0 rows.

The "model" columns are NOT a measurement.  Bochs charges a VM exit and
entry about one emulated cycle each, where hardware spends hundreds to
thousands; the model adds that back at published hardware figures, as a
range:
    model_low_cycles_per_fault  = cycles_per_fault
                                  + exits_per_fault * MODEL_EXIT_LOW
    model_high_cycles_per_fault = cycles_per_fault
                                  + exits_per_fault * MODEL_EXIT_HIGH
MODEL_EXIT_LOW (default 1020) and MODEL_EXIT_HIGH (default 1560): the
  published round trips of kvm-unit-tests' vmexit test named in
  bench/README.md (cpuid 1,020 cycles, the low end of the 2024 lists;
  vmcall 1,560, Skylake-SP, 2020).  They are whole round trips with KVM's
  trivial handler, so they also count software the emulated path already
  holds: the model overstates an exit's weight, never understates it.
Both can be overridden from the environment.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import subprocess
import sys

from benchlib import (ASYNC_EXITS, LINUX_ORDER, MODE_ORDER, PLACE_ORDER, WORKLOAD_ORDER,
                      ept_violations_per_fault, hugepages_of, is_linux, linux_cost, linux_goals,
                      linux_table, num, phase_table, ratio, read_bench_lines, small_pages)

EXIT_LOW = int(os.environ.get("MODEL_EXIT_LOW", "1020"))
EXIT_HIGH = int(os.environ.get("MODEL_EXIT_HIGH", "1560"))
# Counters that follow host interrupts, so repetitions may differ.
TIMING_COUNTS = {"exits_total", "l1d_flushes"}
# Fields of the run that are not counters.
META = {"workload", "pages", "mode", "hugepages", "rep", "status", "mem", "data"}


def order_key(k):
    w, p, m, h = k
    wi = WORKLOAD_ORDER.index(w) if w in WORKLOAD_ORDER else len(WORKLOAD_ORDER)
    base, later = (m[:-len("-nol1d")], 1) if m.endswith("-nol1d") else (m, 0)
    mi = MODE_ORDER.index(base) if base in MODE_ORDER else len(MODE_ORDER)
    return (int(p), wi, w, h, later, mi, m)


def aggregate(runs):
    groups = {}
    for r in runs:
        groups.setdefault((r["workload"], r["pages"], r["mode"], hugepages_of(r)), []).append(r)
    counters = set()
    for r in runs:
        for k in r:
            if k not in META and k not in ("cycles", "fault_cycles", "faults", "offloaded"):
                counters.add(k)
    rows = []
    for key in sorted(groups, key=order_key):
        reps = groups[key]
        first = reps[0]
        w, p, m, h = key
        cyc = [num(r.get("cycles")) for r in reps]
        cyc_ok = [c for c in cyc if c is not None]
        fcyc = [num(r.get("fault_cycles")) for r in reps]
        fcyc_ok = [c for c in fcyc if c is not None]

        def counts(r):
            # Not compared: what host interrupts decide (asynchronous exits,
            # their total, the L1D flushes that follow an interrupt).
            keys = {k for k in (counters | {"faults", "offloaded"}) - ASYNC_EXITS - TIMING_COUNTS
                    if not k.endswith("_cycles")}
            return tuple((k, r.get(k, "0")) for k in sorted(keys))

        identical = all(counts(r) == counts(first) for r in reps)
        row = {
            "workload": w,
            "pages": int(p),
            "mode": m,
            "hugepages": h,
            "reps": len(reps),
            "status": ";".join(sorted({r.get("status", "?") for r in reps})),
            "data": ";".join(sorted({r.get("data", "none") for r in reps})),
            "mem": first.get("mem", ""),
            "faults": num(first.get("faults")),
            "offloaded": num(first.get("offloaded")),
            "cycles": round(sum(cyc_ok) / len(cyc_ok)) if cyc_ok else None,
            "cycles_min": min(cyc_ok) if cyc_ok else None,
            "cycles_max": max(cyc_ok) if cyc_ok else None,
            "fault_cycles": round(sum(fcyc_ok) / len(fcyc_ok)) if fcyc_ok else None,
            "reps_identical": "yes" if identical else "no",
        }
        for k in sorted(counters):
            row[k] = num(first.get(k, "0"))
        # A backend without exit counters (--stats printed none): unknown,
        # not zero.
        # The KVM backend prints exits_total only (no per-reason or
        # hypercall counters): per-reason and hypercall counts are unknown,
        # not zero, and exits_sync is then exits_total (async exits in).
        row["exit_breakdown"] = "yes" if any(k.startswith("exit_") for k in first) else "no"
        if row["exit_breakdown"] == "no":
            for k in list(row):
                if k.startswith(("exit_", "hc_")):
                    row[k] = None
            if not row.get("exits_total"):
                row["exits_total"] = None
        if row.get("exits_total") is not None:
            row["exits_sync"] = row["exits_total"] - sum(row.get(k) or 0 for k in ASYNC_EXITS)
        else:
            row["exits_sync"] = None
        f = row["faults"]
        pf = f if f else None
        # Per fault: the guest's timed fault phases (fault_cycles: the
        # faulting loops, not the data checks) when it reports them.
        row["cycles_per_fault"] = ratio(row["fault_cycles"] if row["fault_cycles"] else row["cycles"], pf, 1)
        row["cycles_per_page"] = ratio(row["cycles"], row["pages"], 1)
        row["exits_per_fault"] = ratio(row.get("exits_sync"), pf)
        row["hc_per_fault"] = ratio(row.get("hc_total"), pf)
        row["pf_exits_per_fault"] = ratio(row.get("exit_EXCEPTION_NMI"), pf)
        row["mmu_update_per_fault"] = ratio(row.get("hc_mmu_update"), pf)
        row["ept_violations_per_fault"] = ept_violations_per_fault(row)
        for k, cost in (("model_low_cycles_per_fault", EXIT_LOW),
                        ("model_high_cycles_per_fault", EXIT_HIGH)):
            ok = row["exits_per_fault"] is not None and row["cycles_per_fault"] is not None
            row[k] = round(row["cycles_per_fault"] + row["exits_per_fault"] * cost) if ok else None
        # The exit micro-benchmark: cycles per operation (one exit round
        # trip); the guest's own count when it prints one, else pages.
        if w == "exit":
            # The guest measures one CPUID round trip itself (cpuid_cycles;
            # vmcall_cycles beside it); else cycles over the CPUID exits.
            if num(first.get("cpuid_cycles")):
                row["cycles_per_op"] = float(num(first.get("cpuid_cycles")))
            else:
                row["cycles_per_op"] = ratio(row["cycles"], row.get("exit_CPUID") or row["pages"], 1)
        else:
            row["cycles_per_op"] = row["cycles_per_fault"]
        rows.append(row)
    return rows, sorted(counters)


# Fields of a Linux run kept as text (the rest are numbers).
LINUX_TEXT = {"workload", "mode", "place", "status", "data", "reason", "stressng",
              "bogo_ops_per_s", "init_uptime", "done_uptime", "guest_s"}


def linux_order_key(r):
    w = r["workload"]
    wi = LINUX_ORDER.index(w) if w in LINUX_ORDER else len(LINUX_ORDER) + (w != "boot")
    pi = PLACE_ORDER.index(r["place"]) if r["place"] in PLACE_ORDER else len(PLACE_ORDER)
    return (wi, w, int(r["pages"]), pi)


def linux_aggregate(runs):
    """The Linux runs (bench/linux-bench.sh), one row per workload, size and
    place (repetition 1), with cycles per fault (per op where nothing
    faults) and its ratio to bare's."""
    rows = []
    for r in runs:
        if r.get("rep", "1") != "1":
            continue
        row = {k: (v if k in LINUX_TEXT else num(v)) for k, v in r.items() if k != "rep"}
        row["pages"] = int(r["pages"])
        row["reps"] = 1
        row["cycles_per_fault"] = linux_cost(r)
        row["cycles_per_op"] = row["cycles_per_fault"]
        rows.append(row)
    rows.sort(key=linux_order_key)
    bare = {(r["workload"], r["pages"]): r for r in rows if r["place"] == "bare"}
    for r in rows:
        b = bare.get((r["workload"], r["pages"]))
        r["ratio_to_bare"] = ratio(r["cycles_per_fault"], b and b["cycles_per_fault"])
    return rows


FIRST_COLS = ["workload", "pages", "mode", "hugepages", "place", "reps", "status", "data", "mem",
              "faults", "offloaded", "cycles", "cycles_min", "cycles_max", "fault_cycles",
              "cycles_per_fault", "cycles_per_page", "cycles_per_op",
              "exits_sync", "exits_per_fault", "hc_per_fault", "pf_exits_per_fault",
              "mmu_update_per_fault", "ept_violations_per_fault", "model_low_cycles_per_fault", "model_high_cycles_per_fault",
              "reps_identical", "exit_breakdown", "ops", "ratio_to_bare", "bogo_ops",
              "bogo_ops_per_s", "stressng", "reason", "init_uptime", "done_uptime", "guest_s"]


def fmt(v, nd=None):
    if v is None:
        return "-"
    if isinstance(v, float):
        if nd is not None:
            return f"{v:,.{nd}f}"
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def git(*args):
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ept_detail(n, k):
    # Per fault, both run the same guest work G besides the EPT-violation
    # path; (n - G) / (k - G) <= n / k for any 0 <= G < n, so n / k bounds
    # the EPT paths' ratio from above.
    return (f"pfvmm native {n['cycles_per_fault']:.0f} vs kvm {k['cycles_per_fault']:.0f} "
            f"cycles per fault, EPT exits per fault {fmt(n.get('exit_EPT_VIOLATION') and n['exit_EPT_VIOLATION'] / n['faults'])} "
            f"vs KVM's (total exits) {fmt(k['exits_per_fault'])}; the ratio of the whole fault "
            "bounds the ratio of the EPT paths (same guest work in both)")


# The project's goals: at every size, VALUE of (WORKLOAD, MODE) over VALUE
# of (WORKLOAD, AGAINST) at most LIMIT.  (text, workload, mode, against,
# value, limit, detail(row, against_row) or None)
GOALS = [
    ("offload cycles/fault <= 0.6x forward (touch, {p} pages)",
     "touch", "offload", "forward", "cycles_per_fault", 0.6, None),
    ("pfvmm CPUID exit round trip <= 0.5x KVM's (exit workload, {p} iterations)",
     "exit", "native", "kvm", "cycles_per_op", 0.5,
     lambda n, k: f"pfvmm {n['cycles_per_op']:.0f}, kvm {k['cycles_per_op']:.0f} "
                  "emulated cycles per CPUID round trip"),
    ("native first-touch (EPT violation) cost per fault <= 0.5x KVM's (touch, {p} pages; bound)",
     "touch", "native", "kvm", "cycles_per_fault", 0.5, _ept_detail),
    ("sparse offload cycles/fault <= 2.0x native (sparse, {p} pages; issue 15)",
     "sparse", "offload", "native", "cycles_per_fault", 2.0,
     lambda o, n: f"offload {o['cycles_per_fault']:.0f}, native {n['cycles_per_fault']:.0f} "
                  "emulated cycles per fault"),
]


# Rows of the same runs without the L1D flush (run-matrix.sh -n): modes
# MODE-nol1d, judged by the same goals, their text saying so.
NOL1D = "-nol1d"
NOL1D_TEXT = "; L1D flush off: vmentry_l1d_flush=never, as where no flush is needed"


def goal_one_exit(by, p, tag="", sfx=""):
    """Issue 15: offload touch within one exit round trip of native; the
    value is (offload - native) / pfvmm's CPUID round trip, met at <= 1.
    The round trip is the exit workload's (no flush follows a CPUID)."""
    o, n = by.get(("touch", p, "offload" + sfx)), by.get(("touch", p, "native" + sfx))
    ex = [r for (w, _, m), r in by.items() if w == "exit" and m == "native" and r["cycles_per_op"]]
    if not (o and n and ex and o["cycles_per_fault"] and n["cycles_per_fault"]):
        return None
    rt = ex[0]["cycles_per_op"]
    v = (o["cycles_per_fault"] - n["cycles_per_fault"]) / rt
    return {"goal": f"offload touch <= native + one exit round trip (touch, {p} pages{tag}; issue 15"
                    f"{NOL1D_TEXT if sfx else ''})",
            "value": round(v, 3), "met": v <= 1.0,
            "detail": f"offload {o['cycles_per_fault']:.0f} - native {n['cycles_per_fault']:.0f} "
                      f"= {o['cycles_per_fault'] - n['cycles_per_fault']:.0f} emulated cycles, "
                      f"{v:.2f} CPUID round trips of {rt:.0f}"}


def goals(rows):
    """The project's goals (GOALS), judged on whatever rows exist: those in
    4 KiB host pages, then again with --hugepages (", hugepages" after the
    size in the goal's text), each also on the MODE-nol1d rows."""
    out = []
    for h, tag in ((0, ""), (1, ", hugepages")):
        sel = [r for r in rows if hugepages_of(r) == h]
        for sfx in ("", NOL1D):
            out += _goals_of(sel, tag, sfx)
    return out


def _goals_of(rows, tag, sfx):
    by = {(r["workload"], r["pages"], r["mode"]): r for r in rows}
    sizes = sorted({r["pages"] for r in rows})
    out = []
    for text, w, mode, against, value, limit, detail in GOALS:
        for p in sizes:
            a, b = by.get((w, p, mode + sfx)), by.get((w, p, against + sfx))
            if not (a and b and a[value] and b[value]):
                continue
            rt = a[value] / b[value]
            # "(touch, 4096 pages, hugepages)", "(exit workload, 4096 iterations, ...)"
            name = text.format(p=p)
            for unit in ("pages", "iterations"):
                name = name.replace(f"{p} {unit}", f"{p} {unit}{tag}")
            if sfx:
                name = name[:-1] + NOL1D_TEXT + ")"
            g = {"goal": name, "value": round(rt, 3), "met": rt <= limit}
            if detail:
                g["detail"] = detail(a, b)
            out.append(g)
    for p in sizes:
        g = goal_one_exit(by, p, tag, sfx)
        if g:
            out.append(g)
    return out
    return out


def model_range(r):
    lo, hi = r.get("model_low_cycles_per_fault"), r.get("model_high_cycles_per_fault")
    if lo is None or hi is None or r["workload"] == "exit":
        return "-"
    return f"{lo:,}..{hi:,} (model)"


def write_md(path, all_rows, meta):
    rows = [r for r in all_rows if not is_linux(r)]
    out = []
    out.append("# pfvmm fault benchmark\n")
    where = (f"in the emulated machine ({meta['emulator']}, guest kernel {meta['guest_kernel']})"
             if meta["platform"] == "emulated" else f"on a real VT-x host (kernel {meta['guest_kernel']})")
    out.append(f"Generated by `{'make bench' if meta['platform'] == 'emulated' else 'pfvmm bench'}` "
               f"({meta['date']}, commit `{meta['git_commit']}`) {where} "
               f"on {meta['machine']['cpu']}; matrix: {meta['matrix']}.\n")
    unit = ("**emulated cycles** (Bochs, `clock: sync=none`: the TSC advances about once per "
            "executed instruction): reproducible path lengths, not hardware time"
            if meta["platform"] == "emulated" else "**TSC cycles** of this host")
    out.append(f"**Units.** *cycles* are {unit}. Cycles per fault are the guest's timed "
               "faulting loops (`fault_cycles`: the stores that take the faults and everything "
               "the faults cost, the VMM's handling of the exits included; the data checks "
               "are outside) over the fault count; cycles per page are the whole workload "
               "(checks included) over its pages. Exit, hypercall and fault counts are exact. "
               "The **model** column is *not measured*: the emulated cycles per fault plus "
               f"exits/fault x {meta['model']['exit_low']:,}..{meta['model']['exit_high']:,} "
               "cycles, a published hardware VM exit round trip (sources in bench/README.md), "
               "for what Bochs does not charge for an exit; see `bench/report.py`.\n")
    sizes = sorted({r["pages"] for r in rows})
    for s in sizes:
        out.append(f"\n## {s} pages\n")
        cyc = "emulated cycles" if meta["platform"] == "emulated" else "cycles"
        out.append("| workload | mode | hugepages | status | faults | sync exits/fault | "
                   f"EPT violations/fault | hypercalls/fault | {cyc}/fault | "
                   f"model cycles/fault (low..high) | {cyc}/page |")
        out.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            if r["pages"] != s:
                continue
            cpf = r["cycles_per_fault"]
            label = fmt(cpf, 0)
            if r["workload"] == "exit":
                label = f"{fmt(r['cycles_per_op'], 0)} per CPUID exit"
                if r.get("vmcall_cycles"):
                    label += f", {fmt(r['vmcall_cycles'])} per VMCALL"
            out.append(f"| {r['workload']} | {r['mode']} | {r.get('hugepages', 0)} | "
                       f"{r['status']} | {fmt(r['faults'])} | {fmt(r['exits_per_fault'])} | "
                       f"{fmt(r.get('ept_violations_per_fault'), 4)} | {fmt(r['hc_per_fault'])} | "
                       f"{label} | {model_range(r)} | {fmt(r['cycles_per_page'], 0)} |")
    for s in sizes:
        pt = phase_table(small_pages(rows), s, meta["platform"] == "emulated")
        if pt:
            out.append(f"\n## Where the cycles go, {s} pages\n")
            out += pt
            out.append("\nThe pv kernel limits the module's phase counters to its timed "
                       "faulting loops (PFVMM_HC_PHASE_WINDOW), what cycles/fault covers too. "
                       "Rows with hugepages=0. The probes' own cost: bench/README.md.")
    out.append("\n## Goals\n")
    gl = meta.get("goals") or []
    if not gl:
        out.append("No rows to judge the goals on.")
    for g in gl:
        out.append(f"- {g['goal']}: {g['value']} -> {'met' if g['met'] else 'NOT met'}"
                   + (f" ({g['detail']})" if g.get("detail") else ""))
    if not any("KVM" in g["goal"] for g in gl):
        out.append("- KVM comparisons: no kvm rows (the launcher has no --backend kvm yet, "
                   "or the exit workload is missing): not judged.")
    out += linux_md(all_rows, meta)
    out.append("\n`-`: not applicable (no faults, e.g. reaccess) or not reported by that backend. "
               "kvm rows: Debian's kvm_intel inside the same emulated machine, the native guest run with "
               "`pfvmm run --backend kvm`; that backend reports only a total exit count (asynchronous exits "
               "included) and no hypercall counters; its EPT violations/fault are KVM's own count of its "
               "TDP faults (`pf_taken`). hugepages=1: `pfvmm run --hugepages` (THP, 2 MiB EPT leaves where "
               "a whole aligned 2 MiB is one host page, in both backends). "
               "MODE-nol1d rows: the same runs again with the L1D flush off, pfvmm's and kvm_intel's "
               "`vmentry_l1d_flush=never` (bench/run-matrix.sh -n): what the faults cost where no flush "
               "is needed (a CPU without L1TF; the emulated Haswell has it).\n")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def linux_md(rows, meta):
    """results.md's second table: the Linux rows and their goals."""
    lt = linux_table(rows)
    if not lt:
        return []
    out = ["\n## Linux: the same workloads as Linux processes, bare / pfvmm / kvm\n",
           "bench/linux-fault and stress-ng on the emulated machine's own kernel (bare, no VMM), "
           "in a Linux guest of the same kernel under pfvmm (EPT) and under KVM "
           "(bench/linux-bench.sh). Cycles are rdtsc around the faulting loop, in whichever "
           "kernel runs the program (emulated cycles: the VMM's handling of the guest's exits "
           "included).\n"]
    out += lt
    out.append("\nLinux goals:\n")
    for g in meta.get("linux_goals") or []:
        val = "-" if g["value"] is None else g["value"]
        out.append(f"- {g['goal']}: {val} -> {'met' if g['met'] else 'NOT met'} ({g.get('detail', '')})")
    return out


def write_linux_dat(path, rows):
    """The plot data of linux-fault-cost.png: cycles per fault (per op for
    reaccess, exit and stosb) of each workload in each place, "-" where none."""
    by = {(r["workload"], r["place"]): r for r in rows if r.get("data") == "ok"}
    names = [w for w in LINUX_ORDER if any((w, p) in by for p in PLACE_ORDER)]
    places = [p for p in PLACE_ORDER if any((w, p) in by for w in names)]
    with open(path, "w") as f:
        f.write("label " + " ".join(places) + "\n")
        for w in names:
            vals = [by[(w, p)]["cycles_per_fault"] if (w, p) in by else None for p in places]
            f.write(w + " " + " ".join("-" if v is None else f"{v:.0f}" for v in vals) + "\n")


def write_dat(path, rows):
    modes = [m for m in MODE_ORDER if any(r["mode"] == m for r in rows)]
    keys = []
    for r in rows:
        if r["workload"] in ("reaccess", "exit") or not r["faults"]:
            continue
        k = (r["workload"], r["pages"])
        if k not in keys:
            keys.append(k)
    keys.sort(key=lambda k: (WORKLOAD_ORDER.index(k[0]) if k[0] in WORKLOAD_ORDER else 99, k[1]))
    by = {(r["workload"], r["pages"], r["mode"]): r for r in rows}
    with open(path, "w") as f:
        f.write("label " + " ".join(modes) + "\n")
        for w, p in keys:
            vals = []
            for m in modes:
                r = by.get((w, p, m))
                v = r["cycles_per_fault"] if r else None
                vals.append("-" if v is None else f"{v:.0f}")
            f.write(f"{w}/{p} " + " ".join(vals) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/results")
    ap.add_argument("--kver", default="unknown")
    ap.add_argument("--platform", choices=["emulated", "host"], default="emulated",
                    help="emulated: the Bochs machine (emulated cycles); "
                         "host: a real VT-x host (pfvmm bench there; real TSC cycles)")
    ap.add_argument("--wall", type=int, default=None)
    ap.add_argument("--matrix", default="")
    ap.add_argument("--vm-status", type=int, default=None)
    ap.add_argument("--commit", default=None,
                    help="the commit measured (default: git HEAD, -dirty when changed)")
    ap.add_argument("lines")
    a = ap.parse_args()

    runs = read_bench_lines(a.lines)
    if not runs:
        print("report: no BENCH lines in " + a.lines, file=sys.stderr)
        return 1
    lruns = [r for r in runs if is_linux(r)]
    runs = [r for r in runs if not is_linux(r)]
    rows, counters = aggregate(runs) if runs else ([], [])
    lrows = linux_aggregate(lruns)
    os.makedirs(a.out, exist_ok=True)

    lcols = sorted({k for r in lrows for k in r} - set(FIRST_COLS))
    cols = FIRST_COLS + [c for c in counters if c not in FIRST_COLS]
    cols += [c for c in lcols if c not in cols]
    rows += lrows
    with open(os.path.join(a.out, "results.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        wr.writeheader()
        for r in rows:
            wr.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})

    un = platform.uname()
    # Dirty: tracked changes outside bench/results (the files written here).
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".",
                ":(exclude)bench/results")
    meta = {
        "machine": {"uname": " ".join([un.system, un.node, un.release, un.version, un.machine]),
                    "cpu": cpu_model(), "cpus": os.cpu_count()},
        "platform": a.platform,
        "emulator": ("bochs 2.7 corei7_haswell_4770" if a.platform == "emulated"
                     else "none: real VT-x host"),
        "guest_kernel": a.kver,
        "git_commit": a.commit or (git("rev-parse", "HEAD")
                                   + ("-dirty" if dirty and dirty != "unknown" else "")),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wall_seconds": a.wall,
        "vm_run_status": a.vm_status,
        "matrix": a.matrix,
        "units": {"cycles": ("emulated cycles (Bochs TSC, sync=none), not hardware time"
                             if a.platform == "emulated" else "TSC cycles of the real host"),
                  "counts": "exact"},
        "model": {"exit_low": EXIT_LOW, "exit_high": EXIT_HIGH,
                  "formula": "cycles_per_fault + exits_per_fault * exit_low..exit_high "
                             "(model, not measured; sources in bench/README.md)"},
    }
    meta["goals"] = goals([r for r in rows if not is_linux(r)])
    meta["linux_goals"] = linux_goals(rows)
    sng = next((r.get("stressng") for r in lrows if r.get("stressng")), None)
    if sng:
        meta["stress_ng"] = f"{sng} (Debian's stress-ng package)"
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
        f.write("\n")
    write_md(os.path.join(a.out, "results.md"), rows, meta)
    write_dat(os.path.join(a.out, "fault-cost.dat"), small_pages([r for r in rows if not is_linux(r)]))
    if lrows:
        write_linux_dat(os.path.join(a.out, "linux-fault-cost.dat"), lrows)
    print(f"report: {len(runs) + len(lruns)} runs, {len(rows)} rows -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
