#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-results.py RESULTS.csv - verify the fault benchmark's results.

Hands every row of RESULTS.csv, as a BENCH line, to the benchmark's rules
in bench/check.awk (listed there; tests/vm/t-bench-check.sh runs the same
file inside the emulated machine, which has no python3).  Prints one
PASS/FAIL/INFO line per check and "check-results: N failed"; exits 1 on
any FAIL (2 on a missing/unreadable file).
"""

import os
import subprocess
import sys

from benchlib import bench_line, read_csv

RULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check.awk")


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
    lines = "".join(bench_line(r) + "\n" for r in rows)
    try:
        done = subprocess.run(["awk", "-v", "prog=check-results", "-f", RULES],
                              input=lines, text=True, check=False)
    except OSError as e:
        print(f"check-results: awk: {e}", file=sys.stderr)
        return 2
    return 1 if done.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
