// SPDX-License-Identifier: GPL-2.0
/*
 * The paravirtual MMU's validator (portable core), after Xen's model.
 *
 * Every guest frame has a type and a count of the references that hold
 * it.  A page-table type (L1..L4) is held by the guest's pin and by each
 * entry of a higher-level table that points to the frame; the writable
 * type is held by each L1 entry that maps the frame writable.  A type
 * changes only when its count is zero, so a frame is never a page table
 * and writable at once.  Tables are validated when first typed (pin) and
 * every later change to them is validated entry by entry; the levels
 * strictly decrease along any reference, so there are no cycles.
 *
 * Entries this code validates get their accessed bit (and the dirty bit
 * for writable L1 entries) set: page-table frames are read-only in the
 * EPT, so the CPU could not set them itself.
 *
 * Guest memory is not the validator's to trust: the launcher's mapping of
 * it stays writable whatever the EPT says, and a frame is writable for
 * other vCPUs until protect() returns.  So a table is write-protected
 * (and the TLBs flushed) before it is read for validation, the entries
 * validated are kept in a shadow copy only this code writes, and every
 * reference is dropped, every walk made, from the shadow.  Guest memory
 * is only read once per pin and written with what was validated: if the
 * launcher changes it, the guest sees its own corruption, the validator
 * does not.
 */
#include "../../include/pfvmm/pte.h"
#include "pvmmu.h"

#define ENTRIES		PFVMM_PT_ENTRIES
/* Bits 52-62 (software-available or protection keys) are refused. */
#define PTE_RESERVED	0x7ff0000000000000ULL
/* A count never wraps: past this, new references are refused. */
#define COUNT_MAX	0x7fffffffU

static bool type_is_table(u8 type)
{
	return type >= PFVMM_FT_L1 && type <= PFVMM_FT_L4;
}

static u64 pte_frame(u64 pte)
{
	return (pte & PFVMM_PTE_ADDR) >> 12;
}

static u64 table_gpa(u64 frame, unsigned int index)
{
	return (frame << 12) + index * 8;
}

/**
 * pfvmm_pvmmu_init() - a validator over the guest frames of @ranges
 * @m: the state to set up
 * @ranges: up to PFVMM_PVMMU_RANGES ranges of frames, none empty and no
 *	    two overlapping; their frame structs are zeroed here
 * @nranges: how many
 * @ops: the guest-memory callbacks
 * @ctx: their first argument
 *
 * Return: 0, or -EINVAL for bad ranges (then @m is left unset).
 */
int pfvmm_pvmmu_init(struct pfvmm_pvmmu *m,
		     const struct pfvmm_frame_range *ranges,
		     unsigned int nranges, const struct pfvmm_pvmmu_ops *ops,
		     void *ctx)
{
	u64 nframes = 0;
	unsigned int i, j;

	if (!nranges || nranges > PFVMM_PVMMU_RANGES)
		return -EINVAL;
	for (i = 0; i < nranges; i++) {
		const struct pfvmm_frame_range *r = &ranges[i];

		if (!r->count || !r->frames || r->first + r->count < r->first)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (r->first < ranges[j].first + ranges[j].count &&
			    ranges[j].first < r->first + r->count)
				return -EINVAL;
		nframes += r->count;
	}
	for (i = 0; i < nranges; i++) {
		m->ranges[i] = ranges[i];
		memset(ranges[i].frames, 0,
		       ranges[i].count * sizeof(*ranges[i].frames));
	}
	m->nranges = nranges;
	m->nframes = nframes;
	m->live_bases = 0;
	m->ops = ops;
	m->ctx = ctx;
	m->tables = 0;
	/* Tables can never outnumber frames; callers may lower this. */
	m->max_tables = nframes;
	m->upper_gen = 0;
	m->bad_drops = 0;
	return 0;
}

/**
 * pfvmm_pvmmu_frame() - the struct of a guest frame
 * @m: the validator state
 * @frame: any frame number (a guest's, unchecked)
 *
 * Return: the frame's struct, or NULL when @frame is not guest memory.
 */
struct pfvmm_frame *pfvmm_pvmmu_frame(const struct pfvmm_pvmmu *m, u64 frame)
{
	unsigned int i;

	for (i = 0; i < m->nranges; i++) {
		const struct pfvmm_frame_range *r = &m->ranges[i];

		/* Below first, the difference wraps past count. */
		if (frame - r->first < r->count)
			return &r->frames[frame - r->first];
	}
	return NULL;
}

/**
 * pfvmm_pvmmu_destroy() - free every table's shadow
 * @m: the validator state; no call may follow but pfvmm_pvmmu_init()
 *
 * Types and counts are left as they are.
 *
 * Return: the number of shadows freed (m->tables when the counts are right).
 */
u64 pfvmm_pvmmu_destroy(struct pfvmm_pvmmu *m)
{
	u64 fr, n = 0;
	unsigned int i;

	for (i = 0; i < m->nranges; i++) {
		struct pfvmm_frame *frames = m->ranges[i].frames;

		for (fr = 0; fr < m->ranges[i].count; fr++) {
			if (!frames[fr].shadow)
				continue;
			m->ops->free_shadow(m->ctx, frames[fr].shadow);
			frames[fr].shadow = NULL;
			n++;
		}
	}
	return n;
}

bool pfvmm_pvmmu_is_table(const struct pfvmm_pvmmu *m, u64 frame)
{
	const struct pfvmm_frame *f = pfvmm_pvmmu_frame(m, frame);

	return f && type_is_table(f->type);
}

static void put_type(struct pfvmm_pvmmu *m, u64 frame);

/* Drop the reference an entry of a level-@level table holds. */
static void put_entry(struct pfvmm_pvmmu *m, int level, u64 pte)
{
	if (!(pte & PFVMM_PTE_P))
		return;
	if (level > 1 || (pte & PFVMM_PTE_W))
		put_type(m, pte_frame(pte));
}

/* Copy a level-@level table from guest memory into @buf. */
static int read_table(struct pfvmm_pvmmu *m, u64 frame, u64 *buf)
{
	const u64 *table = m->ops->map_table ?
			   m->ops->map_table(m->ctx, frame) : NULL;
	unsigned int i;
	int err;

	if (table) {
		/* One pass over the guest's page; the copy is what counts. */
		for (i = 0; i < ENTRIES; i++)
			buf[i] = READ_ONCE(table[i]);
		return 0;
	}
	for (i = 0; i < ENTRIES; i++) {
		err = m->ops->read_pte(m->ctx, table_gpa(frame, i), &buf[i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The frame's last typed reference went: drop what its validated entries
 * hold (from the shadow: guest memory says nothing here) and free it.
 */
static void devalidate(struct pfvmm_pvmmu *m, struct pfvmm_frame *f,
		       int level)
{
	u64 *shadow = f->shadow;
	unsigned int i;

	for (i = 0; i < ENTRIES; i++)
		if (shadow[i] & PFVMM_PTE_P)
			put_entry(m, level, shadow[i]);
	f->shadow = NULL;
	m->ops->free_shadow(m->ctx, shadow);
}

/*
 * Drop one typed reference.  Every reference comes from a validated entry
 * or a pin, so the frame is in range and counted; if not, the drop is
 * refused and counted in bad_drops.
 */
static void put_type(struct pfvmm_pvmmu *m, u64 frame)
{
	struct pfvmm_frame *f = pfvmm_pvmmu_frame(m, frame);

	if (!f || !f->count) {
		m->bad_drops++;
		return;
	}
	if (--f->count)
		return;
	if (type_is_table(f->type)) {
		devalidate(m, f, f->type);
		m->tables--;
		f->type = PFVMM_FT_NONE;
		m->ops->protect(m->ctx, frame, false);
	} else {
		f->type = PFVMM_FT_NONE;
	}
}

/*
 * Check a new entry of a level-@level table and take the reference it
 * needs.  *@out is the entry to store (with A/D set).
 */
static int get_entry(struct pfvmm_pvmmu *m, int level, u64 pte, u64 *out)
{
	struct pfvmm_frame *f;
	u64 target;

	*out = pte;
	if (!(pte & PFVMM_PTE_P))
		return 0;
	if (pte & PTE_RESERVED)
		return -EINVAL;
	if (level > 1 && (pte & PFVMM_PTE_PS))
		return -EINVAL;		/* no large pages (at L1 it is PAT) */
	target = pte_frame(pte);
	f = pfvmm_pvmmu_frame(m, target);
	if (!f || f->count >= COUNT_MAX)
		return -EINVAL;
	*out |= PFVMM_PTE_A;
	if (level == 1) {
		if (!(pte & PFVMM_PTE_W))
			return 0;
		if (f->type != PFVMM_FT_NONE && f->type != PFVMM_FT_WRITABLE)
			return -EINVAL;	/* a page table mapped writable */
		f->type = PFVMM_FT_WRITABLE;
		f->count++;
		*out |= PFVMM_PTE_D;
		return 0;
	}
	if (f->type != PFVMM_FT_L1 + level - 2 || !f->count)
		return -EINVAL;		/* not a table of the level below */
	f->count++;
	return 0;
}

/*
 * Validate a table from one copy of it, @buf (its shadow to be), so that
 * a rollback drops exactly the references that were taken.  The frame is
 * write-protected already: the copy is what the table holds, and the A/D
 * bits written back make guest memory equal to it.
 */
static int validate_table(struct pfvmm_pvmmu *m, u64 frame, int level,
			  u64 *buf)
{
	unsigned int i, j;
	int err = read_table(m, frame, buf);

	if (err)
		return err;
	for (i = 0; i < ENTRIES; i++) {
		u64 out;

		if (!(buf[i] & PFVMM_PTE_P))
			continue;	/* nothing to take or to change */
		err = get_entry(m, level, buf[i], &out);
		if (err)
			break;
		if (out != buf[i]) {
			err = m->ops->write_pte(m->ctx, table_gpa(frame, i), out);
			buf[i] = out;
			if (err) {
				put_entry(m, level, out);
				break;
			}
		}
	}
	if (!err)
		return 0;
	for (j = 0; j < i; j++)
		put_entry(m, level, buf[j]);
	return err;
}

/* Zero a table's guest frame and its shadow-to-be, through @m's ops. */
static int clear_table(struct pfvmm_pvmmu *m, u64 frame, u64 *shadow)
{
	unsigned int i;
	int err;

	if (m->ops->clear_table)
		return m->ops->clear_table(m->ctx, frame, shadow);
	for (i = 0; i < ENTRIES; i++) {
		err = m->ops->write_pte(m->ctx, table_gpa(frame, i), 0);
		if (err)
			return err;
		shadow[i] = 0;
	}
	return 0;
}

/*
 * Type a fresh frame as a level-@level table: write-protect it, then read,
 * validate and keep its entries (@empty: clear them instead).  On failure
 * nothing is left changed.
 */
static int new_table(struct pfvmm_pvmmu *m, u64 frame, struct pfvmm_frame *f,
		     int level, bool empty)
{
	u64 *shadow = m->ops->alloc_shadow(m->ctx);
	int err;

	if (!shadow)
		return -ENOMEM;
	/* Typed first, so the table cannot map itself writable. */
	f->type = PFVMM_FT_L1 + level - 1;
	m->ops->protect(m->ctx, frame, true);
	err = empty ? clear_table(m, frame, shadow) :
		      validate_table(m, frame, level, shadow);
	if (err) {
		f->type = PFVMM_FT_NONE;
		m->ops->protect(m->ctx, frame, false);
		m->ops->free_shadow(m->ctx, shadow);
		return err;
	}
	f->shadow = shadow;
	f->count = 1;
	f->pinned = 1;
	m->tables++;
	return 0;
}

/**
 * pfvmm_pvmmu_pin() - type a frame as a level-@level table and pin it
 * @m: the validator state
 * @frame: the guest frame
 * @level: 1..4
 *
 * The frame is write-protected before its entries are read, so what is
 * validated is what the table holds from then on.
 *
 * Return: 0; -EINVAL for a bad frame, level or entry; -EEXIST if already
 * pinned; -EBUSY if the frame holds another type; -ENOMEM past the bound
 * on tables or without memory for the shadow; a read or write error of
 * guest memory.
 */
int pfvmm_pvmmu_pin(struct pfvmm_pvmmu *m, u64 frame, int level)
{
	struct pfvmm_frame *f = pfvmm_pvmmu_frame(m, frame);

	if (level < 1 || level > 4 || !f)
		return -EINVAL;
	if (f->pinned)
		return -EEXIST;
	if (f->count) {
		if (f->type != PFVMM_FT_L1 + level - 1)
			return -EBUSY;
		if (f->count >= COUNT_MAX)
			return -EINVAL;
		f->count++;
		f->pinned = 1;
		return 0;
	}
	if (m->tables >= m->max_tables)
		return -ENOMEM;
	return new_table(m, frame, f, level, false);
}

/**
 * pfvmm_pvmmu_pin_empty() - pin a frame nobody references as an empty table
 * @m: the validator state
 * @frame: the guest frame; of no type (no table entry, no writable
 *	   mapping holds it)
 * @level: 1..4
 *
 * For a frame the caller owns (offload's pool): it is write-protected,
 * then cleared, so the table holds no entry, and there is nothing to read
 * or validate.  What a vCPU wrote there before protect() returned is
 * overwritten; the shadow is zero whatever the launcher writes later.
 *
 * Return: 0; -EINVAL for a bad frame or level; -EBUSY if the frame has a
 * type; -ENOMEM past the bound on tables or without memory for the
 * shadow; the write error of guest memory (then nothing changed).
 */
int pfvmm_pvmmu_pin_empty(struct pfvmm_pvmmu *m, u64 frame, int level)
{
	struct pfvmm_frame *f = pfvmm_pvmmu_frame(m, frame);

	if (level < 1 || level > 4 || !f)
		return -EINVAL;
	if (f->count || f->pinned || f->type != PFVMM_FT_NONE)
		return -EBUSY;
	if (m->tables >= m->max_tables)
		return -ENOMEM;
	return new_table(m, frame, f, level, true);
}

/**
 * pfvmm_pvmmu_unpin() - drop the guest's pin of a table
 * @m: the validator state
 * @frame: the guest frame
 *
 * Dropping the last reference drops the ones its entries hold, as they
 * were validated (whatever guest memory says now).
 *
 * Return: 0; -EINVAL if not pinned; -EBUSY for a table that is the base
 * of any vCPU (it is in use as CR3 there).
 */
int pfvmm_pvmmu_unpin(struct pfvmm_pvmmu *m, u64 frame)
{
	struct pfvmm_frame *f = pfvmm_pvmmu_frame(m, frame);

	if (!f || !f->pinned)
		return -EINVAL;
	if (f->live)
		return -EBUSY;
	f->pinned = 0;
	m->upper_gen++;
	put_type(m, frame);
	return 0;
}

/**
 * pfvmm_pvmmu_update() - one MMU_UPDATE request: validate and store
 * @m: the validator state
 * @ptr: guest-physical address of the entry; low 2 bits: sub-command
 * @val: the new entry
 *
 * The old entry's reference is the one the shadow records; the new entry
 * goes to guest memory and to the shadow.
 *
 * Return: 0, or -EINVAL for a bad command, address, target or entry; the
 * write error of guest memory (then nothing changed).
 */
int pfvmm_pvmmu_update(struct pfvmm_pvmmu *m, u64 ptr, u64 val)
{
	struct pfvmm_frame *f = pfvmm_pvmmu_frame(m, ptr >> 12);
	unsigned int index = (ptr & 0xfff) / 8;
	u64 old, out;
	int level, err;

	if ((ptr & 3) != 0 || (ptr & 4) || !f)
		return -EINVAL;
	if (!type_is_table(f->type) || !f->count || !f->shadow)
		return -EINVAL;		/* not a page table */
	level = f->type;
	if (level > 1)
		m->upper_gen++;
	err = get_entry(m, level, val, &out);
	if (err)
		return err;
	err = m->ops->write_pte(m->ctx, ptr, out);
	if (err) {
		put_entry(m, level, out);
		return err;
	}
	old = f->shadow[index];
	f->shadow[index] = out;
	put_entry(m, level, old);
	return 0;
}

/*
 * The validated entry at @gpa, a typed table's; NULL if @gpa is not in
 * one (out of range, misaligned, another type).
 */
static const u64 *shadow_entry(const struct pfvmm_pvmmu *m, u64 gpa)
{
	const struct pfvmm_frame *f = pfvmm_pvmmu_frame(m, gpa >> 12);

	if ((gpa & 7) || !f)
		return NULL;
	if (!type_is_table(f->type) || !f->shadow)
		return NULL;
	return &f->shadow[(gpa & 0xfff) / 8];
}

/**
 * pfvmm_pvmmu_entry() - the validator's record of a page-table entry
 * @m: the validator state
 * @gpa: the entry's guest-physical address
 * @val: the entry as last validated (guest memory holds the same unless
 *       the launcher wrote it)
 *
 * Return: 0, or -EINVAL if @gpa is not an entry of a typed table.
 */
int pfvmm_pvmmu_entry(const struct pfvmm_pvmmu *m, u64 gpa, u64 *val)
{
	const u64 *e = shadow_entry(m, gpa);

	if (!e)
		return -EINVAL;
	*val = *e;
	return 0;
}

/**
 * pfvmm_pvmmu_va_entry() - where the L1 entry mapping @va lives
 * @m: the validator state
 * @base: the L4 the walk starts at (a vCPU's base), or PFVMM_NO_BASE
 * @va: a canonical guest-virtual address
 * @pte_gpa: the entry's guest-physical address
 *
 * The walk reads the validated entries (shadows), so every table on the
 * way is typed, of the right level, inside guest memory.
 *
 * Return: 0, -EINVAL without a base or for a non-canonical address,
 * -EFAULT if an upper level is not present.
 */
int pfvmm_pvmmu_va_entry(struct pfvmm_pvmmu *m, u64 base, u64 va,
			 u64 *pte_gpa)
{
	u64 table = base, top = va >> 47;
	int level;

	if (table == PFVMM_NO_BASE || (top != 0 && top != 0x1ffff))
		return -EINVAL;
	for (level = 4; level > 1; level--) {
		const u64 *pte = shadow_entry(m, table_gpa(table,
					(va >> (12 + 9 * (level - 1))) & 511));

		if (!pte)
			return -EFAULT;		/* cannot happen */
		if (!(*pte & PFVMM_PTE_P))
			return -EFAULT;
		table = pte_frame(*pte);
	}
	*pte_gpa = table_gpa(table, (va >> 12) & 511);
	return 0;
}

/**
 * pfvmm_pvmmu_new_base() - point a vCPU's base at another pinned L4
 * @m: the validator state
 * @base: the vCPU's base (PFVMM_NO_BASE or a frame this set earlier)
 * @frame: the L4's frame
 *
 * The L4 stays pinned while any base names it; the old one is let go.
 *
 * Return: 0, or -EINVAL unless @frame is a pinned L4 (then @base is
 * unchanged).
 */
int pfvmm_pvmmu_new_base(struct pfvmm_pvmmu *m, u64 *base, u64 frame)
{
	struct pfvmm_frame *f = pfvmm_pvmmu_frame(m, frame);

	if (!f || !f->pinned || f->type != PFVMM_FT_L4)
		return -EINVAL;
	f->live++;
	m->live_bases++;
	pfvmm_pvmmu_drop_base(m, base);
	*base = frame;
	return 0;
}

/**
 * pfvmm_pvmmu_drop_base() - a vCPU lets go of its base (it is destroyed,
 * or its CR3 is no pinned L4 any more)
 * @m: the validator state
 * @base: the vCPU's base; PFVMM_NO_BASE afterwards
 */
void pfvmm_pvmmu_drop_base(struct pfvmm_pvmmu *m, u64 *base)
{
	struct pfvmm_frame *f;

	m->upper_gen++;
	if (*base == PFVMM_NO_BASE)
		return;
	f = pfvmm_pvmmu_frame(m, *base);
	*base = PFVMM_NO_BASE;
	if (!f || !f->live) {
		m->bad_drops++;		/* not a base set here: a caller's bug */
		return;
	}
	f->live--;
	m->live_bases--;
}

/* @frame's place among the frames of all ranges in order, or ~0. */
static u64 frame_index(const struct pfvmm_pvmmu *m, u64 frame)
{
	u64 before = 0;
	unsigned int i;

	for (i = 0; i < m->nranges; i++) {
		const struct pfvmm_frame_range *r = &m->ranges[i];

		if (frame - r->first < r->count)
			return before + (frame - r->first);
		before += r->count;
	}
	return ~0ULL;
}

static void count_entry_refs(const struct pfvmm_pvmmu *m, int level, u64 pte,
			     u32 *expect)
{
	u64 k = frame_index(m, pte_frame(pte));

	if (!(pte & PFVMM_PTE_P) || k == ~0ULL)
		return;
	if (level > 1 || (pte & PFVMM_PTE_W))
		expect[k]++;
}

/**
 * pfvmm_pvmmu_check() - recount every reference and compare (for tests)
 * @m: the validator state
 * @scratch: room for nframes counters (the frames of all ranges, in order)
 *
 * The tables are the shadows: guest memory may say anything.
 *
 * Return: 0 when every count and type is what the tables say and every
 * table (and only a table) has a shadow, -EINVAL at the first frame where
 * they differ.
 */
int pfvmm_pvmmu_check(const struct pfvmm_pvmmu *m, u32 *scratch)
{
	u64 fr, k = 0;
	unsigned int r, i;

	memset(scratch, 0, m->nframes * sizeof(*scratch));
	for (r = 0; r < m->nranges; r++) {
		for (fr = 0; fr < m->ranges[r].count; fr++, k++) {
			const struct pfvmm_frame *f = &m->ranges[r].frames[fr];

			if (f->pinned)
				scratch[k]++;
			if (!type_is_table(f->type) || !f->count || !f->shadow)
				continue;
			for (i = 0; i < ENTRIES; i++)
				count_entry_refs(m, f->type, f->shadow[i],
						 scratch);
		}
	}
	k = 0;
	for (r = 0; r < m->nranges; r++) {
		for (fr = 0; fr < m->ranges[r].count; fr++, k++) {
			const struct pfvmm_frame *f = &m->ranges[r].frames[fr];

			if (scratch[k] != f->count)
				return -EINVAL;
			if (!f->count != !f->type)
				return -EINVAL;
			if (!f->shadow != !(type_is_table(f->type) && f->count))
				return -EINVAL;
		}
	}
	return 0;
}
