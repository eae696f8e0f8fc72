#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Nobody waits while a pin or a copy of guest memory sleeps (the details
# are in tests/vm/guestmem.c):
#  - uffd: a pv guest's POOL_RECLAIM writes its array into a slot
#    registered with a userfaultfd that never answers;
#  - fuse native / fuse pv: the slot is a private mapping of a file on a
#    FUSE file system whose reads are never answered, and the guest
#    touches it (its EPT violation pins it) or pins a frame there as a page
#    table.
# Meanwhile another thread runs vCPU 1, reads the VM's stats and closes
# vCPU 1, the VM and vCPU 0: all of that must finish while vCPU 0 waits
# (before, vCPU 0 held mmu_lock or vm->lock across the copy or the pin and
# the other thread sat in D state).  SIGKILL then ends the process, the
# live counters in /sys/kernel/pfvmm are back to 0, and khungtaskd (its
# timeout lowered to 3 s for the test, vCPU 0 held 7 s: two of its checks)
# reported no task blocked.  Without
# fuse.ko (scripts/vm-run copies it when the kernel has it) the FUSE cases
# are skipped, and say so; so is uffd on a kernel without userfaultfd.
. ./lib.sh
need_module

ht=/proc/sys/kernel/hung_task_timeout_secs
old_ht=$(cat "$ht" 2>/dev/null)
[ -n "$old_ht" ] || fail "$ht is missing (no CONFIG_DETECT_HUNG_TASK)"
echo 3 >"$ht" || fail "cannot set $ht"
mark="t-uffd-fuse: start $$ $(date +%s)"
echo "$mark" >/dev/kmsg

bad=0
gm() {	# gm NAME ARGS...: run guestmem ARGS, print its lines
	name=$1
	shift
	run_counted "/tmp/t-uffd-fuse.$name.out" guestmem "$@"
}

gm uffd uffd
if modprobe fuse 2>/dev/null || grep -qw fuse /proc/filesystems; then
	wait_for test -c /dev/fuse || fail "/dev/fuse did not appear"
	gm fuse-native fuse native
	gm fuse-pv fuse pv
else
	echo "fuse: skipped: no fuse module in this machine"
fi
sleep 1
echo "$old_ht" >"$ht"

hung=$(dmesg_since "$mark" | grep 'blocked for more than')
if [ -n "$hung" ]; then
	echo "khungtaskd:"
	echo "$hung" | indent
	bad=$((bad + 1))
else
	echo "khungtaskd: no task blocked for more than 3 s"
fi
[ "$bad" -eq 0 ] || fail "$bad check(s) went wrong"
exit 0
