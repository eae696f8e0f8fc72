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
