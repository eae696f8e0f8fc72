#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A launcher's own mapping of guest memory stays writable while frames are
# pv page tables.  pt-tamper (tests/vm/pt-tamper.c) writes junk into the
# pinned tables of pvkernel.elf hostile=tamper through that mapping: an L1
# entry that maps frame 2^36 writable, a whole L1 of such entries, an L2
# whose link moves to another pinned L1.  The guest then updates and
# unpins those tables.  The host must stay intact (no BUG, WARNING or Oops
# in the kernel log: before the validator kept its own copy of each table,
# put_type() indexed frames[2^36]), the guest's checks must pass (exactly
# the references the validator took are dropped), the VM's tables_pinned
# must come back to its value before the test, and once the VM is gone
# every live counter in /sys/kernel/pfvmm must be 0.
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
[ -f "$K" ] || fail "$K is missing (make -C guest/kernel, then stage)"
command -v pt-tamper >/dev/null || fail "pt-tamper is missing (make -C tests/vm, then stage)"
bad=0

mark="t-pt-tamper: start $$"
echo "$mark" >/dev/kmsg

out=/tmp/t-pt-tamper.out
pt-tamper "$K" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 0 ] || { echo "pt-tamper: status $st (want 0)"; bad=$((bad + 1)); }
grep -q '^hostile summary: 0 failed' "$out" ||
	{ echo "the guest's checks did not all pass"; bad=$((bad + 1)); }
grep -q '^hostile tamper-tables-back got=0 want=0 PASS' "$out" ||
	{ echo "tables_pinned did not come back"; bad=$((bad + 1)); }

live_counters_zero || bad=$((bad + $?))

kernel_log_clean "$mark" || bad=$((bad + 1))

[ "$bad" -eq 0 ] || fail "$bad pt-tamper check(s) went wrong"
exit 0
