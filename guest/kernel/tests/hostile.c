// SPDX-License-Identifier: GPL-2.0
/*
 * hostile=all: bad PV MMU hypercalls, each of which must fail with one
 * exact error and change nothing.  hostile=ptwrite: a direct write to a
 * pinned page-table frame, which the VMM must answer by stopping the guest.
 * hostile=tamper: with tests/vm/pt-tamper.c as the launcher, which writes
 * junk into pinned tables through its own mapping of guest memory; the
 * guest then updates and unpins them, and the VMM must drop exactly the
 * references it validated.  hostile=offload is hostile-offload.c,
 * hostile=twobase is twobase.c, hostile=longcall longcall.c; the
 * table of modes at the end picks one (mode=pv only: config.c).
 */
#include "tests.h"

#define UNMAPPED_VA	0x20000000000ull	/* PML4 slot 4: never mapped */

int hostile_check(const char *name, long got, long want)
{
	printk("hostile %s got=%ld want=%ld %s\n", name, got, want,
	       got == want ? "PASS" : "FAIL");
	return got != want;
}

/* One MMU_UPDATE of the entry at @ptr to @val. */
static long set_entry(uint64_t ptr, uint64_t val)
{
	struct pfvmm_mmu_update req = { ptr, val };

	return hypercall3(PFVMM_HC_MMU_UPDATE, (unsigned long)&req, 1, 0);
}

/* Requests that point at the wrong things; @data is a plain zeroed frame. */
static int bad_targets(uint64_t data)
{
	uint64_t l4 = mmu_kernel_l4();
	struct pfvmm_mmuext_op op = { 0 };
	int bad = 0;

	bad += hostile_check("badptr", hypercall3(PFVMM_HC_MMU_UPDATE,
						  UNMAPPED_VA, 1, 0), -PFVMM_EFAULT);
	bad += hostile_check("pt-writable", set_entry(direct_map_entry_pa(l4),
			     l4 | PFVMM_PTE_P | PFVMM_PTE_W), -PFVMM_EINVAL);
	bad += hostile_check("ptr-not-table", set_entry(data + 8, 0), -PFVMM_EINVAL);
	op.cmd = PFVMM_MMUEXT_NEW_BASEPTR;
	op.arg1 = data >> 12;
	bad += hostile_check("baseptr-unpinned", hypercall3(PFVMM_HC_MMUEXT_OP,
			     (unsigned long)&op, 1, 0), -PFVMM_EINVAL);
	return bad;
}

/* Counts above the bounds, a multicall list in a table, an unknown call. */
static int bad_calls(void)
{
	static struct pfvmm_mmu_update many[PFVMM_MMU_BATCH_MAX + 1];
	int bad = 0;

	bad += hostile_check("count-too-big", hypercall3(PFVMM_HC_MMU_UPDATE,
			     (unsigned long)many, PFVMM_MMU_BATCH_MAX + 1, 0),
			     -PFVMM_E2BIG);
	bad += hostile_check("mmuext-count-too-big", hypercall3(PFVMM_HC_MMUEXT_OP,
			     (unsigned long)many, PFVMM_MMU_BATCH_MAX + 1, 0),
			     -PFVMM_E2BIG);
	bad += hostile_check("multicall-count-too-big",
			     hypercall2(PFVMM_HC_MULTICALL, (unsigned long)many,
					PFVMM_MULTICALL_MAX + 1), -PFVMM_E2BIG);
	bad += hostile_check("multicall-in-table", hypercall2(PFVMM_HC_MULTICALL,
			     mmu_kernel_l4(), 1), -PFVMM_EFAULT);
	bad += hostile_check("unknown-hypercall", hypercall0(99), -PFVMM_ENOSYS);
	return bad;
}

static int run_hostile_all(void)
{
	uint64_t data = frame_alloc();
	uint64_t *ptep;
	int bad = 0;

	memset((void *)data, 0, PAGE_SIZE);
	bad += bad_targets(data);
	bad += bad_calls();
	bad += hostile_check("misaligned-ptr", set_entry(direct_map_entry_pa(data) | 4,
			     data | PFVMM_PTE_P | PFVMM_PTE_W), -PFVMM_EINVAL);

	/* Nothing changed: the tables still work, a good update still works. */
	ptep = pte_lookup(UBASE, true);
	mmu_set_pte(ptep, data | PFVMM_PTE_P | PFVMM_PTE_W);
	*(volatile uint64_t *)UBASE = 0x1234;
	bad += hostile_check("good-update-after",
			     *(volatile uint64_t *)data == 0x1234 ? 0 : -1, 0);
	printk("hostile summary: %d failed\n", bad);
	return bad ? 1 : 0;
}

static void run_hostile_ptwrite(void)
{
	volatile uint64_t *l4 = (volatile uint64_t *)mmu_kernel_l4();

	printk("hostile ptwrite: writing the pinned L4 at 0x%lx through the boot map\n",
	       (unsigned long)l4);
	l4[511] = 0x1000 | PFVMM_PTE_P | PFVMM_PTE_W;
	printk("hostile ptwrite: the write was not stopped\n");
	shutdown(6);
}

/*
 * hostile=tamper.  The protocol with tests/vm/pt-tamper.c (which has the
 * same definitions): an OUT of a request's guest-physical address to
 * TAMPER_PORT asks the launcher to do the request's writes through its
 * own mapping of guest memory (count entries from gpa, val + k * step),
 * then to store the VM's tables_pinned counter in the request.
 */
#define TAMPER_PORT	0x5a0
#define TAMPER_MAGIC	0x2121726570616d74ull	/* "tamper!!" */
#define TAMPER_WRITES	4

struct tamper_req {
	uint64_t magic;
	uint64_t nwrites;
	struct {
		uint64_t gpa, val, count, step;
	} w[TAMPER_WRITES];
	uint64_t tables_pinned;		/* filled in by the launcher */
};

static struct tamper_req *treq;

/* Have the launcher write @val + k * @step into @count entries at @gpa. */
static void tamper_add(uint64_t gpa, uint64_t val, uint64_t count,
		       uint64_t step)
{
	unsigned int i = treq->nwrites++;

	treq->w[i].gpa = gpa;
	treq->w[i].val = val;
	treq->w[i].count = count;
	treq->w[i].step = step;
}

/* Do the writes added so far; return the VM's tables_pinned. */
static uint64_t tamper_go(void)
{
	treq->magic = TAMPER_MAGIC;
	treq->tables_pinned = ~0ull;
	/* outl() is no compiler barrier: the launcher reads and writes *treq. */
	asm volatile("" : : : "memory");
	outl(TAMPER_PORT, (uint32_t)(uint64_t)treq);
	asm volatile("" : : : "memory");
	treq->nwrites = 0;
	return treq->tables_pinned;
}

long hostile_pin(uint64_t pa, int level)
{
	struct pfvmm_mmuext_op op = {
		.cmd = PFVMM_MMUEXT_PIN_L1_TABLE + (unsigned int)level - 1,
		.arg1 = pa >> 12,
	};

	return hypercall3(PFVMM_HC_MMUEXT_OP, (unsigned long)&op, 1, 0);
}

long hostile_unpin(uint64_t pa)
{
	struct pfvmm_mmuext_op op = {
		.cmd = PFVMM_MMUEXT_UNPIN_TABLE, .arg1 = pa >> 12,
	};

	return hypercall3(PFVMM_HC_MMUEXT_OP, (unsigned long)&op, 1, 0);
}

/*
 * @n zeroed frames, read-only in the direct map (so untyped: fit to be
 * tables, or mapped writable by one test table only).  Entries of the
 * future tables are written by @fill before that, while they are plain
 * memory.
 */
static void fresh_frames(uint64_t *pa, unsigned int n,
			 void (*fill)(const uint64_t *pa))
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		pa[i] = frame_alloc();
		memset((void *)pa[i], 0, PAGE_SIZE);
	}
	if (fill)
		fill(pa);
	mmu_direct_map_set(pa, n, false);
}

#define JUNK	((1ull << 48) | PFVMM_PTE_P | PFVMM_PTE_W)	/* frame 2^36 */

/* [0] an L1 mapping [1] writable; the launcher makes the entry junk. */
static void fill_update(const uint64_t *pa)
{
	((uint64_t *)pa[0])[0] = pa[1] | PFVMM_PTE_P | PFVMM_PTE_W;
}

static int tamper_update(void)
{
	uint64_t f[2];
	int bad = 0;

	fresh_frames(f, 2, fill_update);
	bad += hostile_check("tamper-update-pin", hostile_pin(f[0], 1), 0);
	tamper_add(f[0], JUNK, 1, 0);
	tamper_go();
	bad += hostile_check("tamper-update", set_entry(f[0], 0), 0);
	/* The validated reference went: the frame is free to be a table. */
	bad += hostile_check("tamper-update-ref-dropped", hostile_pin(f[1], 1), 0);
	bad += hostile_check("tamper-update-unpin", hostile_unpin(f[1]), 0);
	bad += hostile_check("tamper-update-unpin-table", hostile_unpin(f[0]), 0);
	return bad;
}

/* [0] an L1 mapping [1] writable and [2] read-only; all 512 made junk. */
static void fill_unpin(const uint64_t *pa)
{
	((uint64_t *)pa[0])[0] = pa[1] | PFVMM_PTE_P | PFVMM_PTE_W;
	((uint64_t *)pa[0])[1] = pa[2] | PFVMM_PTE_P;
}

static int tamper_unpin(void)
{
	uint64_t f[3];
	int bad = 0;

	fresh_frames(f, 3, fill_unpin);
	bad += hostile_check("tamper-unpin-pin", hostile_pin(f[0], 1), 0);
	tamper_add(f[0], JUNK, 512, PAGE_SIZE);
	tamper_go();
	bad += hostile_check("tamper-unpin", hostile_unpin(f[0]), 0);
	bad += hostile_check("tamper-unpin-ref-dropped", hostile_pin(f[1], 1), 0);
	bad += hostile_check("tamper-unpin-unpin", hostile_unpin(f[1]), 0);
	return bad;
}

/* [2] an L2 linking the L1 [0]; the launcher moves the link to L1 [1]. */
static void fill_upper(const uint64_t *pa)
{
	((uint64_t *)pa[2])[0] = pa[0] | PFVMM_PTE_P | PFVMM_PTE_W;
}

static int tamper_upper(void)
{
	uint64_t f[3];
	int bad = 0;

	fresh_frames(f, 3, fill_upper);
	bad += hostile_check("tamper-upper-pin-l1", hostile_pin(f[0], 1), 0);
	bad += hostile_check("tamper-upper-pin-l1b", hostile_pin(f[1], 1), 0);
	bad += hostile_check("tamper-upper-pin-l2", hostile_pin(f[2], 2), 0);
	tamper_add(f[2], 0, 1, 0);
	tamper_add(f[2] + 8, f[1] | PFVMM_PTE_P | PFVMM_PTE_W, 1, 0);
	tamper_go();
	bad += hostile_check("tamper-upper-unpin-l2", hostile_unpin(f[2]), 0);
	/* [1] kept its pin's reference: still a table that takes updates. */
	bad += hostile_check("tamper-upper-l1b-still-table",
		     set_entry(f[1] + 8, f[2] | PFVMM_PTE_P), 0);
	bad += hostile_check("tamper-upper-l1b-clear", set_entry(f[1] + 8, 0), 0);
	bad += hostile_check("tamper-upper-unpin-l1b", hostile_unpin(f[1]), 0);
	/* [0] lost the L2's reference: once unpinned it is untyped. */
	bad += hostile_check("tamper-upper-unpin-l1", hostile_unpin(f[0]), 0);
	bad += hostile_check("tamper-upper-l1-untyped", hostile_pin(f[0], 2), 0);
	bad += hostile_check("tamper-upper-unpin-l1-again", hostile_unpin(f[0]), 0);
	return bad;
}

static int run_hostile_tamper(void)
{
	uint64_t before, after;
	int bad = 0;

	treq = (struct tamper_req *)frame_alloc();
	memset(treq, 0, sizeof(*treq));
	before = tamper_go();
	if (before == ~0ull) {
		printk("hostile tamper: no answer on port 0x%x (the launcher must be tests/vm/pt-tamper)\n",
		       TAMPER_PORT);
		return 1;
	}
	bad += tamper_update();
	bad += tamper_unpin();
	bad += tamper_upper();
	after = tamper_go();
	printk("hostile tamper: tables_pinned %lu before, %lu after\n",
	       (unsigned long)before, (unsigned long)after);
	bad += hostile_check("tamper-tables-back", (long)(after - before), 0);
	printk("hostile summary: %d failed\n", bad);
	return bad ? 1 : 0;
}

/*
 * The hostile modes, by name.  An early mode runs before the kernel
 * switches to its own page tables (while the boot map still reaches every
 * pinned table) and does not return; the others run afterwards.
 */
struct hostile_mode {
	const char *name;
	bool early;
	union {
		int (*run)(void);
		void (*run_early)(void);
	};
};

static const struct hostile_mode hostile_modes[] = {
	{ .name = "all", .run = run_hostile_all },
	{ .name = "offload", .run = run_hostile_offload },
	{ .name = "ptwrite", .early = true, .run_early = run_hostile_ptwrite },
	{ .name = "tamper", .run = run_hostile_tamper },
	{ .name = "twobase", .run = run_hostile_twobase },
	{ .name = "longcall", .run = run_hostile_longcall },
};

static const struct hostile_mode *hostile_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(hostile_modes) / sizeof(hostile_modes[0]); i++)
		if (!strcmp(hostile_modes[i].name, name))
			return &hostile_modes[i];
	return NULL;
}

void run_hostile_early(const struct boot_config *cfg)
{
	const struct hostile_mode *m = hostile_find(cfg->hostile);

	if (m && m->early)
		m->run_early();
}

int run_hostile(const struct boot_config *cfg)
{
	const char *name = cfg->hostile;
	const struct hostile_mode *m = hostile_find(name);
	unsigned int i;

	if (m && !m->early)
		return m->run();
	printk("pvkernel: hostile=%s: expected", name);
	for (i = 0; i < sizeof(hostile_modes) / sizeof(hostile_modes[0]); i++)
		printk(" %s", hostile_modes[i].name);
	printk("\n");
	return 2;
}
