// SPDX-License-Identifier: GPL-2.0
/*
 * pvkernel: boot, descriptor tables, traps, system calls, frame allocator.
 *
 * Command line (boot info): mode=native|pv workload=W pages=N (for
 * workload=exit, N is the number of timed CPUID and VMCALL exits), or
 * mode=pv hostile=all|ptwrite|offload; or probe=cr8|swapgs|fpu|insns|cpufuzz
 * [calls=N] [seed=S] (probe.c: what the guest sees of host-shared CPU
 * state); with
 * mode=pv also offload=0|1
 * (register fault regions and donate a pool) and pool=N (donate N frames
 * instead of what the workload needs; 0: none); or fuzz=SEED calls=N
 * (fuzz.c: N random hypercalls, either mode).  Shutdown status: 0 ok; 1 data mismatch;
 * 2 bad command line; 3 unexpected exception; 4 a hypercall failed;
 * 5 a page fault the kernel cannot resolve; 6 out of memory or a hostile
 * test that did not stop the guest.
 */
#include "pvkernel.h"

struct pfvmm_bootinfo *bootinfo;
bool pv_mode;
uint64_t faults;

extern char __image_end[];

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

/* ---- traps and system calls ---- */

static uint64_t read_cr2(void)
{
	uint64_t v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
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
		mmu->unmap_range(tf->rdi, tf->rsi);
		tf->rax = 0;
		return;
	case SYS_FAULTS:
		tf->rax = faults;
		return;
	case SYS_TIMED:
		timed_phase(tf->rdi != 0);
		tf->rax = 0;
		return;
	default:
		tf->rax = (uint64_t)-PFVMM_ENOSYS;
	}
}

void trap_dispatch(struct trapframe *tf);
void trap_dispatch(struct trapframe *tf)
{
	if (probe_fixup(tf))
		return;
	if (tf->vector == 14)
		handle_page_fault(tf);
	else if (tf->vector == SYSCALL_VECTOR)
		do_syscall(tf);
	else
		trap_unexpected(tf);
}

void hc_check(const char *what, long ret)
{
	if (ret >= 0)
		return;
	printk("pvkernel: hypercall %s failed: errno %ld\n", what, -ret);
	shutdown(4);
}

/* ---- frames: a bump allocator over memory after the image, plus a free list ---- */

static uint64_t next_free, mem_end;
#define FREE_MAX	4096
static uint64_t free_list[FREE_MAX];
static unsigned int nr_free;

static void frames_init(void)
{
	uint64_t start = (uint64_t)__image_end;

	if (bootinfo->image_end > start)
		start = bootinfo->image_end;
	next_free = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	mem_end = bootinfo->mem_size;
}

uint64_t frame_alloc(void)
{
	if (nr_free)
		return free_list[--nr_free];
	if (next_free >= mem_end) {
		printk("pvkernel: out of guest memory (%lu MiB)\n",
		       (unsigned long)(mem_end >> 20));
		shutdown(6);
	}
	next_free += PAGE_SIZE;
	return next_free - PAGE_SIZE;
}

void frame_free(uint64_t pa)
{
	if (nr_free < FREE_MAX)
		free_list[nr_free++] = pa;
}

uint64_t frames_end(void)
{
	return next_free;
}

/* ---- command line ---- */

struct args {
	const char *mode;
	const char *workload;
	const char *hostile;
	const char *probe;
	uint64_t pages;
	uint64_t offload;
	uint64_t pool;
	uint64_t fuzz, calls;	/* fuzz=SEED (NO_FUZZ: none) calls=N */
	uint64_t seed;		/* seed=S: probe=cpufuzz's */
};

#define NO_FUZZ	(~0ull)

static char cmdline[PFVMM_BOOTINFO_CMDLINE_MAX];

static int parse_num(const char *val, uint64_t *out)
{
	uint64_t n = 0;

	if (!*val)
		return -1;
	for (; *val; val++) {
		if (*val < '0' || *val > '9' || n > 1000000)
			return -1;
		n = n * 10 + (uint64_t)(*val - '0');
	}
	*out = n;
	return 0;
}

static int parse_args(struct args *a)
{
	char *p = cmdline;

	memcpy(cmdline, bootinfo->cmdline, sizeof(cmdline));
	cmdline[sizeof(cmdline) - 1] = '\0';
	a->mode = "native";
	a->workload = NULL;
	a->hostile = NULL;
	a->probe = NULL;
	a->pages = 64;
	a->offload = 0;
	a->pool = POOL_AUTO;
	a->fuzz = NO_FUZZ;
	a->calls = 1000;
	a->seed = 1;
	while (*p) {
		char *key, *val = NULL;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		key = p;
		while (*p && *p != ' ') {
			if (*p == '=' && !val) {
				*p = '\0';
				val = p + 1;
			}
			p++;
		}
		if (*p)
			*p++ = '\0';
		if (!val) {
			printk("pvkernel: argument '%s' is not key=value\n", key);
			return -1;
		}
		if (!strcmp(key, "mode")) {
			a->mode = val;
		} else if (!strcmp(key, "workload")) {
			a->workload = val;
		} else if (!strcmp(key, "hostile")) {
			a->hostile = val;
		} else if (!strcmp(key, "probe")) {
			a->probe = val;
		} else if (!strcmp(key, "pages")) {
			if (parse_num(val, &a->pages))
				return -1;
		} else if (!strcmp(key, "offload")) {
			if (parse_num(val, &a->offload) || a->offload > 1)
				return -1;
		} else if (!strcmp(key, "pool")) {
			if (parse_num(val, &a->pool))
				return -1;
		} else if (!strcmp(key, "fuzz")) {
			if (parse_num(val, &a->fuzz))
				return -1;
		} else if (!strcmp(key, "calls")) {
			if (parse_num(val, &a->calls))
				return -1;
		} else if (!strcmp(key, "seed")) {
			if (parse_num(val, &a->seed))
				return -1;
		} else {
			printk("pvkernel: unknown argument '%s'\n", key);
			return -1;
		}
	}
	if (strcmp(a->mode, "native") && strcmp(a->mode, "pv")) {
		printk("pvkernel: mode=%s: expected native or pv\n", a->mode);
		return -1;
	}
	if (!a->workload && !a->hostile && !a->probe && a->fuzz == NO_FUZZ) {
		printk("pvkernel: need workload=touch|cow|remap|sparse|reaccess|exit, hostile=all|ptwrite|offload or probe=cr8|swapgs|fpu|insns|cpufuzz\n");
		return -1;
	}
	if (a->offload && strcmp(a->mode, "pv")) {
		printk("pvkernel: offload=1 needs mode=pv\n");
		return -1;
	}
	if (a->hostile && strcmp(a->mode, "pv")) {
		printk("pvkernel: hostile tests need mode=pv\n");
		return -1;
	}
	if (a->pages == 0 || a->pages > 65536) {
		printk("pvkernel: pages=%lu out of range (1-65536)\n",
		       (unsigned long)a->pages);
		return -1;
	}
	return 0;
}

int main(struct pfvmm_bootinfo *bi)
{
	struct args a;

	bootinfo = bi;
	if (bi->magic != PFVMM_BOOTINFO_MAGIC) {
		printk("pvkernel: bad boot info\n");
		return 2;
	}
	gdt_init();
	idt_init();
	if (parse_args(&a)) {
		printk("pvkernel: bad command line '%s'\n", bi->cmdline);
		return 2;
	}
	pv_mode = !strcmp(a.mode, "pv");
	offload_on = a.offload;
	pool_arg = a.pool;
	frames_init();
	mmu_init(pv_mode);
	if (pv_mode)
		mmu_pin_all();
	if (a.hostile)
		run_hostile_early(a.hostile);	/* returns for most modes */
	mmu_switch();
	if (a.fuzz != NO_FUZZ)
		return run_fuzz(a.fuzz, a.calls);
	if (a.probe)
		return run_probe(a.probe, a.calls, a.seed);
	if (a.hostile)
		return run_hostile(a.hostile);
	return run_workload(a.workload, a.pages);
}
