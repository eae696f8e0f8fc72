#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The sysfs switch and counters exist and move, and the tracepoints fire:
# a forward-mode pv run shows pfvmm_fault "forwarded" events and
# pfvmm_exit events in tracefs, and faults_forwarded grows by the run's
# fault count.  Writing junk to the switch is refused.
. ./lib.sh
need_module

S=/sys/kernel/pfvmm
T=/sys/kernel/tracing
for f in offload vm_exits hypercalls faults_offloaded faults_forwarded \
	 fallbacks pool_frames_used vms_created; do
	[ -r "$S/$f" ] || fail "$S/$f missing"
done
[ "$(cat $S/offload)" = 0 ] || fail "offload default is $(cat $S/offload), want 0"
{ echo 1 >$S/offload && [ "$(cat $S/offload)" = 1 ]; } || fail "cannot set offload to 1"
{ echo 0 >$S/offload && [ "$(cat $S/offload)" = 0 ]; } || fail "cannot set offload to 0"
if echo banana >$S/offload 2>/dev/null; then fail "offload accepted 'banana'"; fi

[ -d "$T/events/pfvmm" ] || mount -t tracefs tracefs $T 2>/dev/null
[ -d "$T/events/pfvmm/pfvmm_fault" ] || fail "no pfvmm tracepoints in $T/events/pfvmm"
echo >$T/trace
echo 1 >$T/events/pfvmm/pfvmm_fault/enable
echo 1 >$T/events/pfvmm/pfvmm_exit/enable
before=$(cat $S/faults_forwarded)
out=/tmp/t-trace.out
$PFVMM run --mode forward "$GUESTS/pvkernel.elf" -- workload=touch pages=16 >"$out" 2>&1
st=$?
echo 0 >$T/events/pfvmm/pfvmm_fault/enable
echo 0 >$T/events/pfvmm/pfvmm_exit/enable
show "$out"
[ "$st" -eq 0 ] || fail "forward touch run exited $st"
after=$(cat $S/faults_forwarded)
[ $((after - before)) -ge 16 ] || fail "faults_forwarded grew by $((after - before)), want >= 16"
n=$(grep -c 'pfvmm_fault:.*forwarded' $T/trace)
[ "$n" -ge 16 ] || fail "$n pfvmm_fault forwarded events in the trace, want >= 16"
grep -q 'pfvmm_exit:.*reason=' $T/trace || fail "no pfvmm_exit events in the trace"
[ "$(cat $S/vm_exits)" -gt 0 ] || fail "vm_exits is 0 after a run"
exit 0
