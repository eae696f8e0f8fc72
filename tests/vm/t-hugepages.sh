#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 2 MiB EPT leaves (kmod/ept.c) under the launcher's --hugepages:
#  - native touch: guest memory is THP-backed (host_huge_pages > 0), the
#    module maps 2 MiB leaves (ept_leaves_2m > 0) and takes fewer EPT
#    violations than the same run in 4 KiB host pages, with the same
#    faults and its data check passing; on a CPU with iTLB multihit
#    (sysfs vulnerabilities/itlb_multihit not "Not affected", as the
#    emulated Haswell) 2 MiB leaves are not executable, so the leaf the
#    guest's code is in is split at its first fetch (ept_splits > 0);
#  - forward and offload touch: pv page tables lie inside 2 MiB leaves,
#    which are split (ept_splits > 0), and the guest's data check passes
#    with the fault count of 4 KiB mode;
#  - hostile=ptwrite with --hugepages: the guest writes its pinned L4,
#    which follows the image (at 1 MiB) in the first 2 MiB, mapped as one
#    leaf by the guest's first instruction fetch and split when the first
#    table was pinned; the write is stopped (status 126, a page-table
#    guest error);
#  - guestmem vmpin huge: a 2 MiB leaf's 512 pages show in VmPin while the
#    VM lives and VmPin comes back once it is closed;
# then every live counter is 0 and the kernel log is clean.  The machine's
# 6.1 kernel turns THP off below 512 MiB of RAM ("never"): the test sets
# "madvise" (what --hugepages needs) and puts the old mode back at exit.
# Skipped (passes, and says so) when the kernel has no THP at all.
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
[ -f "$K" ] || fail "$K is missing (make -C guest/kernel, then stage)"
thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ ! -f "$thp" ]; then
	echo "t-hugepages: no transparent huge pages in this kernel ($thp): skipped"
	exit 0
fi
thp_was=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp")
echo madvise >"$thp" || fail "cannot set $thp to madvise"
# shellcheck disable=SC2154 # st is _lib_cleanup's
trap 'st=$?; echo "$thp_was" >"$thp"; (exit "$st"); _lib_cleanup' EXIT
echo "THP: $(cat "$thp") (was $thp_was)"
bad=0
mark="t-hugepages: start $$"
echo "$mark" >/dev/kmsg
PAGES=1024

# touch MODE HUGE: pvkernel touch in MODE (--hugepages when HUGE is 1);
# output in /tmp/t-hugepages.MODE.HUGE.out, its problems counted in $bad
touch_run() {
	_o=/tmp/t-hugepages.$1.$2.out
	_h=
	[ "$2" = 1 ] && _h=--hugepages
	# shellcheck disable=SC2086 # $_h is one word or none
	$PFVMM run --stats --mode "$1" --mem 36M $_h "$K" -- workload=touch \
		pages=$PAGES >"$_o" 2>&1
	_why=$(run_why "$_o" $? "$PAGES")
	echo "$1 hugepages=$2: EPT violations $(stat_of exit EPT_VIOLATION "$_o")," \
		"2 MiB leaves $(stat1 ept_leaves_2m "$_o"), splits $(stat1 ept_splits "$_o")," \
		"host 2 MiB pages $(stat1 host_huge_pages "$_o")"
	[ -z "$_why" ] || { show "$_o"; echo "$1 hugepages=$2:$_why: wrong"; bad=$((bad + 1)); }
}

touch_run native 0
touch_run native 1
o0=/tmp/t-hugepages.native.0.out
o1=/tmp/t-hugepages.native.1.out
[ "$(stat1 host_huge_pages "$o1")" -gt 0 ] ||
	{ echo "native --hugepages: no 2 MiB host page backs guest memory"; bad=$((bad + 1)); }
[ "$(stat1 ept_leaves_2m "$o1")" -gt 0 ] ||
	{ echo "native --hugepages: ept_leaves_2m is 0 (want > 0)"; bad=$((bad + 1)); }
v0=$(stat_of exit EPT_VIOLATION "$o0")
v1=$(stat_of exit EPT_VIOLATION "$o1")
[ "$v1" -lt "$v0" ] ||
	{ echo "native: $v1 EPT violations with --hugepages, $v0 without (want fewer)"; bad=$((bad + 1)); }

itlb=/sys/devices/system/cpu/vulnerabilities/itlb_multihit
if [ -f "$itlb" ] && ! grep -q 'Not affected' "$itlb" && ! grep -q 'mitigations=off' /proc/cmdline; then
	[ "$(stat1 ept_splits "$o1")" -gt 0 ] ||
		{ echo "native --hugepages, iTLB multihit ($(cat "$itlb")): the code's leaf was not split"; bad=$((bad + 1)); }
fi

for m in forward offload; do
	touch_run "$m" 1
	[ "$(stat1 ept_splits "/tmp/t-hugepages.$m.1.out")" -gt 0 ] ||
		{ echo "$m --hugepages: ept_splits is 0 (want > 0: tables in 2 MiB leaves)"; bad=$((bad + 1)); }
done

out=/tmp/t-hugepages.ptwrite.out
$PFVMM run --stats --mode forward --hugepages "$K" -- hostile=ptwrite >"$out" 2>&1
st=$?
show "$out"
if [ "$st" -ne 126 ] || ! grep -qi 'page-table' "$out"; then
	echo "hostile=ptwrite --hugepages: status $st (want 126 and a page-table guest error): wrong"
	bad=$((bad + 1))
fi
[ "$(stat1 ept_splits "$out")" -gt 0 ] ||
	{ echo "hostile=ptwrite --hugepages: no split leaf (the L4 was not in a 2 MiB leaf)"; bad=$((bad + 1)); }
l4=$(sed -n 's/.*writing the pinned L4 at \(0x[0-9a-f]*\).*/\1/p' "$out")
if [ -z "$l4" ] || [ $((l4)) -ge $((0x200000)) ]; then
	echo "hostile=ptwrite --hugepages: the L4 at ${l4:-?} is not in the first 2 MiB"
	bad=$((bad + 1))
fi

run_counted /tmp/t-hugepages.vmpin.out guestmem vmpin huge

live_counters_zero || bad=$((bad + $?))
kernel_log_clean "$mark" || bad=$((bad + 1))

[ "$bad" -eq 0 ] || fail "$bad hugepages check(s) went wrong"
exit 0
