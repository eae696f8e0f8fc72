// SPDX-License-Identifier: GPL-2.0
/*
 * pvkernel traps: the GDT (kernel and user segments, the TSS), the IDT
 * (vectors 0-31 and the int 0x80 gate; the stubs are entry.S's), the
 * dispatcher the stubs call, and the system calls of the ring-3
 * workloads.  A #PF goes to mmu.c, SYS_TIMED to work.c; a test mode may
 * look at every trap first (traps_set_hook()).  Anything else is fatal.
 */
#include "pvkernel.h"

/* ---- descriptor tables ---- */

static uint64_t gdt[7] __attribute__((aligned(16)));
static struct {
	uint64_t lo, hi;
} idt[256] __attribute__((aligned(16)));
static struct {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed)) tss __attribute__((aligned(16)));

/* The stack ring 3 -> ring 0 transitions land on (TSS RSP0). */
static char intr_stack[16384] __attribute__((aligned(16)));

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void gdt_init(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	struct dtr d = { sizeof(gdt) - 1, (uint64_t)gdt };

	gdt[0] = 0;
	gdt[KSEL_CODE / 8] = 0x00af9a000000ffffull;	/* 64-bit code, DPL 0 */
	gdt[KSEL_DATA / 8] = 0x00cf92000000ffffull;	/* data, DPL 0 */
	gdt[USEL_DATA / 8] = 0x00cff2000000ffffull;	/* data, DPL 3 */
	gdt[USEL_CODE / 8] = 0x00affa000000ffffull;	/* 64-bit code, DPL 3 */
	gdt[KSEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			    (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
			    (((base >> 24) & 0xff) << 56);
	gdt[KSEL_TSS / 8 + 1] = base >> 32;
	memset(&tss, 0, sizeof(tss));
	tss.rsp[0] = (uint64_t)(intr_stack + sizeof(intr_stack));
	tss.iomap_base = sizeof(tss);

	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %2, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "xorl %%eax, %%eax\n\t"
		     "movl %%eax, %%fs\n\t"
		     "movl %%eax, %%gs\n\t"
		     "ltr %w3"
		     : : "m"(d), "i"(KSEL_CODE), "i"(KSEL_DATA), "r"(KSEL_TSS)
		     : "rax", "memory");
}

static void idt_set(unsigned int vec, uint64_t handler, unsigned int dpl)
{
	idt[vec].lo = (handler & 0xffff) | ((uint64_t)KSEL_CODE << 16) |
		      ((uint64_t)(0x8e | (dpl << 5)) << 40) |
		      (((handler >> 16) & 0xffff) << 48);
	idt[vec].hi = handler >> 32;
}

static void idt_init(void)
{
	struct dtr d = { sizeof(idt) - 1, (uint64_t)idt };
	unsigned int v;

	for (v = 0; v < 32; v++)
		idt_set(v, trap_stubs[v], 0);
	idt_set(SYSCALL_VECTOR, trap_stubs[32], 3);
	asm volatile("lidt %0" : : "m"(d) : "memory");
}

void traps_init(void)
{
	gdt_init();
	idt_init();
}

/* ---- traps and system calls ---- */

static bool (*trap_hook)(struct trapframe *tf);

void traps_set_hook(bool (*hook)(struct trapframe *tf))
{
	trap_hook = hook;
}

__attribute__((noreturn)) static void trap_unexpected(struct trapframe *tf)
{
	printk("pvkernel: unexpected exception %lu error 0x%lx rip 0x%lx cs 0x%lx "
	       "rsp 0x%lx cr2 0x%lx\n", (unsigned long)tf->vector,
	       (unsigned long)tf->error, (unsigned long)tf->rip,
	       (unsigned long)tf->cs, (unsigned long)tf->rsp,
	       (unsigned long)read_cr2());
	shutdown(3);
}

static void do_syscall(struct trapframe *tf)
{
	if ((tf->cs & 3) != 3)
		trap_unexpected(tf);
	switch (tf->rax) {
	case SYS_EXIT:
		return_to_kernel(tf->rdi);
	case SYS_UNMAP:
		if (tf->rdi < UBASE || tf->rdi >= UBASE + USIZE || (tf->rdi & 0xfff) ||
		    tf->rsi > (UBASE + USIZE - tf->rdi) / PAGE_SIZE) {
			tf->rax = (uint64_t)-PFVMM_EINVAL;
			return;
		}
		mmu_unmap_range(tf->rdi, tf->rsi);
		tf->rax = 0;
		return;
	case SYS_FAULTS:
		tf->rax = mmu_faults();
		return;
	case SYS_TIMED:
		timed_phase(tf->rdi != 0);
		tf->rax = 0;
		return;
	default:
		tf->rax = (uint64_t)-PFVMM_ENOSYS;
	}
}

/* Called by entry.S's trap_common with the frame it built. */
void trap_dispatch(struct trapframe *tf);
void trap_dispatch(struct trapframe *tf)
{
	if (trap_hook && trap_hook(tf))
		return;
	if (tf->vector == 14)
		handle_page_fault(tf);
	else if (tf->vector == SYSCALL_VECTOR)
		do_syscall(tf);
	else
		trap_unexpected(tf);
}
