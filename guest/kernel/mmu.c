// SPDX-License-Identifier: GPL-2.0
/*
 * pvkernel page tables: 4 KiB pages only.
 *
 *   VA 0 .. mem_size	the direct map: identity, supervisor, writable,
 *			except page 0 (absent), the image's text and
 *			rodata (read-only, user: ring-3 workloads run from
 *			there), the user stack (user), and in pv mode every
 *			page-table frame (read-only).
 *   VA UBASE ..	the user data region: nothing until a fault.
 *
 * Two back-ends behind struct mmu_ops (the others call the mmu_*()
 * wrappers, not the back-end).  native writes entries itself and
 * flushes with INVLPG / a CR3 reload.  pv builds the first tables as plain
 * memory, pins them bottom-up and from then on changes entries only with
 * hypercalls: a demand fault is one MMU_UPDATE, a fault that needs a new
 * table adds one MULTICALL [UPDATE_VA_MAPPING (direct map read-only),
 * MMUEXT pin, MMU_UPDATE linking it], an unmap batches MMU_UPDATEs by 32
 * and flushes once.
 *
 * Owns the tables, the back-end in use and the count of the faults
 * handle_page_fault() resolved (mmu_faults(): what SYS_FAULTS and the
 * result lines report).
 */
#include "pvkernel.h"

#define P	PFVMM_PTE_P
#define W	PFVMM_PTE_W
#define U	PFVMM_PTE_U
#define ADDR	PFVMM_PTE_ADDR

#define USTACK_PAGES	4
#define PV_BATCH	32

extern char __image_start[], __text_end[];

struct mmu_ops {
	const char *name;
	/* Install a leaf entry that was not present (no flush needed). */
	void (*set_pte)(uint64_t *ptep, uint64_t val);
	/* Install many leaf entries that were not present. */
	void (*set_ptes)(uint64_t **pteps, const uint64_t *vals, unsigned int n);
	/* Change a present leaf entry of @va and flush it. */
	void (*update_pte)(uint64_t *ptep, uint64_t val, uint64_t va);
	/* Link the zeroed frame @pa as a level-@level table at @parent_ep. */
	void (*new_table)(uint64_t *parent_ep, uint64_t pa, int level);
	/* Clear the leaf entries of @n pages from @va; one flush. */
	void (*unmap_range)(uint64_t va, uint64_t n);
	void (*flush)(void);
	void (*switch_base)(uint64_t l4_pa);
};

static const struct mmu_ops *mmu;
static uint64_t kernel_l4;
static uint64_t faults;

static bool mmu_pv;
static uint64_t tbl_lo, tbl_hi;		/* the initial table frames */
static uint64_t ustack_lo, ustack_hi;
static uint64_t l3_direct, l2_direct, l1_direct, l3_user, l2_user;
static uint64_t n_l1, n_l2;

static inline uint64_t *table(uint64_t pa)
{
	return (uint64_t *)pa;		/* the direct map is the identity */
}

static void zero_page(uint64_t pa)
{
	uint64_t n = PAGE_SIZE / 8;
	void *d = (void *)pa;

	asm volatile("rep stosq" : "+D"(d), "+c"(n) : "a"(0ull) : "memory");
}

static void copy_page(uint64_t dst, uint64_t src)
{
	uint64_t n = PAGE_SIZE / 8;
	void *d = (void *)dst;
	const void *s = (const void *)src;

	asm volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

static void write_cr3(uint64_t v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static uint64_t read_cr3(void)
{
	uint64_t v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

uint64_t direct_map_entry_pa(uint64_t pa)
{
	return l1_direct + (pa >> 12) * 8;
}

uint64_t user_stack_top(void)
{
	return ustack_hi - 8;	/* as if called: RSP + 8 is 16-aligned */
}

/* ---- native back-end ---- */

static void native_set_pte(uint64_t *ptep, uint64_t val)
{
	*(volatile uint64_t *)ptep = val;
}

static void native_set_ptes(uint64_t **pteps, const uint64_t *vals, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		*(volatile uint64_t *)pteps[i] = vals[i];
}

static void native_update_pte(uint64_t *ptep, uint64_t val, uint64_t va)
{
	*(volatile uint64_t *)ptep = val;
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static void native_new_table(uint64_t *parent_ep, uint64_t pa, int level)
{
	(void)level;
	*(volatile uint64_t *)parent_ep = pa | P | W | U;
}

static void native_flush(void)
{
	write_cr3(read_cr3());
}

static void native_unmap_range(uint64_t va, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		uint64_t *ptep = pte_lookup(va + i * PAGE_SIZE, false);
		uint64_t pte;

		if (!ptep || !(*ptep & P))
			continue;
		pte = *ptep;
		*(volatile uint64_t *)ptep = 0;
		if (!(pte & PTE_COW))
			frame_free(pte & ADDR);
	}
	native_flush();
}

static void native_switch_base(uint64_t l4)
{
	write_cr3(l4);
}

static const struct mmu_ops native_ops = {
	.name		= "native",
	.set_pte	= native_set_pte,
	.set_ptes	= native_set_ptes,
	.update_pte	= native_update_pte,
	.new_table	= native_new_table,
	.unmap_range	= native_unmap_range,
	.flush		= native_flush,
	.switch_base	= native_switch_base,
};

/* ---- pv back-end ---- */

static void pv_mmu_update(const struct pfvmm_mmu_update *reqs, unsigned int n)
{
	unsigned long long done = 0;
	long ret = hypercall3(PFVMM_HC_MMU_UPDATE, (unsigned long)reqs, n,
			      (unsigned long)&done);

	hc_check("mmu_update", ret);
	if (done != n) {
		printk("pvkernel: mmu_update applied %llu of %u\n", done, n);
		shutdown(4);
	}
}

static void pv_mmuext(const struct pfvmm_mmuext_op *ops, unsigned int n,
		      const char *what)
{
	unsigned long long done = 0;
	long ret = hypercall3(PFVMM_HC_MMUEXT_OP, (unsigned long)ops, n,
			      (unsigned long)&done);

	hc_check(what, ret);
	if (done != n) {
		printk("pvkernel: %s: %llu of %u done\n", what, done, n);
		shutdown(4);
	}
}

static void pv_set_pte(uint64_t *ptep, uint64_t val)
{
	struct pfvmm_mmu_update req = { (uint64_t)ptep, val };

	hc_check("mmu_update", hypercall3(PFVMM_HC_MMU_UPDATE,
					  (unsigned long)&req, 1, 0));
}

static void pv_set_ptes(uint64_t **pteps, const uint64_t *vals, unsigned int n)
{
	struct pfvmm_mmu_update req[PV_BATCH];
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		req[k].ptr = (uint64_t)pteps[i];
		req[k].val = vals[i];
		if (++k == PV_BATCH) {
			pv_mmu_update(req, k);
			k = 0;
		}
	}
	if (k)
		pv_mmu_update(req, k);
}

static void pv_update_pte(uint64_t *ptep, uint64_t val, uint64_t va)
{
	(void)ptep;
	hc_check("update_va_mapping",
		 hypercall3(PFVMM_HC_UPDATE_VA_MAPPING, va, val, PFVMM_UVMF_INVLPG));
}

static void pv_new_table(uint64_t *parent_ep, uint64_t pa, int level)
{
	struct pfvmm_mmuext_op pin = {
		.cmd = PFVMM_MMUEXT_PIN_L1_TABLE + (unsigned int)level - 1,
		.arg1 = pa >> 12,
	};
	struct pfvmm_mmu_update link = { (uint64_t)parent_ep, pa | P | W | U };
	struct pfvmm_multicall mc[3] = {
		{ .op = PFVMM_HC_UPDATE_VA_MAPPING,
		  .args = { pa, pa | P, PFVMM_UVMF_INVLPG } },
		{ .op = PFVMM_HC_MMUEXT_OP, .args = { (uint64_t)&pin, 1, 0 } },
		{ .op = PFVMM_HC_MMU_UPDATE, .args = { (uint64_t)&link, 1, 0 } },
	};
	static const char *const names[3] = {
		"multicall[update_va_mapping]", "multicall[mmuext pin]",
		"multicall[mmu_update link]",
	};
	unsigned int i;

	hc_check("multicall", hypercall2(PFVMM_HC_MULTICALL, (unsigned long)mc, 3));
	for (i = 0; i < 3; i++)
		hc_check(names[i], mc[i].result);
}

static void pv_flush(void)
{
	struct pfvmm_mmuext_op op = { .cmd = PFVMM_MMUEXT_TLB_FLUSH_LOCAL };

	pv_mmuext(&op, 1, "mmuext tlb_flush_local");
}

/*
 * Clear the entries, reading each one for its frame: with offload the VMM
 * may have installed the page from the donated pool, so only the entry
 * knows the frame.  A pool frame is mapped read-only in the direct map
 * (donated frames must be); it gets its writable direct-map entry back in
 * the same batch before it goes to the free list.
 */
static void pv_unmap_range(uint64_t va, uint64_t n)
{
	struct pfvmm_mmu_update req[2 * PV_BATCH];
	uint64_t pas[PV_BATCH], i;
	unsigned int k = 0, npas = 0, j;

	for (i = 0; i < n; i++) {
		uint64_t *ptep = pte_lookup(va + i * PAGE_SIZE, false);
		uint64_t pte, pa;

		if (!ptep || !(*ptep & P))
			continue;
		pte = *ptep;
		req[k].ptr = (uint64_t)ptep;
		req[k++].val = 0;
		if (!(pte & PTE_COW)) {
			pa = pte & ADDR;
			pas[npas++] = pa;
			if (!(table(l1_direct)[pa >> 12] & W)) {
				req[k].ptr = direct_map_entry_pa(pa);
				req[k++].val = pa | P | W;
			}
		}
		if (npas == PV_BATCH || k + 2 > 2 * PV_BATCH) {
			pv_mmu_update(req, k);
			for (j = 0; j < npas; j++)
				frame_free(pas[j]);
			k = npas = 0;
		}
	}
	if (k) {
		pv_mmu_update(req, k);
		for (j = 0; j < npas; j++)
			frame_free(pas[j]);
	}
	pv_flush();
}

/*
 * Set the direct-map entries of @n frames to read-only (@writable false)
 * or back to writable, in batches, then flush the TLB once.
 */
void mmu_direct_map_set(const uint64_t *pas, uint64_t n, bool writable)
{
	static struct pfvmm_mmu_update req[PFVMM_MMU_BATCH_MAX];
	uint64_t i;
	unsigned int k = 0;

	for (i = 0; i < n; i++) {
		req[k].ptr = direct_map_entry_pa(pas[i]);
		req[k].val = pas[i] | P | (writable ? W : 0);
		if (++k == PFVMM_MMU_BATCH_MAX) {
			pv_mmu_update(req, k);
			k = 0;
		}
	}
	if (k)
		pv_mmu_update(req, k);
	pv_flush();
}

static void pv_switch_base(uint64_t l4)
{
	struct pfvmm_mmuext_op op = {
		.cmd = PFVMM_MMUEXT_NEW_BASEPTR, .arg1 = l4 >> 12,
	};

	pv_mmuext(&op, 1, "mmuext new_baseptr");
}

static const struct mmu_ops pv_ops = {
	.name		= "pv",
	.set_pte	= pv_set_pte,
	.set_ptes	= pv_set_ptes,
	.update_pte	= pv_update_pte,
	.new_table	= pv_new_table,
	.unmap_range	= pv_unmap_range,
	.flush		= pv_flush,
	.switch_base	= pv_switch_base,
};

/* ---- building the first tables ---- */

static uint64_t direct_entry(uint64_t pa)
{
	bool text = pa >= (uint64_t)__image_start && pa < (uint64_t)__text_end;
	bool tbl = pa >= tbl_lo && pa < tbl_hi;
	bool ustack = pa >= ustack_lo && pa < ustack_hi;
	uint64_t val = pa | P;

	if (!text && !(mmu_pv && tbl))
		val |= W;
	if (text || ustack)
		val |= U;
	return val;
}

static uint64_t alloc_zeroed(uint64_t n)
{
	uint64_t first = frame_alloc(), i;

	zero_page(first);
	for (i = 1; i < n; i++) {
		uint64_t pa = frame_alloc();

		if (pa != first + i * PAGE_SIZE) {
			printk("pvkernel: initial tables are not contiguous\n");
			shutdown(6);
		}
		zero_page(pa);
	}
	return first;
}

/*
 * Build the tables while they are plain memory (we still run on the
 * launcher's identity map, so physical addresses work as pointers).
 */
void mmu_init(bool pv)
{
	uint64_t nframes = frames_mem_size() >> 12, f, i;

	mmu_pv = pv;
	mmu = pv ? &pv_ops : &native_ops;
	n_l1 = (nframes + 511) / 512;
	n_l2 = (n_l1 + 511) / 512;
	kernel_l4 = alloc_zeroed(1);
	tbl_lo = kernel_l4;
	l3_direct = alloc_zeroed(1);
	l2_direct = alloc_zeroed(n_l2);
	l1_direct = alloc_zeroed(n_l1);
	l3_user = alloc_zeroed(1);
	l2_user = alloc_zeroed(1);
	tbl_hi = l2_user + PAGE_SIZE;
	ustack_lo = alloc_zeroed(USTACK_PAGES);
	ustack_hi = ustack_lo + USTACK_PAGES * PAGE_SIZE;

	table(kernel_l4)[0] = l3_direct | P | W | U;
	table(kernel_l4)[(UBASE >> 39) & 511] = l3_user | P | W | U;
	for (i = 0; i < n_l2; i++)
		table(l3_direct)[i] = (l2_direct + i * PAGE_SIZE) | P | W | U;
	for (i = 0; i < n_l1; i++)	/* the L2s are contiguous: one array */
		table(l2_direct)[i] = (l1_direct + i * PAGE_SIZE) | P | W | U;
	for (f = 1; f < nframes; f++)	/* so are the L1s; page 0 stays absent */
		table(l1_direct)[f] = direct_entry(f << 12);
	table(l3_user)[(UBASE >> 30) & 511] = l2_user | P | W | U;
	printk("pvkernel: %s mmu, %lu MiB, tables 0x%lx-0x%lx (%lu L1, %lu L2), "
	       "l4 0x%lx\n", mmu->name, (unsigned long)(frames_mem_size() >> 20),
	       (unsigned long)tbl_lo, (unsigned long)tbl_hi, (unsigned long)n_l1,
	       (unsigned long)n_l2, (unsigned long)kernel_l4);
}

static struct pfvmm_mmuext_op pin_ops[PFVMM_MMU_BATCH_MAX];
static unsigned int nr_pin_ops;

static void pin_flush(void)
{
	if (nr_pin_ops)
		pv_mmuext(pin_ops, nr_pin_ops, "mmuext pin");
	nr_pin_ops = 0;
}

static void pin_add(unsigned int cmd, uint64_t pa)
{
	pin_ops[nr_pin_ops].cmd = cmd;
	pin_ops[nr_pin_ops].pad = 0;
	pin_ops[nr_pin_ops].arg1 = pa >> 12;
	if (++nr_pin_ops == PFVMM_MMU_BATCH_MAX)
		pin_flush();
}

/*
 * pv: the direct map already maps every table frame read-only (written
 * while the frames were plain memory); pin bottom-up, one batch per level.
 */
void mmu_pin_all(void)
{
	uint64_t i;

	for (i = 0; i < n_l1; i++)
		pin_add(PFVMM_MMUEXT_PIN_L1_TABLE, l1_direct + i * PAGE_SIZE);
	pin_flush();
	for (i = 0; i < n_l2; i++)
		pin_add(PFVMM_MMUEXT_PIN_L2_TABLE, l2_direct + i * PAGE_SIZE);
	pin_add(PFVMM_MMUEXT_PIN_L2_TABLE, l2_user);
	pin_flush();
	pin_add(PFVMM_MMUEXT_PIN_L3_TABLE, l3_direct);
	pin_add(PFVMM_MMUEXT_PIN_L3_TABLE, l3_user);
	pin_flush();
	pin_add(PFVMM_MMUEXT_PIN_L4_TABLE, kernel_l4);
	pin_flush();
}

void mmu_switch(void)
{
	mmu->switch_base(kernel_l4);
}

/* ---- what the other files use ---- */

const char *mmu_name(void)
{
	return mmu->name;
}

uint64_t mmu_kernel_l4(void)
{
	return kernel_l4;
}

uint64_t mmu_faults(void)
{
	return faults;
}

void mmu_set_pte(uint64_t *ptep, uint64_t val)
{
	mmu->set_pte(ptep, val);
}

void mmu_set_ptes(uint64_t **pteps, const uint64_t *vals, unsigned int n)
{
	mmu->set_ptes(pteps, vals, n);
}

void mmu_unmap_range(uint64_t va, uint64_t n)
{
	mmu->unmap_range(va, n);
}

/**
 * pte_lookup() - the L1 entry that maps @va in the kernel's tables
 * @alloc: create missing tables (zeroed, linked through the back-end)
 *
 * Return: a pointer to the entry (through the direct map; read-only in pv
 * mode), or NULL if a table is missing and @alloc is false.
 */
uint64_t *pte_lookup(uint64_t va, bool alloc)
{
	uint64_t *t = table(kernel_l4);
	int level;

	for (level = 4; level > 1; level--) {
		uint64_t *ep = &t[(va >> (12 + 9 * (level - 1))) & 511];

		if (!(*ep & P)) {
			uint64_t pa;

			if (!alloc)
				return NULL;
			pa = frame_alloc();
			zero_page(pa);
			mmu->new_table(ep, pa, level - 1);
		}
		t = table(*ep & ADDR);
	}
	return &t[(va >> 12) & 511];
}

__attribute__((noreturn)) static void pf_fail(struct trapframe *tf, uint64_t va,
					      const char *why)
{
	printk("pvkernel: page fault at 0x%lx error 0x%lx rip 0x%lx: %s\n",
	       (unsigned long)va, (unsigned long)tf->error,
	       (unsigned long)tf->rip, why);
	shutdown(5);
}

void handle_page_fault(struct trapframe *tf)
{
	uint64_t va = read_cr2(), page = va & ~(PAGE_SIZE - 1), pte, pa;
	uint64_t *ptep;

	if (!(tf->error & PFVMM_PF_USER) || (tf->cs & 3) != 3)
		pf_fail(tf, va, "fault in the kernel");
	if (va < UBASE || va >= UBASE + USIZE)
		pf_fail(tf, va, "outside the user data region");
	if (tf->error & PFVMM_PF_RSVD)
		pf_fail(tf, va, "reserved bit set in a page-table entry");
	ptep = pte_lookup(page, true);
	pte = *ptep;
	if (!(tf->error & PFVMM_PF_PRESENT)) {
		if (pte & P)
			pf_fail(tf, va, "not-present fault on a present entry");
		pa = frame_alloc();
		zero_page(pa);
		mmu->set_pte(ptep, pa | P | W | U);
	} else if ((tf->error & PFVMM_PF_WRITE) && (pte & P) && !(pte & W) &&
		   (pte & PTE_COW)) {
		pa = frame_alloc();
		copy_page(pa, pte & ADDR);
		mmu->update_pte(ptep, pa | P | W | U, page);
	} else {
		pf_fail(tf, va, "protection fault");
	}
	faults++;
}
