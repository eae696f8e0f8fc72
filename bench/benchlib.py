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

The Linux rows (bench/linux-bench.sh: "BENCH mode=linux place=P ...",
the workloads of bench/linux-fault and stress-ng in the places bare, pfvmm
and kvm) share both files, with mode "linux" and a place; is_linux() tells
them apart, and the Linux goals (LINUX_GOALS, linux_goals()) and the
Linux table (linux_table(), for results.md and the README) live here.
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


PLACE_ORDER = ["bare", "pfvmm", "kvm"]
LINUX_ORDER = ["touch", "cow", "remap", "sparse", "reaccess", "exit", "stosb", "forkexec"]
# Where nothing is meant to fault: the cost is per operation (a pass over
# a page, a system call, a stress-ng run), not per fault.
PER_OP = {"reaccess", "exit", "stosb"}


def is_linux(row):
    """A Linux row (mode=linux), from a BENCH line, results.csv or .json."""
    return row.get("mode") == "linux"


def linux_cost(row):
    """Cycles per fault of a Linux row (per op for reaccess, exit and
    stress-ng: what they do is not faulting); None when unknown."""
    w = row.get("workload", "")
    fc, n = fnum(row.get("fault_cycles")), fnum(row.get("faults"))
    if w in PER_OP or w.startswith("stress-"):
        n = fnum(row.get("ops"))
    return round(fc / n, 1) if fc and n else None


# (text, workload, place, against, limit): cycles per fault of WORKLOAD in
# PLACE over those in AGAINST at most LIMIT, at every size.
LINUX_GOALS = [
    ("Linux touch: pfvmm cycles/fault <= 1.10x bare ({p} pages)", "touch", "pfvmm", "bare", 1.10),
    ("Linux touch: pfvmm cycles/fault <= KVM's ({p} pages)", "touch", "pfvmm", "kvm", 1.0),
    ("Linux forkexec: pfvmm cycles/fault <= 1.25x bare ({p} rounds)", "forkexec", "pfvmm", "bare", 1.25),
]


def boot_exits(row):
    """A guest's exits from the launcher's start to /init (the VMM's
    counter over its boot row), None when unknown."""
    return fnum(row.get(VMM_EXITS.get(row.get("place"), ""))) or None


def linux_goals(rows):
    """The Linux goals judged on whatever Linux rows exist (results.csv or
    .json rows): [{"goal", "value", "met", "detail"}]; a goal whose rows
    are missing or failed is there with value None and why."""
    by = {(r["workload"], str(r["pages"]), r.get("place")): r for r in rows if is_linux(r)}
    out = []
    for text, w, place, against, limit in LINUX_GOALS:
        for p in sorted({k[1] for k in by if k[0] == w}, key=int):
            a, b = by.get((w, p, place)), by.get((w, p, against))
            g = {"goal": text.format(p=p), "value": None, "met": False}
            ca, cb = (linux_cost(a) if a else None), (linux_cost(b) if b else None)
            if ca and cb and a.get("data") == "ok" and b.get("data") == "ok":
                g["value"] = round(ca / cb, 3)
                g["met"] = g["value"] <= limit
                g["detail"] = f"{place} {ca:,.0f} vs {against} {cb:,.0f} cycles per fault"
            else:
                g["detail"] = "not judged: " + linux_missing(rows, place if not ca else against, w)
            out.append(g)
    out += _boot_goal(by)
    return out


def _boot_goal(by):
    """pfvmm boots to /init in fewer exits than KVM."""
    a, b = by.get(("boot", "0", "pfvmm")), by.get(("boot", "0", "kvm"))
    ea, eb = (boot_exits(a) if a else None), (boot_exits(b) if b else None)
    if not (a and b):
        return []
    g = {"goal": "Linux boot: pfvmm exits to /init < KVM's", "value": None, "met": False}
    if ea and eb:
        g["value"] = round(ea / eb, 3)
        g["met"] = ea < eb
        g["detail"] = f"pfvmm {ea:,.0f} vs kvm {eb:,.0f} exits from the launcher's start to /init"
    else:
        g["detail"] = "not judged: no exit count to /init in both boot rows"
    return [g]


def linux_missing(rows, place, workload):
    """Why a place has no usable row of a workload: its boot row's reason."""
    boot = [r for r in rows if is_linux(r) and r.get("place") == place and r["workload"] == "boot"]
    if boot and boot[0].get("reason"):
        return f"{place} failed ({boot[0]['reason'].replace('_', ' ')})"
    return f"no {workload} row of {place} with data=ok"


def fnum(v):
    """A number field (int or float), None when absent or not a number."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


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


def hugepages_of(row):
    """A row's hugepages value: 1 when its guest memory had --hugepages
    (BENCH lines and results before the dimension existed: 0)."""
    return int(num(row.get("hugepages")) or 0)


def small_pages(rows):
    """The rows of runs in 4 KiB host pages (hugepages=0)."""
    return [r for r in rows if hugepages_of(r) == 0]


def ept_violations_per_fault(row):
    """EPT violations per fault: pfvmm's exit count, or KVM's own count of
    its TDP faults (kvm_vcpu_pf_taken); None when neither is known."""
    n = row.get("exit_EPT_VIOLATION")
    if n is None or n == "":
        n = row.get("kvm_vcpu_pf_taken")
    f = num(row.get("faults"))
    if n is None or n == "" or not f:
        return None
    return round(num(n) / f, 4)


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


def _cell(v, nd=0):
    return "-" if v is None else f"{v:,.{nd}f}"


def _linux_by(rows):
    return {(r["workload"], r.get("place")): r for r in rows if is_linux(r)}


def _place_cost(by, w, place):
    """'C (R x)' for a place: cycles and the ratio to bare; why not else."""
    r, b = by.get((w, place)), by.get((w, "bare"))
    if not r:
        return "-"
    if r.get("data") != "ok":
        return f"data={r.get('data')}"
    c, cb = linux_cost(r), (linux_cost(b) if b and b.get("data") == "ok" else None)
    if place == "bare" or not c or not cb:
        return _cell(c)
    return f"{_cell(c)} ({c / cb:.2f}x)"


# The VMM's counters over one workload (bench/linux-bench.sh's vmm_*
# fields): exits, and EPT faults (pfvmm pins a 16-page group at each).
VMM_EXITS = {"pfvmm": "vmm_vm_exits", "kvm": "vmm_exits"}
VMM_EPT = {"pfvmm": ("vmm_pages_pinned", 16), "kvm": ("vmm_pf_taken", 1)}


def vmm_per(row, what):
    """Exits ("exits") or EPT faults ("ept") of the VMM per fault (per op
    where nothing faults) over a workload of a VMM place; None unknown."""
    place, w = row.get("place"), row.get("workload", "")
    if what == "exits":
        key, div = VMM_EXITS.get(place), 1
    else:
        key, div = VMM_EPT.get(place, (None, 1))
    v = fnum(row.get(key)) if key else None
    n = fnum(row.get("ops" if w in PER_OP or w.startswith("stress-") else "faults"))
    return v / div / n if v is not None and n else None


def _vmm_cell(by, w, what):
    return " / ".join(_cell(vmm_per(by[(w, p)], what), 3) if (w, p) in by else "-"
                      for p in ("pfvmm", "kvm"))


def _faults_cell(by, w):
    return " / ".join(_cell(fnum(by[(w, p)].get("faults"))) if (w, p) in by else "-"
                      for p in PLACE_ORDER)


def linux_table(rows):
    """Markdown lines: the Linux rows, cycles per fault (per op where
    nothing faults) in each place and the ratio to bare, stress-ng's
    bogo-ops and faults, and the guests' boots."""
    by = _linux_by(rows)
    if not by:
        return []
    size = next((r["pages"] for r in rows if is_linux(r) and r["workload"] == "touch"), "?")
    out = [f"bench/linux-fault at {size} pages: emulated cycles per fault (per operation for "
           "reaccess, exit and stosb) and the ratio to bare; faults are ru_minflt over the timed loop:", "",
           "| workload | faults bare / pfvmm / kvm | cycles per | bare | pfvmm | kvm | "
           "VMM exits per, pfvmm / kvm | EPT faults per, pfvmm / kvm |",
           "|---|---:|---|---:|---:|---:|---:|---:|"]
    for w in LINUX_ORDER:
        if not any((w, p) in by for p in PLACE_ORDER):
            continue
        unit = {"reaccess": "page read", "exit": "getppid()", "stosb": "page stosb"}.get(w, "fault")
        out.append(f"| {w} | {_faults_cell(by, w)} | {unit} | "
                   + " | ".join(_place_cost(by, w, p) for p in PLACE_ORDER)
                   + f" | {_vmm_cell(by, w, 'exits')} | {_vmm_cell(by, w, 'ept')} |")
    out += ["", "VMM exits and EPT faults: the VMM's counters over the workload's run and its data "
            "checks (timer ticks included), per fault or op; pfvmm's EPT faults are its pages "
            "pinned / 16 (it maps the 64 KiB group around a violation), KVM's its pf_taken."]
    out += _stress_table(rows, by) + _boot_table(by) + _cpu_table(by)
    return out


def _cpu_table(by):
    cpus = [(p, by[("cpu", p)]) for p in PLACE_ORDER if ("cpu", p) in by]
    if not cpus:
        return []
    flags = [k for k in cpus[0][1] if fnum(cpus[0][1][k]) in (0, 1) and k not in
             ("pages", "status", "reps", "rep", "faults", "cycles", "fault_cycles")]
    flags = [k for k in flags if not k.startswith(("cycles", "ratio", "vmm_"))]
    out = ["", "CPU features the kernel saw in each place (/proc/cpuinfo; 1 = present):", "",
           "| place | " + " | ".join(flags) + " |", "|---|" + "---:|" * len(flags)]
    for p, r in cpus:
        out.append(f"| {p} | " + " | ".join(str(int(fnum(r[k]) or 0)) for k in flags) + " |")
    return out


def _stress_table(rows, by):
    names = []
    for r in rows:
        if is_linux(r) and r["workload"].startswith("stress-") and r["workload"] not in names:
            names.append(r["workload"])
    if not names:
        return []
    ver = next((r.get("stressng") for r in rows if is_linux(r) and r.get("stressng")), "?")
    out = ["", f"stress-ng {ver} (Debian's), one instance per stressor bounded by --ops; faults and "
           "cycles of its whole process tree (startup included), bogo-ops/s its own (emulated seconds):", "",
           "| stressor | bogo-ops | faults bare / pfvmm / kvm | cycles per run: bare | pfvmm | kvm | "
           "bogo-ops/s bare / pfvmm / kvm |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for w in names:
        ops = next((by[(w, p)].get("bogo_ops") for p in PLACE_ORDER if (w, p) in by), "-")
        rate = " / ".join(_cell(fnum(by[(w, p)].get("bogo_ops_per_s")), 1) if (w, p) in by else "-"
                          for p in PLACE_ORDER)
        out.append(f"| {w[7:]} | {ops} | {_faults_cell(by, w)} | "
                   + " | ".join(_place_cost(by, w, p) for p in PLACE_ORDER) + f" | {rate} |")
    return out


def _boot_table(by):
    boots = [(p, by[("boot", p)]) for p in PLACE_ORDER if ("boot", p) in by]
    if not boots:
        return []
    out = ["", "The Linux guests' runs (whole boot and workloads; exits by reason from `--stats`):", "",
           "| place | status | uptime at /init, s | at the end, s | exits to /init | exits | most exits | reason |",
           "|---|---|---:|---:|---:|---:|---|---|"]
    for p, r in boots:
        ex = sorted(((fnum(v) or 0, k[5:]) for k, v in r.items()
                     if k.startswith("exit_") and fnum(v)), reverse=True)[:3]
        top = ", ".join(f"{k} {v:,.0f}" for v, k in ex) or "-"
        why = (r.get("reason") or "").replace("_", " ") or "-"
        out.append(f"| {p} | {r.get('status')} {r.get('data')} | {r.get('init_uptime') or '-'} | "
                   f"{r.get('done_uptime') or '-'} | {_cell(boot_exits(r))} | "
                   f"{_cell(fnum(r.get('exits_total')))} | {top} | {why} |")
    return out


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
    ("ept", "pinning and EPT-mapping guest memory (an EPT violation, or a frame offload needs)"),
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
