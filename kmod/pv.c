// SPDX-License-Identifier: GPL-2.0
/*
 * The paravirtual MMU, kernel side: it gives the portable validator
 * (core/pvmmu.c) access to guest memory and the EPT, and implements the
 * MMU hypercalls and the forwarding of page faults into a pv guest.
 *
 * Guest memory is read and written through the module's own mapping of
 * the launcher's pages; a frame the validator types as a page table loses
 * write access in the EPT, so from then on no vCPU can change it.  The
 * launcher still can, through its own mapping: the validator keeps a
 * shadow copy of each table (a page from here) and trusts only that.
 * Everything here runs under vm->mmu_lock; EPT changes take vm->lock
 * inside it.
 *
 * Nothing under mmu_lock pins a page or copies from or to user memory:
 * either can sleep for as long as whoever backs the memory likes
 * (userfaultfd, FUSE), and other vCPUs need the lock.  A guest page that
 * is not mapped yet makes the operation fail and is remembered
 * (pv_kva()); pfvmm_pv_pin_wanted() then drops the lock, pins and maps
 * the page, takes the lock again, and the caller retries.  The validator
 * leaves nothing changed when it fails, and a mapped page stays mapped
 * while the VM lives, so each retry gets further.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <asm/traps.h>
#include "../include/pfvmm/hypercall.h"
#include "../include/pfvmm/pte.h"
#include "internal.h"
#include "trace.h"
#include "vmx_ops.h"

/**
 * pfvmm_pv_kva() - the module's address of a guest byte, under mmu_lock
 * @vm: the VM
 * @gpa: the address
 *
 * Return: the address, or NULL when its page is not mapped yet: then the
 * page is remembered for pfvmm_pv_pin_wanted() (if it is guest memory).
 */
void *pfvmm_pv_kva(struct pfvmm_vm *vm, u64 gpa)
{
	void *p = pfvmm_ept_kva(vm, gpa);

	lockdep_assert_held(&vm->mmu_lock);
	if (!p && vm->pin_want == PFVMM_NO_GPA && pfvmm_vm_find_slot(vm, gpa))
		vm->pin_want = gpa & PAGE_MASK;
	return p;
}

/**
 * pfvmm_pv_lock() - take mmu_lock for an operation that pv_kva() may fail
 * @vm: the VM
 */
void pfvmm_pv_lock(struct pfvmm_vm *vm)
{
	mutex_lock(&vm->mmu_lock);
	vm->pin_want = PFVMM_NO_GPA;
}

/**
 * pfvmm_pv_pin_wanted() - after a failure under mmu_lock: pin what it lacked
 * @vm: the VM; mmu_lock is held, and is held again on return
 *
 * If the operation failed for a guest page that was not mapped, the lock
 * is dropped while the page is pinned and mapped (that may sleep, and a
 * fatal signal stops it), then taken again.
 *
 * Return: true when the page is mapped now (the caller retries what
 * failed), false when the failure stands.
 */
bool pfvmm_pv_pin_wanted(struct pfvmm_vm *vm)
{
	struct pfvmm_vcpu *vcpu = vm->mmu_vcpu;
	u64 gpa = vm->pin_want;
	u8 prev = 0;
	int err;

	lockdep_assert_held(&vm->mmu_lock);
	if (gpa == PFVMM_NO_GPA)
		return false;
	mutex_unlock(&vm->mmu_lock);
	/* The mapping is an EPT violation's work, counted as one. */
	if (vcpu)
		prev = pfvmm_phase(vcpu, PFVMM_PHASE_EPT);
	err = pfvmm_ept_map_gpa(vm, gpa, false);
	if (vcpu)
		pfvmm_phase_back(vcpu, prev);
	pfvmm_pv_lock(vm);
	/* Another vCPU may have held the lock meanwhile. */
	vm->mmu_vcpu = vcpu;
	return !err && pfvmm_ept_kva(vm, gpa);
}

/* Entries are read and written through the module's mapping of the page. */
static int pv_read_pte(void *ctx, u64 gpa, u64 *val)
{
	u64 *p = (gpa & 7) ? NULL : pfvmm_pv_kva(ctx, gpa);

	if (!p)
		return -EFAULT;
	*val = READ_ONCE(*p);
	return 0;
}

static int pv_write_pte(void *ctx, u64 gpa, u64 val)
{
	u64 *p = (gpa & 7) ? NULL : pfvmm_pv_kva(ctx, gpa);

	if (!p)
		return -EFAULT;
	WRITE_ONCE(*p, val);
	return 0;
}

/* Counted as the flush phase of the vCPU that holds mmu_lock, if any. */
static void pv_protect(void *ctx, u64 frame, bool table)
{
	struct pfvmm_vcpu *vcpu = ((struct pfvmm_vm *)ctx)->mmu_vcpu;
	u8 prev = vcpu ? pfvmm_phase(vcpu, PFVMM_PHASE_FLUSH) : 0;

	pfvmm_ept_protect(ctx, frame << PAGE_SHIFT, table);
	if (vcpu)
		pfvmm_phase_back(vcpu, prev);
}

static const u64 *pv_map_table(void *ctx, u64 frame)
{
	return pfvmm_pv_kva(ctx, frame << PAGE_SHIFT);
}

/* A table's shadow is one page, charged to the VM's creator. */
static u64 *pv_alloc_shadow(void *ctx)
{
	BUILD_BUG_ON(PFVMM_PT_ENTRIES * sizeof(u64) != PAGE_SIZE);
	return (u64 *)__get_free_page(GFP_KERNEL_ACCOUNT);
}

static void pv_free_shadow(void *ctx, u64 *shadow)
{
	free_page((unsigned long)shadow);
}

static int pv_clear_table(void *ctx, u64 frame, u64 *shadow)
{
	u64 *p = pfvmm_pv_kva(ctx, frame << PAGE_SHIFT);

	if (!p)
		return -EFAULT;
	pfvmm_page_zero(p);
	pfvmm_page_zero(shadow);
	return 0;
}

static const struct pfvmm_pvmmu_ops pv_mmu_ops = {
	.read_pte	= pv_read_pte,
	.write_pte	= pv_write_pte,
	.map_table	= pv_map_table,
	.protect	= pv_protect,
	.alloc_shadow	= pv_alloc_shadow,
	.free_shadow	= pv_free_shadow,
	.clear_table	= pv_clear_table,
};

static void pv_free_ranges(struct pfvmm_frame_range *r, unsigned int n)
{
	while (n--)
		kvfree(r[n].frames);
}

/**
 * pfvmm_pv_init() - set up the validator once the memory layout is final
 * @vm: a pv VM; called under vm->lock when its first vCPU is created
 *
 * The validator's frame structs (16 bytes a guest frame) come one array
 * per memory slot, charged to the VM creator's memory cgroup: they cost
 * what the slots hold, whatever guest-physical addresses they sit at.
 *
 * Return: 0 or -ENOMEM / -EINVAL (no memory).
 */
int pfvmm_pv_init(struct pfvmm_vm *vm)
{
	struct pfvmm_frame_range r[PFVMM_MAX_SLOTS];
	unsigned int n = 0;
	int i, err;

	BUILD_BUG_ON(PFVMM_MAX_SLOTS > PFVMM_PVMMU_RANGES);
	if (vm->pv.nranges)
		return 0;
	for (i = 0; i < PFVMM_MAX_SLOTS; i++) {
		const struct pfvmm_slot *s = &vm->slots[i];

		if (!s->used)
			continue;
		r[n].first = s->gpa >> PAGE_SHIFT;
		r[n].count = s->size >> PAGE_SHIFT;
		r[n].frames = kvcalloc(r[n].count, sizeof(*r[n].frames),
				       GFP_KERNEL_ACCOUNT);
		if (!r[n].frames) {
			pv_free_ranges(r, n);
			return -ENOMEM;
		}
		n++;
	}
	if (!n)
		return -EINVAL;
	err = pfvmm_pvmmu_init(&vm->pv, r, n, &pv_mmu_ops, vm);
	if (err)
		pv_free_ranges(r, n);	/* slots never overlap: cannot be */
	return err;
}

void pfvmm_pv_destroy(struct pfvmm_vm *vm)
{
	pfvmm_offload_destroy(vm);
	if (vm->pv.nranges) {
		u64 freed = pfvmm_pvmmu_destroy(&vm->pv);

		/* Either would be a validator bug: say so once. */
		WARN_ON_ONCE(freed != vm->pv.tables || vm->pv.bad_drops);
	}
	pv_free_ranges(vm->pv.ranges, vm->pv.nranges);
	vm->pv.nranges = 0;
}

bool pfvmm_pv_frame_is_table(struct pfvmm_vm *vm, u64 gpa)
{
	return vm->pv.nranges &&
	       pfvmm_pvmmu_is_table(&vm->pv, gpa >> PAGE_SHIFT);
}

/* ---- guest pointers ---- */

/*
 * Copy an array from guest-virtual memory.  The guest's own mapping is
 * honoured; the module never writes where the guest could not.
 */
static int pv_copy_in(struct pfvmm_vcpu *vcpu, u64 va, void *buf, size_t len)
{
	return pfvmm_gva_read(vcpu, va, buf, len);
}

static int pv_store_done(struct pfvmm_vcpu *vcpu, u64 va, u64 done)
{
	if (!va)
		return 0;
	return pfvmm_gva_write(vcpu, va, &done, sizeof(done));
}

/* ---- the hypercalls ---- */

#define PV_CHUNK	32	/* requests copied in at once */

static void pv_flush_guest_tlb(struct pfvmm_vcpu *vcpu)
{
	u8 prev = pfvmm_phase(vcpu, PFVMM_PHASE_FLUSH);

	if (vcpu->vpid)
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vcpu->vpid);
	pfvmm_phase_back(vcpu, prev);
}

/*
 * Apply a guest array of @count requests of @size bytes, copied in
 * PV_CHUNK at a time (with no lock held), with @apply under mmu_lock;
 * stop at the first error.  A request that failed for a page not mapped
 * yet is applied again once it is.  The number applied goes to @done_va
 * if the guest asked for it.  Between chunks the thread may yield: a
 * MULTICALL of MMUEXT_OPs is 32768 pins of 512 entries each, too long to
 * hold a CPU on a kernel without forced preemption (the preempt notifier
 * reloads the VMCS wherever the thread runs next).
 */
static long pv_batch(struct pfvmm_vcpu *vcpu, u64 va, u64 count, u64 done_va,
		     size_t size,
		     long (*apply)(struct pfvmm_vcpu *vcpu, const void *req))
{
	struct pfvmm_vm *vm = vcpu->vm;
	u8 buf[PV_CHUNK * 16];
	u64 done = 0;
	long err = 0;

	BUILD_BUG_ON(sizeof(struct pfvmm_mmu_update) > 16 ||
		     sizeof(struct pfvmm_mmuext_op) > 16);
	if (count > PFVMM_MMU_BATCH_MAX)
		return -PFVMM_E2BIG;
	while (done < count && !err) {
		u64 n = min_t(u64, count - done, PV_CHUNK), i;

		if (pv_copy_in(vcpu, va + done * size, buf, n * size))
			return -PFVMM_EFAULT;
		pfvmm_pv_lock(vm);
		vm->mmu_vcpu = vcpu;
		for (i = 0; i < n && !err; i++) {
			do {
				vm->pin_want = PFVMM_NO_GPA;
				err = apply(vcpu, buf + i * size);
			} while (err && pfvmm_pv_pin_wanted(vm));
			if (!err)
				done++;
		}
		vm->mmu_vcpu = NULL;
		mutex_unlock(&vm->mmu_lock);
		cond_resched();
	}
	if (pv_store_done(vcpu, done_va, done))
		return -PFVMM_EFAULT;
	return err;
}

static long pv_mmu_update_one(struct pfvmm_vcpu *vcpu, const void *p)
{
	const struct pfvmm_mmu_update *req = p;
	u8 prev = pfvmm_phase(vcpu, PFVMM_PHASE_PTE);
	long err = pfvmm_pvmmu_update(&vcpu->vm->pv, req->ptr, req->val);

	pfvmm_phase_back(vcpu, prev);
	if (!err)
		vcpu->stats.mmu_requests++;
	return err;
}

long pfvmm_hc_mmu_update(struct pfvmm_vcpu *vcpu, u64 va, u64 count,
			 u64 done_va)
{
	return pv_batch(vcpu, va, count, done_va,
			sizeof(struct pfvmm_mmu_update), pv_mmu_update_one);
}

long pfvmm_hc_update_va_mapping(struct pfvmm_vcpu *vcpu, u64 va, u64 val,
				u64 flags)
{
	struct pfvmm_vm *vm = vcpu->vm;
	u64 pte_gpa;
	long err;

	if (flags & ~(u64)(PFVMM_UVMF_INVLPG | PFVMM_UVMF_TLB_FLUSH))
		return -PFVMM_EINVAL;
	pfvmm_pv_lock(vm);
	vm->mmu_vcpu = vcpu;
	pfvmm_phase(vcpu, PFVMM_PHASE_PTE);
	do {
		err = pfvmm_pvmmu_va_entry(&vm->pv, vcpu->pv_base, va,
					   &pte_gpa);
		if (!err)
			err = pfvmm_pvmmu_update(&vm->pv, pte_gpa, val);
	} while (err && pfvmm_pv_pin_wanted(vm));
	pfvmm_phase_back(vcpu, PFVMM_PHASE_HANDLER);
	vm->mmu_vcpu = NULL;
	mutex_unlock(&vm->mmu_lock);
	if (err)
		return err;
	vcpu->stats.mmu_requests++;
	if (flags)	/* a VPID-wide flush covers a single address too */
		pv_flush_guest_tlb(vcpu);
	return 0;
}

static long pv_mmuext_one(struct pfvmm_vcpu *vcpu, const void *p)
{
	const struct pfvmm_mmuext_op *op = p;
	struct pfvmm_vm *vm = vcpu->vm;
	long err = 0;

	if (op->pad)
		return -PFVMM_EINVAL;
	switch (op->cmd) {
	case PFVMM_MMUEXT_PIN_L1_TABLE ... PFVMM_MMUEXT_PIN_L4_TABLE:
		pfvmm_phase(vcpu, PFVMM_PHASE_PIN);
		err = pfvmm_pvmmu_pin(&vm->pv, op->arg1,
				      op->cmd - PFVMM_MMUEXT_PIN_L1_TABLE + 1);
		pfvmm_phase_back(vcpu, PFVMM_PHASE_HANDLER);
		break;
	case PFVMM_MMUEXT_UNPIN_TABLE:
		err = pfvmm_pvmmu_unpin(&vm->pv, op->arg1);
		break;
	case PFVMM_MMUEXT_NEW_BASEPTR:
		err = pfvmm_pvmmu_new_base(&vm->pv, &vcpu->pv_base,
					   op->arg1);
		if (!err) {
			vmcs_writel(GUEST_CR3, op->arg1 << PAGE_SHIFT);
			pv_flush_guest_tlb(vcpu);
		}
		break;
	case PFVMM_MMUEXT_INVLPG_LOCAL:
	case PFVMM_MMUEXT_TLB_FLUSH_LOCAL:
		pv_flush_guest_tlb(vcpu);
		break;
	default:
		err = -PFVMM_EINVAL;
	}
	return err;
}

long pfvmm_hc_mmuext_op(struct pfvmm_vcpu *vcpu, u64 va, u64 count,
			u64 done_va)
{
	return pv_batch(vcpu, va, count, done_va,
			sizeof(struct pfvmm_mmuext_op), pv_mmuext_one);
}

/* ---- page faults ---- */

/**
 * pfvmm_pv_handle_pf() - a pv guest's #PF: resolve it here or forward it
 * @vcpu: the vCPU
 * @addr: the faulting address (the exit qualification)
 * @error_code: the #PF error code
 *
 * With offload on, a fault the module can resolve never reaches the
 * guest.  Otherwise it is injected, with CR2 set, as Xen bounces a PV
 * guest's fault into the guest kernel.
 *
 * Return: PFVMM_NEXT_GUEST, to re-enter the guest.
 */
enum pfvmm_next pfvmm_pv_handle_pf(struct pfvmm_vcpu *vcpu, u64 addr,
				   u32 error_code)
{
	u32 vectoring = vmcs_read32(IDT_VECTORING_INFO_FIELD);

	if (vectoring & VECTORING_INFO_VALID_MASK) {
		/* A fault while delivering an event: a double fault. */
		pfvmm_inject_exception(X86_TRAP_DF, true, 0);
		return PFVMM_NEXT_GUEST;
	}
	if (pfvmm_offload_on(vcpu->vm) &&
	    pfvmm_offload_fault(vcpu, addr, error_code))
		return PFVMM_NEXT_GUEST;
	vcpu->stats.pf_forwarded++;
	pfvmm_global_stat_inc(PFVMM_GSTAT_FORWARDED);
	trace_pfvmm_fault(vcpu->id, addr, error_code, "forwarded");
	vcpu->cr2 = addr;
	pfvmm_inject_exception(X86_TRAP_PF, true, error_code);
	return PFVMM_NEXT_GUEST;
}

/**
 * pfvmm_pv_load_cr3() - a pv guest's MOV to CR3: allowed to a pinned L4
 * @vcpu: the vCPU
 * @val: the new CR3
 *
 * Return: true if loaded, false if the guest must get #GP.
 */
bool pfvmm_pv_load_cr3(struct pfvmm_vcpu *vcpu, u64 val)
{
	struct pfvmm_vm *vm = vcpu->vm;
	bool ok;

	if (val & ~PFVMM_PTE_ADDR)
		return false;
	mutex_lock(&vm->mmu_lock);	/* guest memory is not touched */
	ok = !pfvmm_pvmmu_new_base(&vm->pv, &vcpu->pv_base, val >> PAGE_SHIFT);
	mutex_unlock(&vm->mmu_lock);
	if (ok)
		vmcs_writel(GUEST_CR3, val);
	return ok;
}

/**
 * pfvmm_pv_sregs_cr3() - SET_SREGS gave a pv vCPU this CR3
 * @vcpu: the vCPU (not running: its run_lock is held)
 * @val: the CR3 loaded
 *
 * A pinned L4 becomes the vCPU's base, as a MOV to CR3 would make it;
 * anything else (the launcher's boot tables) leaves the vCPU without one
 * until the guest loads a pinned L4.
 */
void pfvmm_pv_sregs_cr3(struct pfvmm_vcpu *vcpu, u64 val)
{
	struct pfvmm_vm *vm = vcpu->vm;

	mutex_lock(&vm->mmu_lock);
	if ((val & ~PFVMM_PTE_ADDR) ||
	    pfvmm_pvmmu_new_base(&vm->pv, &vcpu->pv_base, val >> PAGE_SHIFT))
		pfvmm_pvmmu_drop_base(&vm->pv, &vcpu->pv_base);
	mutex_unlock(&vm->mmu_lock);
}

/* The vCPU goes away: its base no longer keeps its L4 pinned. */
void pfvmm_pv_vcpu_destroy(struct pfvmm_vcpu *vcpu)
{
	struct pfvmm_vm *vm = vcpu->vm;

	mutex_lock(&vm->mmu_lock);
	pfvmm_pvmmu_drop_base(&vm->pv, &vcpu->pv_base);
	mutex_unlock(&vm->mmu_lock);
}
