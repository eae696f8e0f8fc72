// SPDX-License-Identifier: GPL-2.0
/*
 * hostile=twobase: two vCPUs, two base pointers.  The pv MMU's base
 * (the pinned L4 in CR3) belongs to a vCPU, not to the VM: a second vCPU
 * that loads another L4 must neither let the guest unpin the L4 the
 * first vCPU still runs on, nor move the first vCPU's offloaded faults
 * into its own tables.
 *
 * Needs tests/vm/pvbase.c as the launcher.  vCPU 0 (this kernel, on its
 * L4 "A") pins a second L4 "B", a copy of A, and asks the launcher with
 * an OUT of a request's address to TWOBASE_PORT to start vCPU 1 at
 * twobase_ap() on A.  vCPU 1 loads B, tries to unpin A and B (both must
 * be -EBUSY: each is some vCPU's CR3), stores what it got and OUTs 0 to
 * the port; the launcher then resumes vCPU 0, which checks the results,
 * tries to unpin B itself (-EBUSY: vCPU 1 still runs on it) and runs
 * touch with offload: every fault must be resolved by the VMM in A, none
 * forwarded (with one base per VM the VMM resolved them in B, where
 * vCPU 0 never looks).
 */
#include "tests.h"

#define TWOBASE_PORT	0x5a4
#define TWOBASE_MAGIC	0x65736162206f7774ull	/* "two base" */
#define TWOBASE_PAGES	64

/* Shared with the launcher: the layout is tests/vm/pvbase.c's too. */
struct twobase_req {
	uint64_t magic;
	uint64_t rip, rsp, cr3;		/* where vCPU 1 starts */
	uint64_t l4_a, l4_b;		/* guest-physical */
	int64_t new_base, unpin_a, unpin_b;	/* vCPU 1's results */
	uint64_t done;			/* vCPU 1 got to the end */
};

static struct twobase_req req;

static long new_base(uint64_t pa)
{
	struct pfvmm_mmuext_op op = {
		.cmd = PFVMM_MMUEXT_NEW_BASEPTR, .arg1 = pa >> 12,
	};

	return hypercall3(PFVMM_HC_MMUEXT_OP, (unsigned long)&op, 1, 0);
}

/* vCPU 1, on A with interrupts off: never returns. */
static void __attribute__((noreturn, used)) twobase_ap(void)
{
	req.new_base = new_base(req.l4_b);
	req.unpin_a = hostile_unpin(req.l4_a);
	req.unpin_b = hostile_unpin(req.l4_b);
	req.done = 1;
	asm volatile("" : : : "memory");
	outl(TWOBASE_PORT, 0);
	for (;;)
		asm volatile("hlt");
}

/*
 * B: a copy of A (the same lower tables) without the user region's slot,
 * read-only, pinned.  A fault resolved in B's tables is none of A's.
 */
static uint64_t make_l4_copy(uint64_t a)
{
	uint64_t b = frame_alloc();

	memcpy((void *)b, (const void *)a, PAGE_SIZE);
	((uint64_t *)b)[(UBASE >> 39) & 511] = 0;
	mmu_direct_map_set(&b, 1, false);
	hc_check("pin l4 copy", hostile_pin(b, 4));
	return b;
}

/* touch with offload on vCPU 0: the faults this kernel saw, or -1. */
static long touch_forwarded(long *offloaded)
{
	struct boot_config c = {
		.mode = MODE_PV, .workload = "touch", .pages = TWOBASE_PAGES,
		.offload = 1, .pool = CFG_UNSET, .fuzz = CFG_UNSET,
	};
	uint64_t f0 = mmu_faults();

	if (run_workload(&c))
		return -1;		/* data check failed */
	*offloaded = (long)offload_resolved();
	return (long)(mmu_faults() - f0);
}

int run_hostile_twobase(void)
{
	uint64_t stack = frame_alloc();
	long offloaded = 0, forwarded;
	int bad = 0;

	req.l4_a = mmu_kernel_l4();
	req.l4_b = make_l4_copy(req.l4_a);
	req.rip = (uint64_t)twobase_ap;
	req.rsp = stack + PAGE_SIZE;
	req.cr3 = req.l4_a;
	req.magic = TWOBASE_MAGIC;
	asm volatile("" : : : "memory");
	outl(TWOBASE_PORT, (uint32_t)(uint64_t)&req);
	asm volatile("" : : : "memory");
	bad += hostile_check("twobase-ap-ran", (long)req.done, 1);
	bad += hostile_check("twobase-ap-new-base", req.new_base, 0);
	bad += hostile_check("twobase-ap-unpin-other-vcpus-base", req.unpin_a,
			     -PFVMM_EBUSY);
	bad += hostile_check("twobase-ap-unpin-own-base", req.unpin_b,
			     -PFVMM_EBUSY);
	bad += hostile_check("twobase-unpin-other-vcpus-base",
			     hostile_unpin(req.l4_b), -PFVMM_EBUSY);
	forwarded = touch_forwarded(&offloaded);
	bad += hostile_check("twobase-touch-forwarded", forwarded, 0);
	bad += hostile_check("twobase-touch-offloaded", offloaded, TWOBASE_PAGES);
	printk("hostile summary: %d failed\n", bad);
	return bad ? 1 : 0;
}
