#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's own Linux 6.1 boots under pfvmm with the launcher's PC devices
# and the default command line to the /init of linux.sh, which must print
# the bzImage's release, 1 CPU and this machine's CPU model, the sha256 of
# the data computed here, linux-fpu's ok (and -c's deliberate FAIL),
# /proc/uptime advancing 1.8-3.0 s over "sleep 2", and the line typed
# into the serial console; the launcher must end with status 0, and
# --stats must have the boot milestone (the figures are printed).
# Then the same command line with quiet panic=-1 rdinit=/nonexistent: the kernel
# panics and resets through the i8042; the launcher must end with status
# 3 (PFVMM_STATUS_GUEST_PANIC) and the panic text on the console.  Bad
# input is refused before any VM exists (not a bzImage: status 2).
# Two Linux boots (about 100 s of wall time each in Bochs): a t-*.sh test,
# in make check's one-CPU boot (faster for a one-vCPU guest than the
# two-CPU boot, which runs s-linux-kvm.sh: the balance of the two).  In
# the two-CPU machine the guest's /proc/uptime advanced 5.40 s over
# "sleep 2" (one run; its TSC clock against the PIT on the launcher's
# CLOCK_MONOTONIC, not understood yet), 2.01 s in every one-CPU run.
. ./lib.sh
. ./linux.sh
need_module

linux_initramfs
out=/tmp/t-linux-boot.out
linux_boot "$out"
linux_judge "$out" "pfvmm"
linux_figures "$out" "pfvmm"
[ "$(cat /sys/kernel/pfvmm/vms_live)" = 0 ] || fail "a VM is left after the boot"

# The panic: the command line the kernel printed, and panic=-1 and no init;
# quiet, since the boot log was checked above (COM1's output is most of
# the exits of a boot, and this boot's wall time in the emulator).
cmdline=$(sed -n 's/^.*Kernel command line: //p' "$out" | tr -d '\r' | head -n 1)
[ -n "$cmdline" ] || fail "no 'Kernel command line:' in the boot's output"
pout=/tmp/t-linux-panic.out
linux_boot "$pout" --append "$cmdline quiet panic=-1 rdinit=/nonexistent"
echo "panic=-1 rdinit=/nonexistent: status $LX_STATUS after $LX_SECS s"
grep 'Kernel panic\|pfvmm: the guest' "$pout" | lx_indent
why=
[ "$LX_STATUS" -eq 3 ] || why="$why status $LX_STATUS (want 3)"
grep -q 'Kernel panic - not syncing' "$pout" || why="$why no panic text on the console"
grep -q 'pfvmm: the guest kernel panicked' "$pout" || why="$why the launcher did not say it panicked"
grep -q '^linux-guest:' "$pout" && why="$why /init ran"
if [ -n "$why" ]; then
	tail -n 30 "$pout" | lx_indent
	fail "panic=-1:$why"
fi

echo "not a kernel" >/tmp/t-linux-boot.bad
"$PFVMM" run --kernel /tmp/t-linux-boot.bad >/tmp/t-linux-boot.bad.out 2>&1
st=$?
[ "$st" -eq 2 ] || { show /tmp/t-linux-boot.bad.out; fail "a file that is not a bzImage: status $st (want 2)"; }
[ "$(cat /sys/kernel/pfvmm/vms_live)" = 0 ] || fail "a VM is left after the runs"
exit 0
