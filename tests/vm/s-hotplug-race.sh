#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The per-CPU list of loaded VMCSs under fire (needs 2 CPUs): a spinning
# guest's vCPU thread is moved between CPU 0 and CPU 1 every 2 ms (each
# move VMCLEARs the VMCS on the old CPU by IPI and adds it to the new CPU's
# list) while CPU 1 goes offline and online 20 times (each offline empties
# CPU 1's list with interrupts off).  A lost ordering leaves a node on a
# freed list or a self-linked one: DEBUG_LIST, a soft lockup or a warning
# shows in the kernel log (dmesg-clean).  Afterwards the spinner still
# answers SIGTERM (130), a touch guest ends with data=ok, and the live
# counters are back to 0.
. ./lib.sh
need_module

C1=/sys/devices/system/cpu/cpu1/online
[ -w "$C1" ] || fail "CPU 1 cannot be taken offline ($C1 missing: boot with --smp 2)"
migrate -i 2 -- "$PFVMM" run "$GUESTS/spin.elf" >/tmp/s-hotplug-race.spin.out 2>&1 &
mpid=$!
sleep 1
lpid=$(ps -o pid,ppid | awk -v p="$mpid" '$2 == p { print $1 }' | head -n 1)
[ -n "$lpid" ] || fail "no launcher under migrate $mpid"
i=0
while [ "$i" -lt 20 ]; do
	echo 0 >"$C1" || fail "could not take CPU 1 offline (round $i)"
	usleep 50000
	echo 1 >"$C1" || fail "could not bring CPU 1 back (round $i)"
	usleep 50000
	i=$((i + 1))
done
kill -0 "$lpid" 2>/dev/null || fail "the spinner died during the hotplug rounds"
kill -TERM "$lpid"
wait "$mpid"
st=$?
echo "hotplug-race: 20 offline/online rounds of CPU 1 under a migrating spinner, SIGTERM -> status $st"
[ "$st" -eq 130 ] || { show /tmp/s-hotplug-race.spin.out; fail "spinner status $st (want 130)"; }
out=/tmp/s-hotplug-race.touch.out
"$PFVMM" run --mode forward "$GUESTS/pvkernel.elf" -- workload=touch pages=256 >"$out" 2>&1 ||
	{ show "$out"; fail "the touch guest after the rounds failed"; }
[ "$(field data "$out")" = ok ] || { show "$out"; fail "touch after the rounds: data=$(field data "$out")"; }
for f in vms_live vcpus_live; do
	v=$(cat /sys/kernel/pfvmm/$f)
	[ "$v" = 0 ] || fail "$f is $v after the runs"
done
exit 0
