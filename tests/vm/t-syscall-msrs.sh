#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A guest with SYSCALL of its own (guest/syscall.elf): it enables EFER.SCE
# and sets STAR/LSTAR with WRMSR, and its SYSCALLs, before and after an exit
# to userspace, land at its own LSTAR.  It runs under hostcheck, whose own
# system calls after every RUN go through the host's LSTAR: they would not
# come back if the guest's were left in the CPU.  The same with a second
# task on the CPU making system calls all along (the neighbour).
. ./lib.sh
need_module

out=/tmp/t-syscall-msrs
hostcheck --xmm-neighbour 600 >$out.neighbour 2>&1 &
npid=$!
hostcheck "$GUESTS/syscall.elf" >$out.guest 2>&1
st=$?
kill -TERM "$npid"
wait "$npid"
nst=$?
show $out.guest
[ "$st" -eq 0 ] || fail "hostcheck syscall.elf: status $st"
grep -q '^result syscall count=2 lstar=ok' $out.guest || fail "the guest's SYSCALLs did not land at its LSTAR"
grep -q '^hostcheck: runs=[0-9]* violations=0 ' $out.guest || fail "host-state violations"
[ "$nst" -eq 0 ] || { show $out.neighbour; fail "the neighbour task: status $nst"; }
exit 0
