#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-results.py RESULTS.csv - verify the fault benchmark's results.

Prints one PASS/FAIL/INFO line per check; exits 1 on any FAIL (2 on a
missing/unreadable file).  The checks (tests/vm/t-bench-check.sh does the
same in awk inside the emulated machine):
  - every run finished: status 0, data=ok;
  - offload, touch/cow/sparse: exactly 1.0 #PF exit (exit_EXCEPTION_NMI) per
    fault, pf_offloaded == faults, and no MMU_UPDATE on the fault path:
    hc_mmu_update / faults < 0.05 (the few setup calls amortised);
  - forward, every workload with faults: >= 2 exits per fault (the #PF exit
    and the VMCALL); hypercalls per fault reported;
  - one workload and size: the same fault count in every mode;
  - several repetitions: identical counts (reps_identical);
  - emulated cycles per fault at the largest size within 1.5x of the
    smallest, per workload and mode (whatever sizes exist).
"""

import csv
import sys

MAX_MMU_PER_FAULT = 0.05
MAX_SIZE_RATIO = 1.5

fails = 0


def say(verdict, msg):
    global fails
    if verdict == "FAIL":
        fails += 1
    print(f"{verdict} {msg}")


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def main():
    if len(sys.argv) != 2:
        print("usage: check-results.py RESULTS.csv", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        print(f"check-results: {e}", file=sys.stderr)
        return 2
    if not rows:
        say("FAIL", "no rows in " + sys.argv[1])
        return 1

    for r in rows:
        name = f"{r['workload']} pages={r['pages']} mode={r['mode']}"
        if r["status"] != "0" or r["data"] != "ok":
            say("FAIL", f"{name}: run status={r['status']} data={r['data']}")
        faults = num(r.get("faults"))
        if r["workload"] == "exit" or not faults:
            continue
        pfx = num(r.get("exit_EXCEPTION_NMI")) or 0.0
        mmu = num(r.get("hc_mmu_update")) or 0.0
        exits = num(r.get("exits_sync")) or 0.0
        hcs = num(r.get("hc_total")) or 0.0
        if r["mode"] == "offload":
            if r["workload"] in ("touch", "cow", "sparse"):
                pfo = num(r.get("pf_offloaded")) or 0.0
                ok = pfx == faults and pfo == faults and mmu / faults < MAX_MMU_PER_FAULT
                say("PASS" if ok else "FAIL",
                    f"{name}: #PF exits/fault={pfx / faults:.3f} (want 1.000) "
                    f"pf_offloaded={pfo:.0f} faults={faults:.0f} "
                    f"mmu_update/fault={mmu / faults:.4f} (want < {MAX_MMU_PER_FAULT})")
            else:
                say("INFO", f"{name}: #PF exits/fault={pfx / faults:.3f} "
                    f"mmu_update/fault={mmu / faults:.4f} hypercalls/fault={hcs / faults:.3f}")
        elif r["mode"] == "forward":
            ok = exits / faults >= 2.0
            say("PASS" if ok else "FAIL",
                f"{name}: exits/fault={exits / faults:.3f} (want >= 2) "
                f"hypercalls/fault={hcs / faults:.3f} #PF exits/fault={pfx / faults:.3f}")

    # The same fault count in every mode.
    groups = {}
    for r in rows:
        if r["workload"] == "exit":
            continue
        groups.setdefault((r["workload"], int(r["pages"])), []).append(r)
    for (w, p), rs in sorted(groups.items()):
        counts = {r["mode"]: r["faults"] for r in rs}
        ok = len(set(counts.values())) == 1
        say("PASS" if ok else "FAIL",
            f"{w} pages={p}: faults in every mode: "
            + " ".join(f"{m}={c}" for m, c in counts.items()))

    # Repetitions.
    multi = [r for r in rows if int(r.get("reps") or 1) > 1]
    for r in multi:
        ok = r.get("reps_identical") == "yes"
        say("PASS" if ok else "FAIL",
            f"{r['workload']} pages={r['pages']} mode={r['mode']}: counts of "
            f"{r['reps']} repetitions identical: {r.get('reps_identical')} "
            f"(cycles {r.get('cycles_min')}..{r.get('cycles_max')})")
    if not multi:
        say("INFO", "one repetition per run: repeatability not checked")

    # Cost per fault: largest size vs smallest.
    by = {}
    for r in rows:
        cpf = num(r.get("cycles_per_op") if r["workload"] == "exit" else r.get("cycles_per_fault"))
        if cpf:
            by.setdefault((r["workload"], r["mode"]), {})[int(r["pages"])] = cpf
    for (w, m), sizes in sorted(by.items()):
        if len(sizes) < 2:
            say("INFO", f"{w} mode={m}: one size only, scaling not checked")
            continue
        lo, hi = min(sizes), max(sizes)
        ratio = sizes[hi] / sizes[lo]
        ok = 1 / MAX_SIZE_RATIO <= ratio <= MAX_SIZE_RATIO
        say("PASS" if ok else "FAIL",
            f"{w} mode={m}: cycles/fault {sizes[lo]:.0f} at {lo} pages, "
            f"{sizes[hi]:.0f} at {hi} pages: ratio {ratio:.3f} (want within {MAX_SIZE_RATIO}x)")

    print(f"check-results: {fails} failed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
