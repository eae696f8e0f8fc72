// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the guest page-table walker, kmod/core/gpt.c.
 *
 * The input fills a 16-frame guest memory with entries biased to present
 * tables inside it (and some large pages, reserved and out-of-range
 * frames), then asks for translations.  Every result is compared with a
 * reference walk written here from the x86-64 rules; on success the walk
 * must have read its leaf inside guest memory and the translated address
 * must be the leaf's frame plus the page offset.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gpt.h"

#define NFR	16

static u64 mem[NFR][512];
static unsigned long reads;

static int rd(void *ctx, u64 gpa, u64 *val)
{
	(void)ctx;
	reads++;
	if (gpa & 7)
		return -EINVAL;
	if ((gpa >> 12) >= NFR)
		return -EFAULT;
	*val = mem[gpa >> 12][(gpa & 0xfff) / 8];
	return 0;
}

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t byte(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned int pick_index(struct in *in)
{
	uint8_t b = byte(in);

	return b < 0xf0 ? (b & 3) : (b == 0xff ? 511 : 256 + (b & 7));
}

static u64 pick_entry(struct in *in)
{
	uint8_t f = byte(in), b = byte(in);
	u64 fr = b < 0xf8 ? b % NFR : (b == 0xff ? (1ULL << 40) - 1 : NFR + (b & 7));
	u64 val = fr << 12;

	if (!(f & 0x80) || (f & 0x40))
		val |= PFVMM_PTE_P;
	if (f & 0x01)
		val |= PFVMM_PTE_W;
	if (f & 0x02)
		val |= PFVMM_PTE_U;
	if ((f & 0x0c) == 0x0c)
		val |= PFVMM_PTE_PS;
	if ((f & 0x30) == 0x30)
		val |= 1ULL << (52 + byte(in) % 12);
	if ((f & 0x30) == 0x10)
		val |= (u64)byte(in) << 13;	/* inside a large frame */
	return val;
}

/* The x86-64 walk, as the walker documents it. */
static int ref_walk(u64 cr3, u64 va, struct pfvmm_gpt_walk *w)
{
	u64 table = cr3 & PFVMM_PTE_ADDR, top = va >> 47;
	int level;

	if (top != 0 && top != 0x1ffff)
		return -EFAULT;
	w->writable = w->user = true;
	for (level = 4; level >= 1; level--) {
		int shift = 12 + 9 * (level - 1);
		u64 gpa = table + ((va >> shift) & 511) * 8, pte;

		if ((gpa >> 12) >= NFR)
			return -EFAULT;
		pte = mem[gpa >> 12][(gpa & 0xfff) / 8];
		w->pte_gpa = gpa;
		if (!(pte & PFVMM_PTE_P))
			return -EFAULT;
		w->writable &= !!(pte & PFVMM_PTE_W);
		w->user &= !!(pte & PFVMM_PTE_U);
		w->pte = pte;
		w->level = level;
		if (level < 4 && (pte & PFVMM_PTE_PS) && level > 1) {
			u64 size = 1ULL << shift;

			w->gpa = (pte & PFVMM_PTE_ADDR & ~(size - 1)) |
				 (va & (size - 1));
			return 0;
		}
		/* PS at L4 is reserved; at L1 bit 7 is PAT (no effect here). */
		if (level == 4 && (pte & PFVMM_PTE_PS))
			return -EINVAL;
		table = pte & PFVMM_PTE_ADDR;
	}
	w->gpa = (w->pte & PFVMM_PTE_ADDR) | (va & 0xfff);
	return 0;
}

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz-gpt: ");					\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	u64 cr3;
	int i;

	memset(mem, 0, sizeof(mem));
	cr3 = ((u64)(byte(&in) % NFR) << 12) | (byte(&in) & 0x18);
	/* Entries. */
	for (i = byte(&in) % 64; i > 0; i--) {
		unsigned int fr = byte(&in) % NFR, idx = pick_index(&in);

		mem[fr][idx] = pick_entry(&in);
	}
	/* Translations. */
	while (in.n) {
		struct pfvmm_gpt_walk w, r;
		u64 va = 0;
		int k, got, want;

		for (k = 0; k < 4; k++)
			va = (va << 9) | pick_index(&in);
		va = (va << 12) | (((u64)byte(&in) << 4) & 0xfff);
		if (byte(&in) & 1)
			va |= 0xffff800000000000ULL;
		if (byte(&in) == 0xff)
			va ^= 1ULL << (47 + byte(&in) % 17);
		memset(&w, 0, sizeof(w));
		memset(&r, 0, sizeof(r));
		got = pfvmm_gpt_walk(cr3, va, rd, NULL, &w);
		want = ref_walk(cr3, va, &r);
		if (got != want)
			FAIL("walk(cr3 %#llx, va %#llx) = %d, want %d",
			     (unsigned long long)cr3, (unsigned long long)va,
			     got, want);
		if (got)
			continue;
		if ((w.pte_gpa >> 12) >= NFR || (w.pte_gpa & 7) ||
		    mem[w.pte_gpa >> 12][(w.pte_gpa & 0xfff) / 8] != w.pte)
			FAIL("walk(%#llx): leaf at %#llx is not %#llx",
			     (unsigned long long)va,
			     (unsigned long long)w.pte_gpa,
			     (unsigned long long)w.pte);
		if (w.gpa != r.gpa || w.pte != r.pte || w.level != r.level ||
		    w.pte_gpa != r.pte_gpa || w.writable != r.writable ||
		    w.user != r.user)
			FAIL("walk(%#llx): gpa %#llx level %d w%d u%d, want gpa %#llx level %d w%d u%d",
			     (unsigned long long)va, (unsigned long long)w.gpa,
			     w.level, w.writable, w.user,
			     (unsigned long long)r.gpa, r.level, r.writable,
			     r.user);
		if ((w.gpa & 0xfff) != (va & 0xfff) || w.level < 1 || w.level > 3)
			FAIL("walk(%#llx): gpa %#llx level %d",
			     (unsigned long long)va, (unsigned long long)w.gpa,
			     w.level);
	}
	return 0;
}
