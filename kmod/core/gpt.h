/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking a guest's 4-level x86-64 page tables (portable core).
 */
#ifndef PFVMM_CORE_GPT_H
#define PFVMM_CORE_GPT_H

#include "env.h"

#define PFVMM_PTE_P		BIT_ULL(0)
#define PFVMM_PTE_W		BIT_ULL(1)
#define PFVMM_PTE_U		BIT_ULL(2)
#define PFVMM_PTE_PS		BIT_ULL(7)
#define PFVMM_PTE_NX		BIT_ULL(63)
#define PFVMM_PTE_ADDR		0x000ffffffffff000ULL

/* Reads the 8-byte entry at guest-physical @gpa; 0 or a negative errno. */
typedef int (*pfvmm_read_pte_fn)(void *ctx, u64 gpa, u64 *pte);

struct pfvmm_gpt_walk {
	u64 gpa;	/* the translation of the address walked */
	u64 pte;	/* the leaf entry */
	u64 pte_gpa;	/* where the leaf entry lives */
	int level;	/* 1: 4 KiB page, 2: 2 MiB, 3: 1 GiB */
	bool writable;	/* W set at every level */
	bool user;	/* U set at every level */
};

int pfvmm_gpt_walk(u64 cr3, u64 gva, pfvmm_read_pte_fn read, void *ctx,
		   struct pfvmm_gpt_walk *out);

#endif /* PFVMM_CORE_GPT_H */
