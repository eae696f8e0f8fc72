#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The paravirtual guest kernel (guest/kernel/pvkernel.elf): every workload
# in native and forward mode (--mode forward: pv MMU with offload forced
# off) at 64 and 512 pages finishes with data=ok and
# exactly the expected number of guest page faults; in forward mode every
# one of them was a #PF exit (exit EXCEPTION_NMI).  hostile=all: each bad
# PV MMU hypercall fails with its exact error.  hostile=ptwrite: a direct
# write to a pinned page-table frame stops that guest (status 126) while
# another guest runs on undisturbed.
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
[ -f "$K" ] || fail "$K is missing (make -C guest/kernel, then stage)"
bad=0

run_one() {	# run_one native|forward WORKLOAD PAGES
	out=/tmp/t-pv.$1.$2.$3.out
	$PFVMM run --stats --mode "$1" "$K" -- workload="$2" pages="$3" >"$out" 2>&1
	st=$?
	want=$(want_faults "$2" "$3")
	faults=$(field faults "$out")
	cycles=$(field cycles "$out")
	pfx=$(stat_of exit EXCEPTION_NMI "$out")
	mmu=$(stat_of hypercall mmu_update "$out")
	mc=$(stat_of hypercall multicall "$out")
	why=$(run_why "$out" "$st" "$want")
	if [ "$1" = forward ] && [ "$pfx" != "$faults" ]; then
		why="$why pf-exits=$pfx(want $faults)"
	fi
	printf 'pv %-7s %-8s pages=%-4s faults=%-5s pf_exits=%-5s mmu_update=%-5s multicall=%-4s cycles=%s %s\n' \
		"$1" "$2" "$3" "${faults:--}" "$pfx" "$mmu" "$mc" "${cycles:--}" \
		"${why:-ok}"
	if [ -n "$why" ]; then
		show "$out"
		bad=$((bad + 1))
	fi
}

for n in 64 512; do
	for w in touch cow remap sparse reaccess; do
		for m in native forward; do
			run_one "$m" "$w" "$n"
		done
	done
done

# hostile=all: every case PASS, status 0.
hostile_run pv forward all 9 || bad=$((bad + 1))

# hostile=ptwrite stops only that guest: a touch run started before it
# still completes.
bg=/tmp/t-pv.bg.out
$PFVMM run --mode forward "$K" -- workload=touch pages=2048 >"$bg" 2>&1 &
bgpid=$!
out=/tmp/t-pv.ptwrite.out
$PFVMM run --mode forward "$K" -- hostile=ptwrite >"$out" 2>&1
st=$?
show "$out"
if [ "$st" -ne 126 ] || ! grep -qi 'page-table' "$out"; then
	echo "pv hostile=ptwrite: status $st (want 126 and a page-table guest error): wrong"
	bad=$((bad + 1))
fi
wait "$bgpid"
bst=$?
show "$bg"
why=$(run_why "$bg" "$bst")
if [ -n "$why" ]; then
	echo "pv background touch next to ptwrite:$why: wrong"
	bad=$((bad + 1))
fi

[ "$bad" -eq 0 ] || fail "$bad pvkernel check(s) went wrong"
exit 0
