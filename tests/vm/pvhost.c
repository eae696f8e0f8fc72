// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: the run loop shared by the in-VM launchers of pvkernel.elf's
 * hostile modes (pvhost.h).  Port 0xe9 is the guest's console, 0xf4 its
 * exit port, an IN reads all ones, other OUTs are dropped.
 */
#include <inttypes.h>
#include <stdio.h>

#include "pvhost.h"

#define CONSOLE_PORT	0xe9
#define EXIT_PORT	0xf4

/* An I/O exit: true when the run is over, with *@status set. */
static bool io_exit(struct vcpu *vcpu, const struct pvhost_port *p,
		    int *status)
{
	struct pfvmm_run *run = vcpu->run;
	uint32_t val = (uint32_t)run->io.data;
	int r;

	if (run->io.in) {
		run->io.data = ~0ull;
		return false;
	}
	if (run->io.port == p->port) {
		r = p->out(vcpu, val);
		*status = r == PVHOST_STOP ? PVHOST_STOPPED : -1;
		return r != 0;
	}
	if (run->io.port == CONSOLE_PORT)
		putchar((int)(val & 0xff));
	*status = (int)(val & 0xff);
	return run->io.port == EXIT_PORT;
}

int pvhost_run(struct vcpu *vcpu, const char *who, const struct pvhost_port *p)
{
	struct pfvmm_run *run;
	int status;

	for (;;) {
		if (vcpu->vm->backend->run(vcpu)) {
			fprintf(stderr, "%s: PFVMM_RUN of vCPU %u: %m\n", who,
				vcpu->id);
			return -1;
		}
		run = vcpu->run;
		switch (run->exit_reason) {
		case PFVMM_EXIT_CONSOLE:
			fwrite(run->console.buf, 1,
			       run->console.len < PFVMM_CONSOLE_MAX ?
			       run->console.len : PFVMM_CONSOLE_MAX, stdout);
			fflush(stdout);
			break;
		case PFVMM_EXIT_IO:
			if (io_exit(vcpu, p, &status))
				return status;
			break;
		case PFVMM_EXIT_SHUTDOWN:
			return (int)(run->shutdown.status & 0xff);
		case PFVMM_EXIT_GUEST_ERROR:
			printf("%s: vCPU %u stopped: %.*s at rip 0x%" PRIx64 "\n",
			       who, vcpu->id, PFVMM_REASON_MAX,
			       run->guest_error.reason,
			       (uint64_t)run->guest_error.guest_rip);
			return 126;
		default:
			printf("%s: vCPU %u: unexpected exit %u\n", who, vcpu->id,
			       run->exit_reason);
			return -1;
		}
	}
}
