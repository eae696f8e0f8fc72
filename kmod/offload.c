// SPDX-License-Identifier: GPL-2.0
/*
 * Offload: resolving a pv guest's page faults inside the module.
 *
 * The guest registers fault regions and donates a pool of frames.  On a
 * #PF exit with offload on, a fault of a kind we handle in a region is
 * resolved here: a frame comes from the pool, is zeroed or filled with a
 * copy, and is mapped by writing the guest's own page tables through the
 * validator (missing tables are taken from the pool, pinned and linked
 * too), so the invariants of the forward path hold unchanged.  Anything
 * else is forwarded to the guest as usual.
 *
 * The tables are walked and their entries read in the validator's shadows
 * (pfvmm_pvmmu_entry()), never in guest memory, which the launcher can
 * write: every frame number used here was validated, or comes from the
 * pool, and is checked against the guest's frames before it is used.
 *
 * All of it runs under vm->mmu_lock, which is never held while a page is
 * pinned or user memory is copied (see pv.c): a page not mapped yet is
 * pinned with the lock dropped and the fault resolved again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include "../include/pfvmm/hypercall.h"
#include "../include/pfvmm/pte.h"
#include "internal.h"
#include "trace.h"
#include "vmx_ops.h"

#define USER_TOP	0x0000800000000000ULL
#define TABLE_FLAGS	(PFVMM_PTE_P | PFVMM_PTE_W | PFVMM_PTE_U | PFVMM_PTE_A)

/* ---- regions ---- */

static bool region_overlaps(struct pfvmm_vm *vm, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < vm->nr_regions; i++)
		if (start < vm->regions[i].end && vm->regions[i].start < end)
			return true;
	return false;
}

long pfvmm_hc_fault_region(struct pfvmm_vcpu *vcpu, u64 va, u64 len,
			   u64 flags)
{
	struct pfvmm_vm *vm = vcpu->vm;
	u64 kind = flags & PFVMM_REGION_KIND;
	long err = 0;

	if ((flags & ~(u64)(PFVMM_REGION_KIND | PFVMM_REGION_WRITE)) ||
	    (kind != PFVMM_REGION_DEMAND_ZERO && kind != PFVMM_REGION_COW) ||
	    !len || len > PFVMM_REGION_MAX_LEN ||
	    !PAGE_ALIGNED(va) || !PAGE_ALIGNED(len) ||
	    va >= USER_TOP || len > USER_TOP - va)
		return -PFVMM_EINVAL;
	mutex_lock(&vm->mmu_lock);
	if (vm->nr_regions >= PFVMM_MAX_REGIONS) {
		err = -PFVMM_E2BIG;
	} else if (region_overlaps(vm, va, va + len)) {
		err = -PFVMM_EEXIST;
	} else {
		vm->regions[vm->nr_regions].start = va;
		vm->regions[vm->nr_regions].end = va + len;
		vm->regions[vm->nr_regions].flags = flags;
		vm->nr_regions++;
	}
	mutex_unlock(&vm->mmu_lock);
	return err;
}

static const struct pfvmm_region *find_region(struct pfvmm_vm *vm, u64 va)
{
	unsigned int i;

	for (i = 0; i < vm->nr_regions; i++)
		if (va >= vm->regions[i].start && va < vm->regions[i].end)
			return &vm->regions[i];
	return NULL;
}

/*
 * ---- the pool ----
 *
 * A stack of frame numbers with room for every guest frame
 * (PFVMM_POOL_MAX() of guest memory is the validator's frame count),
 * allocated at the first donation and charged to the VM creator's memory
 * cgroup.  A frame's in_pool flag says it is in the stack, so no frame is
 * in it twice and the stack cannot fill up: no workload that fits in
 * guest memory runs out of pool for want of room.
 */
static int pool_alloc(struct pfvmm_vm *vm)
{
	if (vm->pool)
		return 0;
	vm->pool = kvmalloc_array(vm->pv.nframes, sizeof(*vm->pool),
				  GFP_KERNEL_ACCOUNT);
	return vm->pool ? 0 : -ENOMEM;
}

void pfvmm_offload_destroy(struct pfvmm_vm *vm)
{
	pfvmm_live_add(PFVMM_LIVE_POOL_FRAMES, -(long)vm->pool_count);
	kvfree(vm->pool);
	vm->pool = NULL;
	vm->pool_count = 0;
}

static long pool_add(struct pfvmm_vm *vm, u64 frame)
{
	struct pfvmm_frame *f = pfvmm_pvmmu_frame(&vm->pv, frame);

	if (!f)
		return -PFVMM_EINVAL;
	if (f->type != PFVMM_FT_NONE)
		return -PFVMM_EBUSY;	/* a table, or mapped writable */
	if (f->in_pool)
		return -PFVMM_EEXIST;
	if (vm->pool_count >= vm->pv.nframes)
		return -PFVMM_E2BIG;	/* cannot be: one entry a frame */
	f->in_pool = 1;
	vm->pool[vm->pool_count++] = frame;
	pfvmm_live_add(PFVMM_LIVE_POOL_FRAMES, 1);
	return 0;
}

/* The frame on top of the pool, whose struct is @f (or NULL), leaves it. */
static void pool_pop_known(struct pfvmm_vm *vm, struct pfvmm_frame *f)
{
	vm->pool_count--;
	if (f)
		f->in_pool = 0;
	pfvmm_live_add(PFVMM_LIVE_POOL_FRAMES, -1);
}

long pfvmm_hc_pool_donate(struct pfvmm_vcpu *vcpu, u64 va, u64 count)
{
	struct pfvmm_vm *vm = vcpu->vm;
	u64 frames[32], done = 0;
	long err = 0;

	if (count > PFVMM_MMU_BATCH_MAX)
		return -PFVMM_E2BIG;
	while (done < count && !err) {
		u64 n = min_t(u64, count - done, ARRAY_SIZE(frames)), i;

		if (pfvmm_gva_read(vcpu, va + done * 8, frames, n * 8))
			return -PFVMM_EFAULT;
		mutex_lock(&vm->mmu_lock);
		err = pool_alloc(vm) ? -PFVMM_ENOMEM : 0;
		for (i = 0; i < n && !err; i++, done++)
			err = pool_add(vm, frames[i]);
		mutex_unlock(&vm->mmu_lock);
	}
	return err;
}

/*
 * Frames go back to the guest a chunk at a time: taken off the stack
 * under mmu_lock, written to the guest's array with no lock held, then
 * under the lock again out of the pool for good, or (those not written,
 * the array ended) back on the stack in their order.  While out, a frame
 * keeps its in_pool flag: nobody takes it, a donation of it gets
 * -EEXIST, and there is room to put it back.
 */
long pfvmm_hc_pool_reclaim(struct pfvmm_vcpu *vcpu, u64 va, u64 max)
{
	struct pfvmm_vm *vm = vcpu->vm;
	u64 frames[32], n = 0, k, i, j;

	if (max > PFVMM_MMU_BATCH_MAX)
		return -PFVMM_E2BIG;
	while (n < max) {
		mutex_lock(&vm->mmu_lock);
		k = min3(max - n, (u64)ARRAY_SIZE(frames), vm->pool_count);
		for (i = 0; i < k; i++)
			frames[i] = vm->pool[vm->pool_count - 1 - i];
		vm->pool_count -= k;
		mutex_unlock(&vm->mmu_lock);
		for (i = 0; i < k; i++)
			if (pfvmm_gva_write(vcpu, va + (n + i) * 8, &frames[i],
					    sizeof(frames[i])))
				break;
		mutex_lock(&vm->mmu_lock);
		for (j = k; j > i; j--)
			vm->pool[vm->pool_count++] = frames[j - 1];
		for (j = 0; j < i; j++) {
			struct pfvmm_frame *f = pfvmm_pvmmu_frame(&vm->pv,
								  frames[j]);

			if (f)
				f->in_pool = 0;
			pfvmm_live_add(PFVMM_LIVE_POOL_FRAMES, -1);
		}
		mutex_unlock(&vm->mmu_lock);
		n += i;
		if (i < ARRAY_SIZE(frames))
			break;	/* the pool or the array ended */
	}
	return n;
}

long pfvmm_hc_offload_info(struct pfvmm_vcpu *vcpu, u64 va)
{
	struct pfvmm_vm *vm = vcpu->vm;
	struct pfvmm_offload_info info = {
		.faults_resolved = vcpu->stats.pf_offloaded,
		.pool_frames = vm->pool_count,
		.pool_used = vcpu->stats.pool_frames_used,
		.enabled = pfvmm_offload_on(vm),
	};

	if (pfvmm_gva_write(vcpu, va, &info, sizeof(info)))
		return -PFVMM_EFAULT;
	return 0;
}

/* What a frame taken from the pool is filled with. */
enum pool_fill {
	POOL_ZERO,	/* zeroes */
	POOL_COPY,	/* a copy of another frame */
	POOL_TABLE,	/* nothing: pfvmm_pvmmu_pin_empty() clears it */
};

/* Take a frame from the pool, filled as @fill says (@src_frame to copy). */
static int pool_take_frame(struct pfvmm_vcpu *vcpu, u64 src_frame,
			   enum pool_fill fill, u64 *frame)
{
	bool copy = fill == POOL_COPY;
	struct pfvmm_vm *vm = vcpu->vm;
	struct pfvmm_frame *pf;
	void *dst, *src = NULL;
	u64 f;

	if (copy && !pfvmm_pvmmu_frame(&vm->pv, src_frame))
		return -EINVAL;
	/* A frame the guest mapped writable since it gave it away is dropped. */
	for (;;) {
		if (!vm->pool_count)
			return -ENOSPC;
		f = vm->pool[vm->pool_count - 1];
		pf = pfvmm_pvmmu_frame(&vm->pv, f);
		if (pf && pf->type == PFVMM_FT_NONE)
			break;
		pool_pop_known(vm, pf);
	}
	dst = pfvmm_pv_kva(vm, f << PAGE_SHIFT);
	if (copy)
		src = pfvmm_pv_kva(vm, src_frame << PAGE_SHIFT);
	if (!dst || (copy && !src))
		return -EFAULT;
	if (fill != POOL_TABLE) {
		pfvmm_phase(vcpu, PFVMM_PHASE_ZERO);
		if (copy)
			pfvmm_page_copy(dst, src);
		else
			pfvmm_page_zero(dst);
		pfvmm_phase_back(vcpu, PFVMM_PHASE_POOL);
	}
	pool_pop_known(vm, pf);
	vcpu->stats.pool_frames_used++;
	pfvmm_global_stat_inc(PFVMM_GSTAT_POOL_USED);
	*frame = f;
	return 0;
}

/* pool_take_frame(), its cycles counted in the pool (and zero) phases. */
static int pool_take(struct pfvmm_vcpu *vcpu, u64 src_frame,
		     enum pool_fill fill, u64 *frame)
{
	u8 prev = pfvmm_phase(vcpu, PFVMM_PHASE_POOL);
	int err = pool_take_frame(vcpu, src_frame, fill, frame);

	pfvmm_phase_back(vcpu, prev);
	return err;
}

/* ---- resolving a fault ---- */

/*
 * The validator's pin and update, their cycles counted as their phases.
 * A table comes from the pool, so it is pinned as an empty one: cleared
 * after write protection, no entry to validate.
 */
static int offload_pin(struct pfvmm_vcpu *vcpu, u64 frame, int level)
{
	u8 prev = pfvmm_phase(vcpu, PFVMM_PHASE_PIN);
	int err = pfvmm_pvmmu_pin_empty(&vcpu->vm->pv, frame, level);

	pfvmm_phase_back(vcpu, prev);
	return err;
}

static int offload_update(struct pfvmm_vcpu *vcpu, u64 gpa, u64 val)
{
	u8 prev = pfvmm_phase(vcpu, PFVMM_PHASE_PTE);
	int err = pfvmm_pvmmu_update(&vcpu->vm->pv, gpa, val);

	pfvmm_phase_back(vcpu, prev);
	return err;
}

/*
 * Make sure the tables above @va exist; return the L1 table's frame.  The
 * walk reads validated entries only: a present one points to a typed
 * table of the level below.
 */
static int ensure_tables(struct pfvmm_vcpu *vcpu, u64 va, u64 *l1)
{
	struct pfvmm_pvmmu *m = &vcpu->vm->pv;
	u64 table = vcpu->pv_base;
	int level, err;

	for (level = 4; level > 1; level--) {
		u64 gpa = (table << PAGE_SHIFT) +
			  ((va >> (12 + 9 * (level - 1))) & 511) * 8;
		u64 pte, frame;

		err = pfvmm_pvmmu_entry(m, gpa, &pte);
		if (err)
			return err;
		if (!(pte & PFVMM_PTE_P)) {
			err = pool_take(vcpu, 0, POOL_TABLE, &frame);
			err = err ?: offload_pin(vcpu, frame, level - 1);
			if (err)
				return err;
			err = offload_update(vcpu, gpa, (frame << PAGE_SHIFT) |
					     TABLE_FLAGS);
			if (err) {
				pfvmm_pvmmu_unpin(m, frame);
				return err;
			}
			/* Our pin's reference is not needed: the entry holds it. */
			pfvmm_pvmmu_unpin(m, frame);
			pte = frame << PAGE_SHIFT;
		}
		table = (pte & PFVMM_PTE_ADDR) >> PAGE_SHIFT;
	}
	*l1 = table;
	return 0;
}

/*
 * The L1 entry for @va: the walk of the last fault in the same 2 MiB is
 * reused while no table above L1 changed (faults come in runs there).
 */
static int l1_entry(struct pfvmm_vcpu *vcpu, u64 va, u64 *l1e_gpa)
{
	struct pfvmm_walk_cache *c = &vcpu->walk_cache;
	struct pfvmm_pvmmu *m = &vcpu->vm->pv;
	int err;

	if (!c->l1 || c->upper_gen != m->upper_gen || c->base != vcpu->pv_base ||
	    c->va_2m != va >> 21) {
		c->l1 = 0;
		err = ensure_tables(vcpu, va, &c->l1);
		if (err)
			return err;
		c->upper_gen = m->upper_gen;
		c->base = vcpu->pv_base;
		c->va_2m = va >> 21;
	}
	*l1e_gpa = (c->l1 << PAGE_SHIFT) + ((va >> 12) & 511) * 8;
	return 0;
}

static int resolve(struct pfvmm_vcpu *vcpu, const struct pfvmm_region *r,
		   u64 va, u32 error_code)
{
	struct pfvmm_pvmmu *m = &vcpu->vm->pv;
	u64 l1e_gpa, pte, frame, val;
	bool cow = (r->flags & PFVMM_REGION_KIND) == PFVMM_REGION_COW;
	int err;

	if (vcpu->pv_base == PFVMM_NO_BASE)
		return -EINVAL;
	pfvmm_phase(vcpu, PFVMM_PHASE_WALK);
	err = l1_entry(vcpu, va, &l1e_gpa);
	err = err ?: pfvmm_pvmmu_entry(m, l1e_gpa, &pte);
	pfvmm_phase_back(vcpu, PFVMM_PHASE_HANDLER);
	if (err)
		return err;
	if (!(error_code & PFVMM_PF_PRESENT) && !cow) {
		if (pte & PFVMM_PTE_P)
			return -EAGAIN;	/* not a demand-zero fault */
		err = pool_take(vcpu, 0, POOL_ZERO, &frame);
		val = PFVMM_PTE_P | PFVMM_PTE_U |
		      (r->flags & PFVMM_REGION_WRITE ? PFVMM_PTE_W : 0);
	} else if (cow && (error_code & PFVMM_PF_WRITE) &&
		   (pte & (PFVMM_PTE_P | PFVMM_PTE_W | PFVMM_PTE_COW)) ==
		   (PFVMM_PTE_P | PFVMM_PTE_COW)) {
		err = pool_take(vcpu, (pte & PFVMM_PTE_ADDR) >> PAGE_SHIFT,
				POOL_COPY, &frame);
		val = PFVMM_PTE_P | PFVMM_PTE_U | PFVMM_PTE_W |
		      (pte & PFVMM_PTE_NX);
	} else {
		return -EAGAIN;
	}
	err = err ?: offload_update(vcpu, l1e_gpa, (frame << PAGE_SHIFT) | val);
	if (err)
		return err;
	/* A read-only translation of the old page may be cached. */
	if (cow && vcpu->vpid) {
		pfvmm_phase(vcpu, PFVMM_PHASE_FLUSH);
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vcpu->vpid);
		pfvmm_phase_back(vcpu, PFVMM_PHASE_HANDLER);
	}
	return 0;
}

/**
 * pfvmm_offload_fault() - try to resolve a pv guest's #PF in the module
 * @vcpu: the faulting vCPU
 * @va: the faulting address
 * @error_code: the #PF error code
 *
 * Return: true if resolved (resume the guest), false to forward it.
 */
bool pfvmm_offload_fault(struct pfvmm_vcpu *vcpu, u64 va, u32 error_code)
{
	struct pfvmm_vm *vm = vcpu->vm;
	const struct pfvmm_region *r;
	int err = -ENOENT;

	if (!(error_code & PFVMM_PF_USER) ||
	    (error_code & (PFVMM_PF_RSVD | PFVMM_PF_INSTR)))
		return false;
	/*
	 * The module walks the shadows and writes guest tables and frames:
	 * flush before the next entry, as KVM does after its shadow MMU's
	 * #PF intercept (kvm_handle_page_fault(); l1d.c).
	 */
	vcpu->l1d_flush = true;
	pfvmm_pv_lock(vm);
	vm->mmu_vcpu = vcpu;
	r = find_region(vm, va);
	if (r) {
		do {
			err = resolve(vcpu, r, va & PAGE_MASK, error_code);
		} while (err && pfvmm_pv_pin_wanted(vm));
	}
	vm->mmu_vcpu = NULL;
	mutex_unlock(&vm->mmu_lock);
	if (err == -ENOENT)
		return false;
	if (err) {
		vcpu->stats.pf_fallback++;
		pfvmm_global_stat_inc(PFVMM_GSTAT_FALLBACK);
		return false;
	}
	vcpu->stats.pf_offloaded++;
	pfvmm_global_stat_inc(PFVMM_GSTAT_OFFLOADED);
	trace_pfvmm_fault(vcpu->id, va, error_code, "offloaded");
	return true;
}
