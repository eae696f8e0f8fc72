// SPDX-License-Identifier: GPL-2.0
/*
 * spin.elf: prints "spinning" and loops forever without exiting to the
 * VMM, so that signals, SIGKILL and concurrent PFVMM_RUN can be tested.
 * With the command line "sti" it sets RFLAGS.IF first: with external-
 * interrupt exiting on, host interrupts must cause VM exits whatever the
 * guest's IF is, so both variants must behave the same.
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
