# SPDX-License-Identifier: GPL-2.0
"""benchlib.py - reading and writing the fault benchmark's results.

The one parser of the benchmark's formats, for report.py, readme.py and
check-results.py:

  BENCH lines   "BENCH workload=W pages=N mode=M rep=R status=S k=v ...",
                one per run (pfvmm bench; bench/run-matrix.sh in the
                emulated machine).  bench_line() writes a row back in this
                form: bench/check.awk, the benchmark's rules, reads it.
  results.csv   one row per workload, size and mode (report.py writes it);
                read_csv() returns the rows as dicts of strings, "" for
                unknown.
  results.json  {"meta": {...}, "rows": [...]} (report.py writes it);
                read_json() returns it.
"""

import csv
import json

MODE_ORDER = ["native", "forward", "offload", "kvm"]
WORKLOAD_ORDER = ["touch", "cow", "remap", "sparse", "reaccess", "exit"]
# The workloads that fault (the others: reaccess touches prefaulted pages,
# exit times exits).
FAULT_WORKLOADS = ["touch", "cow", "remap", "sparse"]
# Exits that happen whatever the guest does (host timer ticks and
# interrupts): not in exits_sync, not compared between repetitions.
# bench/check.awk leaves out the same four.
ASYNC_EXITS = {"exit_EXTERNAL_INTERRUPT", "exit_PREEMPTION_TIMER",
               "exit_INTERRUPT_WINDOW", "exit_NMI_WINDOW"}


def parse_bench_line(line):
    """A BENCH line's k=v fields as a dict; None for any other line or a
    BENCH line without workload, pages and mode."""
    words = line.split()
    if not words or words[0] != "BENCH":
        return None
    d = {}
    for tok in words[1:]:
        if "=" in tok:
            k, v = tok.split("=", 1)
            d[k] = v
    if "workload" in d and "pages" in d and "mode" in d:
        return d
    return None


def read_bench_lines(path):
    """Every run of a file of BENCH lines (other lines are skipped)."""
    runs = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            d = parse_bench_line(line)
            if d is not None:
                runs.append(d)
    return runs


def bench_line(row):
    """A row (a run, or a results.csv row) as a BENCH line; unknown values
    (None or "") are left out."""
    return "BENCH " + " ".join(f"{k}={v}" for k, v in row.items()
                               if v is not None and v != "")


def read_csv(path):
    """The rows of a results.csv."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_json(path):
    """A results.json: {"meta": ..., "rows": ...}."""
    with open(path) as f:
        return json.load(f)


def num(v):
    """An integer field, None when absent or not a number."""
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def ratio(a, b, nd=3):
    """a / b rounded to nd places; None without a value or with b == 0."""
    if a is None or b is None or b == 0:
        return None
    return round(a / b, nd)


# The module's exit-path phases (include/uapi/pfvmm.h PFVMM_PHASE_*, the
# "phase_NAME_cycles" and "phase_NAME_count" counters of --stats): name,
# what it covers.  Every host cycle from a VM exit to the next entry is in
# exactly one of them.
PHASES = [
    ("exit", "VM exit to dispatch: host state back, host IRQ, loop checks"),
    ("dispatch", "counting the exit, finding its handler"),
    ("handler", "handler work outside the phases below (decode, inject, copy-in)"),
    ("walk", "offload: walking the guest's tables (validated shadows)"),
    ("pool", "offload: taking a frame from the pool"),
    ("zero", "offload: zeroing or copying that frame"),
    ("pte", "a PTE validated and written (offload, MMU_UPDATE)"),
    ("pin", "a page-table page typed, validated and pinned"),
    ("flush", "TLB flushes and EPT write-protection of a new table"),
    ("ept", "EPT violation: pin and map guest memory"),
    ("resume", "handler to VM entry (guest state, injection), without:"),
    ("l1d", "the L1D flush before entry (L1TF, kmod/l1d.c)"),
]
# The workloads and modes the breakdown is shown for.
PHASE_WORKLOADS = ["touch", "sparse"]
PHASE_MODES = ["forward", "offload"]


def has_phases(row):
    """Whether a row carries the module's phase counters."""
    return any(row.get(f"phase_{p}_cycles") for p, _ in PHASES)


def phase_table(rows, size, emulated=True):
    """Markdown lines: host cycles per fault by phase, for PHASE_WORKLOADS
    in PHASE_MODES at @size, and what is left (the guest's own work and
    the hardware's exit and entry); [] without phase counters."""
    by = {(r["workload"], r["mode"]): r for r in rows if r["pages"] == size}
    cols = [(w, m) for w in PHASE_WORKLOADS for m in PHASE_MODES
            if by.get((w, m)) and has_phases(by[(w, m)]) and by[(w, m)].get("faults")]
    if not cols:
        return []
    unit = "emulated cycles" if emulated else "cycles"
    out = [f"Where the cycles go at {size:,} pages ({unit} per fault: the module's "
           "phase counters over the guest's timed faulting loops, divided by the faults; "
           "in brackets how often the phase was entered per fault):", "",
           "| phase | " + " | ".join(f"{w} {m}" for w, m in cols) + " |",
           "|---|" + "---:|" * len(cols)]
    for p, what in PHASES:
        cells = []
        for w, m in cols:
            r = by[(w, m)]
            cyc = (r.get(f"phase_{p}_cycles") or 0) / r["faults"]
            cnt = r.get(f"phase_{p}_count")
            cells.append(f"{cyc:,.0f}" + (f" ({cnt / r['faults']:.2f})" if cnt else ""))
        out.append(f"| {p}: {what} | " + " | ".join(cells) + " |")
    tot, rest = [], []
    for w, m in cols:
        r = by[(w, m)]
        host = sum((r.get(f"phase_{p}_cycles") or 0) for p, _ in PHASES) / r["faults"]
        tot.append(f"**{host:,.0f}**")
        rest.append(f"{r['cycles_per_fault'] - host:,.0f}")
    out.append("| **module, all phases** | " + " | ".join(tot) + " |")
    out.append("| guest work + hardware exit/entry (cycles/fault less the above) | "
               + " | ".join(rest) + " |")
    out.append("| cycles/fault (measured by the guest) | "
               + " | ".join(f"{by[c]['cycles_per_fault']:,.0f}" for c in cols) + " |")
    return out
