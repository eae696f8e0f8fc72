/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvkernel: the interfaces between the files of the kernel proper, one
 * section per file, each listing what that file owns and lets the others
 * call (kernel.c's top comment says how the tree reads).  No file writes
 * another's variables: state is reached through these functions, and the
 * boot configuration is a struct handed down as a parameter.  The test
 * modes' entry points are in tests/tests.h.
 */
#ifndef PVKERNEL_H
#define PVKERNEL_H

/* GDT selectors (user selectors with RPL 3). */
#define KSEL_CODE	0x08
#define KSEL_DATA	0x10
#define USEL_DATA	0x1b
#define USEL_CODE	0x23
#define KSEL_TSS	0x28

/* int 0x80 system calls: number in RAX, arguments in RDI, RSI. */
#define SYS_EXIT	0	/* (result): back to the kernel */
#define SYS_UNMAP	1	/* (va, npages) -> 0 */
#define SYS_FAULTS	2	/* () -> page faults so far (a marker) */
#define SYS_TIMED	3	/* (on): 1 opens, 0 closes a timed phase */
#define SYSCALL_VECTOR	0x80

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include "guest.h"
#include <pfvmm/pte.h>
#include <pfvmm/hypercall.h>

#define PAGE_SIZE	4096ull
#define PTE_COW		PFVMM_PTE_COW	/* software bit 9: copy on write */

/* The user data region: nothing mapped until a fault or a prefault. */
#define UBASE		0x10000000000ull	/* 1 TiB, PML4 slot 2 */
#define USIZE		0x8000000000ull		/* one PML4 slot: 512 GiB */

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* config.c: the boot command line, parsed into one struct */
#define CFG_UNSET	(~0ull)		/* pool=, fuzz=: not given */
enum { MODE_NATIVE, MODE_PV };		/* mode=: the index in its choices */
struct boot_config {
	uint64_t mode;			/* MODE_NATIVE or MODE_PV */
	const char *workload, *hostile, *probe;	/* NULL: not given */
	uint64_t pages, offload, pool;	/* pool: CFG_UNSET = what is needed */
	uint64_t fuzz, calls, seed;	/* fuzz: CFG_UNSET = no fuzzing */
	char words[PFVMM_BOOTINFO_CMDLINE_MAX];	/* the strings point here */
};
/* 0, or -1 after printing what is wrong and the usage */
int config_parse(struct boot_config *cfg, const char *cmdline);

/* kernel.c: boot and the choice of what runs */
void hc_check(const char *what, long ret);	/* ret < 0: print, shutdown(4) */

/* traps.c: GDT, IDT, TSS, the trap dispatcher, system calls */
void traps_init(void);
/* A test's first look at every trap: true when it handled the trap. */
void traps_set_hook(bool (*hook)(struct trapframe *tf));

/* entry.S */
uint64_t enter_user(uint64_t rip, uint64_t rsp, uint64_t a0, uint64_t a1);
__attribute__((noreturn)) void return_to_kernel(uint64_t result);
extern const uint64_t trap_stubs[33];

/* frames.c: guest-physical frames after the image */
void frames_init(const struct pfvmm_bootinfo *bi);
uint64_t frame_alloc(void);		/* a guest-physical page address */
void frame_free(uint64_t pa);
uint64_t frames_mem_size(void);		/* bytes of guest memory */

/* mmu.c: page tables, the native and pv back-ends, the #PF handler */
void mmu_init(bool pv);			/* build the tables, not yet in use */
void mmu_pin_all(void);			/* pv: protect and pin the initial tables */
void mmu_switch(void);			/* load the kernel's own tables */
const char *mmu_name(void);		/* "native" or "pv" */
uint64_t mmu_kernel_l4(void);		/* the top table's frame */
uint64_t mmu_faults(void);		/* page faults handle_page_fault() resolved */
uint64_t *pte_lookup(uint64_t va, bool alloc);
/* Install one or @n leaf entries that were not present (no flush needed). */
void mmu_set_pte(uint64_t *ptep, uint64_t val);
void mmu_set_ptes(uint64_t **pteps, const uint64_t *vals, unsigned int n);
void mmu_unmap_range(uint64_t va, uint64_t n);	/* clear @n pages, one flush */
uint64_t direct_map_entry_pa(uint64_t pa);	/* gpa of the L1 entry mapping @pa */
void handle_page_fault(struct trapframe *tf);
void mmu_direct_map_set(const uint64_t *pas, uint64_t n, bool writable);	/* pv */
uint64_t user_stack_top(void);

/* work.c: the ring-3 workloads */
#define SPARSE_STEP	(2ull << 20)	/* sparse: one page per 2 MiB */
int run_workload(const struct boot_config *cfg);
void timed_phase(bool on);	/* SYS_TIMED: the fault phases' cycles */

/* offload.c: fault regions and the donated pool (offload=1) */
void offload_setup(const struct boot_config *cfg);
uint64_t offload_resolved(void);	/* faults the VMM resolved so far */
void offload_finish(void);		/* reclaim the unused pool */
/* The bare hypercalls, unchecked (hostile=offload wants their errors). */
long offload_region(uint64_t va, uint64_t len, uint64_t flags);
long offload_donate(const uint64_t *frames, uint64_t n);

#endif /* __ASSEMBLER__ */
#endif /* PVKERNEL_H */
