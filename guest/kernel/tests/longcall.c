// SPDX-License-Identifier: GPL-2.0
/*
 * hostile=longcall: the longest single hypercall a guest can make.  One
 * MULTICALL of PFVMM_MULTICALL_MAX MMUEXT_OPs of PFVMM_MMU_BATCH_MAX
 * operations each, alternating PIN_L1_TABLE and UNPIN_TABLE of one L1
 * whose 512 entries are all present: every pin write-protects the frame,
 * flushes, validates 512 entries and copies them; every unpin drops 512
 * references and gives write access back.  Every operation must succeed;
 * the guest prints how many emulated cycles the one exit took (the host
 * side, t-longcall.sh, checks that the host kernel saw no soft lockup or
 * RCU stall meanwhile: the module yields between chunks of a batch).
 */
#include "tests.h"

#define LONGCALL_OPS	(PFVMM_MULTICALL_MAX * PFVMM_MMU_BATCH_MAX)

static struct pfvmm_mmuext_op ops[PFVMM_MMU_BATCH_MAX];
static struct pfvmm_multicall calls[PFVMM_MULTICALL_MAX];

/* An L1 frame mapping @data read-only 512 times, itself read-only. */
static uint64_t full_l1(uint64_t data)
{
	uint64_t l1 = frame_alloc();
	uint64_t *e = (uint64_t *)l1;
	unsigned int i;

	for (i = 0; i < 512; i++)
		e[i] = data | PFVMM_PTE_P;
	mmu_direct_map_set(&l1, 1, false);
	return l1;
}

static void build_calls(uint64_t l1)
{
	unsigned int i;

	for (i = 0; i < PFVMM_MMU_BATCH_MAX; i++) {
		ops[i].cmd = i & 1 ? PFVMM_MMUEXT_UNPIN_TABLE :
				     PFVMM_MMUEXT_PIN_L1_TABLE;
		ops[i].arg1 = l1 >> 12;
	}
	for (i = 0; i < PFVMM_MULTICALL_MAX; i++) {
		calls[i].op = PFVMM_HC_MMUEXT_OP;
		calls[i].args[0] = (uint64_t)ops;
		calls[i].args[1] = PFVMM_MMU_BATCH_MAX;
		calls[i].args[2] = 0;
		calls[i].result = 1;
	}
}

int run_hostile_longcall(void)
{
	uint64_t data = frame_alloc(), t0, t1;
	long r, failed = 0;
	unsigned int i;

	memset((void *)data, 0x5a, PAGE_SIZE);
	build_calls(full_l1(data));
	t0 = rdtsc();
	r = hypercall2(PFVMM_HC_MULTICALL, (unsigned long)calls,
		       PFVMM_MULTICALL_MAX);
	t1 = rdtsc();
	for (i = 0; i < PFVMM_MULTICALL_MAX; i++)
		failed += calls[i].result != 0;
	printk("hostile longcall ops=%lu cycles=%lu cycles_per_op=%lu\n",
	       (unsigned long)LONGCALL_OPS, (unsigned long)(t1 - t0),
	       (unsigned long)((t1 - t0) / LONGCALL_OPS));
	failed = hostile_check("longcall-multicall", r, 0) +
		 hostile_check("longcall-calls-failed", failed, 0);
	printk("hostile summary: %ld failed\n", failed);
	return failed ? 1 : 0;
}
