// SPDX-License-Identifier: GPL-2.0
/*
 * A VM and its fd: guest memory slots, vCPU creation, statistics and the
 * VM's lifetime.  The VM is reference-counted: its fd holds one reference
 * and every vCPU holds one, so the VM (its EPT and pinned pages) goes
 * away only after the last of them is closed.  The first VM puts the CPUs
 * into VMX operation and the last one takes them out.
 *
 * Guest memory is pinned long-term, so a slot is charged in full to its
 * owner's RLIMIT_MEMLOCK when it is created (the guest can pin every page
 * of it at will, the launcher has no say after that), and given back
 * when the VM goes: the user's locked_vm, as io_uring and VFIO's
 * RLIMIT_MEMLOCK charges, unless the creator had CAP_IPC_LOCK.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/backing-dev.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "internal.h"

static atomic_t vm_count = ATOMIC_INIT(0);

void pfvmm_vm_get(struct pfvmm_vm *vm)
{
	kref_get(&vm->ref);
}

static void vm_release(struct kref *ref)
{
	struct pfvmm_vm *vm = container_of(ref, struct pfvmm_vm, ref);

	pfvmm_flush_ept_all_cpus(vm->ept.eptp);
	pfvmm_ept_destroy(vm);
	pfvmm_pv_destroy(vm);
	if (vm->user) {
		atomic_long_sub(vm->locked_pages, &vm->user->locked_vm);
		free_uid(vm->user);
	}
	mmdrop(vm->mm);
	kvfree(vm);
	preempt_notifier_dec();
	pfvmm_vmx_put();
	atomic_dec(&vm_count);
	pfvmm_live_add(PFVMM_LIVE_VMS, -1);
}

void pfvmm_vm_put(struct pfvmm_vm *vm)
{
	kref_put(&vm->ref, vm_release);
}

/**
 * pfvmm_vm_find_slot() - the memory slot holding a guest-physical address
 * @vm: the VM; slots only ever get added, so no lock is needed to read
 *      one that is marked used
 * @gpa: the address
 *
 * Return: the slot, or NULL when no slot covers @gpa.
 */
struct pfvmm_slot *pfvmm_vm_find_slot(struct pfvmm_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < PFVMM_MAX_SLOTS; i++) {
		struct pfvmm_slot *s = &vm->slots[i];

		/* Pairs with the smp_store_release() that publishes it. */
		if (smp_load_acquire(&s->used) && gpa >= s->gpa &&
		    gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

static int check_region(const struct pfvmm_memory_region *r)
{
	int i;

	if (r->flags || r->slot >= PFVMM_MAX_SLOTS)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	if (!r->memory_size || !PAGE_ALIGNED(r->memory_size) ||
	    !PAGE_ALIGNED(r->guest_phys_addr) ||
	    !PAGE_ALIGNED(r->userspace_addr))
		return -EINVAL;
	if (r->guest_phys_addr >= PFVMM_GPA_LIMIT ||
	    r->memory_size > PFVMM_GPA_LIMIT - r->guest_phys_addr)
		return -EINVAL;
	if (!access_ok(u64_to_user_ptr(r->userspace_addr), r->memory_size))
		return -EFAULT;
	return 0;
}

/*
 * Linux 6.5's rule for FOLL_LONGTERM (writable_file_mapping_allowed()):
 * no long-term pin of a shared mapping of a file whose pages are written
 * back (ext4, xfs, a block device): writeback must be able to clean the
 * pages, and a page the guest writes at any time never is clean.  shmem,
 * memfd, hugetlbfs, anonymous and private mappings are fine.  The pages
 * are checked again when they are pinned (ept.c): the launcher can map
 * something else there later.
 */
static int check_backing(const struct pfvmm_memory_region *r)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr = r->userspace_addr;
	unsigned long end = addr + r->memory_size;
	struct vm_area_struct *vma;
	int err = 0;

	mmap_read_lock(mm);
	while ((vma = find_vma_intersection(mm, addr, end))) {
		if (vma->vm_file && (vma->vm_flags & VM_SHARED) &&
		    mapping_can_writeback(vma->vm_file->f_mapping)) {
			err = -EOPNOTSUPP;
			break;
		}
		if (vma->vm_end >= end)
			break;
		addr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return err;
}

/*
 * Charge @bytes of guest memory to the owner's RLIMIT_MEMLOCK (the
 * user's locked_vm, which io_uring's and VFIO's pins count in too).
 * Under vm->lock.
 */
static int vm_charge_locked(struct pfvmm_vm *vm, u64 bytes)
{
	unsigned long pages = bytes >> PAGE_SHIFT, limit, cur, new;

	if (!vm->user)
		return 0;	/* CAP_IPC_LOCK: not charged */
	limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	cur = atomic_long_read(&vm->user->locked_vm);
	do {
		new = cur + pages;
		if (new > limit || new < cur)
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&vm->user->locked_vm, &cur, new));
	vm->locked_pages += pages;
	return 0;
}

static bool region_overlaps(struct pfvmm_vm *vm,
			    const struct pfvmm_memory_region *r)
{
	int i;

	for (i = 0; i < PFVMM_MAX_SLOTS; i++) {
		struct pfvmm_slot *s = &vm->slots[i];

		if (s->used && r->guest_phys_addr < s->gpa + s->size &&
		    s->gpa < r->guest_phys_addr + r->memory_size)
			return true;
	}
	return false;
}

static int vm_set_memory_region(struct pfvmm_vm *vm, void __user *argp)
{
	struct pfvmm_memory_region r;
	struct pfvmm_slot *slot;
	int err;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	err = check_region(&r);
	if (!err)
		err = check_backing(&r);
	if (err)
		return err;
	mutex_lock(&vm->lock);
	slot = &vm->slots[r.slot];
	if (pfvmm_vm_is_pv(vm) && vm->created_vcpus) {
		err = -EBUSY;	/* the frame table is sized already */
	} else if (slot->used || region_overlaps(vm, &r)) {
		err = -EEXIST;
	} else if (vm->mem_total + r.memory_size >
		   (u64)PFVMM_MAX_MEM_MB << 20) {
		err = -E2BIG;
	} else if (vm_charge_locked(vm, r.memory_size)) {
		err = -ENOMEM;	/* over RLIMIT_MEMLOCK */
	} else {
		slot->gpa = r.guest_phys_addr;
		slot->size = r.memory_size;
		slot->hva = r.userspace_addr;
		vm->mem_total += r.memory_size;
		/* Readers look at ->used without the lock. */
		smp_store_release(&slot->used, true);
	}
	mutex_unlock(&vm->lock);
	return err;
}

static int vm_get_stats(struct pfvmm_vm *vm, void __user *argp)
{
	struct pfvmm_vm_stats *sum;
	int i, err = 0;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	mutex_lock(&vm->lock);
	*sum = vm->dead_stats;
	for (i = 0; i < PFVMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			pfvmm_vcpu_stats_add(sum, &vm->vcpus[i]->stats);
	sum->pages_pinned = vm->ept.pinned;
	sum->ept_tables = vm->ept.tables;
	sum->ept_leaves_2m = vm->ept.leaves_2m;
	sum->ept_splits = vm->ept.splits;
	sum->tables_pinned = vm->pv.tables;
	mutex_unlock(&vm->lock);
	if (copy_to_user(argp, sum, sizeof(*sum)))
		err = -EFAULT;
	kfree(sum);
	return err;
}

static int vm_set_config(struct pfvmm_vm *vm, void __user *argp)
{
	struct pfvmm_vm_config c;
	int i, err = 0;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(c.reserved); i++)
		if (c.reserved[i])
			return -EINVAL;
	if (c.mmu_mode > PFVMM_MMU_PV || c.offload < -1 || c.offload > 1)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->created_vcpus)
		err = -EBUSY;
	else
		vm->config = c;
	mutex_unlock(&vm->lock);
	return err;
}

static long vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pfvmm_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	if (vm->mm != current->mm)
		return -EIO;
	switch (cmd) {
	case PFVMM_SET_MEMORY_REGION:
		return vm_set_memory_region(vm, argp);
	case PFVMM_CREATE_VCPU:
		return pfvmm_vcpu_create(vm, arg);
	case PFVMM_GET_VM_STATS:
		return vm_get_stats(vm, argp);
	case PFVMM_SET_VM_CONFIG:
		return vm_set_config(vm, argp);
	default:
		return -ENOTTY;
	}
}

static int vm_release_fd(struct inode *inode, struct file *file)
{
	pfvmm_vm_put(file->private_data);
	return 0;
}

static const struct file_operations vm_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= vm_release_fd,
	.llseek		= noop_llseek,
};

static struct pfvmm_vm *vm_alloc(void)
{
	struct pfvmm_vm *vm = kvzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);

	if (!vm)
		return NULL;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	mutex_init(&vm->mmu_lock);
	vm->pin_want = PFVMM_NO_GPA;
	vm->config.offload = PFVMM_OFFLOAD_DEFAULT;
	if (pfvmm_ept_init(&vm->ept)) {
		kvfree(vm);
		return NULL;
	}
	mmgrab(current->mm);
	vm->mm = current->mm;
	/* io_uring's rule: a creator with CAP_IPC_LOCK is not charged. */
	if (!capable(CAP_IPC_LOCK))
		vm->user = get_uid(current_user());
	/* vCPU threads use preempt notifiers: keep them switched on. */
	preempt_notifier_inc();
	pfvmm_live_add(PFVMM_LIVE_VMS, 1);
	return vm;
}

/**
 * pfvmm_vm_create() - PFVMM_CREATE_VM: a new VM and its fd
 * @arg: must be 0
 *
 * Return: the fd, or -EINVAL, -ENOSPC (too many VMs), -EBUSY (VT-x held
 * by another hypervisor), -ENOMEM.
 */
int pfvmm_vm_create(unsigned long arg)
{
	struct pfvmm_vm *vm;
	int fd, err;

	if (arg)
		return -EINVAL;
	if (atomic_inc_return(&vm_count) > PFVMM_MAX_VMS) {
		err = -ENOSPC;
		goto err_count;
	}
	err = pfvmm_vmx_get();
	if (err)
		goto err_count;
	vm = vm_alloc();
	if (!vm) {
		err = -ENOMEM;
		goto err_vmx_put;
	}
	/* A new EPTP may equal a freed one: nothing stale may be cached. */
	pfvmm_flush_ept_all_cpus(vm->ept.eptp);
	pfvmm_global_stat_inc(PFVMM_GSTAT_VMS);
	fd = anon_inode_getfd("pfvmm-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		pfvmm_vm_put(vm);	/* undoes the count and VMX too */
	return fd;

err_vmx_put:
	pfvmm_vmx_put();
err_count:
	atomic_dec(&vm_count);
	return err;
}
