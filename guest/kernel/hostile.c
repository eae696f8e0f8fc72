// SPDX-License-Identifier: GPL-2.0
/*
 * hostile=all: bad PV MMU hypercalls, each of which must fail with one
 * exact error and change nothing.  hostile=ptwrite: a direct write to a
 * pinned page-table frame, which the VMM must answer by stopping the guest.
 */
#include "pvkernel.h"

#define UNMAPPED_VA	0x20000000000ull	/* PML4 slot 4: never mapped */

static int check(const char *name, long got, long want)
{
	printk("hostile %s got=%ld want=%ld %s\n", name, got, want,
	       got == want ? "PASS" : "FAIL");
	return got != want;
}

static int run_hostile_all(void)
{
	uint64_t data = frame_alloc();
	struct pfvmm_mmu_update req;
	struct pfvmm_mmuext_op op = { 0 };
	static struct pfvmm_mmu_update many[PFVMM_MMU_BATCH_MAX + 1];
	uint64_t *ptep;
	int bad = 0;

	memset((void *)data, 0, PAGE_SIZE);

	bad += check("badptr", hypercall3(PFVMM_HC_MMU_UPDATE, UNMAPPED_VA, 1, 0),
		     -PFVMM_EFAULT);

	req.ptr = direct_map_entry_pa(kernel_l4);
	req.val = kernel_l4 | PFVMM_PTE_P | PFVMM_PTE_W;
	bad += check("pt-writable", hypercall3(PFVMM_HC_MMU_UPDATE,
					       (unsigned long)&req, 1, 0),
		     -PFVMM_EINVAL);

	req.ptr = data + 8;
	req.val = 0;
	bad += check("ptr-not-table", hypercall3(PFVMM_HC_MMU_UPDATE,
						 (unsigned long)&req, 1, 0),
		     -PFVMM_EINVAL);

	op.cmd = PFVMM_MMUEXT_NEW_BASEPTR;
	op.arg1 = data >> 12;
	bad += check("baseptr-unpinned", hypercall3(PFVMM_HC_MMUEXT_OP,
						    (unsigned long)&op, 1, 0),
		     -PFVMM_EINVAL);

	bad += check("count-too-big", hypercall3(PFVMM_HC_MMU_UPDATE,
						 (unsigned long)many,
						 PFVMM_MMU_BATCH_MAX + 1, 0),
		     -PFVMM_E2BIG);

	bad += check("mmuext-count-too-big", hypercall3(PFVMM_HC_MMUEXT_OP,
							(unsigned long)many,
							PFVMM_MMU_BATCH_MAX + 1, 0),
		     -PFVMM_E2BIG);

	bad += check("multicall-count-too-big",
		     hypercall2(PFVMM_HC_MULTICALL, (unsigned long)many,
				PFVMM_MULTICALL_MAX + 1), -PFVMM_E2BIG);

	bad += check("multicall-in-table", hypercall2(PFVMM_HC_MULTICALL,
						      kernel_l4, 1),
		     -PFVMM_EFAULT);

	bad += check("unknown-hypercall", hypercall0(99), -PFVMM_ENOSYS);

	req.ptr = direct_map_entry_pa(data) | 4;
	req.val = data | PFVMM_PTE_P | PFVMM_PTE_W;
	bad += check("misaligned-ptr", hypercall3(PFVMM_HC_MMU_UPDATE,
						  (unsigned long)&req, 1, 0),
		     -PFVMM_EINVAL);

	/* Nothing changed: the tables still work, a good update still works. */
	ptep = pte_lookup(UBASE, true);
	mmu->set_pte(ptep, data | PFVMM_PTE_P | PFVMM_PTE_W);
	*(volatile uint64_t *)UBASE = 0x1234;
	bad += check("good-update-after", *(volatile uint64_t *)data == 0x1234 ? 0 : -1, 0);

	printk("hostile summary: %d failed\n", bad);
	return bad ? 1 : 0;
}

static void run_hostile_ptwrite(void)
{
	volatile uint64_t *l4 = (volatile uint64_t *)kernel_l4;

	printk("hostile ptwrite: writing the pinned L4 at 0x%lx through the boot map\n",
	       (unsigned long)kernel_l4);
	l4[511] = 0x1000 | PFVMM_PTE_P | PFVMM_PTE_W;
	printk("hostile ptwrite: the write was not stopped\n");
	shutdown(6);
}

/*
 * The hostile modes, by name.  An early mode runs before the kernel
 * switches to its own page tables (while the boot map still reaches every
 * pinned table) and does not return; the others run afterwards.
 */
struct hostile_mode {
	const char *name;
	bool early;
	union {
		int (*run)(void);
		void (*run_early)(void);
	};
};

static const struct hostile_mode hostile_modes[] = {
	{ .name = "all", .run = run_hostile_all },
	{ .name = "offload", .run = run_hostile_offload },
	{ .name = "ptwrite", .early = true, .run_early = run_hostile_ptwrite },
};

static const struct hostile_mode *hostile_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(hostile_modes) / sizeof(hostile_modes[0]); i++)
		if (!strcmp(hostile_modes[i].name, name))
			return &hostile_modes[i];
	return NULL;
}

void run_hostile_early(const char *name)
{
	const struct hostile_mode *m = hostile_find(name);

	if (m && m->early)
		m->run_early();
}

int run_hostile(const char *name)
{
	const struct hostile_mode *m = hostile_find(name);
	unsigned int i;

	if (m && !m->early)
		return m->run();
	printk("pvkernel: hostile=%s: expected", name);
	for (i = 0; i < sizeof(hostile_modes) / sizeof(hostile_modes[0]); i++)
		printk(" %s", hostile_modes[i].name);
	printk("\n");
	return 2;
}
