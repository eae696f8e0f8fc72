/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvkernel: a small paravirtual guest kernel for pfvmm.  Shared
 * definitions of kernel.c (boot, GDT/IDT/TSS, traps, system calls, frame
 * allocator), mmu.c (page tables, the native and pv MMU back-ends, the #PF
 * handler), work.c (ring-3 workloads) and hostile.c (bad hypercalls).
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

/* kernel.c */
extern struct pfvmm_bootinfo *bootinfo;
extern bool pv_mode;
extern uint64_t faults;
uint64_t frame_alloc(void);		/* a guest-physical page address */
void frame_free(uint64_t pa);
uint64_t frames_end(void);		/* first frame address never handed out */
void hc_check(const char *what, long ret);	/* ret < 0: print, shutdown(4) */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* entry.S */
uint64_t enter_user(uint64_t rip, uint64_t rsp, uint64_t a0, uint64_t a1);
__attribute__((noreturn)) void return_to_kernel(uint64_t result);
extern const uint64_t trap_stubs[33];

/* mmu.c */
struct mmu_ops {
	const char *name;
	/* Install a leaf entry that was not present (no flush needed). */
	void (*set_pte)(uint64_t *ptep, uint64_t val);
	/* Install many leaf entries that were not present. */
	void (*set_ptes)(uint64_t **pteps, const uint64_t *vals, unsigned int n);
	/* Change a present leaf entry of @va and flush it. */
	void (*update_pte)(uint64_t *ptep, uint64_t val, uint64_t va);
	/* Link the zeroed frame @pa as a level-@level table at @parent_ep. */
	void (*new_table)(uint64_t *parent_ep, uint64_t pa, int level);
	/* Clear the leaf entries of @n pages from @va; one flush. */
	void (*unmap_range)(uint64_t va, uint64_t n);
	void (*flush)(void);
	void (*switch_base)(uint64_t l4_pa);
};
extern const struct mmu_ops *mmu;
extern uint64_t kernel_l4;
extern uint64_t tables_created;
void mmu_init(bool pv);			/* build the tables, not yet in use */
void mmu_pin_all(void);			/* pv: protect and pin the initial tables */
void mmu_switch(void);			/* load the kernel's own tables */
uint64_t *pte_lookup(uint64_t va, bool alloc);
uint64_t direct_map_entry_pa(uint64_t pa);	/* gpa of the L1 entry mapping @pa */
void handle_page_fault(struct trapframe *tf);
void mmu_direct_map_set(const uint64_t *pas, uint64_t n, bool writable);	/* pv */
uint64_t user_stack_top(void);

/* work.c */
#define SPARSE_STEP	(2ull << 20)	/* sparse: one page per 2 MiB */
int run_workload(const char *name, uint64_t pages);
void timed_phase(bool on);	/* SYS_TIMED: the fault phases' cycles */

/* offload.c: regions, the donated pool, the VMM's fault count */
#define POOL_AUTO	(~0ull)		/* pool= not given: size it */
extern bool offload_on;			/* offload=1 on the command line */
extern uint64_t pool_arg;		/* pool=N, or POOL_AUTO */
void offload_setup(const char *workload, uint64_t pages);
uint64_t offload_resolved(void);	/* faults the VMM resolved so far */
void offload_finish(void);		/* reclaim the unused pool */
int run_hostile_offload(void);

/* probe.c, cpufuzz.c */
bool probe_fixup(struct trapframe *tf);	/* a probed instruction faulted */
int run_probe(const char *name, uint64_t rounds, uint64_t seed);
bool cpufuzz_user_fault(struct trapframe *tf);	/* a CPL3 probe faulted */

/* hostile.c */
void run_hostile_early(const char *mode);
int run_hostile(const char *mode);

/* fuzz.c: fuzz=SEED calls=N */
int run_fuzz(uint64_t seed, uint64_t calls);

#endif /* __ASSEMBLER__ */
#endif /* PVKERNEL_H */
