#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The CPU state a guest shares with its host (issue: host safety), each
# driven by a pvkernel probe (guest/kernel/tests/probe.c) under hostcheck
# (tests/vm/hostcheck.c), which checks its own thread's state after every
# RUN:
#  - insns: SYSCALL #UD, RDPMC/MOV DR/host-state MSRs #GP, VMX #UD, WBINVD
#    and INVD survive: the probe's own checks, no host-state violation;
#  - swapgs: with our GS base set to 0x5a5a5a5a0000 the guest's SWAPGS
#    shows 0, never our base, and the guest's value does not reach us;
#  - fpu: the guest keeps XMM0-15/MXCSR over 2000 rounds of exits while a
#    neighbour task on the same CPU keeps its own 0x5151... pattern, and
#    our XMM registers are intact after every RUN;
#  - ldt: a task with an LDT (ES loaded from it) keeps ES and its LDT;
#  - 32-bit: hostcheck32 (compat ioctls) runs a guest and its DS/ES come
#    back as they were;
#  - hwbp: a host perf breakpoint on a guest-written address neither
#    fires in the guest (it would end with status 3) nor counts;
#  - cpufuzz: 4000 instructions of a seeded random mix (MOV CR8, SWAPGS,
#    SYSCALL, SYSENTER, RDMSR/WRMSR, MOV DR, XSETBV, RDPMC, WBINVD, INVD,
#    VMX, CLTS, LMSW, port I/O, INT n, odd segment/LDT/TR/GDT/IDT loads)
#    at CPL0 and CPL3, beside the neighbour task: every CPL3 one faults, no
#    host-state violation, the neighbour keeps its registers, the host's
#    timer keeps ticking, and at the end rmmod works (dmesg-clean checks
#    the kernel log);
#  - SET_SREGS refuses EFER.SCE (covered by ioctl-test: sregs_*).
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
bad=0

# check NAME STATUS OUT [WANT_STATUS]: the run must end as wanted, with no
# host-state violation and a clean probe result.
check() {
	why=
	[ "$2" -eq "${4:-0}" ] || why="$why status=$2(want ${4:-0})"
	grep -q '^hostcheck: runs=[0-9]* violations=0 ' "$3" ||
		why="$why $(grep -m1 'violation\|^hostcheck: runs' "$3")"
	if grep -q '^result probe=' "$3"; then
		grep -q '^result probe=[a-z]* failed=0' "$3" ||
			why="$why $(grep '(wrong)' "$3" | head -n 3 | tr '\n' ';')"
	fi
	echo "host-state $1: ${why:-ok} ($(grep -m1 '^hostcheck: runs' "$3"))"
	if [ -n "$why" ]; then
		show "$3"
		bad=$((bad + 1))
	fi
}

# neighbour_check NAME: the --xmm-neighbour task started last kept its XMM.
neighbour_check() {
	kill -TERM "$npid"
	wait "$npid"
	nst=$?
	echo "host-state $1 neighbour: status $nst: $(tail -n 1 $out.neighbour)"
	if [ "$nst" -ne 0 ]; then
		show $out.neighbour
		bad=$((bad + 1))
	fi
}

loc() { awk '$1 == "LOC:" { print $2 }' /proc/interrupts; }

out=/tmp/t-host-state
hostcheck "$K" probe=insns >$out.insns 2>&1
check insns $? $out.insns

hostcheck --gs-base 0x5a5a5a5a0000 "$K" probe=swapgs >$out.swapgs 2>&1
check swapgs $? $out.swapgs

hostcheck --xmm-neighbour 600 >$out.neighbour 2>&1 &
npid=$!
hostcheck --ldt "$K" probe=fpu calls=2000 >$out.fpu 2>&1
check fpu+ldt $? $out.fpu
neighbour_check fpu

hostcheck32 --ldt "$K" probe=insns >$out.compat 2>&1
check 32-bit $? $out.compat

# The touch workload's first write is at UBASE (guest/kernel/pvkernel.h).
hostcheck --hwbp 0x10000000000 "$K" workload=touch pages=64 >$out.hwbp 2>&1
st=$?
grep -q 'hwbp=armed' $out.hwbp || echo "host-state hwbp: the breakpoint was not armed"
check hwbp $st $out.hwbp

hostcheck --xmm-neighbour 600 >$out.neighbour 2>&1 &
npid=$!
loc0=$(loc)
hostcheck --ldt "$K" probe=cpufuzz seed=42 calls=4000 >$out.cpufuzz 2>&1
check cpufuzz $? $out.cpufuzz
loc1=$(loc)
grep '^cpufuzz: seed' $out.cpufuzz
neighbour_check cpufuzz
echo "host-state cpufuzz: CPU 0 local timer interrupts $loc0 -> $loc1"
[ "${loc1:-0}" -gt "${loc0:-0}" ] || { echo "host-state cpufuzz: the host timer stood still"; bad=$((bad + 1)); }

unload_module
[ "$bad" -eq 0 ] || fail "$bad host-state check(s) went wrong"
exit 0
