// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the PV MMU validator, kmod/core/pvmmu.c.  Every operation
 * is followed by pfvmm_pvmmu_check() and the invariants of pvmmu-inv.h
 * (protection matches the table types, no table mapped writable, ...).
 */
#include <errno.h>
#include "core-test.h"
#include "pfvmm/pte.h"
#include "pvmmu.h"
#include "pvmmu-inv.h"

#define P	PFVMM_PTE_P
#define W	PFVMM_PTE_W
#define A	PFVMM_PTE_A
#define D	PFVMM_PTE_D
#define PS	PFVMM_PTE_PS
#define PW	(P | W)
#define E(fr, fl)	(((u64)(fr) << 12) | (fl))
#define SLOT(fr, i)	(((u64)(fr) << 12) + (u64)(i) * 8)

static const struct pfvmm_pvmmu_ops ops = {
	.read_pte = gm_read,
	.write_pte = gm_write,
	.protect = gm_protect,
	.alloc_shadow = gm_alloc_shadow,
	.free_shadow = gm_free_shadow,
};

static struct pfvmm_pvmmu m;
static u64 base;	/* one vCPU's base pointer */
static struct pfvmm_frame frames[GM_FRAMES];
static u32 scratch[GM_FRAMES];
static char invbuf[256];

/* A fresh validator over @nr ranges; the last one's shadows are freed first. */
static int setup_ranges(const struct pfvmm_frame_range *r, unsigned int nr)
{
	if (m.nranges)
		pfvmm_pvmmu_destroy(&m);
	memset(&m, 0, sizeof(m));
	base = PFVMM_NO_BASE;
	gm.shadows = 0;
	return pfvmm_pvmmu_init(&m, r, nr, &ops, NULL);
}

/* ... over all of the test memory, one range. */
static void setup(void)
{
	const struct pfvmm_frame_range all = { 0, GM_FRAMES, frames };

	(void)setup_ranges(&all, 1);
}

void pvmmu_teardown(void)
{
	if (m.nranges)
		pfvmm_pvmmu_destroy(&m);
}

static const char *inv(void)
{
	const char *why;

	if (gm.protect_error)
		return "protect() called twice with the same value";
	why = pvmmu_inv(&m, gm.prot, scratch, invbuf, sizeof(invbuf));
	if (why)
		return why;
	if (gm.shadows != (long)m.tables) {
		snprintf(invbuf, sizeof(invbuf), "%ld shadows for %llu tables",
			 gm.shadows, (unsigned long long)m.tables);
		return invbuf;
	}
	return pvmmu_view(&m, gm.tampered, invbuf, sizeof(invbuf));
}

/* Run @expr, expect @want, then check every invariant. */
#define OP(expr, want) do {						\
	int _r = (expr);						\
	const char *_why;						\
	if (_r != (want)) {						\
		t_fail(__FILE__, __LINE__, "%s = %d, want %d",		\
		       #expr, _r, (int)(want));				\
		return;							\
	}								\
	_why = inv();							\
	if (_why) {							\
		t_fail(__FILE__, __LINE__, "after %s: %s", #expr, _why);\
		return;							\
	}								\
} while (0)

/* Frame @fr: type, count, pinned; protected iff typed as a table. */
#define FRAME(fr, t, c, pin) do {					\
	CHECK_EQ(frames[fr].type, t);					\
	CHECK_EQ(frames[fr].count, c);					\
	CHECK_EQ(frames[fr].pinned, pin);				\
	CHECK_EQ(gm.prot[fr], (t) >= 1 && (t) <= 4);			\
} while (0)

static void all_none(void)
{
	unsigned int i;

	for (i = 0; i < GM_FRAMES; i++) {
		FRAME(i, PFVMM_FT_NONE, 0, 0);
	}
	CHECK_EQ(m.tables, 0);
}

/*
 * A tree: L1 1 (entry 0 maps 10 writable, entry 1 maps 11 read-only),
 * L2 2 [0] -> 1, L3 3 [0] -> 2, L4 4 [0] -> 3, all pinned bottom-up.
 */
static void build_tree(void)
{
	gm.mem[1][0] = E(10, PW);
	gm.mem[1][1] = E(11, P);
	gm.mem[2][0] = E(1, PW);
	gm.mem[3][0] = E(2, PW);
	gm.mem[4][0] = E(3, PW);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	OP(pfvmm_pvmmu_pin(&m, 3, 3), 0);
	OP(pfvmm_pvmmu_pin(&m, 4, 4), 0);
}

static void t_pin_empty_l1(void)
{
	setup();
	OP(0, 0);
	all_none();
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	FRAME(1, PFVMM_FT_L1, 1, 1);
	CHECK_EQ(m.tables, 1);
	CHECK(pfvmm_pvmmu_is_table(&m, 1));
	CHECK(!pfvmm_pvmmu_is_table(&m, 2));
	CHECK(!pfvmm_pvmmu_is_table(&m, GM_FRAMES));
	OP(pfvmm_pvmmu_unpin(&m, 1), 0);
	all_none();
	/* Bad level or frame. */
	OP(pfvmm_pvmmu_pin(&m, 1, 0), -EINVAL);
	OP(pfvmm_pvmmu_pin(&m, 1, 5), -EINVAL);
	OP(pfvmm_pvmmu_pin(&m, 1, -1), -EINVAL);
	OP(pfvmm_pvmmu_pin(&m, GM_FRAMES, 1), -EINVAL);
	OP(pfvmm_pvmmu_pin(&m, ~0ULL, 1), -EINVAL);
	all_none();
}

/*
 * pin_empty: a frame the caller owns becomes an empty table, whatever its
 * memory held (cleared after protect(), nothing validated); a frame with
 * a type or a pin is refused.
 */
static void t_pin_empty_fresh(void)
{
	setup();
	gm.mem[6][0] = E(10, PW);	/* written before it was protected */
	gm.mem[6][511] = E(4, PW);
	OP(pfvmm_pvmmu_pin_empty(&m, 6, 1), 0);
	FRAME(6, PFVMM_FT_L1, 1, 1);
	FRAME(10, PFVMM_FT_NONE, 0, 0);
	CHECK_EQ(gm.mem[6][0], 0);
	CHECK_EQ(gm.mem[6][511], 0);
	CHECK_EQ(m.tables, 1);
	OP(pfvmm_pvmmu_update(&m, SLOT(6, 0), E(10, PW)), 0);
	FRAME(10, PFVMM_FT_WRITABLE, 1, 0);
	/* Typed, pinned, or mapped writable: refused, nothing changed. */
	OP(pfvmm_pvmmu_pin_empty(&m, 6, 1), -EBUSY);
	OP(pfvmm_pvmmu_pin_empty(&m, 10, 1), -EBUSY);
	CHECK_EQ(gm.mem[6][0], E(10, PW | A | D));
	OP(pfvmm_pvmmu_pin_empty(&m, 7, 0), -EINVAL);
	OP(pfvmm_pvmmu_pin_empty(&m, 7, 5), -EINVAL);
	OP(pfvmm_pvmmu_pin_empty(&m, GM_FRAMES, 1), -EINVAL);
	/* An empty L2 takes an L1 below it like any other. */
	OP(pfvmm_pvmmu_pin_empty(&m, 7, 2), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(7, 3), E(6, PW)), 0);
	FRAME(6, PFVMM_FT_L1, 2, 1);
	OP(pfvmm_pvmmu_unpin(&m, 6), 0);
	OP(pfvmm_pvmmu_unpin(&m, 7), 0);
	all_none();
}

static void t_pin_bottom_up(void)
{
	u64 gpa;

	setup();
	build_tree();
	FRAME(1, PFVMM_FT_L1, 2, 1);
	FRAME(2, PFVMM_FT_L2, 2, 1);
	FRAME(3, PFVMM_FT_L3, 2, 1);
	FRAME(4, PFVMM_FT_L4, 1, 1);
	FRAME(10, PFVMM_FT_WRITABLE, 1, 0);
	FRAME(11, PFVMM_FT_NONE, 0, 0);
	CHECK_EQ(m.tables, 4);
	OP(pfvmm_pvmmu_va_entry(&m, base, 0, &gpa), -EINVAL);	/* no base yet */
	OP(pfvmm_pvmmu_new_base(&m, &base, 3), -EINVAL);
	OP(pfvmm_pvmmu_new_base(&m, &base, 1), -EINVAL);
	OP(pfvmm_pvmmu_new_base(&m, &base, 5), -EINVAL);
	OP(pfvmm_pvmmu_new_base(&m, &base, 10), -EINVAL);
	OP(pfvmm_pvmmu_new_base(&m, &base, GM_FRAMES), -EINVAL);
	CHECK_EQ(base, PFVMM_NO_BASE);
	OP(pfvmm_pvmmu_new_base(&m, &base, 4), 0);
	CHECK_EQ(base, 4);
	OP(pfvmm_pvmmu_va_entry(&m, base, 0x1000, &gpa), 0);
	CHECK_EQ(gpa, SLOT(1, 1));
	/* A failed new_base keeps the old one. */
	OP(pfvmm_pvmmu_new_base(&m, &base, 3), -EINVAL);
	CHECK_EQ(base, 4);
}

/* upper_gen moves with every change above L1, and only then. */
static void t_upper_gen(void)
{
	u64 g;

	setup();
	build_tree();
	OP(pfvmm_pvmmu_new_base(&m, &base, 4), 0);
	g = m.upper_gen;
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 5), E(12, PW)), 0);	/* L1 entry */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 5), 0), 0);
	OP(pfvmm_pvmmu_pin(&m, 20, 1), 0);	/* a new table, not linked */
	CHECK_EQ(m.upper_gen, g);
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 1), E(20, PW)), 0);	/* L2 entry */
	CHECK(m.upper_gen != g);
	g = m.upper_gen;
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 1), 0), 0);	/* L2 entry cleared */
	CHECK(m.upper_gen != g);
	g = m.upper_gen;
	OP(pfvmm_pvmmu_unpin(&m, 20), 0);
	CHECK(m.upper_gen != g);
	g = m.upper_gen;
	OP(pfvmm_pvmmu_new_base(&m, &base, 4), 0);
	CHECK(m.upper_gen != g);
}

/* An L4 pinned while only referenced... cannot be: an unpinned L4 that
 * nothing references has no type, so new_base refuses it. */
static void t_new_base_unpinned_l4(void)
{
	setup();
	OP(pfvmm_pvmmu_pin(&m, 4, 4), 0);
	OP(pfvmm_pvmmu_new_base(&m, &base, 4), 0);
	OP(pfvmm_pvmmu_pin(&m, 5, 4), 0);
	OP(pfvmm_pvmmu_unpin(&m, 5), 0);
	OP(pfvmm_pvmmu_new_base(&m, &base, 5), -EINVAL);
	CHECK_EQ(base, 4);
	OP(pfvmm_pvmmu_pin(&m, 5, 4), 0);
	OP(pfvmm_pvmmu_new_base(&m, &base, 5), 0);
	OP(pfvmm_pvmmu_unpin(&m, 4), 0);	/* no longer the base */
	FRAME(4, PFVMM_FT_NONE, 0, 0);
}

static void t_writable_frame(void)
{
	setup();
	gm.mem[1][0] = E(5, PW);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	FRAME(5, PFVMM_FT_WRITABLE, 1, 0);
	/* A writable frame cannot become a table at any level. */
	OP(pfvmm_pvmmu_pin(&m, 5, 1), -EBUSY);
	OP(pfvmm_pvmmu_pin(&m, 5, 2), -EBUSY);
	OP(pfvmm_pvmmu_pin(&m, 5, 4), -EBUSY);
	FRAME(5, PFVMM_FT_WRITABLE, 1, 0);
	/* A second writable mapping counts. */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 7), E(5, PW)), 0);
	FRAME(5, PFVMM_FT_WRITABLE, 2, 0);
	/* A table mapped writable through an update: refused. */
	OP(pfvmm_pvmmu_pin(&m, 2, 1), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 3), E(2, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 3), E(1, PW)), -EINVAL);
	CHECK_EQ(gm.mem[1][3], 0);
	FRAME(2, PFVMM_FT_L1, 1, 1);
	/* Read-only: fine, and it holds no reference. */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 3), E(2, P)), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 4), E(1, P)), 0);
	FRAME(2, PFVMM_FT_L1, 1, 1);
	FRAME(1, PFVMM_FT_L1, 1, 1);
	/* Dropping both writable mappings frees the frame for a table. */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), 0), 0);
	FRAME(5, PFVMM_FT_WRITABLE, 1, 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 7), E(5, P)), 0);
	FRAME(5, PFVMM_FT_NONE, 0, 0);
	OP(pfvmm_pvmmu_pin(&m, 5, 1), 0);
	FRAME(5, PFVMM_FT_L1, 1, 1);
}

static void t_self_map_writable(void)
{
	int lvl;

	setup();
	gm.mem[1][0] = E(7, PW);	/* taken, then rolled back */
	gm.mem[1][1] = E(8, P);
	gm.mem[1][3] = E(1, PW);	/* itself, writable */
	OP(pfvmm_pvmmu_pin(&m, 1, 1), -EINVAL);
	all_none();
	/* Read-only self-map is allowed. */
	gm.mem[1][3] = E(1, P);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	FRAME(1, PFVMM_FT_L1, 1, 1);
	FRAME(7, PFVMM_FT_WRITABLE, 1, 0);
	OP(pfvmm_pvmmu_unpin(&m, 1), 0);
	all_none();
	/* Upper levels pointing to themselves. */
	for (lvl = 2; lvl <= 4; lvl++) {
		gm.mem[20 + lvl][5] = E(20 + lvl, PW);
		OP(pfvmm_pvmmu_pin(&m, 20 + lvl, lvl), -EINVAL);
		all_none();
	}
}

static void t_l2_targets(void)
{
	setup();
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	/* An unpinned (untyped) frame. */
	gm.mem[2][0] = E(6, PW);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), -EINVAL);
	FRAME(2, PFVMM_FT_NONE, 0, 0);
	FRAME(6, PFVMM_FT_NONE, 0, 0);
	/* An L1: its count goes up. */
	gm.mem[2][0] = E(1, PW);
	gm.mem[2][9] = E(1, P);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	FRAME(1, PFVMM_FT_L1, 3, 1);
	FRAME(2, PFVMM_FT_L2, 1, 1);
	/* An L2. */
	gm.mem[3][0] = E(2, PW);
	OP(pfvmm_pvmmu_pin(&m, 3, 2), -EINVAL);
	FRAME(3, PFVMM_FT_NONE, 0, 0);
	FRAME(2, PFVMM_FT_L2, 1, 1);
	/* The same by update. */
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 1), E(6, P)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 1), E(2, P)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 1), E(1, P)), 0);
	FRAME(1, PFVMM_FT_L1, 4, 1);
	/* A writable frame is no L1 either. */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(9, PW)), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 2), E(9, P)), -EINVAL);
	/* L3 -> L1, L4 -> L2: the level must be exactly one below. */
	gm.mem[3][0] = E(1, P);
	OP(pfvmm_pvmmu_pin(&m, 3, 3), -EINVAL);
	gm.mem[3][0] = E(2, P);
	OP(pfvmm_pvmmu_pin(&m, 3, 4), -EINVAL);
	OP(pfvmm_pvmmu_pin(&m, 3, 3), 0);
	FRAME(2, PFVMM_FT_L2, 2, 1);
}

static void t_entry_bits(void)
{
	int lvl, bit;

	setup();
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	OP(pfvmm_pvmmu_pin(&m, 3, 3), 0);
	/* PS at L2..L4, target a valid table of the level below. */
	for (lvl = 2; lvl <= 4; lvl++) {
		gm.mem[10 + lvl][4] = E(lvl - 1, P | PS);
		OP(pfvmm_pvmmu_pin(&m, 10 + lvl, lvl), -EINVAL);
		FRAME(10 + lvl, PFVMM_FT_NONE, 0, 0);
		gm.mem[10 + lvl][4] = E(lvl - 1, P);
		OP(pfvmm_pvmmu_pin(&m, 10 + lvl, lvl), 0);
		OP(pfvmm_pvmmu_update(&m, SLOT(10 + lvl, 5), E(lvl - 1, P | PS)),
		   -EINVAL);
		CHECK_EQ(gm.mem[10 + lvl][5], 0);
	}
	/* PS at L1 is PAT: allowed, writable too. */
	gm.mem[20][0] = E(30, P | PS);
	gm.mem[20][1] = E(31, PW | PS);
	OP(pfvmm_pvmmu_pin(&m, 20, 1), 0);
	FRAME(31, PFVMM_FT_WRITABLE, 1, 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(20, 2), E(32, PW | PS)), 0);
	FRAME(32, PFVMM_FT_WRITABLE, 1, 0);
	/* Reserved bits 52-62, by pin and by update, at L1 and L2. */
	for (bit = 52; bit <= 62; bit++) {
		gm.mem[21][7] = E(33, P) | (1ULL << bit);
		OP(pfvmm_pvmmu_pin(&m, 21, 1), -EINVAL);
		OP(pfvmm_pvmmu_update(&m, SLOT(20, 8), E(33, PW) | (1ULL << bit)),
		   -EINVAL);
		OP(pfvmm_pvmmu_update(&m, SLOT(12, 8), E(1, P) | (1ULL << bit)),
		   -EINVAL);
		FRAME(33, PFVMM_FT_NONE, 0, 0);
	}
	FRAME(1, PFVMM_FT_L1, 2, 1);
	/* NX (63) and the ignored/flag bits are fine. */
	OP(pfvmm_pvmmu_update(&m, SLOT(20, 8), E(33, PW) | PFVMM_PTE_NX |
			      PFVMM_PTE_AVAIL | PFVMM_PTE_G | 0x18), 0);
	FRAME(33, PFVMM_FT_WRITABLE, 1, 0);
	/* Non-present entries are not looked at. */
	OP(pfvmm_pvmmu_update(&m, SLOT(20, 9), ~P), 0);
	CHECK_EQ(gm.mem[20][9], ~P);
	/* A frame beyond guest memory, read-only or not. */
	gm.mem[22][0] = E(GM_FRAMES, P);
	OP(pfvmm_pvmmu_pin(&m, 22, 1), -EINVAL);
	gm.mem[22][0] = E(GM_FRAMES + 1000, PW);
	OP(pfvmm_pvmmu_pin(&m, 22, 1), -EINVAL);
	gm.mem[22][0] = 0x000ffffffffff000ULL | P;
	OP(pfvmm_pvmmu_pin(&m, 22, 1), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(20, 10), E(GM_FRAMES, P)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(12, 10), E(GM_FRAMES, P)), -EINVAL);
	FRAME(22, PFVMM_FT_NONE, 0, 0);
}

static void t_update_ptr(void)
{
	setup();
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	gm.mem[2][0] = E(5, PW);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0) | 4, E(5, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0) | 1, E(5, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0) | 2, E(5, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0) | 3, E(5, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 511) | 7, E(5, PW)), -EINVAL);
	/* Not a table: untyped, writable, beyond memory. */
	OP(pfvmm_pvmmu_update(&m, SLOT(3, 0), E(5, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(GM_FRAMES, 0), E(5, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, ~7ULL, E(5, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(5, PW)), 0);
	FRAME(5, PFVMM_FT_WRITABLE, 1, 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(5, 0), E(6, PW)), -EINVAL);
	FRAME(6, PFVMM_FT_NONE, 0, 0);
	CHECK_EQ(gm.mem[5][0], 0);
	/* Replacing the entry drops the old reference. */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(6, P)), 0);
	FRAME(5, PFVMM_FT_NONE, 0, 0);
	FRAME(6, PFVMM_FT_NONE, 0, 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(6, PW)), 0);
	FRAME(6, PFVMM_FT_WRITABLE, 1, 0);
	/* Same value again: still one reference. */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(6, PW)), 0);
	FRAME(6, PFVMM_FT_WRITABLE, 1, 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), 0), 0);
	FRAME(6, PFVMM_FT_NONE, 0, 0);
	CHECK_EQ(gm.mem[1][0], 0);
	/* A failed update leaves the old entry and its reference. */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(6, PW)), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(1, PW)), -EINVAL);
	CHECK_EQ(gm.mem[1][0], E(6, PW | A | D));
	FRAME(6, PFVMM_FT_WRITABLE, 1, 0);
	/* The last entry of the frame. */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 511), E(7, PW)), 0);
	FRAME(7, PFVMM_FT_WRITABLE, 1, 0);
}

static void t_unpin(void)
{
	setup();
	build_tree();
	OP(pfvmm_pvmmu_new_base(&m, &base, 4), 0);
	OP(pfvmm_pvmmu_unpin(&m, 4), -EBUSY);
	FRAME(4, PFVMM_FT_L4, 1, 1);
	OP(pfvmm_pvmmu_unpin(&m, 5), -EINVAL);
	OP(pfvmm_pvmmu_unpin(&m, 10), -EINVAL);
	OP(pfvmm_pvmmu_unpin(&m, GM_FRAMES), -EINVAL);
	OP(pfvmm_pvmmu_unpin(&m, ~0ULL), -EINVAL);
	/* Unpin the L1 still referenced by the L2: stays typed, protected. */
	OP(pfvmm_pvmmu_unpin(&m, 1), 0);
	FRAME(1, PFVMM_FT_L1, 1, 0);
	FRAME(10, PFVMM_FT_WRITABLE, 1, 0);
	OP(pfvmm_pvmmu_unpin(&m, 1), -EINVAL);	/* not pinned any more */
	/* Clearing the L2 entry lets it go, and its writable mapping too. */
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 0), 0), 0);
	FRAME(1, PFVMM_FT_NONE, 0, 0);
	FRAME(10, PFVMM_FT_NONE, 0, 0);
	CHECK_EQ(m.tables, 3);
	/* Once free, it can be pinned at another level. */
	gm.mem[1][0] = 0;
	gm.mem[1][1] = 0;
	OP(pfvmm_pvmmu_pin(&m, 1, 2), 0);
	FRAME(1, PFVMM_FT_L2, 1, 1);
}

/*
 * Two vCPUs, two bases: an L4 stays pinned while it is either one's base
 * (another vCPU's NEW_BASEPTR must not let the guest unpin a table that
 * is still a CR3), and each walk starts at its own vCPU's base.
 */
static void t_two_bases(void)
{
	u64 other = PFVMM_NO_BASE, gpa;

	setup();
	build_tree();
	gm.mem[5][1] = E(3, PW);		/* the same L3, at slot 1 */
	OP(pfvmm_pvmmu_pin(&m, 5, 4), 0);
	OP(pfvmm_pvmmu_new_base(&m, &base, 4), 0);
	OP(pfvmm_pvmmu_new_base(&m, &other, 5), 0);
	CHECK_EQ(m.live_bases, 2);
	OP(pfvmm_pvmmu_unpin(&m, 4), -EBUSY);	/* vCPU 0's CR3 still */
	OP(pfvmm_pvmmu_unpin(&m, 5), -EBUSY);
	OP(pfvmm_pvmmu_va_entry(&m, base, 0x1000, &gpa), 0);
	CHECK_EQ(gpa, SLOT(1, 1));
	OP(pfvmm_pvmmu_va_entry(&m, other, 0x1000, &gpa), -EFAULT);
	OP(pfvmm_pvmmu_va_entry(&m, other, (1ULL << 39) | 0x1000, &gpa), 0);
	CHECK_EQ(gpa, SLOT(1, 1));
	OP(pfvmm_pvmmu_new_base(&m, &other, 4), 0);	/* both on 4 now */
	OP(pfvmm_pvmmu_unpin(&m, 5), 0);
	FRAME(5, PFVMM_FT_NONE, 0, 0);
	pfvmm_pvmmu_drop_base(&m, &base);
	CHECK_EQ(base, PFVMM_NO_BASE);
	OP(pfvmm_pvmmu_unpin(&m, 4), -EBUSY);	/* vCPU 1's yet */
	pfvmm_pvmmu_drop_base(&m, &other);
	pfvmm_pvmmu_drop_base(&m, &other);	/* a second time: nothing */
	CHECK_EQ(m.live_bases, 0);
	CHECK_EQ(m.bad_drops, 0);
	OP(pfvmm_pvmmu_unpin(&m, 4), 0);
	FRAME(4, PFVMM_FT_NONE, 0, 0);
}

static void t_unpin_recursive(void)
{
	unsigned int i;

	setup();
	build_tree();
	/* A second branch with a second L1 under the same L2. */
	gm.mem[5][3] = E(12, PW);
	OP(pfvmm_pvmmu_pin(&m, 5, 1), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 1), E(5, PW)), 0);
	OP(pfvmm_pvmmu_unpin(&m, 1), 0);
	OP(pfvmm_pvmmu_unpin(&m, 2), 0);
	OP(pfvmm_pvmmu_unpin(&m, 3), 0);
	OP(pfvmm_pvmmu_unpin(&m, 5), 0);
	FRAME(1, PFVMM_FT_L1, 1, 0);
	FRAME(2, PFVMM_FT_L2, 1, 0);
	FRAME(3, PFVMM_FT_L3, 1, 0);
	FRAME(5, PFVMM_FT_L1, 1, 0);
	FRAME(12, PFVMM_FT_WRITABLE, 1, 0);
	CHECK_EQ(m.tables, 5);
	OP(pfvmm_pvmmu_unpin(&m, 4), 0);
	all_none();
	for (i = 0; i < GM_FRAMES; i++)
		CHECK(!gm.prot[i]);
	/* The guest may write the frames again: they are plain memory. */
	OP(pfvmm_pvmmu_pin(&m, 10, 4), 0);
}

static void t_pin_twice(void)
{
	setup();
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), -EEXIST);
	OP(pfvmm_pvmmu_pin(&m, 1, 2), -EEXIST);
	FRAME(1, PFVMM_FT_L1, 1, 1);
	/* Pinning a table that is typed by a reference only. */
	gm.mem[2][0] = E(1, P);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	OP(pfvmm_pvmmu_unpin(&m, 1), 0);
	FRAME(1, PFVMM_FT_L1, 1, 0);
	OP(pfvmm_pvmmu_pin(&m, 1, 2), -EBUSY);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	FRAME(1, PFVMM_FT_L1, 2, 1);
	CHECK_EQ(m.tables, 2);
}

static void t_max_tables(void)
{
	setup();
	m.max_tables = 2;
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	gm.mem[2][0] = E(1, P);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	OP(pfvmm_pvmmu_pin(&m, 3, 1), -ENOMEM);
	FRAME(3, PFVMM_FT_NONE, 0, 0);
	/* Re-pinning an already typed table costs nothing. */
	OP(pfvmm_pvmmu_unpin(&m, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	OP(pfvmm_pvmmu_unpin(&m, 1), 0);
	OP(pfvmm_pvmmu_unpin(&m, 2), 0);
	CHECK_EQ(m.tables, 0);
	OP(pfvmm_pvmmu_pin(&m, 3, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 4, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 5, 1), -ENOMEM);
	m.max_tables = 0;
	OP(pfvmm_pvmmu_pin(&m, 5, 1), -ENOMEM);
}

static void t_ad_bits(void)
{
	setup();
	gm.mem[1][0] = E(10, P);
	gm.mem[1][1] = E(11, PW);
	gm.mem[1][2] = E(12, W);		/* not present: untouched */
	gm.mem[1][3] = E(13, P | A);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	CHECK_EQ(gm.mem[1][0], E(10, P | A));
	CHECK_EQ(gm.mem[1][1], E(11, PW | A | D));
	CHECK_EQ(gm.mem[1][2], E(12, W));
	CHECK_EQ(gm.mem[1][3], E(13, P | A));
	gm.mem[2][0] = E(1, PW);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	CHECK_EQ(gm.mem[2][0], E(1, PW | A));	/* no D above L1 */
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 5), E(14, P)), 0);
	CHECK_EQ(gm.mem[1][5], E(14, P | A));
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 6), E(14, PW)), 0);
	CHECK_EQ(gm.mem[1][6], E(14, PW | A | D));
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 6), E(1, P)), 0);
	CHECK_EQ(gm.mem[2][6], E(1, P | A));
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 7), E(15, W)), 0);
	CHECK_EQ(gm.mem[1][7], E(15, W));
	FRAME(15, PFVMM_FT_NONE, 0, 0);
}

static void t_va_entry(void)
{
	u64 gpa = 0x5a5a;
	const u64 hi = 0xffff800000000000ULL;

	setup();
	OP(pfvmm_pvmmu_va_entry(&m, base, 0, &gpa), -EINVAL);
	OP(pfvmm_pvmmu_pin(&m, 4, 4), 0);
	OP(pfvmm_pvmmu_new_base(&m, &base, 4), 0);
	OP(pfvmm_pvmmu_va_entry(&m, base, 0, &gpa), -EFAULT);		/* L4 */
	OP(pfvmm_pvmmu_pin(&m, 3, 3), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(4, 256), E(3, PW)), 0);
	OP(pfvmm_pvmmu_va_entry(&m, base, hi, &gpa), -EFAULT);	/* L3 */
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(3, 1), E(2, PW)), 0);
	OP(pfvmm_pvmmu_va_entry(&m, base, hi | (1ULL << 30), &gpa), -EFAULT); /* L2 */
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(2, 2), E(1, PW)), 0);
	CHECK_EQ(gpa, 0x5a5a);
	/* The L1 entry need not be present. */
	OP(pfvmm_pvmmu_va_entry(&m, base, hi | (1ULL << 30) | (2ULL << 21) |
				(0x1ffULL << 12) | 0xabc, &gpa), 0);
	CHECK_EQ(gpa, SLOT(1, 511));
	/* Non-canonical. */
	OP(pfvmm_pvmmu_va_entry(&m, base, 0x0000800000000000ULL, &gpa), -EINVAL);
	OP(pfvmm_pvmmu_va_entry(&m, base, 0xfff0800000000000ULL, &gpa), -EINVAL);
	/* And through it, an update of the mapping. */
	OP(pfvmm_pvmmu_va_entry(&m, base, hi | (1ULL << 30) | (2ULL << 21) | 0x3000,
				&gpa), 0);
	CHECK_EQ(gpa, SLOT(1, 3));
	OP(pfvmm_pvmmu_update(&m, gpa, E(40, PW)), 0);
	FRAME(40, PFVMM_FT_WRITABLE, 1, 0);
}

/* A read_pte failure while validating rolls everything back. */
static void t_read_fail_rollback(void)
{
	unsigned int i, at;
	unsigned long reads;

	for (at = 0; at < 12; at++) {
		gm_reset();
		setup();
		for (i = 0; i < 10; i++)
			gm.mem[1][i] = E(10 + i, PW);
		gm.mem[1][10] = E(30, P);
		gm.fail_read_gpa = SLOT(1, at);
		OP(pfvmm_pvmmu_pin(&m, 1, 1), -EIO);
		all_none();
		/* Write-protected before the read, given back after it. */
		CHECK_EQ(gm.protect_calls, 2);
		/* Nothing is left behind: the pin works afterwards. */
		OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
		for (i = 0; i < 10; i++)
			FRAME(10 + i, PFVMM_FT_WRITABLE, 1, 0);
	}
	/* At L2, with the L1s' counts. */
	gm_reset();
	setup();
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 2, 1), 0);
	for (i = 0; i < 8; i++)
		gm.mem[3][i] = E(1 + (i & 1), PW);
	gm.fail_read_gpa = SLOT(3, 5);
	OP(pfvmm_pvmmu_pin(&m, 3, 2), -EIO);
	FRAME(1, PFVMM_FT_L1, 1, 1);
	FRAME(2, PFVMM_FT_L1, 1, 1);
	FRAME(3, PFVMM_FT_NONE, 0, 0);
	/* A write_pte failure (storing A/D) too. */
	gm.fail_write_gpa = SLOT(3, 6);	/* 0-4 have A by now */
	OP(pfvmm_pvmmu_pin(&m, 3, 2), -EIO);
	FRAME(1, PFVMM_FT_L1, 1, 1);
	FRAME(3, PFVMM_FT_NONE, 0, 0);
	gm_reset();
	setup();
	gm.mem[1][0] = E(10, PW);
	gm.mem[1][1] = E(11, PW);
	gm.fail_write_gpa = SLOT(1, 1);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), -EIO);
	all_none();
	/*
	 * Update: the old entry comes from the shadow, so a read that would
	 * fail is never made; a write of the new entry that fails changes
	 * nothing.
	 */
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	gm.fail_read_gpa = SLOT(1, 3);
	reads = gm.reads;
	CHECK_EQ(pfvmm_pvmmu_update(&m, SLOT(1, 3), E(13, PW)), 0);
	CHECK_EQ(gm.reads, reads);
	gm.fail_read_gpa = GM_NOFAIL;
	OP(0, 0);
	FRAME(13, PFVMM_FT_WRITABLE, 1, 0);
	gm.fail_write_gpa = SLOT(1, 2);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 2), E(12, PW)), -EIO);
	FRAME(12, PFVMM_FT_NONE, 0, 0);
	gm.fail_write_gpa = SLOT(1, 0);
	OP(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(12, PW)), -EIO);
	FRAME(12, PFVMM_FT_NONE, 0, 0);
	FRAME(10, PFVMM_FT_WRITABLE, 1, 0);
}

/*
 * Dropping the last reference of a table (devalidate) reads no guest
 * memory: the references its entries hold come from the shadow, so an
 * unpin cannot fail on a read, nor leak, with every read failing.
 */
static void t_devalidate_reads_nothing(void)
{
	unsigned long reads;

	setup();
	build_tree();
	reads = gm.reads;
	gm.failing = true;
	CHECK_EQ(pfvmm_pvmmu_unpin(&m, 1), 0);
	CHECK_EQ(pfvmm_pvmmu_unpin(&m, 2), 0);
	CHECK_EQ(pfvmm_pvmmu_unpin(&m, 3), 0);
	CHECK_EQ(pfvmm_pvmmu_unpin(&m, 4), 0);
	gm.failing = false;
	CHECK_EQ(gm.reads, reads);
	all_none();
	CHECK_EQ(gm.shadows, 0);
}

/* No memory for a shadow: the pin fails and leaves nothing behind. */
static void t_shadow_alloc_fails(void)
{
	setup();
	gm.mem[1][0] = E(10, PW);
	gm.fail_alloc = true;
	OP(pfvmm_pvmmu_pin(&m, 1, 1), -ENOMEM);
	all_none();
	CHECK_EQ(gm.protect_calls, 0);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	FRAME(10, PFVMM_FT_WRITABLE, 1, 0);
}

static void t_read_fail_rollback_reread(void)
{
	unsigned int i;

	setup();
	for (i = 0; i < 4; i++)
		gm.mem[1][i] = E(10 + i, PW);
	/* Reads 1-4 (entries 0-3) work; from the 5th (entry 4) on, every
	 * read fails, so the rollback cannot re-read entries 0-3. */
	gm.fail_read_nth = 5;
	CHECK_EQ(pfvmm_pvmmu_pin(&m, 1, 1), -EIO);
	gm.fail_read_nth = 0;
	gm.failing = false;
	all_none();
}

/*
 * White-box: a count at its maximum (2^32 - 1 references: e.g. 2^23 L1s
 * with 512 writable entries each, a 32 GiB+ guest).  BUG (reported): one
 * more reference wraps the u32 count to 0, so the frame looks free and
 * can be pinned as a table while mapped writable.  Xen refuses the
 * reference instead.
 */
static void t_count_overflow(void)
{
	setup();
	gm.mem[1][0] = E(5, PW);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	frames[5].count = 0xffffffffu;
	(void)pfvmm_pvmmu_update(&m, SLOT(1, 1), E(5, PW));
	CHECK(frames[5].count != 0);
}

/*
 * The launcher's mapping of guest memory stays writable while a frame is
 * a table: what it stores there must never decide which references are
 * dropped.  Each value below replaces a validated L1 entry (frame 10,
 * writable), then the guest updates the entry: exactly the reference the
 * validator took goes (frame 10's), the stored value is ignored.  Junk
 * frame numbers come last: the first is one past the frames array (ASan
 * sees the overflow), then (1 << 48) | P | W, the reproduced host crash.
 */
static const u64 junk_entries[] = {
	E(11, PW),		/* another frame, never referenced */
	E(1, PW),		/* the table itself, writable */
	E(12, P),		/* read-only: holds nothing */
	E(GM_FRAMES, PW),
	(1ULL << 48) | PW,
	0x000ffffffffff000ULL | PW,
};

static void t_launcher_write_update(void)
{
	unsigned int k;

	for (k = 0; k < sizeof(junk_entries) / sizeof(junk_entries[0]); k++) {
		gm_reset();
		setup();
		gm.mem[1][0] = E(10, PW);
		OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
		gm_launcher_write(1, 0, junk_entries[k]);
		CHECK_EQ(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(13, P)), 0);
		FRAME(10, PFVMM_FT_NONE, 0, 0);
		FRAME(11, PFVMM_FT_NONE, 0, 0);
		FRAME(1, PFVMM_FT_L1, 1, 1);
		CHECK_EQ(gm.mem[1][0], E(13, P | A));
		OP(0, 0);
		OP(pfvmm_pvmmu_unpin(&m, 1), 0);
		all_none();
	}
}

/* The same when the last reference goes (devalidation): every entry junk. */
static void t_launcher_write_unpin(void)
{
	unsigned int i;

	setup();
	for (i = 0; i < 4; i++)
		gm.mem[1][i] = E(10 + i, PW);
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	FRAME(10, PFVMM_FT_WRITABLE, 1, 0);
	for (i = 0; i < 512; i++)
		gm_launcher_write(1, i, junk_entries[i % 6] + ((u64)(i / 6) << 12));
	CHECK_EQ(pfvmm_pvmmu_unpin(&m, 1), 0);
	all_none();
	OP(0, 0);
}

/*
 * Upper levels: the launcher moves an L2's reference from L1 5 to L1 6.
 * Unpinning the L2 must drop 5's reference (taken), not 6's (never taken:
 * 6 would lose its pin's reference and stop being a table while pinned).
 */
static void t_launcher_write_l2(void)
{
	setup();
	OP(pfvmm_pvmmu_pin(&m, 5, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 6, 1), 0);
	gm.mem[2][0] = E(5, PW);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	FRAME(5, PFVMM_FT_L1, 2, 1);
	gm_launcher_write(2, 0, 0);
	gm_launcher_write(2, 1, E(6, PW));
	CHECK_EQ(pfvmm_pvmmu_unpin(&m, 2), 0);
	FRAME(2, PFVMM_FT_NONE, 0, 0);
	FRAME(5, PFVMM_FT_L1, 1, 1);
	FRAME(6, PFVMM_FT_L1, 1, 1);
	OP(0, 0);
	OP(pfvmm_pvmmu_unpin(&m, 5), 0);
	OP(pfvmm_pvmmu_unpin(&m, 6), 0);
	all_none();
}

/*
 * Another vCPU writes the table while it is being pinned, at every point
 * of the pin (each read and protect() call).  A write that lands is one
 * the frame was still writable for; what is validated must be exactly what
 * the table holds afterwards, so unpinning drops what was taken: L1s 1 and
 * 2 keep their pins, the L2 goes.  @val is what the other vCPU stores in
 * entry 7 (the L2 maps L1 1 at entry 0).
 */
static void pin_race(u64 val)
{
	unsigned long at;

	for (at = 1; at <= 515; at++) {
		gm_reset();
		setup();
		OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
		OP(pfvmm_pvmmu_pin(&m, 2, 1), 0);
		gm.mem[3][0] = E(1, PW);
		gm.race_at = at;
		gm.race_gpa = SLOT(3, 7);
		gm.race_val = val;
		gm.race_calls = 0;
		if (pfvmm_pvmmu_pin(&m, 3, 2)) {
			/* Refused: only because the racing entry was seen. */
			CHECK(gm.race_landed);
			FRAME(3, PFVMM_FT_NONE, 0, 0);
		} else {
			gm.race_at = 0;
			OP(0, 0);
			CHECK_EQ(gm.mem[3][7] != 0, gm.race_landed);
			CHECK_EQ(pfvmm_pvmmu_unpin(&m, 3), 0);
		}
		gm.race_at = 0;
		FRAME(1, PFVMM_FT_L1, 1, 1);
		FRAME(2, PFVMM_FT_L1, 1, 1);
		FRAME(3, PFVMM_FT_NONE, 0, 0);
		OP(0, 0);
	}
}

/*
 * White-box: even a shadow that went wrong (a validator bug) cannot make
 * a drop index outside the frames: the drop is refused and counted.
 */
static void t_bad_drop_bounded_whitebox(void)
{
	setup();
	OP(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	frames[1].shadow[0] = (1ULL << 48) | PW;
	frames[1].shadow[1] = E(GM_FRAMES, PW);
	frames[1].shadow[2] = E(9, PW);		/* in range, count 0 */
	CHECK_EQ(pfvmm_pvmmu_update(&m, SLOT(1, 0), 0), 0);
	CHECK_EQ(pfvmm_pvmmu_unpin(&m, 1), 0);
	CHECK_EQ(m.bad_drops, 3);
	all_none();
}

/*
 * Guest memory in two ranges, frames 0-15 and 32-47 (two memory slots):
 * the frames of the holes are not guest memory, for pins, entries and
 * updates alike, and their structs are never touched.
 */
static void t_ranges_hole(void)
{
	const struct pfvmm_frame_range two[2] = {
		{ 0, 16, frames }, { 32, 16, frames + 32 },
	};
	unsigned int i;

	CHECK_EQ(setup_ranges(two, 2), 0);
	CHECK_EQ(m.nframes, 32);
	CHECK(pfvmm_pvmmu_frame(&m, 15) == &frames[15]);
	CHECK(pfvmm_pvmmu_frame(&m, 16) == NULL);
	CHECK(pfvmm_pvmmu_frame(&m, 31) == NULL);
	CHECK(pfvmm_pvmmu_frame(&m, 32) == &frames[32]);
	CHECK(pfvmm_pvmmu_frame(&m, 47) == &frames[47]);
	CHECK(pfvmm_pvmmu_frame(&m, 48) == NULL);
	CHECK(pfvmm_pvmmu_frame(&m, ~0ULL) == NULL);
	gm.mem[33][0] = E(40, PW);	/* an L1 in the second range */
	gm.mem[33][1] = E(1, P);	/* maps a frame of the first */
	gm.mem[2][0] = E(33, PW);	/* an L2 in the first */
	OP(pfvmm_pvmmu_pin(&m, 33, 1), 0);
	OP(pfvmm_pvmmu_pin(&m, 2, 2), 0);
	FRAME(33, PFVMM_FT_L1, 2, 1);
	FRAME(40, PFVMM_FT_WRITABLE, 1, 0);
	/* The hole: no pin, no entry pointing there, no update inside. */
	OP(pfvmm_pvmmu_pin(&m, 20, 1), -EINVAL);
	OP(pfvmm_pvmmu_pin(&m, 48, 1), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(33, 2), E(20, P)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(33, 2), E(31, PW)), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(20, 0), 0), -EINVAL);
	gm.mem[3][0] = E(20, PW);
	OP(pfvmm_pvmmu_pin(&m, 3, 2), -EINVAL);
	OP(pfvmm_pvmmu_update(&m, SLOT(33, 2), E(47, PW)), 0);
	FRAME(47, PFVMM_FT_WRITABLE, 1, 0);
	OP(pfvmm_pvmmu_unpin(&m, 2), 0);
	OP(pfvmm_pvmmu_unpin(&m, 33), 0);
	all_none();
	for (i = 16; i < 32; i++)
		CHECK(!memcmp(&frames[i], &(struct pfvmm_frame){0},
			      sizeof(frames[i])));
}

/*
 * A range far up (a 4 KiB slot just under 64 GiB): its frame struct is
 * the only one it costs.  And the ranges init refuses.
 */
static void t_ranges_high_and_bad(void)
{
	const u64 top = (1ULL << 24) - 1;	/* the last frame below 64 GiB */
	const struct pfvmm_frame_range high[2] = {
		{ 0, 8, frames }, { top, 1, frames + 63 },
	};
	struct pfvmm_frame_range bad[PFVMM_PVMMU_RANGES + 1];
	unsigned int i;

	CHECK_EQ(setup_ranges(high, 2), 0);
	CHECK_EQ(m.nframes, 9);
	CHECK(pfvmm_pvmmu_frame(&m, top) == &frames[63]);
	CHECK(pfvmm_pvmmu_frame(&m, top + 1) == NULL);
	CHECK(pfvmm_pvmmu_frame(&m, 8) == NULL);
	/* Not OP(): the invariants index the test's 64 frames by number. */
	gm.mem[1][0] = E(top, PW);
	CHECK_EQ(pfvmm_pvmmu_pin(&m, 1, 1), 0);
	CHECK_EQ(frames[63].type, PFVMM_FT_WRITABLE);
	CHECK_EQ(frames[63].count, 1);
	CHECK_EQ(pfvmm_pvmmu_update(&m, SLOT(1, 0), E(top + 1, PW)), -EINVAL);
	CHECK_EQ(pfvmm_pvmmu_unpin(&m, 1), 0);
	CHECK_EQ(frames[63].type, PFVMM_FT_NONE);
	CHECK_EQ(pfvmm_pvmmu_check(&m, scratch), 0);

	for (i = 0; i < PFVMM_PVMMU_RANGES + 1; i++)
		bad[i] = (struct pfvmm_frame_range){ i * 4, 4, frames + i * 4 };
	CHECK_EQ(setup_ranges(bad, 0), -EINVAL);
	CHECK_EQ(setup_ranges(bad, PFVMM_PVMMU_RANGES + 1), -EINVAL);
	CHECK_EQ(setup_ranges(bad, PFVMM_PVMMU_RANGES), 0);
	bad[1].first = 2;		/* overlaps [0, 4) */
	CHECK_EQ(setup_ranges(bad, 2), -EINVAL);
	bad[1] = (struct pfvmm_frame_range){ 4, 0, frames + 4 };
	CHECK_EQ(setup_ranges(bad, 2), -EINVAL);
	bad[1] = (struct pfvmm_frame_range){ 4, 4, NULL };
	CHECK_EQ(setup_ranges(bad, 2), -EINVAL);
	bad[1] = (struct pfvmm_frame_range){ ~0ULL - 1, 4, frames + 4 };
	CHECK_EQ(setup_ranges(bad, 2), -EINVAL);	/* wraps */
	setup();
}

static void t_pin_race(void)
{
	pin_race(E(2, PW));
}

static void t_pin_race_junk(void)
{
	pin_race((1ULL << 48) | PW);
}

const struct t_case pvmmu_tests[] = {
	{ "pvmmu_pin_empty_l1", t_pin_empty_l1 },
	{ "pvmmu_pin_empty_fresh", t_pin_empty_fresh },
	{ "pvmmu_pin_bottom_up_new_base", t_pin_bottom_up },
	{ "pvmmu_upper_gen", t_upper_gen },
	{ "pvmmu_new_base_needs_pinned_l4", t_new_base_unpinned_l4 },
	{ "pvmmu_writable_frame", t_writable_frame },
	{ "pvmmu_self_map_writable", t_self_map_writable },
	{ "pvmmu_l2_targets", t_l2_targets },
	{ "pvmmu_entry_bits", t_entry_bits },
	{ "pvmmu_update_ptr", t_update_ptr },
	{ "pvmmu_unpin", t_unpin },
	{ "pvmmu_unpin_l4_recursive", t_unpin_recursive },
	{ "pvmmu_two_bases", t_two_bases },
	{ "pvmmu_pin_twice", t_pin_twice },
	{ "pvmmu_max_tables", t_max_tables },
	{ "pvmmu_ad_bits", t_ad_bits },
	{ "pvmmu_va_entry", t_va_entry },
	{ "pvmmu_read_fail_rollback", t_read_fail_rollback },
	{ "pvmmu_devalidate_reads_nothing", t_devalidate_reads_nothing },
	{ "pvmmu_shadow_alloc_fails", t_shadow_alloc_fails },
	{ "pvmmu_read_fail_rollback_reread", t_read_fail_rollback_reread },
	{ "pvmmu_count_overflow_whitebox", t_count_overflow },
	{ "pvmmu_launcher_write_l2_unpin", t_launcher_write_l2 },
	{ "pvmmu_pin_race", t_pin_race },
	{ "pvmmu_bad_drop_bounded_whitebox", t_bad_drop_bounded_whitebox },
	{ "pvmmu_ranges_hole", t_ranges_hole },
	{ "pvmmu_ranges_high_and_bad", t_ranges_high_and_bad },
	/* Last: on a validator that trusts guest memory these overflow. */
	{ "pvmmu_launcher_write_update", t_launcher_write_update },
	{ "pvmmu_launcher_write_unpin", t_launcher_write_unpin },
	{ "pvmmu_pin_race_junk", t_pin_race_junk },
	T_LIST_END
};
