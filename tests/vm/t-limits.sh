#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The offload pool's bound (PFVMM_POOL_MAX, 65,536 frames): a pvkernel
# with 320 MiB donates exactly that many (pool=65536) and still runs touch
# with data=ok; one frame more (pool=65537) gets -E2BIG from POOL_DONATE
# (the guest stops with status 4 and says which call failed).  The other
# documented limits are checked elsewhere: VMs, vCPUs, slots and memory in
# ioctl-test (t-ioctl), batch and multicall sizes in hostile=all (t-pv),
# regions and donate/reclaim counts in hostile=offload (t-offload).
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
bad=0

out=/tmp/t-limits.pool-max.out
t0=$(date +%s)
$PFVMM run --mem 320M --mode offload "$K" -- workload=touch pages=64 pool=65536 >"$out" 2>&1
st=$?
echo "pool=65536: status $st data=$(field data "$out") ($(($(date +%s) - t0))s)"
grep 'offload: donated' "$out" | sed 's/^/  /'
if [ "$st" -ne 0 ] || [ "$(field data "$out")" != ok ] ||
   ! grep -q 'offload: donated 65536,' "$out"; then
	show "$out"
	bad=$((bad + 1))
fi

out=/tmp/t-limits.pool-over.out
$PFVMM run --mem 320M --mode offload "$K" -- workload=touch pages=64 pool=65537 >"$out" 2>&1
st=$?
echo "pool=65537: status $st: $(grep 'hypercall pool_donate failed' "$out")"
if [ "$st" -ne 4 ] || ! grep -q 'hypercall pool_donate failed: errno 7$' "$out"; then
	show "$out"
	bad=$((bad + 1))
fi

[ "$bad" -eq 0 ] || fail "$bad limit check(s) went wrong"
exit 0
