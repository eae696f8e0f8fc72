// SPDX-License-Identifier: GPL-2.0
/*
 * The register dump printed when a guest dies: general registers, segment
 * and control registers, the code bytes before and at RIP and the top of
 * the stack (found by walking the guest's own page tables), in the spirit
 * of kvmtool's dump.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vmm.h"
#include "x86-setup.h"

#define DUMP_CODE_BYTES		16
#define DUMP_CODE_BEFORE	16
#define DUMP_STACK_WORDS	8
#define X86_CR0_PG		(1ull << 31)

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

/*
 * One guest byte at virtual address @gva: through the guest's page tables
 * when paging is on, else @gva is physical.  -1 when it is not in memory.
 */
static int guest_byte(const struct vm *vm, const struct pfvmm_sregs *s, uint64_t gva)
{
	uint64_t gpa = gva;

	if ((s->cr0 & X86_CR0_PG) &&
	    !x86_gva_to_gpa(vm->mem, vm->mem_size, s->cr3, gva, &gpa))
		return -1;
	if (gpa >= vm->mem_size)
		return -1;
	return ((const unsigned char *)vm->mem)[gpa];
}

/* @n bytes from @gva as hex, "??" where unmapped; each byte on its own. */
static void dump_bytes(const struct vm *vm, const struct pfvmm_sregs *s,
		       const char *label, uint64_t gva, unsigned int n)
{
	unsigned int i;

	fprintf(stderr, " %s:", label);
	for (i = 0; i < n; i++) {
		int b = guest_byte(vm, s, gva + i);

		if (b < 0)
			fprintf(stderr, " ??");
		else
			fprintf(stderr, " %02x", b);
	}
	fprintf(stderr, "\n");
}

/* The 8-byte little-endian word at @gva, or false when any byte is missing. */
static bool guest_qword(const struct vm *vm, const struct pfvmm_sregs *s,
			uint64_t gva, uint64_t *val)
{
	unsigned int i;

	*val = 0;
	for (i = 0; i < 8; i++) {
		int b = guest_byte(vm, s, gva + i);

		if (b < 0)
			return false;
		*val |= (uint64_t)b << (8 * i);
	}
	return true;
}

/* The top DUMP_STACK_WORDS words of the stack, as a debugger shows them. */
static void dump_stack(const struct vm *vm, const struct pfvmm_sregs *s, uint64_t rsp)
{
	unsigned int i;
	uint64_t v;

	for (i = 0; i < DUMP_STACK_WORDS; i++) {
		uint64_t at = rsp + 8ull * i;

		if (guest_qword(vm, s, at, &v))
			fprintf(stderr, " stack %016" PRIx64 ": %016" PRIx64 "\n", at, v);
		else
			fprintf(stderr, " stack %016" PRIx64 ": (not mapped)\n", at);
	}
}

/* Code before RIP, at RIP, and the stack. */
static void dump_memory(const struct vm *vm, const struct pfvmm_regs *r,
			const struct pfvmm_sregs *s)
{
	dump_bytes(vm, s, "code before rip", r->rip - DUMP_CODE_BEFORE, DUMP_CODE_BEFORE);
	dump_bytes(vm, s, "code at rip", r->rip, DUMP_CODE_BYTES);
	dump_stack(vm, s, r->rsp);
}

/**
 * vcpu_dump() - print the vCPU's registers, code and stack to stderr
 *
 * The code bytes are those before RIP and at RIP, read through the guest's
 * page tables (physical addresses when paging is off); the stack is the
 * top words at RSP.  What cannot be read is said, never guessed.
 */
void vcpu_dump(struct vcpu *vcpu)
{
	const struct vmm_backend *be = vcpu->vm->backend;
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;
	int have_regs;

	fprintf(stderr, "pfvmm: vCPU %u registers:\n", vcpu->id);
	have_regs = !be->get_regs(vcpu, &regs);
	if (have_regs)
		dump_regs(&regs);
	else
		fprintf(stderr, " (general registers unavailable)\n");
	if (be->get_sregs(vcpu, &sregs)) {
		fprintf(stderr, " (segment and control registers unavailable)\n");
		return;
	}
	dump_sregs(&sregs);
	if (have_regs && vcpu->vm->mem)
		dump_memory(vcpu->vm, &regs, &sregs);
}
