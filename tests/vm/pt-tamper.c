// SPDX-License-Identifier: GPL-2.0
/*
 * pt-tamper: a launcher that writes junk into its pv guest's pinned page
 * tables through its own mapping of guest memory, as any member of the
 * pfvmm group can, while the guest (pvkernel.elf hostile=tamper) updates
 * and unpins those tables.  The VMM must drop exactly the references it
 * validated: the host stays up, the guest's checks pass, and the VM's
 * tables_pinned counter comes back to where it was.
 *
 *   pt-tamper PVKERNEL.ELF
 *
 * The guest asks for each round of writes with an OUT of a request's
 * guest-physical address to TAMPER_PORT (the protocol is in
 * guest/kernel/tests/hostile.c, with the same definitions); this program does
 * the writes, answers with tables_pinned and re-enters the guest.
 * Console output is passed through.  Exit status: the guest's (0 when its
 * checks passed), or 1 when this program's own checks failed.
 * Built with the launcher's own VM setup code (userspace/vm.c and the
 * /dev/pfvmm backend) and pvhost.c's run loop.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pvhost.h"

#define GUEST_MEM	(32ull << 20)
#define CMDLINE		"mode=pv hostile=tamper"

#define TAMPER_PORT	0x5a0
#define TAMPER_MAGIC	0x2121726570616d74ull	/* "tamper!!" */
#define TAMPER_WRITES	4

struct tamper_req {
	uint64_t magic;
	uint64_t nwrites;
	struct {
		uint64_t gpa, val, count, step;
	} w[TAMPER_WRITES];
	uint64_t tables_pinned;		/* filled in here */
};

static unsigned int rounds;
static uint64_t entries_written;

/* The request at @gpa, inside guest memory and well-formed, or NULL. */
static struct tamper_req *request_at(struct vm *vm, uint64_t gpa)
{
	struct tamper_req *req;

	if (gpa & 7 || gpa > vm->mem_size - sizeof(*req))
		return NULL;
	req = (struct tamper_req *)((char *)vm->mem + gpa);
	if (req->magic != TAMPER_MAGIC || req->nwrites > TAMPER_WRITES)
		return NULL;
	return req;
}

/* One write of a request: @count entries, each checked to be in memory. */
static int do_writes(struct vm *vm, uint64_t gpa, uint64_t val,
		     uint64_t count, uint64_t step)
{
	uint64_t k;

	if (gpa & 7 || count > 512 || gpa > vm->mem_size - count * 8)
		return -EINVAL;
	for (k = 0; k < count; k++) {
		volatile uint64_t *e = (volatile uint64_t *)((char *)vm->mem +
							     gpa + k * 8);

		*e = val + k * step;
	}
	printf("pt-tamper: wrote %" PRIu64 " entries at 0x%" PRIx64 " (first 0x%"
	       PRIx64 ")\n", count, gpa, val);
	entries_written += count;
	return 0;
}

/* A request from the guest: its writes, then tables_pinned. */
static int handle_request(struct vm *vm, uint64_t gpa)
{
	struct tamper_req *req = request_at(vm, gpa);
	struct pfvmm_vm_stats st;
	uint64_t i;

	if (!req) {
		fprintf(stderr, "pt-tamper: bad request at 0x%" PRIx64 "\n", gpa);
		return -EINVAL;
	}
	for (i = 0; i < req->nwrites; i++)
		if (do_writes(vm, req->w[i].gpa, req->w[i].val, req->w[i].count,
			      req->w[i].step)) {
			fprintf(stderr, "pt-tamper: bad write %" PRIu64 "\n", i);
			return -EINVAL;
		}
	if (vm->backend->get_stats(vm, &st))
		return -EIO;
	req->tables_pinned = st.tables_pinned;
	printf("pt-tamper: round %u: tables_pinned %" PRIu64 "\n", rounds,
	       (uint64_t)st.tables_pinned);
	rounds++;
	return 0;
}

static int tamper_out(struct vcpu *vcpu, uint32_t gpa)
{
	return handle_request(vcpu->vm, gpa);
}

static const struct pvhost_port tamper_port = { TAMPER_PORT, tamper_out };

int main(int argc, char **argv)
{
	struct guest_file gf;
	struct vm vm;
	int st;

	if (argc != 2) {
		fprintf(stderr, "usage: pt-tamper PVKERNEL.ELF\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (guest_file_read(&gf, argv[1], GUEST_MEM))
		return 2;
	if (vm_init(&vm, &pfvmm_dev_backend, GUEST_MEM, PFVMM_MMU_PV, 0)) {
		guest_file_free(&gf);
		return 1;
	}
	if (vm_load_guest(&vm, &gf, CMDLINE)) {
		st = 1;
		goto out;
	}
	st = pvhost_run(&vm.vcpu, "pt-tamper", &tamper_port);
	printf("pt-tamper: guest status %d, %u rounds, %" PRIu64 " entries written\n",
	       st, rounds, entries_written);
	/* The baseline, three rounds of writes, the end. */
	if (st == 0 && (rounds != 5 || entries_written != 515)) {
		printf("pt-tamper: expected 5 rounds and 515 entries\n");
		st = 1;
	}
	if (st < 0)
		st = 1;
out:
	vm_exit(&vm);
	guest_file_free(&gf);
	return st;
}
