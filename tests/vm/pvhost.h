/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhost: the run loop of the in-VM launchers that talk to pvkernel.elf's
 * hostile modes over an I/O port (pt-tamper, pvbase): RUN until the guest
 * stops, console output passed through, an OUT to the test's port handed
 * to the test.  Built with the launcher's VM setup code (userspace/vm.c
 * and the /dev/pfvmm backend).
 */
#ifndef PFVMM_TESTS_PVHOST_H
#define PFVMM_TESTS_PVHOST_H

#include <stdint.h>
#include "vmm.h"

/* What an OUT handler returns besides 0 (run on) and a negative errno. */
#define PVHOST_STOP	1	/* return from pvhost_run() with PVHOST_STOPPED */
#define PVHOST_STOPPED	(-2)

struct pvhost_port {
	uint16_t port;
	int (*out)(struct vcpu *vcpu, uint32_t val);
};

/*
 * Run @vcpu until the guest stops: its status (0-255), 126 if the VMM
 * stopped it, PVHOST_STOPPED when @p's handler said so, or -1 on any other
 * failure (a message names @who).
 */
int pvhost_run(struct vcpu *vcpu, const char *who, const struct pvhost_port *p);

#endif /* PFVMM_TESTS_PVHOST_H */
