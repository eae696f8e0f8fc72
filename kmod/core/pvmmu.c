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
 */
#include "../../include/pfvmm/pte.h"
#include "pvmmu.h"

#define ENTRIES		512
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

void pfvmm_pvmmu_init(struct pfvmm_pvmmu *m, struct pfvmm_frame *frames,
		      u64 nframes, const struct pfvmm_pvmmu_ops *ops,
		      void *ctx)
{
	memset(frames, 0, nframes * sizeof(*frames));
	m->frames = frames;
	m->nframes = nframes;
	m->base = PFVMM_NO_BASE;
	m->ops = ops;
	m->ctx = ctx;
	m->tables = 0;
	/* Tables can never outnumber frames; callers may lower this. */
	m->max_tables = nframes;
}

bool pfvmm_pvmmu_is_table(const struct pfvmm_pvmmu *m, u64 frame)
{
	return frame < m->nframes && type_is_table(m->frames[frame].type);
}

static int put_type(struct pfvmm_pvmmu *m, u64 frame);

/* Drop the reference an entry of a level-@level table holds. */
static void put_entry(struct pfvmm_pvmmu *m, int level, u64 pte)
{
	if (!(pte & PFVMM_PTE_P))
		return;
	if (level > 1 || (pte & PFVMM_PTE_W))
		put_type(m, pte_frame(pte));
}

/* Copy a level-@level table into its scratch buffer. */
static int read_table(struct pfvmm_pvmmu *m, u64 frame, int level)
{
	u64 *buf = m->scratch[level - 1];
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

/* The frame's last typed reference went: drop what its entries hold. */
static int devalidate(struct pfvmm_pvmmu *m, u64 frame, int level)
{
	unsigned int i;
	int err = read_table(m, frame, level);

	if (err)
		return err;
	for (i = 0; i < ENTRIES; i++)
		if (m->scratch[level - 1][i] & PFVMM_PTE_P)
			put_entry(m, level, m->scratch[level - 1][i]);
	return 0;
}

/*
 * Drop one typed reference.  If it was the last one of a table whose
 * entries cannot be read, the reference stays and the error is returned.
 */
static int put_type(struct pfvmm_pvmmu *m, u64 frame)
{
	struct pfvmm_frame *f = &m->frames[frame];
	int err;

	if (!f->count)
		return 0;	/* cannot happen while counts are right */
	if (--f->count)
		return 0;
	if (type_is_table(f->type)) {
		err = devalidate(m, frame, f->type);
		if (err) {
			f->count = 1;
			return err;
		}
		m->tables--;
		f->type = PFVMM_FT_NONE;
		m->ops->protect(m->ctx, frame, false);
	} else {
		f->type = PFVMM_FT_NONE;
	}
	return 0;
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
	if (target >= m->nframes)
		return -EINVAL;
	f = &m->frames[target];
	if (f->count >= COUNT_MAX)
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
 * Validate a table from one copy of it, so that a rollback drops exactly
 * the references that were taken.
 */
static int validate_table(struct pfvmm_pvmmu *m, u64 frame, int level)
{
	u64 *buf = m->scratch[level - 1];
	unsigned int i, j;
	int err = read_table(m, frame, level);

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

/**
 * pfvmm_pvmmu_pin() - type a frame as a level-@level table and pin it
 * @m: the validator state
 * @frame: the guest frame
 * @level: 1..4
 *
 * Return: 0; -EINVAL for a bad frame, level or entry; -EEXIST if already
 * pinned; -EBUSY if the frame holds another type; -ENOMEM past the bound
 * on tables.
 */
int pfvmm_pvmmu_pin(struct pfvmm_pvmmu *m, u64 frame, int level)
{
	struct pfvmm_frame *f;
	int err;

	if (level < 1 || level > 4 || frame >= m->nframes)
		return -EINVAL;
	f = &m->frames[frame];
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
	/* Typed during validation, so the table cannot map itself. */
	f->type = PFVMM_FT_L1 + level - 1;
	err = validate_table(m, frame, level);
	if (err) {
		f->type = PFVMM_FT_NONE;
		return err;
	}
	f->count = 1;
	f->pinned = 1;
	m->tables++;
	m->ops->protect(m->ctx, frame, true);
	return 0;
}

/**
 * pfvmm_pvmmu_unpin() - drop the guest's pin of a table
 * @m: the validator state
 * @frame: the guest frame
 *
 * Return: 0; -EINVAL if not pinned; -EBUSY for the current base table;
 * the read error if the table's entries cannot be read (then it stays
 * pinned).
 */
int pfvmm_pvmmu_unpin(struct pfvmm_pvmmu *m, u64 frame)
{
	int err;

	if (frame >= m->nframes || !m->frames[frame].pinned)
		return -EINVAL;
	if (frame == m->base)
		return -EBUSY;
	m->frames[frame].pinned = 0;
	m->upper_gen++;
	err = put_type(m, frame);
	if (err)
		m->frames[frame].pinned = 1;
	return err;
}

/**
 * pfvmm_pvmmu_update() - one MMU_UPDATE request: validate and store
 * @m: the validator state
 * @ptr: guest-physical address of the entry; low 2 bits: sub-command
 * @val: the new entry
 *
 * Return: 0, or -EINVAL for a bad command, address, target or entry.
 */
int pfvmm_pvmmu_update(struct pfvmm_pvmmu *m, u64 ptr, u64 val)
{
	u64 frame = ptr >> 12, old, out;
	int level, err;

	if ((ptr & 3) != 0 || (ptr & 4) || frame >= m->nframes)
		return -EINVAL;
	if (!type_is_table(m->frames[frame].type) || !m->frames[frame].count)
		return -EINVAL;		/* not a page table */
	level = m->frames[frame].type;
	if (level > 1)
		m->upper_gen++;
	err = m->ops->read_pte(m->ctx, ptr, &old);
	if (err)
		return err;
	err = get_entry(m, level, val, &out);
	if (err)
		return err;
	err = m->ops->write_pte(m->ctx, ptr, out);
	if (err) {
		put_entry(m, level, out);
		return err;
	}
	put_entry(m, level, old);
	return 0;
}

/**
 * pfvmm_pvmmu_va_entry() - where the L1 entry mapping @va lives
 * @m: the validator state; the walk starts at the current base
 * @va: a canonical guest-virtual address
 * @pte_gpa: the entry's guest-physical address
 *
 * Return: 0, -EINVAL without a base or for a non-canonical address,
 * -EFAULT if an upper level is not present.
 */
int pfvmm_pvmmu_va_entry(struct pfvmm_pvmmu *m, u64 va, u64 *pte_gpa)
{
	u64 table = m->base, top = va >> 47;
	int level, err;

	if (table == PFVMM_NO_BASE || (top != 0 && top != 0x1ffff))
		return -EINVAL;
	for (level = 4; level > 1; level--) {
		u64 pte;

		err = m->ops->read_pte(m->ctx, table_gpa(table,
					(va >> (12 + 9 * (level - 1))) & 511),
				       &pte);
		if (err)
			return err;
		if (!(pte & PFVMM_PTE_P))
			return -EFAULT;
		table = pte_frame(pte);
	}
	*pte_gpa = table_gpa(table, (va >> 12) & 511);
	return 0;
}

/**
 * pfvmm_pvmmu_new_base() - switch to another pinned L4
 * @m: the validator state
 * @frame: the L4's frame
 *
 * Return: 0, or -EINVAL unless @frame is a pinned L4.
 */
int pfvmm_pvmmu_new_base(struct pfvmm_pvmmu *m, u64 frame)
{
	if (frame >= m->nframes || !m->frames[frame].pinned ||
	    m->frames[frame].type != PFVMM_FT_L4)
		return -EINVAL;
	m->base = frame;
	m->upper_gen++;
	return 0;
}

static void count_entry_refs(const struct pfvmm_pvmmu *m, int level, u64 pte,
			     u32 *expect)
{
	if (!(pte & PFVMM_PTE_P) || pte_frame(pte) >= m->nframes)
		return;
	if (level > 1 || (pte & PFVMM_PTE_W))
		expect[pte_frame(pte)]++;
}

/**
 * pfvmm_pvmmu_check() - recount every reference and compare (for tests)
 * @m: the validator state
 * @scratch: room for nframes counters
 *
 * Return: 0 when every count and type is what the tables say, -EINVAL
 * at the first frame where they differ.
 */
int pfvmm_pvmmu_check(const struct pfvmm_pvmmu *m, u32 *scratch)
{
	u64 fr;

	memset(scratch, 0, m->nframes * sizeof(*scratch));
	for (fr = 0; fr < m->nframes; fr++) {
		const struct pfvmm_frame *f = &m->frames[fr];
		unsigned int i;

		if (f->pinned)
			scratch[fr]++;
		if (!type_is_table(f->type) || !f->count)
			continue;
		for (i = 0; i < ENTRIES; i++) {
			u64 pte;

			if (!m->ops->read_pte(m->ctx, table_gpa(fr, i), &pte))
				count_entry_refs(m, f->type, pte, scratch);
		}
	}
	for (fr = 0; fr < m->nframes; fr++) {
		const struct pfvmm_frame *f = &m->frames[fr];

		if (scratch[fr] != f->count)
			return -EINVAL;
		if (!f->count != !f->type)
			return -EINVAL;
	}
	return 0;
}
