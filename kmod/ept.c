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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/backing-dev.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
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

static void ept_free_table(struct pfvmm_ept *ept, u64 *table, int level)
{
	int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		u64 e = table[i];

		if (!(e & VMX_EPT_RWX_MASK))
			continue;
		if (level > 1) {
			ept_free_table(ept, __va(e & EPT_ADDR_MASK), level - 1);
		} else {
			struct page *page = pfn_to_page((e & EPT_ADDR_MASK) >>
							PAGE_SHIFT);

			unpin_user_pages_dirty_lock(&page, 1, true);
			ept->pinned--;
			pfvmm_live_add(PFVMM_LIVE_PAGES_PINNED, -1);
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
	WARN_ON(ept->pinned || ept->tables);
}

/*
 * The leaf entry for @gpa, allocating missing tables on the way.  The
 * four levels index bits 47:12 only: an address at or above
 * PFVMM_GPA_LIMIT (no slot reaches it) would alias a lower one.
 */
static u64 *ept_leaf(struct pfvmm_ept *ept, u64 gpa)
{
	u64 *table = ept->pml4;
	int level;

	if (gpa >= PFVMM_GPA_LIMIT)
		return NULL;
	for (level = EPT_LEVELS; level > 1; level--) {
		u64 *e = &table[ept_index(gpa, level)];

		if (!(*e & VMX_EPT_RWX_MASK)) {
			u64 *next = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

			if (!next)
				return NULL;
			ept->tables++;
			pfvmm_live_add(PFVMM_LIVE_EPT_TABLES, 1);
			*e = __pa(next) | EPT_TABLE_FLAGS;
		}
		table = __va(*e & EPT_ADDR_MASK);
	}
	return &table[ept_index(gpa, 1)];
}

/*
 * The leaf entry for @gpa if its tables exist, or NULL (always at or
 * above PFVMM_GPA_LIMIT, as in ept_leaf()).  Tables are never freed and a
 * present leaf never changes its page while the VM lives, so this needs
 * no lock.
 */
static u64 *ept_find_leaf(struct pfvmm_ept *ept, u64 gpa)
{
	u64 *table = ept->pml4;
	int level;

	if (gpa >= PFVMM_GPA_LIMIT)
		return NULL;
	for (level = EPT_LEVELS; level > 1; level--) {
		u64 e = READ_ONCE(table[ept_index(gpa, level)]);

		if (!(e & VMX_EPT_RWX_MASK))
			return NULL;
		table = __va(e & EPT_ADDR_MASK);
	}
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
	u64 *leaf0 = ept_leaf(&vm->ept, first);
	int i, mapped = 0;

	if (!leaf0) {
		unpin_user_pages(pages, n);
		return -ENOMEM;
	}
	/* A group never crosses a leaf table: the entries are consecutive. */
	for (i = 0; i < n; i++) {
		if (READ_ONCE(leaf0[i]) & VMX_EPT_RWX_MASK) {
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
 * Under vm->lock: 1 if @gpa is not mapped; else bring a present entry's
 * permissions up to date and return 0, or -EACCES for a write that is
 * not allowed.
 */
static int ept_refresh(struct pfvmm_vm *vm, u64 gpa, bool write)
{
	u64 *leaf = ept_find_leaf(&vm->ept, gpa);
	u64 flags = ept_leaf_flags(vm, gpa);

	if (write && !(flags & VMX_EPT_WRITABLE_MASK))
		return -EACCES;
	if (!leaf || !(*leaf & VMX_EPT_RWX_MASK))
		return 1;
	WRITE_ONCE(*leaf, (*leaf & EPT_ADDR_MASK) | flags);
	return 0;
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
	struct page *pages[EPT_FAULT_AROUND];
	u64 first;
	int n, err;

	lockdep_assert_not_held(&vm->lock);
	lockdep_assert_not_held(&vm->mmu_lock);
	if (!slot)
		return -ENOENT;
	gpa &= PAGE_MASK;
	mutex_lock(&vm->lock);
	err = ept_refresh(vm, gpa, write);
	mutex_unlock(&vm->lock);
	if (err <= 0)
		return err;
	n = ept_pin_group(slot, gpa, pages, &first);
	if (n < 0)
		return n;
	mutex_lock(&vm->lock);
	err = ept_install(vm, first, pages, n);
	/* The frame may have become a pv page table meanwhile. */
	if (!err && write && !(ept_leaf_flags(vm, gpa) & VMX_EPT_WRITABLE_MASK))
		err = -EACCES;
	mutex_unlock(&vm->lock);
	return err;
}

/**
 * pfvmm_ept_protect() - apply a pv frame's new type to its EPT mapping
 * @vm: the VM
 * @gpa: the frame's guest-physical address
 * @table: the frame became a page table (read-only) or stopped being one
 *
 * Taking write access away flushes every CPU's cached translations;
 * giving it back needs no flush (a stale entry only costs an exit).
 */
void pfvmm_ept_protect(struct pfvmm_vm *vm, u64 gpa, bool table)
{
	u64 *leaf, old;

	mutex_lock(&vm->lock);
	leaf = ept_find_leaf(&vm->ept, gpa);
	old = leaf ? *leaf : 0;
	if (old & VMX_EPT_RWX_MASK)
		WRITE_ONCE(*leaf, (old & EPT_ADDR_MASK) |
			   ept_leaf_flags(vm, gpa));
	mutex_unlock(&vm->lock);
	if (table && (old & VMX_EPT_WRITABLE_MASK))
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
	u64 *leaf = ept_find_leaf(&vm->ept, gpa);
	u64 e = leaf ? READ_ONCE(*leaf) : 0;

	if (!(e & VMX_EPT_RWX_MASK))
		return NULL;
	return (u8 *)__va(e & EPT_ADDR_MASK) + (gpa & ~PAGE_MASK);
}
