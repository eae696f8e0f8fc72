// SPDX-License-Identifier: GPL-2.0
/*
 * hostile=offload: bad fault-region and pool-donation calls (offload.c's
 * hypercalls), each of which must fail with one exact error: overlapping,
 * kernel-half and oversized regions, frames beyond memory, writable or
 * page-table frames, a frame donated twice, counts above the batch
 * bound, and one region more than PFVMM_MAX_REGIONS.
 */
#include "tests.h"

#define DZ	PFVMM_REGION_DEMAND_ZERO

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
		r = offload_region(va, PAGE_SIZE, DZ);
	if (i != PFVMM_MAX_REGIONS + 1)
		printk("hostile region-limit: region %d failed\n", i - 1);
	return r;
}

/* The first region (good), then three it must refuse. */
static int bad_regions(void)
{
	int bad = 0;

	bad += hostile_check("region-good", offload_region(UBASE, 16 * PAGE_SIZE,
			     DZ | PFVMM_REGION_WRITE), 0);
	bad += hostile_check("region-overlap", offload_region(UBASE + 4 * PAGE_SIZE,
			     PAGE_SIZE, DZ), -PFVMM_EEXIST);
	bad += hostile_check("region-kernel", offload_region(0xffff800000000000ull,
			     PAGE_SIZE, DZ), -PFVMM_EINVAL);
	bad += hostile_check("region-huge", offload_region(0x20000000000ull,
			     PFVMM_REGION_MAX_LEN + PAGE_SIZE, DZ), -PFVMM_EINVAL);
	return bad;
}

/*
 * @ro and @rw: two fresh frames, still writable in the direct map; @many:
 * a frame, the list of the calls one entry over the bound (the VMM must
 * refuse the count before it reads or writes the list).
 */
static int bad_donations(uint64_t ro, uint64_t rw, uint64_t *many)
{
	static uint64_t one[2];
	int bad = 0;

	one[0] = (frames_mem_size() >> 12) + 16;
	bad += hostile_check("donate-beyond-memory", offload_donate(one, 1),
			     -PFVMM_EINVAL);
	one[0] = rw >> 12;
	bad += hostile_check("donate-writable", offload_donate(one, 1), -PFVMM_EBUSY);
	one[0] = mmu_kernel_l4() >> 12;
	bad += hostile_check("donate-page-table", offload_donate(one, 1),
			     -PFVMM_EBUSY);
	mmu_direct_map_set(&ro, 1, false);
	one[0] = ro >> 12;
	bad += hostile_check("donate-good", offload_donate(one, 1), 0);
	bad += hostile_check("donate-twice", offload_donate(one, 1), -PFVMM_EEXIST);
	bad += hostile_check("donate-count-too-big",
			     offload_donate(many, PFVMM_MMU_BATCH_MAX + 1), -PFVMM_E2BIG);
	bad += hostile_check("reclaim-count-too-big",
			     hypercall2(PFVMM_HC_POOL_RECLAIM, (unsigned long)many,
					PFVMM_MMU_BATCH_MAX + 1), -PFVMM_E2BIG);
	return bad;
}

int run_hostile_offload(void)
{
	uint64_t ro = frame_alloc(), rw = frame_alloc(), many = frame_alloc();
	int bad = bad_regions();

	bad += bad_donations(ro, rw, (uint64_t *)many);
	bad += hostile_check("region-limit", regions_to_limit(), -PFVMM_E2BIG);
	printk("hostile summary: %d failed\n", bad);
	return bad ? 1 : 0;
}
