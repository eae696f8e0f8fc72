// SPDX-License-Identifier: GPL-2.0
/*
 * pvbase: the launcher of pvkernel.elf hostile=twobase, a pv guest with
 * two vCPUs and a base pointer (pinned L4) each (the protocol is in
 * guest/kernel/tests/twobase.c).
 *
 *   pvbase PVKERNEL.ELF
 *
 * vCPU 0 boots the kernel with offload on.  Its first OUT to TWOBASE_PORT
 * names a request: this program then creates vCPU 1 with vCPU 0's segment
 * state, the CR3, RIP and RSP the request gives, and runs it until it OUTs
 * to the port again; vCPU 0 resumes and checks what vCPU 1 got.  vCPU 1
 * stays (its base stays live) until the guest ends.  With two CPUs,
 * vCPU 0 runs on CPU 0 and vCPU 1 on CPU 1.  Exit status: the
 * guest's (0 when its checks passed), or 1 when this program failed.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "pvhost.h"

#define GUEST_MEM	(32ull << 20)
#define CMDLINE		"mode=pv hostile=twobase"

#define TWOBASE_PORT	0x5a4
#define TWOBASE_MAGIC	0x65736162206f7774ull	/* "two base" */

struct twobase_req {
	uint64_t magic;
	uint64_t rip, rsp, cr3;
	uint64_t l4_a, l4_b;
	int64_t new_base, unpin_a, unpin_b;
	uint64_t done;
};

static struct vcpu ap;
static bool ap_started;

/* Run this thread on @cpu from now on, if the machine has it. */
static void run_on(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		printf("pvbase: on CPU %d\n", cpu);
}

/* vCPU 1 says it is done: stop running it. */
static int ap_out(struct vcpu *vcpu, uint32_t val)
{
	(void)vcpu;
	(void)val;
	return PVHOST_STOP;
}

static const struct pvhost_port ap_port = { TWOBASE_PORT, ap_out };

/* vCPU 1 with vCPU 0's segments and control registers, at @req's state. */
static int ap_setup(struct vm *vm, const struct twobase_req *req)
{
	const struct vmm_backend *be = vm->backend;
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;

	if (be->vcpu_create(vm, &ap, 1) || be->get_sregs(&vm->vcpu, &sregs))
		return -1;
	sregs.cr3 = req->cr3;
	memset(&regs, 0, sizeof(regs));
	regs.rip = req->rip;
	regs.rsp = req->rsp;
	regs.rflags = 2;		/* interrupts off */
	if (be->set_sregs(&ap, &sregs) || be->set_regs(&ap, &regs))
		return -1;
	printf("pvbase: vCPU 1 at rip 0x%" PRIx64 " cr3 0x%" PRIx64 "\n",
	       req->rip, req->cr3);
	return 0;
}

/* vCPU 0's request: start vCPU 1 and run it to its OUT. */
static int request_out(struct vcpu *vcpu, uint32_t gpa)
{
	struct vm *vm = vcpu->vm;
	struct twobase_req *req;
	int st;

	if (ap_started || gpa & 7 || gpa > vm->mem_size - sizeof(*req)) {
		fprintf(stderr, "pvbase: bad request at 0x%x\n", gpa);
		return -1;
	}
	req = (struct twobase_req *)((char *)vm->mem + gpa);
	if (req->magic != TWOBASE_MAGIC || ap_setup(vm, req))
		return -1;
	ap_started = true;
	run_on(1);
	st = pvhost_run(&ap, "pvbase", &ap_port);
	run_on(0);
	if (st != PVHOST_STOPPED) {
		fprintf(stderr, "pvbase: vCPU 1 ended with %d\n", st);
		return -1;
	}
	printf("pvbase: vCPU 1 done: new_base %" PRId64 " unpin A %" PRId64
	       " unpin B %" PRId64 "\n", req->new_base, req->unpin_a,
	       req->unpin_b);
	return 0;
}

static const struct pvhost_port request_port = { TWOBASE_PORT, request_out };

int main(int argc, char **argv)
{
	struct guest_file gf;
	struct vm vm;
	int st;

	if (argc != 2) {
		fprintf(stderr, "usage: pvbase PVKERNEL.ELF\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	run_on(0);
	if (guest_file_read(&gf, argv[1], GUEST_MEM))
		return 2;
	if (vm_init(&vm, &pfvmm_dev_backend, GUEST_MEM, PFVMM_MMU_PV, 1)) {
		guest_file_free(&gf);
		return 1;
	}
	st = vm_load_guest(&vm, &gf, CMDLINE) ? -1 :
	     pvhost_run(&vm.vcpu, "pvbase", &request_port);
	printf("pvbase: guest status %d, vCPU 1 %s\n", st,
	       ap_started ? "ran" : "never ran");
	if (st == 0 && !ap_started)
		st = 1;
	if (st < 0)
		st = 1;
	if (ap_started)
		vm.backend->vcpu_destroy(&ap);
	vm_exit(&vm);
	guest_file_free(&gf);
	return st;
}
