// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing guest memory from the module.  Guest-physical
 * addresses map to the launcher's memory through the VM's slots and are
 * accessed with the user-copy routines (the vCPU thread runs in the
 * launcher's mm), so a bad address is an error, never a host fault.
 * Guest-virtual addresses are first translated through the guest's page
 * tables by the portable walker.
 */
#include <linux/uaccess.h>
#include "core/gpt.h"
#include "internal.h"
#include "vmx_ops.h"

/* The user address of [gpa, gpa + len), which must not cross a slot. */
static void __user *gpa_to_user(struct pfvmm_vm *vm, u64 gpa, size_t len)
{
	struct pfvmm_slot *slot = pfvmm_vm_find_slot(vm, gpa);

	if (!slot || len > slot->size - (gpa - slot->gpa))
		return NULL;
	return (void __user *)(slot->hva + (gpa - slot->gpa));
}

int pfvmm_gpa_read(struct pfvmm_vm *vm, u64 gpa, void *buf, size_t len)
{
	void __user *p = gpa_to_user(vm, gpa, len);

	if (!p || copy_from_user(buf, p, len))
		return -EFAULT;
	return 0;
}

int pfvmm_gpa_write(struct pfvmm_vm *vm, u64 gpa, const void *buf, size_t len)
{
	void __user *p = gpa_to_user(vm, gpa, len);

	if (!p || copy_to_user(p, buf, len))
		return -EFAULT;
	return 0;
}

static int read_pte(void *ctx, u64 gpa, u64 *pte)
{
	if (gpa & 7)
		return -EINVAL;
	return pfvmm_gpa_read(ctx, gpa, pte, sizeof(*pte));
}

/**
 * pfvmm_gva_read() - copy from guest-virtual memory, page by page
 * @vcpu: the vCPU whose CR3 translates; its VMCS is loaded
 * @gva: the start
 * @buf: the destination
 * @len: bytes to copy
 *
 * Return: 0, or a negative errno if any page does not translate.
 */
int pfvmm_gva_read(struct pfvmm_vcpu *vcpu, u64 gva, void *buf, size_t len)
{
	u64 cr3 = vmcs_readl(GUEST_CR3);
	bool paging = vmcs_readl(GUEST_CR0) & X86_CR0_PG;

	while (len) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - (gva & ~PAGE_MASK));
		struct pfvmm_gpt_walk w = { .gpa = gva };
		int err = 0;

		if (paging)
			err = pfvmm_gpt_walk(cr3, gva, read_pte, vcpu->vm, &w);
		if (!err)
			err = pfvmm_gpa_read(vcpu->vm, w.gpa, buf, chunk);
		if (err)
			return err;
		gva += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * pfvmm_gva_write() - copy to guest-virtual memory the guest may write
 * @vcpu: the vCPU whose CR3 translates; its VMCS is loaded
 * @gva: the start
 * @buf: the source
 * @len: bytes to copy, within one page
 *
 * The guest's mapping must be writable, and a pv guest's page tables are
 * never written this way (only the validator changes them).
 *
 * Return: 0 or -EFAULT.
 */
int pfvmm_gva_write(struct pfvmm_vcpu *vcpu, u64 gva, const void *buf,
		    size_t len)
{
	struct pfvmm_gpt_walk w;

	if (len > PAGE_SIZE - (gva & ~PAGE_MASK) ||
	    !(vmcs_readl(GUEST_CR0) & X86_CR0_PG))
		return -EFAULT;
	if (pfvmm_gpt_walk(vmcs_readl(GUEST_CR3), gva, read_pte, vcpu->vm, &w) ||
	    !w.writable || pfvmm_pv_frame_is_table(vcpu->vm, w.gpa))
		return -EFAULT;
	return pfvmm_gpa_write(vcpu->vm, w.gpa, buf, len);
}
