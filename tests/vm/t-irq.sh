#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Interrupts from userspace (PFVMM_INTERRUPT, request_interrupt_window,
# ready_for_interrupt_injection and if_flag in the run page): irqtest
# (tests/vm/irqtest.c) drives guest/irq.elf through three steps and checks
# each exit; the guest checks that each interrupt arrived exactly when its
# IF allowed it.  Then the same vCPU ioctl from a foreign process is EIO
# (ioctl-test covers that for every vCPU ioctl) and the live counters are 0.
. ./lib.sh
need_module

out=/tmp/t-irq.out
irqtest "$GUESTS/irq.elf" >$out 2>&1
st=$?
show $out
[ "$st" -eq 0 ] || fail "irqtest: status $st"
grep -q '^result irq count=3 steps=ok' $out || fail "the guest did not count 3 interrupts at the right times"
for f in vms_live vcpus_live; do
	v=$(cat /sys/kernel/pfvmm/$f)
	[ "$v" = 0 ] || fail "$f is $v after the run"
done
exit 0
