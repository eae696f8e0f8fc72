#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The longest single hypercall: pvkernel.elf hostile=longcall makes one
# MULTICALL of 64 MMUEXT_OPs of 512 operations each (pins and unpins of a
# full L1: 32768 operations, each of 512 entries).  Every operation must
# succeed, and the host must keep scheduling: a shell loop beside it (the
# same CPU in the smp=1 boot) must have run while the guest did, and the
# kernel log must show no soft lockup, RCU stall or hung task (the module
# yields between chunks of a batch).  The emulated
# cycles the one exit took are printed: the figure docs/host-safety.md
# gives as the worst case.
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
[ -f "$K" ] || fail "$K is missing (make -C guest/kernel, then stage)"
bad=0

mark="t-longcall: start $$"
echo "$mark" >/dev/kmsg

ticks=/tmp/t-longcall.ticks
: >"$ticks"
(while :; do echo x >>"$ticks"; done) &
loop=$!
sleep 1
out=/tmp/t-longcall.out
t0=$(wc -l <"$ticks")
$PFVMM run --mode forward "$K" -- hostile=longcall >"$out" 2>&1
st=$?
t1=$(wc -l <"$ticks")
kill "$loop"
wait "$loop" 2>/dev/null
show "$out"
echo "longcall: the shell loop ran $((t1 - t0)) times while the guest ran"
[ "$t1" -gt "$t0" ] || { echo "the shell loop never ran"; bad=$((bad + 1)); }
[ "$st" -eq 0 ] || { echo "longcall: status $st (want 0)"; bad=$((bad + 1)); }
grep -q '^hostile summary: 0 failed' "$out" ||
	{ echo "the guest's checks did not all pass"; bad=$((bad + 1)); }
grep -q '^hostile longcall ops=32768 cycles=' "$out" ||
	{ echo "no cycles line"; bad=$((bad + 1)); }

kernel_log_clean "$mark" 'soft lockup|rcu.*stall|blocked for more than' ||
	bad=$((bad + 1))
live_counters_zero || bad=$((bad + $?))

[ "$bad" -eq 0 ] || fail "$bad longcall check(s) went wrong"
exit 0
