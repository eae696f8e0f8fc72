#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CPU hotplug with VMs alive (needs 2 CPUs): a spinning guest runs on CPU 1
# (its VMCS loaded there) when CPU 1 goes offline; pfvmm's offline
# callback must VMCLEAR what CPU 1 holds and leave VMX there, the vCPU
# thread goes on on CPU 0.  CPU 1 comes back (and enters VMX again), a
# touch guest pinned on it ends with data=ok, the spinner still answers
# SIGTERM (status 130), and rmmod succeeds at the end.
. ./lib.sh
was_loaded=
module_loaded && was_loaded=1
need_module

K=$GUESTS/pvkernel.elf
C1=/sys/devices/system/cpu/cpu1/online
[ -w "$C1" ] || fail "CPU 1 cannot be taken offline ($C1 missing: boot with --smp 2)"
bad=0

migrate -p 1 -- "$PFVMM" run "$GUESTS/spin.elf" >/tmp/s-hotplug.spin.out 2>&1 &
spid=$!
sleep 1
lpid=$(ps -o pid,ppid | awk -v p="$spid" '$2 == p { print $1 }' | head -n 1)
[ -n "$lpid" ] || fail "no launcher under migrate $spid"

echo 0 >"$C1" || fail "could not take CPU 1 offline"
sleep 1
kill -0 "$lpid" 2>/dev/null || { bad=$((bad + 1)); echo "the spinner died when CPU 1 went offline"; }
echo 1 >"$C1" || fail "could not bring CPU 1 back"
sleep 1

out=/tmp/s-hotplug.touch.out
migrate -p 1 -- "$PFVMM" run --mode forward "$K" -- workload=touch pages=256 >"$out" 2>&1
st=$?
echo "hotplug: touch pinned on the re-onlined CPU 1: status $st data=$(field data "$out")"
if [ "$st" -ne 0 ] || [ "$(field data "$out")" != ok ]; then
	show "$out"
	bad=$((bad + 1))
fi

kill -TERM "$lpid"
wait "$spid"
st=$?
echo "hotplug: spinner after offline/online: SIGTERM -> status $st"
if [ "$st" -ne 130 ]; then
	show /tmp/s-hotplug.spin.out
	bad=$((bad + 1))
fi

i=0
until rmmod pfvmm 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 10 ] || { bad=$((bad + 1)); echo "rmmod pfvmm fails after the hotplug"; break; }
	sleep 1
done
[ -z "$was_loaded" ] || load_module
[ "$bad" -eq 0 ] || fail "$bad hotplug check(s) went wrong"
exit 0
