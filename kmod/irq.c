// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts for the guest from userspace's device models, as KVM does
 * without an in-kernel irqchip (KVM_INTERRUPT, request_interrupt_window):
 *
 *  - PFVMM_INTERRUPT queues one external-interrupt vector (a PIC's INTA
 *    answer); a second one before the first went in gets -EEXIST;
 *  - right before each entry, a queued vector is injected if the guest
 *    can take it (RFLAGS.IF set, no STI or MOV SS shadow, no other event
 *    going in); otherwise interrupt-window exiting is turned on and the
 *    vector goes in at the first entry after the window opens;
 *  - request_interrupt_window in the run page asks for an exit
 *    (PFVMM_EXIT_IRQ_WINDOW_OPEN) as soon as the guest could take one;
 *  - every return to userspace reports ready_for_interrupt_injection and
 *    the guest's IF in the run page.
 * The queued vector and the request are the kernel's copies: userspace
 * cannot change them behind the module's back.  Nothing here runs unless
 * an interrupt is queued or a window asked for.
 */
#include <linux/uaccess.h>
#include "internal.h"
#include "vmx_ops.h"

static bool irq_guest_can_take(void)
{
	return (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

static void irq_set_window_exiting(struct pfvmm_vcpu *vcpu, bool on)
{
	u32 ctl;

	if (vcpu->irq_window_on == on)
		return;
	ctl = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
	if (on)
		ctl |= CPU_BASED_INTR_WINDOW_EXITING;
	else
		ctl &= ~CPU_BASED_INTR_WINDOW_EXITING;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, ctl);
	vcpu->irq_window_on = on;
}

/**
 * pfvmm_irq_queue() - PFVMM_INTERRUPT: queue an external interrupt
 * @vcpu: the vCPU, not running (its run_lock is held)
 * @argp: the struct pfvmm_interrupt
 *
 * Return: 0, -EFAULT, -EINVAL (vector above 255, pad not 0) or -EEXIST
 * (one is queued already).
 */
int pfvmm_irq_queue(struct pfvmm_vcpu *vcpu, void __user *argp)
{
	struct pfvmm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.irq > 255 || irq.pad)
		return -EINVAL;
	if (vcpu->pending_irq >= 0)
		return -EEXIST;
	vcpu->pending_irq = irq.irq;
	return 0;
}

/**
 * pfvmm_irq_inject() - before an entry: inject the queued vector if it can go
 * @vcpu: the vCPU about to be entered; its VMCS is current, interrupts off
 */
void pfvmm_irq_inject(struct pfvmm_vcpu *vcpu)
{
	if (likely(vcpu->pending_irq < 0 && !vcpu->irq_window_wanted &&
		   !vcpu->irq_window_on))
		return;
	if (vcpu->pending_irq >= 0 && irq_guest_can_take() &&
	    !(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK)) {
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vcpu->pending_irq |
			     INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
		vcpu->pending_irq = -1;
	}
	irq_set_window_exiting(vcpu,
			       vcpu->pending_irq >= 0 || vcpu->irq_window_wanted);
}

/**
 * pfvmm_handle_irq_window() - the interrupt-window exit
 * @vcpu: the vCPU
 *
 * Return: PFVMM_NEXT_USER with PFVMM_EXIT_IRQ_WINDOW_OPEN when userspace
 * asked for the window and has nothing queued; else PFVMM_NEXT_GUEST (the
 * queued vector goes in at the next entry).
 */
enum pfvmm_next pfvmm_handle_irq_window(struct pfvmm_vcpu *vcpu)
{
	irq_set_window_exiting(vcpu, false);
	if (vcpu->irq_window_wanted && vcpu->pending_irq < 0) {
		vcpu->irq_window_wanted = false;
		vcpu->run->exit_reason = PFVMM_EXIT_IRQ_WINDOW_OPEN;
		return PFVMM_NEXT_USER;
	}
	return PFVMM_NEXT_GUEST;
}

/**
 * pfvmm_irq_report() - on the way to userspace: can an interrupt go in?
 * @vcpu: the vCPU; its VMCS is current, preemption off
 */
void pfvmm_irq_report(struct pfvmm_vcpu *vcpu)
{
	struct pfvmm_run *run = vcpu->run;
	bool can = irq_guest_can_take();

	run->if_flag = !!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = can && vcpu->pending_irq < 0;
}
