// SPDX-License-Identifier: GPL-2.0
/*
 * spin.elf: prints "spinning" and loops forever without exiting to the
 * VMM, so that signals, SIGKILL and concurrent PFVMM_RUN can be tested.
 */
#include "guest.h"

int main(struct pfvmm_bootinfo *bi)
{
	(void)bi;
	puts("spinning");
	for (;;)
		asm volatile("" ::: "memory");
}
