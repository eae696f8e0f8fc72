// SPDX-License-Identifier: GPL-2.0
/*
 * Walking a guest's 4-level x86-64 page tables (portable core).
 *
 * The walker reads entries through a callback, so the module reads guest
 * memory and the unit tests read a plain array.  It refuses non-canonical
 * addresses, entries that are not present, and PS at L4 (where it is
 * reserved).  Other reserved bits are not checked: the hardware faults on
 * them when the guest itself walks.
 */
#include "gpt.h"

static bool gva_canonical(u64 gva)
{
	u64 top = gva >> 47;

	return top == 0 || top == 0x1ffff;
}

static int level_shift(int level)
{
	return 12 + 9 * (level - 1);
}

/* Large-page frame bits for a leaf at @level (2: 2 MiB, 3: 1 GiB). */
static u64 large_frame(u64 pte, int level)
{
	u64 size = 1ULL << level_shift(level);

	return pte & PFVMM_PTE_ADDR & ~(size - 1);
}

/**
 * pfvmm_gpt_walk() - translate a guest-virtual address
 * @cr3: the guest's CR3 (the PML4's guest-physical address in bits 51:12)
 * @gva: the address to translate
 * @read: reads one entry of guest-physical memory
 * @ctx: passed to @read
 * @out: the result
 *
 * Return: 0, -EFAULT for a non-canonical address or a non-present entry,
 * -EINVAL for reserved bits, or what @read returned.
 */
int pfvmm_gpt_walk(u64 cr3, u64 gva, pfvmm_read_pte_fn read, void *ctx,
		   struct pfvmm_gpt_walk *out)
{
	u64 table = cr3 & PFVMM_PTE_ADDR;
	int level, err;

	if (!gva_canonical(gva))
		return -EFAULT;
	out->writable = true;
	out->user = true;
	for (level = 4; level >= 1; level--) {
		u64 idx = (gva >> level_shift(level)) & 511;
		u64 pte;

		out->pte_gpa = table + idx * 8;
		err = read(ctx, out->pte_gpa, &pte);
		if (err)
			return err;
		if (!(pte & PFVMM_PTE_P))
			return -EFAULT;
		out->writable &= !!(pte & PFVMM_PTE_W);
		out->user &= !!(pte & PFVMM_PTE_U);
		out->pte = pte;
		out->level = level;
		/* Bit 7 is PS at L2/L3, reserved at L4, and PAT at L1. */
		if (level > 1 && (pte & PFVMM_PTE_PS)) {
			if (level == 4)
				return -EINVAL;
			out->gpa = large_frame(pte, level) |
				   (gva & ((1ULL << level_shift(level)) - 1));
			return 0;
		}
		table = pte & PFVMM_PTE_ADDR;
	}
	out->gpa = (out->pte & PFVMM_PTE_ADDR) | (gva & 0xfff);
	return 0;
}
