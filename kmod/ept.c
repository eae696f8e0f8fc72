// SPDX-License-Identifier: GPL-2.0
/*
 * Extended page tables, built lazily.  The EPT starts empty; the first
 * guest access to a guest-physical page causes an EPT violation, and the
 * handler pins the backing user pages of its 64 KiB group (FOLL_LONGTERM:
 * the guest may touch them at any time) and maps them write-back.
 * Destroying the EPT unpins every mapped page and frees the tables.
 * Nothing is ever unmapped while the VM lives, so no flush is needed when
 * a mapping is added.
 *
 * Pinned pages count in the creator's mm->pinned_vm (VmPin in
 * /proc/PID/status) while they are pinned, as io_uring's and RDMA's
 * long-term pins do; RLIMIT_MEMLOCK is charged for the whole of a slot
 * when it is created (vm.c).  Page cache of a file that is written back
 * (ext4, xfs, a block device) is never pinned: Linux 6.5 refuses
 * FOLL_LONGTERM there (a pinned page cannot be cleaned for writeback),
 * 6.1 does not, so the module checks every page it pinned.
 *
 * 2 MiB leaves.  Where the aligned 2 MiB of guest-physical memory around a
 * violation lies in one slot, its user address is 2 MiB-aligned too, and
 * the 512 pages pinned there are the consecutive pages of one huge folio
 * (THP or hugetlbfs) starting on a 2 MiB boundary, the range gets one
 * level-2 leaf instead of 4 KiB entries.  KVM decides the same way: it
 * walks the host page tables for the level the backing is mapped at
 * (host_pfn_mapping_level()) and lowers it where its per-slot lpage_info
 * forbids a large page (slot edges not aligned alike in gpa and hva,
 * write-tracked gfns).  A pv page-table frame must be read-only, so no
 * range holding one is mapped 2 MiB (checked once when mapping, 512 type
 * lookups), and a frame that becomes a table inside a 2 MiB leaf splits
 * it: a full L1 table of the same pages, each with its own permissions,
 * replaces the leaf in one store, then every CPU's translations are
 * flushed.  KVM write-protects the whole huge mapping of a newly
 * write-tracked gfn (kvm_slot_page_track_add_page()), and its next fault
 * there, now limited to 4 KiB, zaps the huge entry and maps a table
 * (kvm_tdp_mmu_map()); pfvmm splits in place at once, because
 * pfvmm_ept_kva()'s lockless readers rely on a mapped page never going
 * away.  Without memory for the split it falls back to KVM's first step.
 *
 * iTLB multihit (X86_BUG_ITLB_MULTIHIT): on those CPUs a change of page
 * size under an executable translation can raise a machine check, which a
 * guest could provoke at will.  As KVM does there (nx_huge_pages=auto:
 * the bug and mitigations not off), a 2 MiB leaf is then not executable,
 * so the instruction TLB never holds a 2 MiB translation of guest memory,
 * and the first instruction fetch in one splits it into executable 4 KiB
 * entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/backing-dev.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <asm/vmx.h>
#include "internal.h"

#define EPT_LEVELS	4
#define EPT_ENTRIES	512
#define EPT_ADDR_MASK	0x000ffffffffff000ULL
#define EPT_TABLE_FLAGS	VMX_EPT_RWX_MASK
/*
 * Guest memory is ordinary host RAM and no device DMAs into it: write-back,
 * whatever the guest's PAT and PCD/PWT say (IPAT), as KVM maps RAM without
 * non-coherent DMA (vmx_get_mt_mask()).  A guest cannot make the host's
 * pages uncached, nor alias one page with two memory types.
 */
#define EPT_LEAF_MEMTYPE	((VMX_EPTP_MT_WB << VMX_EPT_MT_EPTE_SHIFT) | \
				 VMX_EPT_IPAT_BIT)
#define EPT_LEAF_FLAGS	(VMX_EPT_RWX_MASK | EPT_LEAF_MEMTYPE)
/* Bit 7 of a level-2 entry: it maps 2 MiB instead of pointing to a table. */
#define EPT_PAGE_SIZE_BIT	BIT_ULL(7)
#define EPT_2M_BYTES		BIT_ULL(21)
#define EPT_2M_PAGES		(EPT_2M_BYTES >> PAGE_SHIFT)

static bool ept_present(u64 e)
{
	return e & VMX_EPT_RWX_MASK;
}

static bool ept_is_2m_leaf(u64 e, int level)
{
	return level == 2 && (e & EPT_PAGE_SIZE_BIT);
}

/* A new 2 MiB leaf's permissions: not executable on iTLB-multihit CPUs. */
static u64 ept_2m_leaf_flags(void)
{
	if (boot_cpu_has_bug(X86_BUG_ITLB_MULTIHIT) && !cpu_mitigations_off())
		return EPT_LEAF_FLAGS & ~VMX_EPT_EXECUTABLE_MASK;
	return EPT_LEAF_FLAGS;
}

static unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & (EPT_ENTRIES - 1);
}

/**
 * pfvmm_ept_init() - an empty EPT
 * @ept: where to keep it
 *
 * Return: 0 or -ENOMEM.
 */
int pfvmm_ept_init(struct pfvmm_ept *ept)
{
	ept->pml4 = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!ept->pml4)
		return -ENOMEM;
	ept->tables = 1;
	ept->pinned = 0;
	pfvmm_live_add(PFVMM_LIVE_EPT_TABLES, 1);
	ept->eptp = __pa(ept->pml4) | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
	return 0;
}

/* A leaf's pages, pinned one by one when it was mapped: 1, or 512. */
static void ept_unpin_leaf(struct pfvmm_ept *ept, u64 e, unsigned long npages)
{
	struct page *page = pfn_to_page((e & EPT_ADDR_MASK) >> PAGE_SHIFT);

	unpin_user_page_range_dirty_lock(page, npages, true);
	ept->pinned -= npages;
	pfvmm_live_add(PFVMM_LIVE_PAGES_PINNED, -(long)npages);
}

static void ept_free_table(struct pfvmm_ept *ept, u64 *table, int level)
{
	int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		u64 e = table[i];

		if (!ept_present(e))
			continue;
		if (ept_is_2m_leaf(e, level)) {
			ept_unpin_leaf(ept, e, EPT_2M_PAGES);
			ept->leaves_2m--;
		} else if (level > 1) {
			ept_free_table(ept, __va(e & EPT_ADDR_MASK), level - 1);
		} else {
			ept_unpin_leaf(ept, e, 1);
		}
	}
	free_page((unsigned long)table);
	ept->tables--;
	pfvmm_live_add(PFVMM_LIVE_EPT_TABLES, -1);
}

/**
 * pfvmm_ept_destroy() - unpin every mapped page and free the tables
 * @vm: the VM; no CPU may be using its EPT any more
 */
void pfvmm_ept_destroy(struct pfvmm_vm *vm)
{
	struct pfvmm_ept *ept = &vm->ept;

	if (!ept->pml4)
		return;
	atomic64_sub(ept->pinned, &vm->mm->pinned_vm);
	ept_free_table(ept, ept->pml4, EPT_LEVELS);
	ept->pml4 = NULL;
	WARN_ON(ept->pinned || ept->tables || ept->leaves_2m);
}

/*
 * The entry for @gpa at @level (1: a 4 KiB leaf, 2: a 2 MiB one),
 * allocating missing tables above it.  A table is zeroed before it is
 * published, so a lockless reader never sees a stale entry in it.  The
 * four levels index bits 47:12 only: an address at or above
 * PFVMM_GPA_LIMIT (no slot reaches it) would alias a lower one.
 *
 * Return: the entry, ERR_PTR(-EEXIST) when a 2 MiB leaf covers @gpa
 * already, or ERR_PTR(-ENOMEM).
 */
static u64 *ept_walk_alloc(struct pfvmm_ept *ept, u64 gpa, int level)
{
	u64 *table = ept->pml4;
	int l;

	if (gpa >= PFVMM_GPA_LIMIT)
		return ERR_PTR(-ENOMEM);
	for (l = EPT_LEVELS; l > level; l--) {
		u64 *e = &table[ept_index(gpa, l)];

		if (ept_is_2m_leaf(*e, l))
			return ERR_PTR(-EEXIST);
		if (!ept_present(*e)) {
			u64 *next = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

			if (!next)
				return ERR_PTR(-ENOMEM);
			ept->tables++;
			pfvmm_live_add(PFVMM_LIVE_EPT_TABLES, 1);
			/* Zeroed before a lockless walker can reach it. */
			smp_store_release(e, __pa(next) | EPT_TABLE_FLAGS);
		}
		table = __va(*e & EPT_ADDR_MASK);
	}
	return &table[ept_index(gpa, level)];
}

/*
 * The leaf entry for @gpa if its tables exist, or NULL (always at or
 * above PFVMM_GPA_LIMIT, as in ept_walk_alloc()); *@level says whether it
 * is a 4 KiB entry (1, present or not) or a 2 MiB leaf (2).  Tables are
 * never freed and a present leaf never changes its page while the VM
 * lives (a split keeps the pages), so this needs no lock.
 */
static u64 *ept_find_leaf(struct pfvmm_ept *ept, u64 gpa, int *level)
{
	u64 *table = ept->pml4;
	int l;

	if (gpa >= PFVMM_GPA_LIMIT)
		return NULL;
	for (l = EPT_LEVELS; l > 1; l--) {
		u64 *entry = &table[ept_index(gpa, l)];
		u64 e = READ_ONCE(*entry);

		if (!ept_present(e))
			return NULL;
		if (ept_is_2m_leaf(e, l)) {
			*level = 2;
			return entry;
		}
		table = __va(e & EPT_ADDR_MASK);
	}
	*level = 1;
	return &table[ept_index(gpa, 1)];
}

/* What a guest page may be used for: page tables of a pv guest are read-only. */
static u64 ept_leaf_flags(struct pfvmm_vm *vm, u64 gpa)
{
	if (pfvmm_pv_frame_is_table(vm, gpa))
		return VMX_EPT_READABLE_MASK | EPT_LEAF_MEMTYPE;
	return EPT_LEAF_FLAGS;
}

/*
 * A violation maps the aligned group of EPT_FAULT_AROUND pages around the
 * faulting one (within its memory slot): one pin call and one exit for
 * the group instead of one per page.  A 64 KiB group never crosses an
 * EPT leaf table.
 */
#define EPT_FAULT_AROUND	16
#define EPT_GROUP_BYTES		(EPT_FAULT_AROUND * PAGE_SIZE)

static void ept_set_leaf(struct pfvmm_vm *vm, u64 *leaf, u64 gpa,
			 struct page *page)
{
	WRITE_ONCE(*leaf, page_to_phys(page) | ept_leaf_flags(vm, gpa));
	vm->ept.pinned++;
	pfvmm_live_add(PFVMM_LIVE_PAGES_PINNED, 1);
}

/*
 * Whether a page may stay pinned long-term: anonymous memory, or page
 * cache that is never written back (shmem and memfd, hugetlbfs, ramfs).
 * Linux 6.5's rule for FOLL_LONGTERM (writable_file_mapping_allowed(),
 * folio_fast_pin_allowed()): writeback must be able to clean a file's
 * page, and a page the guest writes at any time never is clean.
 */
static bool ept_page_pinnable(struct page *page)
{
	struct folio *folio = page_folio(page);
	struct address_space *mapping;

	if (folio_test_anon(folio))
		return true;
	mapping = folio_mapping(folio);
	return mapping && !mapping_can_writeback(mapping);
}

/*
 * Pin the group around @gpa (FOLL_LONGTERM: the guest may touch it at
 * any time), or @gpa's page alone when part of the group is not mapped.
 * No lock may be held: the pin can sleep for as long as whoever backs the
 * memory likes (userfaultfd, FUSE), and must stay killable.
 *
 * Return: the pages pinned, from *@first on; -EFAULT, or -EOPNOTSUPP for
 * page cache that is written back (then nothing stays pinned).
 */
static int ept_pin_group(const struct pfvmm_slot *slot, u64 gpa,
			 struct page **pages, u64 *first)
{
	u64 start = max(gpa & ~(u64)(EPT_GROUP_BYTES - 1), slot->gpa);
	u64 end = min((gpa | (EPT_GROUP_BYTES - 1)) + 1, slot->gpa + slot->size);
	int n = (end - start) >> PAGE_SHIFT, got, i;

	got = pin_user_pages_fast(slot->hva + (start - slot->gpa), n,
				  FOLL_WRITE | FOLL_LONGTERM, pages);
	if (got == n) {
		*first = start;
	} else {
		if (got > 0)
			unpin_user_pages(pages, got);
		got = pin_user_pages_fast(slot->hva + (gpa - slot->gpa), 1,
					  FOLL_WRITE | FOLL_LONGTERM, pages);
		if (got != 1)
			return -EFAULT;
		*first = gpa;
	}
	for (i = 0; i < got; i++) {
		if (!ept_page_pinnable(pages[i])) {
			unpin_user_pages(pages, got);
			return -EOPNOTSUPP;
		}
	}
	return got;
}

/*
 * Under vm->lock: map the @n pinned @pages from @first on where nothing is
 * mapped yet; the others (mapped meanwhile by another vCPU) are unpinned.
 */
static int ept_install(struct pfvmm_vm *vm, u64 first, struct page **pages,
		       int n)
{
	u64 *leaf0 = ept_walk_alloc(&vm->ept, first, 1);
	int i, mapped = 0;

	if (IS_ERR(leaf0)) {
		unpin_user_pages(pages, n);
		/* -EEXIST: another vCPU mapped the whole 2 MiB meanwhile. */
		return PTR_ERR(leaf0) == -EEXIST ? 0 : PTR_ERR(leaf0);
	}
	/* A group never crosses a leaf table: the entries are consecutive. */
	for (i = 0; i < n; i++) {
		if (ept_present(READ_ONCE(leaf0[i]))) {
			unpin_user_page(pages[i]);
			continue;
		}
		ept_set_leaf(vm, &leaf0[i], first + i * PAGE_SIZE, pages[i]);
		mapped++;
	}
	atomic64_add(mapped, &vm->mm->pinned_vm);
	return 0;
}

/*
 * Whether the 2 MiB around @gpa may become one leaf, judged before pinning
 * it: the CPU can map 2 MiB, the range lies in @slot at a 2 MiB-aligned
 * user address, nothing is mapped there yet (an L1 table exists once any
 * of it is mapped 4 KiB), and @page, pinned in the range, is part of a
 * folio of 2 MiB or more.  Without huge pages this is the only cost.
 */
static bool ept_2m_candidate(struct pfvmm_vm *vm,
			     const struct pfvmm_slot *slot, u64 gpa,
			     struct page *page)
{
	u64 start = ALIGN_DOWN(gpa, EPT_2M_BYTES);
	struct folio *folio = page_folio(page);
	int level;

	if (!pfvmm_caps.ept_2m || start < slot->gpa ||
	    start + EPT_2M_BYTES > slot->gpa + slot->size ||
	    !IS_ALIGNED(slot->hva + (start - slot->gpa), EPT_2M_BYTES))
		return false;
	if (!folio_test_large(folio) || folio_nr_pages(folio) < EPT_2M_PAGES)
		return false;
	return !ept_find_leaf(&vm->ept, start, &level);
}

/* The 512 pinned pages are one 2 MiB-aligned run of a single folio. */
static bool ept_pages_form_2m(struct page **pages)
{
	struct folio *folio = page_folio(pages[0]);
	unsigned long pfn = page_to_pfn(pages[0]);
	int i;

	if (!IS_ALIGNED(pfn, EPT_2M_PAGES) || !ept_page_pinnable(pages[0]))
		return false;
	for (i = 1; i < EPT_2M_PAGES; i++)
		if (page_to_pfn(pages[i]) != pfn + i ||
		    page_folio(pages[i]) != folio)
			return false;
	return true;
}

/*
 * Pin the 2 MiB around @gpa, with no lock held (as ept_pin_group()).
 *
 * Return: the 512 pages (kfree() the array), or NULL when they are not
 * one huge page after all (then nothing stays pinned).
 */
static struct page **ept_pin_2m(const struct pfvmm_slot *slot, u64 gpa)
{
	u64 start = ALIGN_DOWN(gpa, EPT_2M_BYTES);
	struct page **pages = kmalloc_array(EPT_2M_PAGES, sizeof(*pages),
					    GFP_KERNEL);
	int got;

	if (!pages)
		return NULL;
	got = pin_user_pages_fast(slot->hva + (start - slot->gpa), EPT_2M_PAGES,
				  FOLL_WRITE | FOLL_LONGTERM, pages);
	if (got == EPT_2M_PAGES && ept_pages_form_2m(pages))
		return pages;
	if (got > 0)
		unpin_user_pages(pages, got);
	kfree(pages);
	return NULL;
}

/* Whether a frame in the 2 MiB from @start on is a pv page table now. */
static bool ept_range_has_table(struct pfvmm_vm *vm, u64 start)
{
	u64 gpa;

	for (gpa = start; gpa < start + EPT_2M_BYTES; gpa += PAGE_SIZE)
		if (pfvmm_pv_frame_is_table(vm, gpa))
			return true;
	return false;
}

/*
 * Under vm->lock: map the 512 pinned @pages around @gpa as one 2 MiB
 * leaf.  A frame typed as a table after the check has its protect() call
 * still to come (it waits for vm->lock), and that splits the leaf.
 *
 * Return: 0, or -EAGAIN when it cannot be 2 MiB (something was mapped
 * there meanwhile, a frame is a table, no memory for the tables above):
 * then the caller unpins the pages and maps 4 KiB.
 */
static int ept_install_2m(struct pfvmm_vm *vm, u64 gpa, struct page **pages)
{
	u64 start = ALIGN_DOWN(gpa, EPT_2M_BYTES);
	u64 *entry = ept_walk_alloc(&vm->ept, start, 2);

	if (IS_ERR(entry) || ept_present(*entry) ||
	    ept_range_has_table(vm, start))
		return -EAGAIN;
	WRITE_ONCE(*entry, page_to_phys(pages[0]) | EPT_PAGE_SIZE_BIT |
		   ept_2m_leaf_flags());
	vm->ept.pinned += EPT_2M_PAGES;
	vm->ept.leaves_2m++;
	pfvmm_live_add(PFVMM_LIVE_PAGES_PINNED, EPT_2M_PAGES);
	atomic64_add(EPT_2M_PAGES, &vm->mm->pinned_vm);
	return 0;
}

/*
 * Under vm->lock: replace the 2 MiB leaf *@entry by an L1 table of the
 * same 512 pages, each with its frame's permissions.  The table is full
 * before the one store that publishes it, so a reader or a CPU's walk
 * sees either the leaf or the whole table, and the same pages either way.
 * The caller flushes when a page lost write access.
 *
 * Return: 0, or -ENOMEM with nothing changed.
 */
static int ept_split_2m(struct pfvmm_vm *vm, u64 *entry, u64 gpa)
{
	u64 start = ALIGN_DOWN(gpa, EPT_2M_BYTES);
	u64 base = READ_ONCE(*entry) & EPT_ADDR_MASK;
	u64 *l1 = (u64 *)__get_free_page(GFP_KERNEL_ACCOUNT);
	int i;

	if (!l1)
		return -ENOMEM;
	for (i = 0; i < EPT_ENTRIES; i++)
		l1[i] = (base + i * PAGE_SIZE) |
			ept_leaf_flags(vm, start + i * PAGE_SIZE);
	/* Filled before a lockless walker can reach it. */
	smp_store_release(entry, __pa(l1) | EPT_TABLE_FLAGS);
	vm->ept.tables++;
	vm->ept.leaves_2m--;
	vm->ept.splits++;
	pfvmm_live_add(PFVMM_LIVE_EPT_TABLES, 1);
	return 0;
}

/*
 * Under vm->lock: 1 if @gpa is not mapped; else bring a present entry's
 * permissions up to date and return 0, or -EACCES for a write that is
 * not allowed.  A violation on a 2 MiB leaf that lacks a permission (X
 * on an iTLB-multihit CPU: this was an instruction fetch; W after a
 * split failed for want of memory in pfvmm_ept_protect(), and this was a
 * write) splits it now; *@flush then asks for a flush, for the page size
 * changed.
 */
static int ept_refresh(struct pfvmm_vm *vm, u64 gpa, bool write, bool *flush)
{
	int level, err;
	u64 *leaf = ept_find_leaf(&vm->ept, gpa, &level);
	u64 flags = ept_leaf_flags(vm, gpa);

	if (write && !(flags & VMX_EPT_WRITABLE_MASK))
		return -EACCES;
	if (!leaf || !ept_present(*leaf))
		return 1;
	if (level == 2) {
		if ((*leaf & VMX_EPT_RWX_MASK) == VMX_EPT_RWX_MASK ||
		    (!write && (*leaf & VMX_EPT_EXECUTABLE_MASK)))
			return 0;	/* another vCPU mapped it meanwhile */
		err = ept_split_2m(vm, leaf, gpa);
		if (err)
			return err;
		*flush = true;
		leaf = ept_find_leaf(&vm->ept, gpa, &level);
	}
	WRITE_ONCE(*leaf, (*leaf & EPT_ADDR_MASK) | flags);
	return 0;
}

/*
 * Under vm->lock, once the pages are pinned: the 2 MiB leaf if @huge
 * holds its pages and it can be one, else the group.  The pages not
 * mapped are unpinned.
 */
static int ept_install_pinned(struct pfvmm_vm *vm, u64 gpa, struct page **huge,
			      u64 first, struct page **pages, int n)
{
	if (huge && !ept_install_2m(vm, gpa, huge)) {
		unpin_user_pages(pages, n);
		return 0;
	}
	if (huge)
		unpin_user_pages(huge, EPT_2M_PAGES);
	return ept_install(vm, first, pages, n);
}

/**
 * pfvmm_ept_map_gpa() - back a guest-physical page: pin and map it
 * @vm: the VM; runs in its creator's mm, with none of the VM's locks held
 * @gpa: the faulting guest-physical address
 * @write: the access was a write
 *
 * The pages of its group that are not mapped yet are mapped with it.
 * They are pinned with no lock held, then installed under vm->lock where
 * no other vCPU mapped them meanwhile (KVM too faults the page in before
 * it takes mmu_lock): nobody else waits while the pin sleeps.
 *
 * Return: 0 when mapped (or the mapping was already right), -ENOENT when
 * no memory slot covers @gpa, -EACCES for a write to a pv page table,
 * -EFAULT when the user memory is gone (or the pin was killed),
 * -EOPNOTSUPP for page cache that is written back, -ENOMEM.
 */
int pfvmm_ept_map_gpa(struct pfvmm_vm *vm, u64 gpa, bool write)
{
	struct pfvmm_slot *slot = pfvmm_vm_find_slot(vm, gpa);
	struct page *pages[EPT_FAULT_AROUND], **huge = NULL;
	bool flush = false;
	u64 first;
	int n, err;

	lockdep_assert_not_held(&vm->lock);
	lockdep_assert_not_held(&vm->mmu_lock);
	if (!slot)
		return -ENOENT;
	gpa &= PAGE_MASK;
	mutex_lock(&vm->lock);
	err = ept_refresh(vm, gpa, write, &flush);
	mutex_unlock(&vm->lock);
	if (flush)
		pfvmm_flush_ept_all_cpus(vm->ept.eptp);
	if (err <= 0)
		return err;
	n = ept_pin_group(slot, gpa, pages, &first);
	if (n < 0)
		return n;
	if (ept_2m_candidate(vm, slot, gpa, pages[0]))
		huge = ept_pin_2m(slot, gpa);
	mutex_lock(&vm->lock);
	err = ept_install_pinned(vm, gpa, huge, first, pages, n);
	/* The frame may have become a pv page table meanwhile. */
	if (!err && write && !(ept_leaf_flags(vm, gpa) & VMX_EPT_WRITABLE_MASK))
		err = -EACCES;
	mutex_unlock(&vm->lock);
	kfree(huge);
	return err;
}

/*
 * Under vm->lock: give @gpa's mapping its frame's permissions, splitting
 * a 2 MiB leaf around a new table.  Without memory for the split the
 * whole leaf loses write access instead (the table is safe; a write
 * elsewhere in it splits it then, ept_refresh()).
 *
 * Return: whether write access was taken away (the caller flushes).
 */
static bool ept_apply_type(struct pfvmm_vm *vm, u64 gpa)
{
	int level;
	u64 *leaf = ept_find_leaf(&vm->ept, gpa, &level);
	u64 old = leaf ? *leaf : 0, flags = ept_leaf_flags(vm, gpa);

	if (!ept_present(old))
		return false;
	if (level == 1) {
		WRITE_ONCE(*leaf, (old & EPT_ADDR_MASK) | flags);
		return (old & ~flags) & VMX_EPT_WRITABLE_MASK;
	}
	if ((flags & VMX_EPT_WRITABLE_MASK) || !(old & VMX_EPT_WRITABLE_MASK))
		return false;
	if (ept_split_2m(vm, leaf, gpa))
		WRITE_ONCE(*leaf, old & ~VMX_EPT_WRITABLE_MASK);
	return true;
}

/**
 * pfvmm_ept_protect() - apply a pv frame's new type to its EPT mapping
 * @vm: the VM
 * @gpa: the frame's guest-physical address
 * @table: the frame became a page table (read-only) or stopped being one
 *
 * Taking write access away (a split included) flushes every CPU's cached
 * translations; giving it back needs no flush (a stale entry only costs
 * an exit).
 */
void pfvmm_ept_protect(struct pfvmm_vm *vm, u64 gpa, bool table)
{
	bool flush;

	mutex_lock(&vm->lock);
	flush = ept_apply_type(vm, gpa);
	mutex_unlock(&vm->lock);
	if (table && flush)
		pfvmm_flush_ept_all_cpus(vm->ept.eptp);
}

/**
 * pfvmm_ept_kva() - the module's own address for a guest-physical byte
 * @vm: the VM
 * @gpa: the address
 *
 * Nothing is pinned here (callers hold mmu_lock: see pv.c, which pins a
 * missing page with pfvmm_ept_map_gpa() once the lock is dropped).  A
 * mapped page stays pinned until the VM is destroyed, so the address stays
 * valid for the VM's lifetime whatever the launcher does to its mapping.
 *
 * Return: the address, or NULL when the page is not mapped (yet).
 */
void *pfvmm_ept_kva(struct pfvmm_vm *vm, u64 gpa)
{
	int level = 1;
	u64 *leaf = ept_find_leaf(&vm->ept, gpa, &level);
	u64 e = leaf ? READ_ONCE(*leaf) : 0;

	if (!ept_present(e))
		return NULL;
	if (level == 1)
		return (u8 *)__va(e & EPT_ADDR_MASK) + (gpa & ~PAGE_MASK);
	/* Split since the walk saw a leaf: walk again (once: none merge). */
	if (!(e & EPT_PAGE_SIZE_BIT))
		return pfvmm_ept_kva(vm, gpa);
	return (u8 *)__va(e & EPT_ADDR_MASK) + (gpa & (EPT_2M_BYTES - 1));
}
