// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the PV MMU validator, kmod/core/pvmmu.c.
 *
 * The input is a sequence of operations on a 64-frame guest whose frames 8
 * and 9 are a hole (two ranges, as two memory slots would be): pin, unpin,
 * mmu_update, new_base and va_entry (each on one of two vCPUs' base
 * pointers), a raw guest write to a frame that is not
 * a page table (tables are write-protected: the guest cannot write them),
 * a write by the launcher through its own mapping, which nothing protects
 * (to any frame, page tables included), a pin raced by another vCPU's
 * write (it lands at the N-th read or protect() call of the pin unless the
 * frame is write-protected by then), and lowering max_tables.  Frames, entry indexes and entry values are
 * biased to a few frames and to the interesting bits (P, W, PS, reserved,
 * out-of-range frames).  After every operation the fuzzer checks
 * pfvmm_pvmmu_check() and the invariants of ../unit/core/pvmmu-inv.h
 * (over the validator's shadows), that guest memory of every table the
 * launcher did not write holds what was validated, and the effect the
 * operation promised (return codes, stored entries).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pfvmm/pte.h"
#include "pvmmu.h"
#include "pvmmu-inv.h"

#define NFR	64
/* Guest memory: frames [0, HOLE) and [HOLE_END, NFR); the hole is not. */
#define HOLE	8
#define HOLE_END 10

static u64 mem[NFR][512];
static bool dirty[NFR];
static bool prot[NFR];
static bool tampered[NFR];	/* typed, and written by the launcher since */
/* The racing write of op_race_pin: at the race_at-th call (0: none). */
static unsigned int race_at, race_calls;
static u64 race_gpa, race_val;
static struct pfvmm_frame frames[NFR];
static const struct pfvmm_frame_range ranges[2] = {
	{ 0, HOLE, frames },
	{ HOLE_END, NFR - HOLE_END, frames + HOLE_END },
};
static u32 scratch[NFR];
static struct pfvmm_pvmmu m;
static char why[256];
static int step;

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz-pvmmu: step %d: ", step);			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* A read or protect() call: the armed racing write may land now. */
static void race_tick(void)
{
	u64 fr = race_gpa >> 12;

	if (!race_at || ++race_calls != race_at)
		return;
	race_at = 0;
	if (prot[fr])
		return;		/* the EPT stops the other vCPU's write */
	mem[fr][(race_gpa & 0xfff) / 8] = race_val;
	dirty[fr] = true;
}

static int rd(void *ctx, u64 gpa, u64 *val)
{
	(void)ctx;
	race_tick();
	if (gpa & 7)
		return -EINVAL;
	if ((gpa >> 12) >= NFR)
		return -EFAULT;
	*val = mem[gpa >> 12][(gpa & 0xfff) / 8];
	return 0;
}

static int wr(void *ctx, u64 gpa, u64 val)
{
	(void)ctx;
	if (gpa & 7)
		return -EINVAL;
	if ((gpa >> 12) >= NFR)
		return -EFAULT;
	dirty[gpa >> 12] = true;
	mem[gpa >> 12][(gpa & 0xfff) / 8] = val;
	return 0;
}

static void protect(void *ctx, u64 frame, bool table)
{
	(void)ctx;
	race_tick();
	if (frame >= NFR)
		FAIL("protect(%llu) beyond memory", (unsigned long long)frame);
	if (prot[frame] == table)
		FAIL("protect(%llu, %d) twice", (unsigned long long)frame, table);
	prot[frame] = table;
	if (!table)
		tampered[frame] = false;	/* plain memory again */
}

static long shadows;	/* allocated, not freed */

static u64 *alloc_shadow(void *ctx)
{
	(void)ctx;
	shadows++;
	return malloc(512 * sizeof(u64));
}

static void free_shadow(void *ctx, u64 *p)
{
	(void)ctx;
	shadows--;
	free(p);
}

static const struct pfvmm_pvmmu_ops ops = {
	.read_pte = rd, .write_pte = wr, .protect = protect,
	.alloc_shadow = alloc_shadow, .free_shadow = free_shadow,
};

/* The input, consumed byte by byte (zeros past the end). */
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

static u64 pick_frame(struct in *in)
{
	uint8_t b = byte(in);

	if (b < 0xf0)
		return b % 12;		/* a small working set */
	switch (b & 15) {
	case 0: return NFR - 1;
	case 1: return NFR;
	case 2: return NFR + 1;
	case 3: return 1ULL << 40;
	case 4: return (1ULL << 40) - 1;
	default: return b & 63;
	}
}

static unsigned int pick_index(struct in *in)
{
	uint8_t b = byte(in);

	if (b < 0xf0)
		return b & 7;
	return b == 0xff ? 511 : 256 + (b & 15);
}

static u64 pick_val(struct in *in)
{
	uint8_t f = byte(in);
	u64 val = pick_frame(in) << 12;

	if (!(f & 0x80) || (f & 0x40))
		val |= PFVMM_PTE_P;
	if (f & 0x01)
		val |= PFVMM_PTE_W;
	if (f & 0x02)
		val |= PFVMM_PTE_U;
	if ((f & 0x0c) == 0x0c)
		val |= PFVMM_PTE_PS;
	if ((f & 0x30) == 0x30)
		val |= 1ULL << (52 + byte(in) % 12);	/* 52-63 */
	if ((f & 0xc0) == 0x80)
		val |= PFVMM_PTE_A | PFVMM_PTE_D | PFVMM_PTE_G;
	return val;
}

static bool is_table(u64 fr)
{
	return fr < NFR && inv_is_table(frames[fr].type);
}

static struct pfvmm_frame snap[NFR];
static bool snap_prot[NFR];
static u64 snap_tables, snap_base[2];
static u64 vbase[2];	/* two vCPUs' base pointers */

static void take_snapshot(void)
{
	memcpy(snap, frames, sizeof(snap));
	memcpy(snap_prot, prot, sizeof(snap_prot));
	snap_tables = m.tables;
	memcpy(snap_base, vbase, sizeof(snap_base));
}

static bool unchanged(void)
{
	return !memcmp(snap, frames, sizeof(snap)) &&
	       !memcmp(snap_prot, prot, sizeof(prot)) &&
	       snap_tables == m.tables &&
	       !memcmp(snap_base, vbase, sizeof(vbase));
}

/*
 * The full check recounts every table (512 reads each): it runs after the
 * operations that changed the validator's state.  One that failed must
 * have changed nothing at all, which is cheap to check.
 */
static void check_all_(const char *what, int r, bool force)
{
	if (r && !unchanged())
		FAIL("%s failed (%d) but changed the frames, tables or base",
		     what, r);
	if (!r && !force && unchanged())
		return;		/* nothing changed: the last check holds */
	if (pvmmu_inv(&m, prot, scratch, why, sizeof(why)))
		FAIL("after %s: %s", what, why);
	if (pvmmu_view(&m, tampered, why, sizeof(why)))
		FAIL("after %s: %s", what, why);
	if (shadows != (long)m.tables)
		FAIL("after %s: %ld shadows for %llu tables", what, shadows,
		     (unsigned long long)m.tables);
	take_snapshot();
}

#define check_all(what, r)	check_all_(what, r, false)
/* A successful update changed a table even if no count moved. */
#define check_update(what, r)	check_all_(what, r, !(r))

static void expect_err(const char *what, int r, int a, int b, int c, int d)
{
	if (r != 0 && r != a && r != b && r != c && r != d)
		FAIL("%s returned %d", what, r);
}

static void pin_frame(u64 fr, int level)
{
	struct pfvmm_frame before = fr < NFR ? frames[fr] : (struct pfvmm_frame){0};
	int r = pfvmm_pvmmu_pin(&m, fr, level);

	expect_err("pin", r, -EINVAL, -EEXIST, -EBUSY, -ENOMEM);
	if (!r && (!frames[fr].pinned || frames[fr].type != level))
		FAIL("pin(%llu, %d) = 0 but type %u pinned %u",
		     (unsigned long long)fr, level, frames[fr].type,
		     frames[fr].pinned);
	if (r && fr < NFR && (frames[fr].type != before.type ||
			      frames[fr].count != before.count ||
			      frames[fr].pinned != before.pinned))
		FAIL("pin(%llu, %d) = %d changed the frame",
		     (unsigned long long)fr, level, r);
	if (r == -EBUSY && (!before.count || before.type == level))
		FAIL("pin -EBUSY on a frame of type %u count %u",
		     before.type, before.count);
	check_all("pin", r);
}

/* pin_empty: an empty table, or refused (a frame with a type or a pin). */
static void pin_empty_frame(u64 fr, int level)
{
	struct pfvmm_frame before = fr < NFR ? frames[fr] : (struct pfvmm_frame){0};
	int r = pfvmm_pvmmu_pin_empty(&m, fr, level);
	unsigned int i;

	expect_err("pin_empty", r, -EINVAL, -EBUSY, -ENOMEM, -EFAULT);
	if (r == -EBUSY && !before.count && !before.pinned && !before.type)
		FAIL("pin_empty -EBUSY on a frame with no type");
	check_all("pin_empty", r);
	if (r)
		return;
	if (before.count || before.pinned || before.type)
		FAIL("pin_empty(%llu) = 0 on a frame of type %u count %u",
		     (unsigned long long)fr, before.type, before.count);
	for (i = 0; i < PFVMM_PT_ENTRIES; i++)
		if (frames[fr].shadow[i])
			FAIL("pin_empty(%llu): shadow entry %u not 0",
			     (unsigned long long)fr, i);
}

static void op_pin(struct in *in)
{
	u64 fr = pick_frame(in);
	uint8_t b = byte(in);

	if (b & 0x80)
		pin_empty_frame(fr, b % 5);
	else
		pin_frame(fr, b % 5);	/* level 0 is bad */
}

static void op_unpin(struct in *in)
{
	u64 fr = pick_frame(in);
	bool was = fr < NFR && frames[fr].pinned;
	int r = pfvmm_pvmmu_unpin(&m, fr);

	expect_err("unpin", r, -EINVAL, -EBUSY, -EINVAL, -EINVAL);
	if (!r && (!was || frames[fr].pinned))
		FAIL("unpin(%llu) = 0 of a frame not pinned",
		     (unsigned long long)fr);
	if (r == -EBUSY && fr != vbase[0] && fr != vbase[1])
		FAIL("unpin -EBUSY of a frame that is no vCPU's base");
	if (r != -EBUSY && was && (fr == vbase[0] || fr == vbase[1]))
		FAIL("unpin(%llu) = %d of a vCPU's base", (unsigned long long)fr, r);
	check_all("unpin", r);
}

static void op_update(struct in *in)
{
	uint8_t b = byte(in);
	u64 fr = pick_frame(in), ptr, val, old = 0, now = 0, want;
	int r;

	ptr = (fr << 12) + pick_index(in) * 8;
	if ((b & 0xe0) == 0xe0)
		ptr |= b & 7;		/* sub-command / misaligned */
	val = pick_val(in);
	if (fr < NFR)
		old = mem[fr][(ptr & 0xfff) / 8];
	r = pfvmm_pvmmu_update(&m, ptr, val);
	expect_err("update", r, -EINVAL, -EINVAL, -EINVAL, -EINVAL);
	if (fr < NFR)
		now = mem[fr][(ptr & 0xfff) / 8];
	if (r && now != old)
		FAIL("update(%#llx, %#llx) = %d changed the entry",
		     (unsigned long long)ptr, (unsigned long long)val, r);
	if (!r) {
		if ((ptr & 7) || !is_table(fr))
			FAIL("update(%#llx) = 0 outside a table",
			     (unsigned long long)ptr);
		want = val;
		if (val & PFVMM_PTE_P) {
			want |= PFVMM_PTE_A;
			if (frames[fr].type == PFVMM_FT_L1 &&
			    (val & PFVMM_PTE_W))
				want |= PFVMM_PTE_D;
		}
		if (now != want)
			FAIL("update(%#llx, %#llx) stored %#llx",
			     (unsigned long long)ptr, (unsigned long long)val,
			     (unsigned long long)now);
	}
	check_update("update", r);
}

static void op_new_base(struct in *in)
{
	u64 *base = &vbase[byte(in) & 1];
	u64 fr = pick_frame(in), was = *base;
	int r = pfvmm_pvmmu_new_base(&m, base, fr);

	expect_err("new_base", r, -EINVAL, -EINVAL, -EINVAL, -EINVAL);
	if (r ? *base != was : *base != fr)
		FAIL("new_base(%llu) = %d, base %llu", (unsigned long long)fr,
		     r, (unsigned long long)*base);
	check_all("new_base", r);
}

static void op_va_entry(struct in *in)
{
	u64 va = 0, gpa = ~0ULL, base;
	int i, r;

	for (i = 0; i < 4; i++)
		va = (va << 9) | (pick_index(in) & 511);
	va <<= 12;
	if (byte(in) & 1)
		va |= 0xffff800000000000ULL;
	if (byte(in) == 0xff)
		va ^= 1ULL << 50;	/* non-canonical */
	base = vbase[byte(in) & 1];
	r = pfvmm_pvmmu_va_entry(&m, base, va, &gpa);
	expect_err("va_entry", r, -EINVAL, -EFAULT, -EINVAL, -EINVAL);
	if (!r && (base == PFVMM_NO_BASE || (gpa & 7) ||
		   (gpa >> 12) >= NFR ||
		   frames[gpa >> 12].type != PFVMM_FT_L1))
		FAIL("va_entry(%#llx) = %#llx, not in an L1",
		     (unsigned long long)va, (unsigned long long)gpa);
	check_all("va_entry", r);
	/* UPDATE_VA_MAPPING: the update that follows. */
	if (!r && (byte(in) & 1)) {
		r = pfvmm_pvmmu_update(&m, gpa, pick_val(in));
		expect_err("update_va", r, -EINVAL, -EINVAL, -EINVAL, -EINVAL);
		check_update("update_va_mapping", r);
	}
}

static void op_raw_write(struct in *in)
{
	u64 fr = pick_frame(in) % NFR;
	unsigned int i = pick_index(in);
	u64 val = pick_val(in);

	/* The EPT stops writes to tables: the guest dies, nothing changes. */
	if (prot[fr])
		return;
	mem[fr][i] = val;
	dirty[fr] = true;
	check_all("raw write", 0);	/* no-op unless the state changed */
}

/* The launcher's store: its mapping of guest memory is never protected. */
static void op_launcher_write(struct in *in)
{
	u64 fr = pick_frame(in) % NFR;
	unsigned int i = pick_index(in);

	mem[fr][i] = pick_val(in);
	dirty[fr] = true;
	if (prot[fr])
		tampered[fr] = true;
	check_all("launcher write", 0);
}

/*
 * A pin while another vCPU writes a frame (usually the one being pinned):
 * the write lands at the chosen read or protect() call unless the frame
 * is write-protected by then.
 */
static void op_race_pin(struct in *in)
{
	uint8_t b;

	race_gpa = ((pick_frame(in) % NFR) << 12) + pick_index(in) * 8;
	race_val = pick_val(in);
	b = byte(in);
	/* Mostly the first few calls, else anywhere up to the 670th. */
	race_at = b < 0x20 ? b % 4 + 1 : (b - 0x20) * 3 + 1;
	race_calls = 0;
	if (byte(in) & 1)
		pin_frame(race_gpa >> 12, byte(in) % 5);	/* the one raced */
	else
		op_pin(in);
	race_at = 0;
	check_all("racing pin", 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	unsigned int fr;

	for (fr = 0; fr < NFR; fr++) {
		if (dirty[fr])
			memset(mem[fr], 0, sizeof(mem[fr]));
		dirty[fr] = false;
		prot[fr] = false;
		tampered[fr] = false;
	}
	race_at = 0;
	if (m.nranges)
		pfvmm_pvmmu_destroy(&m);	/* nothing, if the last run passed */
	shadows = 0;
	vbase[0] = vbase[1] = PFVMM_NO_BASE;
	if (pfvmm_pvmmu_init(&m, ranges, 2, &ops, NULL))
		FAIL("init refused the two ranges");
	take_snapshot();
	for (step = 0; in.n && step < 32; step++) {
		uint8_t op = byte(&in);

		switch (op % 11) {
		case 0: op_pin(&in); break;
		case 1: op_unpin(&in); break;
		case 2: case 3: op_update(&in); break;
		case 4: op_new_base(&in); break;
		case 5: op_va_entry(&in); break;
		case 6: case 7: op_raw_write(&in); break;
		case 8:
			if (op & 0x80)
				m.max_tables = byte(&in) % 16;
			else
				op_raw_write(&in);
			break;
		case 9: op_launcher_write(&in); break;
		case 10: op_race_pin(&in); break;
		}
	}
	/* The end (the state was checked after its last change): tear it
	 * all down, every frame must come back untyped. */
	pfvmm_pvmmu_drop_base(&m, &vbase[0]);
	pfvmm_pvmmu_drop_base(&m, &vbase[1]);
	for (fr = 0; fr < NFR; fr++)
		if (frames[fr].pinned && pfvmm_pvmmu_unpin(&m, fr))
			FAIL("unpin(%u) at the end failed", fr);
	if (pvmmu_inv(&m, prot, scratch, why, sizeof(why)))
		FAIL("after unpinning all: %s", why);
	for (fr = 0; fr < NFR; fr++)
		if (frames[fr].count || frames[fr].type || prot[fr])
			FAIL("frame %u type %u count %u after unpinning all",
			     fr, frames[fr].type, frames[fr].count);
	if (shadows)
		FAIL("%ld shadows left after unpinning all", shadows);
	/* The hole's structs are no frame's: never touched. */
	for (fr = HOLE; fr < HOLE_END; fr++)
		if (memcmp(&frames[fr], &(struct pfvmm_frame){0}, sizeof(frames[fr])))
			FAIL("frame %u in the hole was touched", fr);
	return 0;
}
