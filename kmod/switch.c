// SPDX-License-Identifier: GPL-2.0
/*
 * Host state that VM entry and exit do not switch, and how pfvmm switches
 * it.  A VM exit loads only what the VMCS host area holds (CR0/3/4, RSP,
 * RIP, CS/SS/TR selectors, FS/GS/TR/GDTR/IDTR bases, EFER, SYSENTER_*);
 * everything else is whatever the guest left, or zero:
 *
 *  - the guest's KERNEL_GS_BASE (SWAPGS reaches it at CPL0) would be the
 *    launcher thread's user GS base, its SYSCALL would jump to the host's
 *    LSTAR, and the exit nulls LDTR and the DS/ES/FS/GS selectors.
 *    These are switched lazily, as KVM's
 *    vmx_prepare_switch_to_guest()/_host() do: "guest state loaded" on
 *    the first entry after the thread came onto this CPU, host state back
 *    when the thread leaves the CPU (the preempt notifier's sched_out) or
 *    PFVMM_RUN returns to userspace.  While the guest's state is loaded
 *    the host kernel does not need any of it (it uses GS through
 *    MSR_GS_BASE and never DS/ES/FS or the LDT).
 *  - the performance-counter MSRs perf wants different in a guest (today
 *    PERF_GLOBAL_CTRL, and PEBS_ENABLE on CPUs whose PEBS can write into
 *    a guest) go through the VMCS MSR-load lists on every entry, from
 *    perf_guest_get_msrs(), as KVM's atomic_switch_perf_msrs() does.
 *
 * Also the bookkeeping around entry that KVM does: RCU, lockdep and
 * context tracking learn that the CPU is in a guest.
 *
 * The FPU/SIMD register file is switched per PFVMM_RUN in vcpu.c with the
 * kernel's fpu_swap_kvm_fpstate(); DR7 and DEBUGCTL by the VMCS debug
 * controls plus a restore after exit (vcpu.c).  docs/host-safety.md lists
 * every piece of state and what KVM 6.1 does with it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <asm/desc.h>
#include <asm/mmu_context.h>
#include <asm/msr.h>
#include <asm/perf_event.h>
#include <asm/segment.h>
#include "internal.h"
#include "vmx_ops.h"

static u16 read_ldt_selector(void)
{
	u16 sel;

	asm volatile("sldt %0" : "=g"(sel));
	return sel;
}

static void load_ldt_selector(u16 sel)
{
	asm volatile("lldt %0" : : "rm"(sel));
}

/* The host's FS/GS selectors and bases, and its user KERNEL_GS_BASE. */
static void save_host_fs_gs(struct pfvmm_host_state *h)
{
	if (likely(is_64bit_mm(current->mm))) {
		current_save_fsgs();
		h->fs_sel = current->thread.fsindex;
		h->gs_sel = current->thread.gsindex;
		h->fs_base = current->thread.fsbase;
		h->kernel_gs_base = current->thread.gsbase;
	} else {
		savesegment(fs, h->fs_sel);
		savesegment(gs, h->gs_sel);
		rdmsrl(MSR_FS_BASE, h->fs_base);
		rdmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	}
}

/**
 * pfvmm_switch_to_guest() - load the guest's share of the state VMX leaves
 * @vcpu: the vCPU about to be entered; its VMCS is current, preemption off
 *
 * Does nothing if the guest's state is loaded already.
 */
void pfvmm_switch_to_guest(struct pfvmm_vcpu *vcpu)
{
	struct pfvmm_host_state *h = &vcpu->host;

	if (h->loaded)
		return;
	h->ldt_sel = read_ldt_selector();
	savesegment(ds, h->ds_sel);
	savesegment(es, h->es_sel);
	save_host_fs_gs(h);
	wrmsrl(MSR_KERNEL_GS_BASE, vcpu->guest_kernel_gs_base);
	h->loaded = true;
	pfvmm_switch_syscall_msrs(vcpu);
	/* Host selectors must have TI = 0 and RPL = 0 (SDM 27.2.3). */
	vmcs_write16(HOST_FS_SELECTOR, (h->fs_sel & 7) ? 0 : h->fs_sel);
	vmcs_write16(HOST_GS_SELECTOR, (h->gs_sel & 7) ? 0 : h->gs_sel);
	vmcs_writel(HOST_FS_BASE, h->fs_base);
}

/**
 * pfvmm_switch_syscall_msrs() - the guest's STAR/LSTAR/CSTAR/SFMASK in
 * @vcpu: the vCPU, whose guest state is loaded; preemption off
 *
 * Only while the guest's EFER.SCE is set (with SCE clear a guest SYSCALL
 * is #UD); called at the switch to guest state and whenever the guest or
 * userspace changes one of them or SCE (msr.c).  The host's values are
 * saved the first time and put back by pfvmm_switch_to_host().
 */
void pfvmm_switch_syscall_msrs(struct pfvmm_vcpu *vcpu)
{
	struct pfvmm_host_state *h = &vcpu->host;

	if (!h->loaded || !vcpu->guest_syscall.enabled)
		return;
	if (!h->syscall_loaded) {
		rdmsrl(MSR_STAR, h->star);
		rdmsrl(MSR_LSTAR, h->lstar);
		rdmsrl(MSR_CSTAR, h->cstar);
		rdmsrl(MSR_SYSCALL_MASK, h->sfmask);
		h->syscall_loaded = true;
	}
	wrmsrl(MSR_STAR, vcpu->guest_syscall.star);
	wrmsrl(MSR_LSTAR, vcpu->guest_syscall.lstar);
	wrmsrl(MSR_CSTAR, vcpu->guest_syscall.cstar);
	wrmsrl(MSR_SYSCALL_MASK, vcpu->guest_syscall.sfmask);
}

static void switch_syscall_msrs_to_host(struct pfvmm_host_state *h)
{
	if (!h->syscall_loaded)
		return;
	wrmsrl(MSR_STAR, h->star);
	wrmsrl(MSR_LSTAR, h->lstar);
	wrmsrl(MSR_CSTAR, h->cstar);
	wrmsrl(MSR_SYSCALL_MASK, h->sfmask);
	h->syscall_loaded = false;
}

/**
 * pfvmm_switch_to_host() - put back what pfvmm_switch_to_guest() replaced
 * @vcpu: the vCPU; preemption off, on the CPU it last ran on
 *
 * Also restores what every exit changes but the host kernel itself does
 * not need: the GDT limit (0xffff after an exit) and the TSS limit (the
 * I/O bitmap).  Does nothing if the host's state is loaded.
 */
void pfvmm_switch_to_host(struct pfvmm_vcpu *vcpu)
{
	struct pfvmm_host_state *h = &vcpu->host;

	if (!h->loaded)
		return;
	rdmsrl(MSR_KERNEL_GS_BASE, vcpu->guest_kernel_gs_base);
	switch_syscall_msrs_to_host(h);
	if (h->ldt_sel || (h->gs_sel & 7)) {
		load_ldt_selector(h->ldt_sel);
		load_gs_index(h->gs_sel);
	}
	if (h->fs_sel & 7)
		loadsegment(fs, h->fs_sel);
	if (unlikely(h->ds_sel | h->es_sel)) {
		loadsegment(ds, h->ds_sel);
		loadsegment(es, h->es_sel);
	}
	invalidate_tss_limit();
	wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	load_fixmap_gdt(raw_smp_processor_id());
	h->loaded = false;
}

/**
 * pfvmm_switch_perf_msrs() - the perf MSRs the guest must run with
 * @vcpu: the vCPU about to be entered; interrupts off
 *
 * Each MSR whose guest value differs from the host's goes into both
 * MSR-load lists: the entry list loads the guest value, the exit list
 * the host value back.
 */
void pfvmm_switch_perf_msrs(struct pfvmm_vcpu *vcpu)
{
	struct pfvmm_msr_lists *l = vcpu->msr_lists;
	struct perf_guest_switch_msr *msrs;
	unsigned int n = 0;
	int i, nr = 0;

	msrs = perf_guest_get_msrs(&nr, NULL);
	for (i = 0; msrs && i < nr; i++) {
		if (msrs[i].host == msrs[i].guest)
			continue;
		if (WARN_ON_ONCE(n >= PFVMM_SWITCH_MSRS_MAX))
			break;
		l->guest[n].index = msrs[i].msr;
		l->guest[n].value = msrs[i].guest;
		l->host[n].index = msrs[i].msr;
		l->host[n].value = msrs[i].host;
		n++;
	}
	if (n != vcpu->nr_switch_msrs) {
		vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, n);
		vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, n);
		vcpu->nr_switch_msrs = n;
	}
}

/**
 * pfvmm_guest_state_enter() - tell RCU, lockdep and context tracking
 *
 * Right before VM entry, interrupts off: to RCU the guest is an extended
 * quiescent state like userspace, and lockdep sees interrupts enabled
 * (they are, for the guest), as KVM's guest_state_enter_irqoff().
 */
noinstr void pfvmm_guest_state_enter(void)
{
	guest_state_enter_irqoff();
}

/**
 * pfvmm_guest_state_exit() - undo pfvmm_guest_state_enter() after the exit
 */
noinstr void pfvmm_guest_state_exit(void)
{
	guest_state_exit_irqoff();
}

/**
 * pfvmm_switch_setup_vmcs() - point the VMCS at the vCPU's MSR-load lists
 * @vcpu: the vCPU whose VMCS is current
 */
void pfvmm_switch_setup_vmcs(struct pfvmm_vcpu *vcpu)
{
	vmcs_write64(VM_ENTRY_MSR_LOAD_ADDR, __pa(vcpu->msr_lists->guest));
	vmcs_write64(VM_EXIT_MSR_LOAD_ADDR, __pa(vcpu->msr_lists->host));
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vcpu->nr_switch_msrs = 0;
}
