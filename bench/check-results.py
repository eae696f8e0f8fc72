#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-results.py RESULTS.csv - verify the fault benchmark's results.

Hands every pvkernel row of RESULTS.csv, as a BENCH line, to the
benchmark's rules in bench/check.awk (listed there; tests/vm/t-bench-check.sh
runs the same file inside the emulated machine, which has no python3), and
every Linux row (mode=linux: bench/linux-bench.sh's places bare, pfvmm and
kvm) to bench/linux-check.awk (every run data=ok, the fault workloads take
their faults, pfvmm's and kvm's fault counts within 5% of bare's, the
ratios to bare as INFO lines); then prints the Linux goals (benchlib's
LINUX_GOALS) as "GOAL ... met|missed" lines with the figure.  Prints one
PASS/FAIL/INFO line per check and "check-results: N failed"; exits 1 on
any FAIL (2 on a missing/unreadable file).  Goals are reported, not failed.
"""

import os
import subprocess
import sys

from benchlib import LINUX_ORDER, bench_line, is_linux, linux_goals, read_csv

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "check.awk")
LINUX_RULES = os.path.join(HERE, "linux-check.awk")


def run_rules(rules, prog, rows, extra=()):
    """The awk rules over @rows as BENCH lines: awk's status, 2 without awk."""
    lines = "".join(bench_line(r) + "\n" for r in rows)
    try:
        done = subprocess.run(["awk", "-v", "prog=" + prog, *extra, "-f", rules],
                              input=lines, text=True, check=False)
    except OSError as e:
        print(f"check-results: awk: {e}", file=sys.stderr)
        return 2
    return done.returncode


def print_goals(rows):
    for g in linux_goals(rows):
        val = "-" if g["value"] is None else f"{g['value']:.3f}x"
        print(f"GOAL {g['goal']}: {val}, {'met' if g['met'] else 'missed'} ({g.get('detail', '')})")


def main():
    if len(sys.argv) != 2:
        print("usage: check-results.py RESULTS.csv", file=sys.stderr)
        return 2
    try:
        rows = read_csv(sys.argv[1])
    except OSError as e:
        print(f"check-results: {e}", file=sys.stderr)
        return 2
    if not rows:
        print("FAIL no rows in " + sys.argv[1])
        return 1
    pv = [r for r in rows if not is_linux(r)]
    linux = [r for r in rows if is_linux(r)]
    st = run_rules(RULES, "check-results", pv) if pv else 0
    if linux:
        need = " ".join(LINUX_ORDER)
        lst = run_rules(LINUX_RULES, "check-results-linux", linux, ("-v", "need=" + need))
        st = max(st, lst)
        print_goals(linux)
    if st == 2:
        return 2
    return 1 if st else 0


if __name__ == "__main__":
    sys.exit(main())
