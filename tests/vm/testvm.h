/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testvm: a guest ELF on /dev/pfvmm in a few calls, for the in-VM test
 * programs that drive the vCPU themselves (hostcheck, irqtest): guest
 * memory, the launcher's boot state (userspace/x86-setup.c), one vCPU and
 * its run page.  Errors end the program with status 125.
 */
#ifndef PFVMM_TESTVM_H
#define PFVMM_TESTVM_H

#include <stdint.h>
#include <uapi/pfvmm.h>

struct testvm {
	int sys, vm, vcpu;
	void *mem;
	uint64_t mem_size;
	struct pfvmm_run *run;
};

void testvm_die(const char *what);
void testvm_open(struct testvm *t, const char *path, const char *cmdline,
		 uint64_t mem_size);

#endif /* PFVMM_TESTVM_H */
