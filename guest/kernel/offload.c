// SPDX-License-Identifier: GPL-2.0
/*
 * Offload (offload=1 on the command line, pv MMU only): before the
 * workload the guest registers its user data region as a fault region
 * (demand-zero and writable, or copy-on-write for the cow workload) and
 * donates a pool of frames, each first made read-only in the direct map.
 * The VMM may then resolve the faults itself; whatever it does not (the
 * switch is off, the pool is empty, ...) still reaches handle_page_fault().
 * After the workload the unused frames are reclaimed.
 *
 * hostile=offload: bad region and donation calls, each with one exact
 * error.
 */
#include "pvkernel.h"

bool offload_on;
uint64_t pool_arg = POOL_AUTO;

static uint64_t batch[PFVMM_MMU_BATCH_MAX];
static uint64_t pool_donated;

static long fault_region(uint64_t va, uint64_t len, uint64_t flags)
{
	return hypercall3(PFVMM_HC_FAULT_REGION, va, len, flags);
}

static long donate(const uint64_t *frames, uint64_t n)
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
		hc_check("pool_donate", donate(batch, k));
		pool_donated += k;
		n -= k;
	}
}

void offload_setup(const char *w, uint64_t pages)
{
	uint64_t len, flags, n;

	if (!strcmp(w, "sparse"))
		len = pages * SPARSE_STEP;
	else
		len = pages * PAGE_SIZE;
	if (!strcmp(w, "cow"))
		flags = PFVMM_REGION_COW;
	else
		flags = PFVMM_REGION_DEMAND_ZERO | PFVMM_REGION_WRITE;
	hc_check("fault_region", fault_region(UBASE, len, flags));
	n = pool_arg == POOL_AUTO ? pool_size(w, pages) : pool_arg;
	/* pool=N is taken as given: above the bound the VMM must refuse. */
	if (pool_arg == POOL_AUTO && n > PFVMM_POOL_MAX)
		n = PFVMM_POOL_MAX;
	pool_donate(n);
	printk("pvkernel: offload: region 0x%lx+0x%lx flags %lu, pool %lu frames\n",
	       (unsigned long)UBASE, (unsigned long)len, (unsigned long)flags,
	       (unsigned long)n);
}

static struct pfvmm_offload_info info;

uint64_t offload_resolved(void)
{
	if (!offload_on)
		return 0;
	hc_check("offload_info", hypercall1(PFVMM_HC_OFFLOAD_INFO,
					    (unsigned long)&info));
	return info.faults_resolved;
}

void offload_finish(void)
{
	uint64_t total = 0;
	long n;

	if (!offload_on)
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

/* ---- hostile=offload ---- */

static int check(const char *name, long got, long want)
{
	printk("hostile %s got=%ld want=%ld %s\n", name, got, want,
	       got == want ? "PASS" : "FAIL");
	return got != want;
}

/*
 * One region is registered already: fill the table (PFVMM_MAX_REGIONS) with
 * one page each 1 GiB apart, then one more.  Returns the last result.
 */
static long regions_to_limit(void)
{
	uint64_t va = UBASE + (1ull << 30);
	long r = 0;
	int i;

	for (i = 1; i <= PFVMM_MAX_REGIONS && !r; i++, va += 1ull << 30)
		r = fault_region(va, PAGE_SIZE, PFVMM_REGION_DEMAND_ZERO);
	if (i != PFVMM_MAX_REGIONS + 1)
		printk("hostile region-limit: region %d failed\n", i - 1);
	return r;
}

int run_hostile_offload(void)
{
	static uint64_t one[2];
	uint64_t ro = frame_alloc(), rw = frame_alloc();
	int bad = 0;

	bad += check("region-good", fault_region(UBASE, 16 * PAGE_SIZE,
			PFVMM_REGION_DEMAND_ZERO | PFVMM_REGION_WRITE), 0);
	bad += check("region-overlap", fault_region(UBASE + 4 * PAGE_SIZE, PAGE_SIZE,
			PFVMM_REGION_DEMAND_ZERO), -PFVMM_EEXIST);
	bad += check("region-kernel", fault_region(0xffff800000000000ull, PAGE_SIZE,
			PFVMM_REGION_DEMAND_ZERO), -PFVMM_EINVAL);
	bad += check("region-huge", fault_region(0x20000000000ull,
			PFVMM_REGION_MAX_LEN + PAGE_SIZE,
			PFVMM_REGION_DEMAND_ZERO), -PFVMM_EINVAL);

	one[0] = (bootinfo->mem_size >> 12) + 16;
	bad += check("donate-beyond-memory", donate(one, 1), -PFVMM_EINVAL);
	one[0] = rw >> 12;
	bad += check("donate-writable", donate(one, 1), -PFVMM_EBUSY);
	one[0] = kernel_l4 >> 12;
	bad += check("donate-page-table", donate(one, 1), -PFVMM_EBUSY);
	mmu_direct_map_set(&ro, 1, false);
	one[0] = ro >> 12;
	bad += check("donate-good", donate(one, 1), 0);
	bad += check("donate-twice", donate(one, 1), -PFVMM_EEXIST);
	bad += check("donate-count-too-big", donate(batch, PFVMM_MMU_BATCH_MAX + 1),
		     -PFVMM_E2BIG);
	bad += check("reclaim-count-too-big",
		     hypercall2(PFVMM_HC_POOL_RECLAIM, (unsigned long)batch,
				PFVMM_MMU_BATCH_MAX + 1), -PFVMM_E2BIG);
	bad += check("region-limit", regions_to_limit(), -PFVMM_E2BIG);
	printk("hostile summary: %d failed\n", bad);
	return bad ? 1 : 0;
}
