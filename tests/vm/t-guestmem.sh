#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What guest memory costs the host (tests/vm/guestmem.c has the details):
#  - frames: a pv VM with one page just under 64 GiB costs frame structs
#    for what its slots hold (VmallocUsed grows < 1 MiB), not for 64 GiB;
#  - memcg: those structs (4 MiB for 1 GiB) are charged to the creator's
#    memory cgroup (skipped, and says so, on a kernel without one);
#  - memlock: without CAP_IPC_LOCK, slots are charged to the user's
#    RLIMIT_MEMLOCK (8 MiB here): ENOMEM past it, in any VM or process of
#    the user, and a closed VM gives its charge back;
#  - vmpin: pinned guest pages show in VmPin while the VM lives, 0 after;
#  - file: a shared mapping of a file that is written back (ext2 on a brd
#    RAM disk, or the RAM disk itself) is refused with EOPNOTSUPP, mapped
#    over a slot later it stops the guest at the first pin; memfd and a
#    private mapping run.  Needs brd.ko, and ext4.ko for the file (else
#    the RAM disk's own page cache is used); scripts/vm-run copies them
#    when the kernel has them: without brd this part is skipped, and says
#    so.
. ./lib.sh
need_module

bad=0
gm() {	# gm NAME ARGS...: run guestmem ARGS, print its lines
	name=$1
	shift
	run_counted "/tmp/t-guestmem.$name.out" guestmem "$@"
}

gm frames frames
gm vmpin vmpin
gm memlock memlock

cg=/sys/fs/cgroup
if awk '$1 == "memory" && $4 == 1 { f = 1 } END { exit !f }' /proc/cgroups; then
	grep -q " $cg cgroup2 " /proc/mounts || mount -t cgroup2 none "$cg" ||
		fail "cannot mount cgroup2 on $cg"
	echo +memory >"$cg/cgroup.subtree_control" ||
		fail "cannot enable the memory controller in $cg"
	mkdir -p "$cg/t-guestmem" || fail "cannot create $cg/t-guestmem"
	gm memcg memcg "$cg/t-guestmem"
	rmdir "$cg/t-guestmem" 2>/dev/null
else
	echo "memcg: skipped: this kernel has no memory cgroup (CONFIG_MEMCG)"
fi

mnt=/tmp/t-guestmem.mnt
if modprobe brd rd_nr=1 rd_size=8192 2>/dev/null && [ -b /dev/ram0 ]; then
	path=/dev/ram0
	mkdir -p "$mnt"
	# ext4 asks for crc32c at every mount, even of an ext2 file system.
	modprobe crc32c_generic 2>/dev/null
	if modprobe ext4 2>/dev/null && mke2fs -q /dev/ram0 >/dev/null 2>&1 &&
	   mount -t ext2 /dev/ram0 "$mnt" 2>/dev/null; then
		path=$mnt/guest-memory
	fi
	echo "file: $path"
	gm file file "$path"
	umount "$mnt" 2>/dev/null
	rmmod brd 2>/dev/null
else
	echo "file: skipped: no brd module (a RAM block device) in this machine"
fi

[ "$bad" -eq 0 ] || fail "$bad guestmem run(s) went wrong"
exit 0
