#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A pv guest on two vCPUs (pvbase, tests/vm/pvbase.c, with pvkernel.elf
# hostile=twobase; vCPU 0 on CPU 0, vCPU 1 on CPU 1): the base pointer is
# each vCPU's own.  vCPU 1 loads a second pinned L4 and tries to unpin the
# first, which vCPU 0 still runs on: -EBUSY (with one base per VM it was
# unpinned under vCPU 0's feet).  vCPU 0 then runs touch with offload on:
# all 64 faults must be resolved by the VMM in vCPU 0's own tables and
# none forwarded (with one base per VM they were resolved in vCPU 1's).
# The host stays intact: no splat in the kernel log, every live counter
# in /sys/kernel/pfvmm back to 0 once the VM is gone.
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
[ -f "$K" ] || fail "$K is missing (make -C guest/kernel, then stage)"
command -v pvbase >/dev/null || fail "pvbase is missing (make -C tests/vm, then stage)"
bad=0

mark="s-pvbase: start $$"
echo "$mark" >/dev/kmsg

out=/tmp/s-pvbase.out
pvbase "$K" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 0 ] || { echo "pvbase: status $st (want 0)"; bad=$((bad + 1)); }
grep -q '^hostile summary: 0 failed' "$out" ||
	{ echo "the guest's checks did not all pass"; bad=$((bad + 1)); }
grep -q '^pvbase: vCPU 1 done' "$out" ||
	{ echo "vCPU 1 never finished"; bad=$((bad + 1)); }

live_counters_zero || bad=$((bad + $?))

kernel_log_clean "$mark" || bad=$((bad + 1))

[ "$bad" -eq 0 ] || fail "$bad pvbase check(s) went wrong"
exit 0
