// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz=SEED calls=N: a seeded hypercall fuzzer.  N calls with random
 * numbers (valid, out of range, SHUTDOWN excepted) and arguments drawn
 * from classes: garbage, NULL, unmapped, non-canonical, kernel half,
 * read-only text, page-table frames, the end of guest memory, and scratch
 * buffers holding valid-looking requests (MMU updates, MMUEXT ops,
 * multicall entries, frame lists) with huge, boundary and small counts.
 *
 * Whatever lands in the guest's live mappings could only kill the guest
 * itself; to keep going for thousands of calls, the "valid-looking" page
 * table updates aim at a sacrificial subtree (FUZZ_VA) and the pointers the
 * module writes through are never the kernel's own writable data outside
 * the scratch buffers.  Checks on every result: a number >= PFVMM_HC_COUNT
 * gives -ENOSYS, an MMU call of a native guest -EPERM, every other error
 * is one the ABI lists, counts stay within their bounds; afterwards the
 * guest's own page tables still work.  Line "fuzz summary: ..." and exit
 * status 0 when nothing unexpected came back.
 */
#include "tests.h"

#define FUZZ_VA		(UBASE + 0x4000000000ull)	/* L3 slot 256 of UBASE's */
#define FUZZ_PAGES	1024				/* two L1 tables */
#define FUZZ_FRAMES	8
#define UNMAPPED_VA	0x20000000000ull		/* PML4 slot 4 */

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* The sacrificial subtree and frames. */
static uint64_t l1_frames[2], l2_frame, data_frames[FUZZ_FRAMES];
static uint64_t mem_end_pa, l4_pa;	/* guest memory's end, the kernel's L4 */
static bool pv;				/* mode=pv: the MMU calls may succeed */

/* Scratch buffers the module may read and write. */
static struct pfvmm_mmu_update reqs[PFVMM_MMU_BATCH_MAX + 8];
static struct pfvmm_mmuext_op ops[PFVMM_MMU_BATCH_MAX + 8];
static struct pfvmm_multicall calls[PFVMM_MULTICALL_MAX + 4];
static uint64_t frames[PFVMM_MMU_BATCH_MAX + 8];
static uint64_t scratch[512] __attribute__((aligned(4096)));

static uint64_t n_unexpected, n_ok, n_err, n_enosys, n_skipped;

static void unexpected(uint64_t i, uint64_t nr, long ret, const char *why)
{
	if (n_unexpected++ < 20)
		printk("fuzz: call %lu nr 0x%lx returned %ld: %s\n",
		       (unsigned long)i, (unsigned long)nr, ret, why);
}

static bool known_errno(long ret)
{
	switch (-ret) {
	case PFVMM_EPERM: case PFVMM_EFAULT: case PFVMM_EBUSY:
	case PFVMM_EEXIST: case PFVMM_EINVAL: case PFVMM_E2BIG:
	case PFVMM_ENOMEM: case PFVMM_ENOSYS:
		return true;
	}
	return false;
}

/* A pointer the module may only read (or fail on). */
static uint64_t read_ptr(void *buf)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return UNMAPPED_VA + (below(1 << 20) << 3);
	case 2: return 0x8000000000000000ull | rnd();	/* non-canonical */
	case 3: return 0xffff800000000000ull + (below(1 << 20) << 12);
	case 4: return l4_pa + (below(512) << 3);	/* a table frame */
	case 5: return (uint64_t)&rnd;			/* text */
	case 6: return mem_end_pa - (below(64) << 3);	/* runs off memory */
	case 7: return rnd();
	default: return (uint64_t)buf;
	}
}

/*
 * A pointer the module may write through: the same classes, all of them
 * safe for the guest (text and tables are read-only to a pv guest, the
 * top of memory is never handed out, a native guest's MMU calls fail
 * before anything is written).
 */
static uint64_t write_ptr(void *buf)
{
	return read_ptr(buf);
}

static uint64_t count_arg(uint64_t max)
{
	switch (below(8)) {
	case 0: return 0;
	case 1: return max;
	case 2: return max + 1;
	case 3: return rnd();
	case 4: return 1ull << 63;
	case 5: return 0x100000001ull;
	default: return 1 + below(8);
	}
}

static uint64_t any_frame(void)
{
	switch (below(8)) {
	case 0: return data_frames[below(FUZZ_FRAMES)] >> 12;
	case 1: return l1_frames[below(2)] >> 12;
	case 2: return l4_pa >> 12;
	case 3: return rnd() & 0xffffffffffull;
	case 4: return (mem_end_pa >> 12) + below(16);
	default: return below(mem_end_pa >> 12);
	}
}

static uint64_t pte_flags(void)
{
	uint64_t f = rnd() & (PFVMM_PTE_P | PFVMM_PTE_W | PFVMM_PTE_U |
			      PFVMM_PTE_A | PFVMM_PTE_D | PTE_COW);

	if (!below(8))
		f |= 1ull << 7;		/* PS */
	if (!below(8))
		f |= 1ull << 51;	/* reserved */
	if (!below(8))
		f |= 1ull << 63;	/* NX */
	return f;
}

/* A valid-looking page-table update, aimed at the sacrificial subtree. */
static void fill_update(struct pfvmm_mmu_update *r)
{
	uint64_t frame;

	switch (below(6)) {
	case 0:		/* the L2 entry: only a sacrificial L1 or junk */
		r->ptr = l2_frame + (((FUZZ_VA >> 21) & 511) + below(2)) * 8;
		frame = below(4) ? l1_frames[below(2)] >> 12 : any_frame();
		r->val = (frame << 12) | pte_flags() |
			 (below(4) ? 0 : 1ull << 51);
		if (frame != l1_frames[0] >> 12 && frame != l1_frames[1] >> 12)
			r->val |= 1ull << 51;	/* never a kernel table */
		return;
	case 1:		/* garbage */
		r->ptr = rnd();
		r->val = rnd() | (1ull << 51);
		return;
	case 2:		/* a live kernel table: only values it must refuse */
		r->ptr = l4_pa + (below(512) << 3);
		r->val = rnd() | PFVMM_PTE_P | (1ull << 51);
		return;
	default:	/* an entry of a sacrificial L1, sub-command bits maybe */
		r->ptr = l1_frames[below(2)] + (below(512) << 3) +
			 (below(4) ? 0 : below(8));
		r->val = (any_frame() << 12) | pte_flags();
		return;
	}
}

static void fill_ext(struct pfvmm_mmuext_op *op)
{
	op->cmd = below(10) ? (unsigned int)below(9) : (unsigned int)rnd();
	op->pad = below(8) ? 0 : (unsigned int)rnd();
	switch (op->cmd) {
	case PFVMM_MMUEXT_UNPIN_TABLE:
		/* the kernel's own tables must stay pinned */
		op->arg1 = below(2) ? l1_frames[below(2)] >> 12 :
			   (mem_end_pa >> 12) + below(4);
		break;
	case PFVMM_MMUEXT_NEW_BASEPTR:
		op->arg1 = below(2) ? l4_pa >> 12 : any_frame();
		break;
	case PFVMM_MMUEXT_INVLPG_LOCAL:
		op->arg1 = below(2) ? FUZZ_VA + (below(FUZZ_PAGES) << 12) : rnd();
		break;
	default:
		op->arg1 = any_frame();
	}
}

static uint64_t fuzz_va(void)
{
	switch (below(4)) {
	case 0: return rnd();
	case 1: return UNMAPPED_VA + (below(1024) << 12);
	default: return FUZZ_VA + (below(FUZZ_PAGES + 8) << 12) + below(2) * 8;
	}
}

static void fill_args(uint64_t nr, unsigned long long a[5], bool nested);

/* Readable memory would print binary: only "\n" or bad pointers. */
static void fill_console(unsigned long long a[5])
{
	a[0] = read_ptr(NULL);
	if (a[0] < mem_end_pa + PAGE_SIZE) {
		a[0] = (uint64_t)"\n";
		a[1] = below(2);
	} else {
		a[1] = below(2) ? below(64) : rnd();
	}
}

/* A list's length: mostly a few entries, sometimes up to past the bound. */
static uint64_t list_len(uint64_t few)
{
	return below(4) ? 1 + below(few) : below(PFVMM_MMU_BATCH_MAX + 8);
}

/* MMU_UPDATE and MMUEXT_OP: the list @buf of @n, the count, the done pointer. */
static void fill_batch(unsigned long long a[5], void *buf, uint64_t n)
{
	a[0] = read_ptr(buf);
	a[1] = below(2) ? n : count_arg(PFVMM_MMU_BATCH_MAX);
	a[2] = below(2) ? 0 : write_ptr(&scratch[below(512)]);
}

static void fill_va_mapping(unsigned long long a[5])
{
	a[0] = fuzz_va();
	a[1] = (any_frame() << 12) | pte_flags();
	if (a[0] < FUZZ_VA || a[0] >= FUZZ_VA + (FUZZ_PAGES << 12))
		a[1] |= 1ull << 51;
	a[2] = below(4) ? below(3) : rnd();
}

static void fill_multicall(unsigned long long a[5], bool nested)
{
	uint64_t i, n;

	if (nested) {	/* a multicall inside a multicall */
		a[0] = (uint64_t)calls;
		a[1] = 1;
		return;
	}
	n = below(PFVMM_MULTICALL_MAX + 2);
	for (i = 0; i < n; i++) {
		calls[i].op = below(8) ? below(PFVMM_HC_COUNT) : rnd();
		if (calls[i].op == PFVMM_HC_SHUTDOWN && below(2))
			calls[i].op = PFVMM_HC_NOP;
		if (calls[i].op < PFVMM_HC_COUNT &&
		    calls[i].op != PFVMM_HC_MULTICALL)
			fill_args(calls[i].op, calls[i].args, true);
		else
			fill_args(PFVMM_HC_MULTICALL, calls[i].args, true);
		calls[i].result = 0x5a5a;
	}
	a[0] = below(4) ? (uint64_t)calls : write_ptr(calls);
	a[1] = below(2) ? n : count_arg(PFVMM_MULTICALL_MAX);
}

/* Arguments of one call of @nr (nr < PFVMM_HC_COUNT). */
static void fill_args(uint64_t nr, unsigned long long a[5], bool nested)
{
	uint64_t i, n;

	for (i = 0; i < 5; i++)
		a[i] = below(4) ? 0 : rnd();
	switch (nr) {
	case PFVMM_HC_CONSOLE_WRITE:
		fill_console(a);
		break;
	case PFVMM_HC_MMU_UPDATE:
		n = list_len(8);
		for (i = 0; i < n; i++)
			fill_update(&reqs[i]);
		fill_batch(a, reqs, n);
		break;
	case PFVMM_HC_UPDATE_VA_MAPPING:
		fill_va_mapping(a);
		break;
	case PFVMM_HC_MMUEXT_OP:
		n = list_len(4);
		for (i = 0; i < n; i++)
			fill_ext(&ops[i]);
		fill_batch(a, ops, n);
		break;
	case PFVMM_HC_MULTICALL:
		fill_multicall(a, nested);
		break;
	case PFVMM_HC_FAULT_REGION:
		a[0] = below(2) ? fuzz_va() & ~0xfffull : rnd();
		a[1] = below(2) ? below(64) << 12 : rnd();
		a[2] = below(2) ? below(8) : rnd();
		break;
	case PFVMM_HC_POOL_DONATE:
		n = list_len(4);
		for (i = 0; i < n; i++)
			frames[i] = any_frame();
		a[0] = read_ptr(frames);
		a[1] = below(2) ? n : count_arg(PFVMM_MMU_BATCH_MAX);
		break;
	case PFVMM_HC_POOL_RECLAIM:
		a[0] = write_ptr(frames);
		a[1] = count_arg(PFVMM_MMU_BATCH_MAX);
		break;
	case PFVMM_HC_OFFLOAD_INFO:
		a[0] = write_ptr(scratch);
		break;
	}
}

static long call5(uint64_t nr, const unsigned long long a[5])
{
	return hypercall5(nr, a[0], a[1], a[2], a[3], a[4]);
}

static void check_result(uint64_t i, uint64_t nr, const unsigned long long a[5],
			 long ret)
{
	if (ret >= 0)
		n_ok++;
	else
		n_err++;
	if (nr >= PFVMM_HC_COUNT) {
		n_enosys++;
		if (ret != -PFVMM_ENOSYS)
			unexpected(i, nr, ret, "want -ENOSYS");
		return;
	}
	if (nr >= PFVMM_HC_MMU_UPDATE && nr != PFVMM_HC_PHASE_WINDOW && !pv) {
		if (ret != -PFVMM_EPERM)
			unexpected(i, nr, ret, "native guest: want -EPERM");
		return;
	}
	if (ret < 0 && !known_errno(ret))
		unexpected(i, nr, ret, "an errno the ABI does not list");
	if (nr == PFVMM_HC_CONSOLE_WRITE && ret > PFVMM_CONSOLE_WRITE_MAX)
		unexpected(i, nr, ret, "console took more than its maximum");
	if (nr == PFVMM_HC_POOL_RECLAIM && ret > 0 && (uint64_t)ret > a[1])
		unexpected(i, nr, ret, "reclaimed more than asked");
	if (nr == PFVMM_HC_MULTICALL && ret == 0 && a[0] == (uint64_t)calls &&
	    a[1] <= PFVMM_MULTICALL_MAX) {
		for (uint64_t k = 0; k < a[1]; k++) {
			long r = calls[k].result;

			if (calls[k].op == PFVMM_HC_NOP ? r != 0 :
			    (calls[k].op < PFVMM_HC_MMU_UPDATE ||
			     calls[k].op > PFVMM_HC_MMUEXT_OP) ?
			    r != -PFVMM_EINVAL : (r < 0 && !known_errno(r)))
				unexpected(i, nr, r, "multicall entry result");
		}
	}
}

static uint64_t pick_nr(void)
{
	uint64_t nr;

	switch (below(16)) {
	case 0: nr = PFVMM_HC_COUNT + below(64); break;
	case 1: nr = rnd(); break;
	case 2: nr = 0x8000000000000000ull | below(PFVMM_HC_COUNT); break;
	default: nr = below(PFVMM_HC_COUNT);
	}
	return nr;
}

/* The subtree the valid-looking updates aim at. */
static void fuzz_setup(void)
{
	uint64_t *l4, *l3, i;

	l4_pa = mmu_kernel_l4();
	l4 = (uint64_t *)l4_pa;
	for (i = 0; i < FUZZ_FRAMES; i++)
		data_frames[i] = frame_alloc();
	l1_frames[0] = (uint64_t)pte_lookup(FUZZ_VA, true) & ~0xfffull;
	l1_frames[1] = (uint64_t)pte_lookup(FUZZ_VA + (512ull << 12), true) &
		       ~0xfffull;
	l3 = (uint64_t *)(l4[(FUZZ_VA >> 39) & 511] & PFVMM_PTE_ADDR);
	l2_frame = l3[(FUZZ_VA >> 30) & 511] & PFVMM_PTE_ADDR;
	mem_end_pa = frames_mem_size();
}

/* After the storm: the kernel's tables still take a good update. */
static int fuzz_after(void)
{
	uint64_t data = frame_alloc(), va = UBASE + 0x1000000ull;
	uint64_t *ptep = pte_lookup(va, true);

	if (*ptep & PFVMM_PTE_P) {
		printk("fuzz: the check page is mapped already\n");
		return 1;
	}
	mmu_set_pte(ptep, data | PFVMM_PTE_P | PFVMM_PTE_W);
	*(volatile uint64_t *)va = 0x600df00d;
	if (*(volatile uint64_t *)data != 0x600df00d) {
		printk("fuzz: a good mapping after fuzzing does not work\n");
		return 1;
	}
	return 0;
}

int run_fuzz(const struct boot_config *cfg)
{
	uint64_t seed = cfg->fuzz, n = cfg->calls, i, nr;
	unsigned long long a[5];
	long ret;

	pv = cfg->mode == MODE_PV;
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	fuzz_setup();
	printk("fuzz: seed %lu calls %lu mode %s\n", (unsigned long)seed,
	       (unsigned long)n, pv ? "pv" : "native");
	for (i = 0; i < n; i++) {
		nr = pick_nr();
		if (nr == PFVMM_HC_SHUTDOWN) {
			n_skipped++;
			continue;
		}
		if (nr < PFVMM_HC_COUNT)
			fill_args(nr, a, false);
		else
			fill_args(PFVMM_HC_NOP, a, false);
		ret = call5(nr, a);
		check_result(i, nr, a, ret);
	}
	if (fuzz_after())
		n_unexpected++;
	printk("\nfuzz summary: seed=%lu calls=%lu ok=%lu errors=%lu enosys=%lu skipped=%lu unexpected=%lu\n",
	       (unsigned long)seed, (unsigned long)(n - n_skipped),
	       (unsigned long)n_ok, (unsigned long)n_err,
	       (unsigned long)n_enosys, (unsigned long)n_skipped,
	       (unsigned long)n_unexpected);
	return n_unexpected ? 1 : 0;
}
