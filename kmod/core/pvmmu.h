/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paravirtual MMU's validator (portable core): frame types and
 * reference counts, pinning, page-table updates, the base pointers (one
 * per vCPU, each held in a u64 of the caller's; a pinned L4 that is some
 * vCPU's base cannot be unpinned), and the validator's own copy of every
 * table it validated.
 * It touches guest memory only through the callbacks in
 * struct pfvmm_pvmmu_ops, so it runs unchanged in the unit tests and the
 * fuzzer.  Callers serialise all calls on one struct pfvmm_pvmmu.
 */
#ifndef PFVMM_CORE_PVMMU_H
#define PFVMM_CORE_PVMMU_H

#include "env.h"

enum pfvmm_frame_type {
	PFVMM_FT_NONE = 0,
	PFVMM_FT_L1 = 1,	/* PFVMM_FT_L1 + n - 1 is level n */
	PFVMM_FT_L2 = 2,
	PFVMM_FT_L3 = 3,
	PFVMM_FT_L4 = 4,
	PFVMM_FT_WRITABLE = 5,
};

#define PFVMM_PT_ENTRIES	512

struct pfvmm_frame {
	u8 type;		/* enum pfvmm_frame_type */
	u8 pinned;
	u8 in_pool;		/* the caller's (offload's pool): never read here */
	u8 live;		/* bases (one a vCPU) that name this L4 */
	u32 count;		/* references holding the type */
	/*
	 * A table's entries as validated (PFVMM_PT_ENTRIES of them), NULL
	 * for any other type.  Only the validator writes it: references are
	 * dropped from here, never from guest memory, which the launcher's
	 * mapping (or another vCPU, before write protection) can change.
	 */
	u64 *shadow;
};

struct pfvmm_pvmmu_ops {
	/* Read or write the 8-byte entry at guest-physical @gpa. */
	int (*read_pte)(void *ctx, u64 gpa, u64 *val);
	int (*write_pte)(void *ctx, u64 gpa, u64 val);
	/* Optional: the frame's 512 entries, readable in place, or NULL. */
	const u64 *(*map_table)(void *ctx, u64 frame);
	/*
	 * @frame became a page table (@table) or stopped being one.  When
	 * this returns true, no vCPU can write the frame any more.
	 */
	void (*protect)(void *ctx, u64 frame, bool table);
	/* Room for one table's shadow (PFVMM_PT_ENTRIES u64s), or NULL. */
	u64 *(*alloc_shadow)(void *ctx);
	/*
	 * Optional: zero @frame's 512 entries in guest memory and @shadow's
	 * (write_pte() of each, else).
	 */
	int (*clear_table)(void *ctx, u64 frame, u64 *shadow);
	void (*free_shadow)(void *ctx, u64 *shadow);
};

/*
 * Guest frames [first, first + count), one struct pfvmm_frame each in
 * frames[]: guest memory is the union of a few ranges (the kernel's memory
 * slots), so the frame structs cost what guest memory holds, whatever
 * guest-physical addresses it sits at.  A frame in no range is not guest
 * memory.
 */
struct pfvmm_frame_range {
	u64 first;
	u64 count;
	struct pfvmm_frame *frames;
};

#define PFVMM_PVMMU_RANGES	8

struct pfvmm_pvmmu {
	struct pfvmm_frame_range ranges[PFVMM_PVMMU_RANGES];
	unsigned int nranges;
	u64 nframes;			/* frames in all ranges */
	u64 live_bases;			/* bases set (pfvmm_pvmmu_new_base) */
	const struct pfvmm_pvmmu_ops *ops;
	void *ctx;
	u64 tables;			/* frames typed as page tables now */
	/*
	 * Bumped whenever a table above L1 may have changed (an update of an
	 * L2-L4 entry, an unpin, a base set): a walk to an L1 table cached
	 * under one value stays right while the value does.
	 */
	u64 upper_gen;
	u64 max_tables;			/* bound on that number */
	/* References dropped that were not held: a bug if ever non-zero. */
	u64 bad_drops;
};

#define PFVMM_NO_BASE	(~0ULL)

int pfvmm_pvmmu_init(struct pfvmm_pvmmu *m,
		     const struct pfvmm_frame_range *ranges,
		     unsigned int nranges, const struct pfvmm_pvmmu_ops *ops,
		     void *ctx);
struct pfvmm_frame *pfvmm_pvmmu_frame(const struct pfvmm_pvmmu *m, u64 frame);
u64 pfvmm_pvmmu_destroy(struct pfvmm_pvmmu *m);
int pfvmm_pvmmu_pin(struct pfvmm_pvmmu *m, u64 frame, int level);
int pfvmm_pvmmu_pin_empty(struct pfvmm_pvmmu *m, u64 frame, int level);
int pfvmm_pvmmu_unpin(struct pfvmm_pvmmu *m, u64 frame);
int pfvmm_pvmmu_update(struct pfvmm_pvmmu *m, u64 ptr, u64 val);
int pfvmm_pvmmu_va_entry(struct pfvmm_pvmmu *m, u64 base, u64 va,
			 u64 *pte_gpa);
int pfvmm_pvmmu_entry(const struct pfvmm_pvmmu *m, u64 gpa, u64 *val);
int pfvmm_pvmmu_new_base(struct pfvmm_pvmmu *m, u64 *base, u64 frame);
void pfvmm_pvmmu_drop_base(struct pfvmm_pvmmu *m, u64 *base);
bool pfvmm_pvmmu_is_table(const struct pfvmm_pvmmu *m, u64 frame);
int pfvmm_pvmmu_check(const struct pfvmm_pvmmu *m, u32 *scratch);

#endif /* PFVMM_CORE_PVMMU_H */
