// SPDX-License-Identifier: GPL-2.0
/*
 * The register dump printed when a guest dies: general registers, segment
 * and control registers, and the code bytes at RIP (found by walking the
 * guest's own page tables), in the spirit of kvmtool's dump.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vmm.h"
#include "x86-setup.h"

#define DUMP_CODE_BYTES	16

static void dump_regs(const struct pfvmm_regs *r)
{
	fprintf(stderr,
		" rip %016" PRIx64 "  rsp %016" PRIx64 "  rflags %08" PRIx64 "\n"
		" rax %016" PRIx64 "  rbx %016" PRIx64 "  rcx %016" PRIx64 "\n"
		" rdx %016" PRIx64 "  rsi %016" PRIx64 "  rdi %016" PRIx64 "\n"
		" rbp %016" PRIx64 "  r8  %016" PRIx64 "  r9  %016" PRIx64 "\n"
		" r10 %016" PRIx64 "  r11 %016" PRIx64 "  r12 %016" PRIx64 "\n"
		" r13 %016" PRIx64 "  r14 %016" PRIx64 "  r15 %016" PRIx64 "\n",
		(uint64_t)r->rip, (uint64_t)r->rsp, (uint64_t)r->rflags,
		(uint64_t)r->rax, (uint64_t)r->rbx, (uint64_t)r->rcx,
		(uint64_t)r->rdx, (uint64_t)r->rsi, (uint64_t)r->rdi,
		(uint64_t)r->rbp, (uint64_t)r->r8, (uint64_t)r->r9,
		(uint64_t)r->r10, (uint64_t)r->r11, (uint64_t)r->r12,
		(uint64_t)r->r13, (uint64_t)r->r14, (uint64_t)r->r15);
}

static void dump_segment(const char *name, const struct pfvmm_segment *s)
{
	fprintf(stderr, " %-3s sel %04x base %016" PRIx64 " limit %08x ar %05x\n",
		name, s->selector, (uint64_t)s->base, s->limit, s->ar);
}

static void dump_sregs(const struct pfvmm_sregs *s)
{
	dump_segment("cs", &s->cs);
	dump_segment("ds", &s->ds);
	dump_segment("es", &s->es);
	dump_segment("fs", &s->fs);
	dump_segment("gs", &s->gs);
	dump_segment("ss", &s->ss);
	dump_segment("tr", &s->tr);
	dump_segment("ldt", &s->ldt);
	fprintf(stderr, " gdt base %016" PRIx64 " limit %04x  idt base %016" PRIx64
		" limit %04x\n", (uint64_t)s->gdt.base, s->gdt.limit,
		(uint64_t)s->idt.base, s->idt.limit);
	fprintf(stderr, " cr0 %016" PRIx64 "  cr2 %016" PRIx64 "  cr3 %016" PRIx64 "\n"
		" cr4 %016" PRIx64 "  efer %016" PRIx64 "\n",
		(uint64_t)s->cr0, (uint64_t)s->cr2, (uint64_t)s->cr3,
		(uint64_t)s->cr4, (uint64_t)s->efer);
}

/* Code bytes at RIP, each byte translated on its own (pages may split). */
static void dump_code(struct vm *vm, uint64_t cr3, uint64_t rip)
{
	unsigned int i;

	fprintf(stderr, " code at rip:");
	for (i = 0; i < DUMP_CODE_BYTES; i++) {
		uint64_t gpa;

		if (!x86_gva_to_gpa(vm->mem, vm->mem_size, cr3, rip + i, &gpa) ||
		    gpa >= vm->mem_size) {
			fprintf(stderr, " ??");
			continue;
		}
		fprintf(stderr, " %02x", ((const unsigned char *)vm->mem)[gpa]);
	}
	fprintf(stderr, "\n");
}

/** vcpu__dump() - print the vCPU's registers and code to stderr */
void vcpu__dump(struct vcpu *vcpu)
{
	const struct vmm_backend *be = vcpu->vm->backend;
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;
	int have_regs;

	fprintf(stderr, "pfvmm: vCPU %u registers:\n", vcpu->id);
	have_regs = !be->get_regs(vcpu, &regs);
	if (have_regs)
		dump_regs(&regs);
	if (be->get_sregs(vcpu, &sregs))
		return;
	dump_sregs(&sregs);
	if (have_regs && (sregs.cr0 & (1ull << 31)))
		dump_code(vcpu->vm, sregs.cr3, regs.rip);
}
