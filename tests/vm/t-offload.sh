#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Offload: the VMM resolves the pvkernel's page faults itself.
#  - every workload at 64 and 512 pages with --mode offload finishes with
#    data=ok and the expected fault count; for touch, cow and sparse every
#    fault was resolved in the module: offloaded == faults, one #PF exit
#    per fault (exit EXCEPTION_NMI), pf_offloaded == faults, nothing
#    forwarded (so no per-fault MMU_UPDATE);
#  - flipping /sys/kernel/pfvmm/offload every ~20 ms under a --mode pv run
#    still ends with data=ok and faults resolved both ways;
#  - an empty pool (pool=0) still completes, every fault a fallback;
#  - hostile=offload: each bad region / donation fails with its exact error.
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
SW=/sys/kernel/pfvmm/offload
[ -f "$K" ] || fail "$K is missing (make -C guest/kernel, then stage)"
[ -f "$SW" ] || fail "$SW is missing"
bad=0

bump() {	# bump FILE: count a failure and show the run
	show "$1"
	bad=$((bad + 1))
}

run_one() {	# run_one WORKLOAD PAGES
	out=/tmp/t-offload.$1.$2.out
	$PFVMM run --stats --mode offload "$K" -- workload="$1" pages="$2" >"$out" 2>&1
	st=$?
	want=$(want_faults "$1" "$2")
	faults=$(field faults "$out")
	off=$(field offloaded "$out")
	cycles=$(field cycles "$out")
	pfx=$(stat_of exit EXCEPTION_NMI "$out")
	mmu=$(stat_of hypercall mmu_update "$out")
	pfo=$(stat1 pf_offloaded "$out")
	pff=$(stat1 pf_forwarded "$out")
	pfb=$(stat1 pf_fallback "$out")
	why=$(run_why "$out" "$st" "$want")
	case $1 in
	touch | cow | sparse)
		[ "$off" = "$faults" ] || why="$why offloaded=${off:-none}(want $faults)"
		[ "$pfx" = "$faults" ] || why="$why pf-exits=$pfx(want $faults)"
		[ "$pfo" = "$faults" ] || why="$why pf_offloaded=$pfo(want $faults)"
		[ "$pff" -eq 0 ] || why="$why pf_forwarded=$pff(want 0)"
		;;
	esac
	printf 'offload %-8s pages=%-4s faults=%-5s offloaded=%-5s pf_exits=%-5s pf_offloaded=%-5s pf_forwarded=%-4s pf_fallback=%-4s mmu_update=%-4s cycles=%s %s\n' \
		"$1" "$2" "${faults:--}" "${off:--}" "$pfx" "$pfo" "$pff" "$pfb" \
		"$mmu" "${cycles:--}" "${why:-ok}"
	[ -z "$why" ] || bump "$out"
}

for n in 64 512; do
	for w in touch cow remap sparse reaccess; do
		run_one "$w" "$n"
	done
done

# The switch flipped under a running --mode pv guest (cfg.offload -1).
old=$(cat "$SW")
out=/tmp/t-offload.flip.out
echo 1 >"$SW"
$PFVMM run --stats --mem 128M --mode pv "$K" -- workload=touch pages=8192 >"$out" 2>&1 &
pid=$!
v=1 flips=0
while kill -0 "$pid" 2>/dev/null; do
	usleep 20000
	v=$((1 - v))
	echo "$v" >"$SW"
	flips=$((flips + 1))
done
wait "$pid"
st=$?
echo "$old" >"$SW"
faults=$(field faults "$out")
off=$(field offloaded "$out")
pfo=$(stat1 pf_offloaded "$out")
pff=$(stat1 pf_forwarded "$out")
why=$(run_why "$out" "$st" 8192)
[ "$pfo" -gt 0 ] || why="$why pf_offloaded=0"
[ "$pff" -gt 0 ] || why="$why pf_forwarded=0"
[ "$off" = "$pfo" ] || why="$why offloaded=${off:-none}(pf_offloaded $pfo)"
echo "offload flip touch pages=8192 flips=$flips faults=${faults:--} offloaded=${off:--} pf_offloaded=$pfo pf_forwarded=$pff ${why:-ok}"
[ -z "$why" ] || bump "$out"

# An empty pool: every fault falls back to forwarding.
out=/tmp/t-offload.pool0.out
$PFVMM run --stats --mode offload "$K" -- workload=touch pages=64 pool=0 >"$out" 2>&1
st=$?
faults=$(field faults "$out")
pfb=$(stat1 pf_fallback "$out")
pfo=$(stat1 pf_offloaded "$out")
why=$(run_why "$out" "$st" 64)
[ "$pfb" = "$faults" ] || why="$why pf_fallback=$pfb(want $faults)"
[ "$pfo" -eq 0 ] || why="$why pf_offloaded=$pfo(want 0)"
echo "offload pool=0 touch pages=64 faults=${faults:--} pf_fallback=$pfb pf_offloaded=$pfo ${why:-ok}"
[ -z "$why" ] || bump "$out"

# hostile=offload: every case PASS, status 0.
hostile_run offload offload offload 9 || bad=$((bad + 1))

[ "$bad" -eq 0 ] || fail "$bad offload check(s) went wrong"
exit 0
