#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The offload pool's bound: room for one entry per guest frame,
# PFVMM_POOL_MAX(guest memory) (no constant: it was 65,536 frames).
#  - touch at its largest size (pages=65536) in 320 MiB, with the pool the
#    guest sizes itself (65,682 frames: the pages, their tables and a
#    margin), has every fault offloaded and none falls back (with the old
#    bound the pool was cut to 65,536 frames and 128 faults were
#    forwarded);
#  - pool=78000, more than the old bound and nearly all of 320 MiB (81,920
#    frames), is taken whole (the old bound stopped it with -E2BIG: status
#    4, "hypercall pool_donate failed: errno 7").
# No guest can name more distinct frames than it has, so -E2BIG itself
# cannot be reached any more.  The other documented limits are checked
# elsewhere: VMs, vCPUs, slots and memory in ioctl-test (t-ioctl), batch
# and multicall sizes in hostile=all (t-pv), regions and donate/reclaim
# counts in hostile=offload (t-offload).
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
bad=0

out=/tmp/t-limits.touch-max.out
t0=$(date +%s)
$PFVMM run --stats --mem 320M --mode offload "$K" -- workload=touch pages=65536 >"$out" 2>&1
st=$?
why=$(run_why "$out" "$st" 65536)
off=$(field offloaded "$out")
fb=$(stat1 pf_fallback "$out")
fw=$(stat1 pf_forwarded "$out")
[ "$off" = 65536 ] || why="$why offloaded=${off:-none}(want 65536)"
[ "$fb" -eq 0 ] || why="$why pf_fallback=$fb(want 0)"
[ "$fw" -eq 0 ] || why="$why pf_forwarded=$fw(want 0)"
grep -q 'offload: donated 65682,' "$out" || why="$why donated: not 65682"
echo "touch pages=65536: status $st offloaded=${off:-none} pf_fallback=$fb pf_forwarded=$fw ($(($(date +%s) - t0))s) ${why:-ok}"
grep 'offload: donated' "$out" | sed 's/^/  /'
if [ -n "$why" ]; then
	show "$out"
	bad=$((bad + 1))
fi

out=/tmp/t-limits.pool-big.out
t0=$(date +%s)
$PFVMM run --mem 320M --mode offload "$K" -- workload=touch pages=64 pool=78000 >"$out" 2>&1
st=$?
why=$(run_why "$out" "$st")
grep -q 'offload: donated 78000,' "$out" || why="$why donated: not 78000"
echo "pool=78000: status $st data=$(field data "$out") ($(($(date +%s) - t0))s) ${why:-ok}"
grep 'offload: donated\|pool_donate' "$out" | sed 's/^/  /'
if [ -n "$why" ]; then
	show "$out"
	bad=$((bad + 1))
fi

[ "$bad" -eq 0 ] || fail "$bad limit check(s) went wrong"
exit 0
