// SPDX-License-Identifier: GPL-2.0
/*
 * spin.elf: prints "spinning" and loops forever without exiting to the
 * VMM, so that signals, SIGKILL and concurrent PFVMM_RUN can be tested.
 *
 * It spins with RFLAGS.IF set.  That makes no difference to a correct VMM
 * (with external-interrupt exiting, host interrupts cause VM exits whatever
 * the guest's IF), but Bochs 2.7 does not take those exits while the guest
 * runs with IF clear, and the emulated host then wedges.  'spin.elf -- cli'
 * spins with IF clear, to show whether the VMM copes (e.g. with the VMX
 * preemption timer).
 */
#include "guest.h"

int main(struct pfvmm_bootinfo *bi)
{
	if (!strcmp(bi->cmdline, "cli"))
		puts("spinning with interrupts disabled");
	else
		asm volatile("sti");
	puts("spinning");
	for (;;)
		asm volatile("" ::: "memory");
}
