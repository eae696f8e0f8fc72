// SPDX-License-Identifier: GPL-2.0
/*
 * spin.elf: prints "spinning" and loops forever without exiting to the
 * VMM, so that signals, SIGKILL and concurrent PFVMM_RUN can be tested.
 *
 * It spins with RFLAGS.IF clear, the hard case: the host must still get
 * its interrupts (external-interrupt exiting ignores the guest's IF).
 * 'spin.elf -- sti' spins with IF set, to tell a VMM bug from an effect of
 * the guest's IF (a module without acknowledge-interrupt-on-exit wedged
 * Bochs 2.7 with IF clear, and did not with IF set).
 */
#include "guest.h"

int main(struct pfvmm_bootinfo *bi)
{
	if (!strcmp(bi->cmdline, "sti")) {
		puts("spinning with interrupts enabled");
		asm volatile("sti");
	}
	puts("spinning");
	for (;;)
		asm volatile("" ::: "memory");
}
