#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# reboot -f with guests running on both CPUs (needs 2 CPUs; the last thing
# a boot does: make check runs it after the s-*.sh tests of the smp=2
# boot).  A spinning guest is pinned on CPU 0 and a faulting pv guest in a
# loop on CPU 1; then the kernel log goes to the console in full and the
# machine reboots.  The reboot notifier takes both CPUs out of VMX under
# the running vCPUs: their VMX instructions fault and must be fixed up
# (RUN fails with EIO), never an oops.  scripts/vm-run watches the console
# from @@PFVMM-EXPECT-REBOOT=reboot-live@@ to "reboot: Restarting system"
# and prints PASS or FAIL reboot-live itself (this script never ends).
. ./lib.sh
# Nobody counts this script's status: a failure is a FAIL line of its own.
fail() {
	echo "FAIL reboot-live ($*)"
	exit 1
}
need_module

K=$GUESTS/pvkernel.elf
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 2 ] || fail "needs 2 CPUs, this machine has $ncpu (boot with --smp 2)"

migrate -p 0 -- "$PFVMM" run "$GUESTS/spin.elf" >/tmp/reboot-live.0 2>&1 &
migrate -p 1 -- sh -c "while :; do $PFVMM run --mode offload $K -- workload=touch pages=4096; done" \
	>/tmp/reboot-live.1 2>&1 &
i=0
while ! grep -q spinning /tmp/reboot-live.0 && [ "$i" -lt 100 ]; do
	usleep 100000
	i=$((i + 1))
done
grep -q spinning /tmp/reboot-live.0 || fail "the spinning guest did not start"
sleep 1
dmesg -n 8
echo "RUN reboot-live"
echo "@@PFVMM-EXPECT-REBOOT=reboot-live@@"
reboot -f
sleep 600
