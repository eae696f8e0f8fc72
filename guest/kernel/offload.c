// SPDX-License-Identifier: GPL-2.0
/*
 * Offload (offload=1 on the command line, pv MMU only): before the
 * workload the guest registers its user data region as a fault region
 * (demand-zero and writable, or copy-on-write for the cow workload) and
 * donates a pool of frames, each first made read-only in the direct map.
 * The VMM may then resolve the faults itself; whatever it does not (the
 * switch is off, the pool is empty, ...) still reaches handle_page_fault().
 * After the workload the unused frames are reclaimed.  work.c calls
 * offload_setup() when the command line has offload=1; until then
 * offload_resolved() is 0 and offload_finish() does nothing.
 * (hostile=offload, the bad calls, is tests/hostile-offload.c.)
 */
#include "pvkernel.h"

static bool active;		/* offload_setup() ran */
static uint64_t batch[PFVMM_MMU_BATCH_MAX];
static uint64_t pool_donated;

long offload_region(uint64_t va, uint64_t len, uint64_t flags)
{
	return hypercall3(PFVMM_HC_FAULT_REGION, va, len, flags);
}

long offload_donate(const uint64_t *frames, uint64_t n)
{
	return hypercall2(PFVMM_HC_POOL_DONATE, (unsigned long)frames, n);
}

/* Frames the workload needs from the VMM: data pages and page tables. */
static uint64_t pool_size(const char *w, uint64_t pages)
{
	uint64_t data = pages, tables = pages / 512 + 2;

	if (!strcmp(w, "remap"))
		data = 2 * pages;	/* the refill after the unmap */
	else if (!strcmp(w, "reaccess"))
		data = 0;		/* prefaulted: no faults */
	else if (!strcmp(w, "sparse"))
		tables += pages;	/* one L1 per page */
	return data + tables + 16;
}

/* Take @n frames, make them read-only in the direct map, donate them. */
static void pool_donate(uint64_t n)
{
	uint64_t k;

	while (n) {
		k = n < PFVMM_MMU_BATCH_MAX ? n : PFVMM_MMU_BATCH_MAX;
		for (uint64_t i = 0; i < k; i++)
			batch[i] = frame_alloc();
		mmu_direct_map_set(batch, k, false);
		for (uint64_t i = 0; i < k; i++)
			batch[i] >>= 12;
		hc_check("pool_donate", offload_donate(batch, k));
		pool_donated += k;
		n -= k;
	}
}

void offload_setup(const struct boot_config *cfg)
{
	const char *w = cfg->workload;
	uint64_t len, flags, n, pages = cfg->pages;

	if (!strcmp(w, "sparse"))
		len = pages * SPARSE_STEP;
	else
		len = pages * PAGE_SIZE;
	if (!strcmp(w, "cow"))
		flags = PFVMM_REGION_COW;
	else
		flags = PFVMM_REGION_DEMAND_ZERO | PFVMM_REGION_WRITE;
	hc_check("fault_region", offload_region(UBASE, len, flags));
	active = true;
	n = cfg->pool == CFG_UNSET ? pool_size(w, pages) : cfg->pool;
	/* pool=N is taken as given: above the bound the VMM must refuse. */
	if (cfg->pool == CFG_UNSET && n > PFVMM_POOL_MAX(frames_mem_size()))
		n = PFVMM_POOL_MAX(frames_mem_size());
	pool_donate(n);
	printk("pvkernel: offload: region 0x%lx+0x%lx flags %lu, pool %lu frames\n",
	       (unsigned long)UBASE, (unsigned long)len, (unsigned long)flags,
	       (unsigned long)n);
}

static struct pfvmm_offload_info info;

uint64_t offload_resolved(void)
{
	if (!active)
		return 0;
	hc_check("offload_info", hypercall1(PFVMM_HC_OFFLOAD_INFO,
					    (unsigned long)&info));
	return info.faults_resolved;
}

void offload_finish(void)
{
	uint64_t total = 0;
	long n;

	if (!active)
		return;
	do {
		n = hypercall2(PFVMM_HC_POOL_RECLAIM, (unsigned long)batch,
			       PFVMM_MMU_BATCH_MAX);
		hc_check("pool_reclaim", n);
		if (n > PFVMM_MMU_BATCH_MAX) {
			printk("pvkernel: pool_reclaim returned %ld of at most %u\n",
			       n, PFVMM_MMU_BATCH_MAX);
			shutdown(4);
		}
		for (long i = 0; i < n; i++)
			batch[i] <<= 12;
		if (n) {
			mmu_direct_map_set(batch, (uint64_t)n, true);
			for (long i = 0; i < n; i++)
				frame_free(batch[i]);
		}
		total += (uint64_t)n;
	} while (n == PFVMM_MMU_BATCH_MAX);
	hc_check("offload_info", hypercall1(PFVMM_HC_OFFLOAD_INFO,
					    (unsigned long)&info));
	printk("pvkernel: offload: donated %lu, VMM used %lu, reclaimed %lu, "
	       "left %lu, enabled %lu\n", (unsigned long)pool_donated,
	       (unsigned long)info.pool_used, (unsigned long)total,
	       (unsigned long)info.pool_frames, (unsigned long)info.enabled);
}
