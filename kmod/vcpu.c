// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU and its fd: the VMCS, register access, the shared run page, and
 * the run loop.
 *
 * The run loop is where the host's safety lives.  PFVMM_RUN swaps the
 * thread's FPU state for the vCPU's own (fpu_swap_kvm_fpstate(), as KVM
 * does), so the guest never sees another task's registers and no task sees
 * the guest's.  Each trip into the guest happens with preemption and
 * interrupts off, with the guest's share of the MSRs and selectors loaded
 * (switch.c); on the way out the host's debug state is put back before
 * interrupts come on again (an interrupt that caused the exit is then
 * taken by the host as usual; an NMI is handed to the host's NMI handler
 * first).  Exits are handled with preemption on: a preempt notifier puts
 * the host's state back when the thread leaves the CPU and moves the VMCS
 * if the scheduler moves the thread.  The loop returns to userspace for
 * I/O, console output, HLT, shutdown, errors, or a pending signal.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/idtentry.h>
#include <asm/mce.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/mmu_context.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include "internal.h"
#include "vmx_ops.h"

/* Guest CR0/CR4 bits are all host-owned: every write exits (exits.c). */
#define CR_MASK_ALL	(~0UL)

static void vcpu_set_host_percpu(int cpu)
{
	u64 gs_base, sysenter_esp;

	rdmsrl(MSR_GS_BASE, gs_base);
	rdmsrl(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_writel(HOST_TR_BASE,
		    (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	vmcs_writel(HOST_GS_BASE, gs_base);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, sysenter_esp);
}

/* Make the VMCS current here; preemption is off. */
static void vcpu_load(struct pfvmm_vcpu *vcpu, int cpu)
{
	bool moved = vcpu->cpu != cpu;

	pfvmm_vcpu_load_on_cpu(vcpu, cpu);
	if (moved) {
		vcpu_set_host_percpu(cpu);
		/*
		 * This CPU may hold translations of this VPID from an earlier
		 * stay, older than the guest's later MOV CR3s and INVLPGs
		 * elsewhere: drop them (KVM requests a TLB flush on every
		 * change of pCPU).
		 */
		if (vcpu->vpid)
			vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vcpu->vpid);
	}
	/* Some CPUs (and emulators) lack the MSR: then there is none. */
	if (rdmsrl_safe(MSR_IA32_DEBUGCTLMSR, &vcpu->host_debugctl))
		vcpu->host_debugctl = 0;
}

static struct pfvmm_vcpu *preempt_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct pfvmm_vcpu, preempt);
}

static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct pfvmm_vcpu *vcpu = preempt_to_vcpu(pn);

	vcpu->l1d_flush = true;	/* another task ran here */
	vcpu_load(vcpu, cpu);
}

static void vcpu_sched_out(struct preempt_notifier *pn,
			   struct task_struct *next)
{
	/*
	 * The next task gets the host's MSRs and selectors; the VMCS stays
	 * cached on this CPU, and sched_in moves it if needed.
	 */
	pfvmm_switch_to_host(preempt_to_vcpu(pn));
}

static struct preempt_ops vcpu_preempt_ops = {
	.sched_in	= vcpu_sched_in,
	.sched_out	= vcpu_sched_out,
};

static void vcpu_setup_host_state(void)
{
	u32 lo, hi;
	struct desc_ptr idt;

	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_writel(HOST_CR3, __read_cr3());
	vmcs_writel(HOST_CR4, __read_cr4());
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_RIP, (unsigned long)pfvmm_vmx_exit);
	rdmsr(MSR_IA32_SYSENTER_CS, lo, hi);
	vmcs_write32(HOST_IA32_SYSENTER_CS, lo);
	rdmsr(MSR_IA32_SYSENTER_EIP, lo, hi);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, ((u64)hi << 32) | lo);
	vmcs_write64(HOST_IA32_EFER, pfvmm_caps.host_efer);
}

static void vcpu_setup_controls(struct pfvmm_vcpu *vcpu)
{
	const struct pfvmm_vmx_caps *c = &pfvmm_caps;

	bool pv = pfvmm_vm_is_pv(vcpu->vm);

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, c->pin);
	/*
	 * A time slice: the guest exits at least this often even if no
	 * interrupt gets it out (some emulators lose them in VMX guests).
	 */
	if (c->pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, PFVMM_GUEST_SLICE);
	/*
	 * A pv guest's CR3 loads and page faults go through the VMM; a
	 * machine check always does (the host handles it, never the guest).
	 */
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     c->proc | (pv ? CPU_BASED_CR3_LOAD_EXITING : 0));
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, c->proc2);
	vmcs_write32(VM_EXIT_CONTROLS, c->exit);
	vmcs_write32(VM_ENTRY_CONTROLS, c->entry);
	vmcs_write32(EXCEPTION_BITMAP,
		     BIT(X86_TRAP_MC) | (pv ? BIT(X86_TRAP_PF) : 0));
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	pfvmm_switch_setup_vmcs(vcpu);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(EPT_POINTER, vcpu->vm->ept.eptp);
	if (c->vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vcpu->vpid);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	vmcs_writel(CR0_GUEST_HOST_MASK, CR_MASK_ALL);
	vmcs_writel(CR4_GUEST_HOST_MASK, CR_MASK_ALL);
}

/* A guest state that passes the entry checks until userspace sets one. */
static void vcpu_setup_guest_defaults(void)
{
	vmcs_writel(GUEST_DR7, 0x400);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
}

static void vcpu_setup_vmcs(struct pfvmm_vcpu *vcpu)
{
	int cpu = get_cpu();

	vcpu_load(vcpu, cpu);
	vcpu_setup_controls(vcpu);
	vcpu_setup_host_state();
	vcpu_setup_guest_defaults();
	vcpu->host_cr3 = vmcs_readl(HOST_CR3);
	vcpu->host_cr4 = vmcs_readl(HOST_CR4);
	put_cpu();
}

/* ---- registers ---- */

/* Run @fn with the VMCS loaded on this CPU. */
static void vcpu_with_vmcs(struct pfvmm_vcpu *vcpu,
			   void (*fn)(struct pfvmm_vcpu *, void *), void *arg)
{
	int cpu = get_cpu();

	vcpu_load(vcpu, cpu);
	fn(vcpu, arg);
	put_cpu();
}

static void get_regs(struct pfvmm_vcpu *vcpu, void *arg)
{
	struct pfvmm_regs *r = arg;
	const unsigned long *g = vcpu->regs.gpr;

	r->rax = g[PFVMM_REG_RAX]; r->rbx = g[PFVMM_REG_RBX];
	r->rcx = g[PFVMM_REG_RCX]; r->rdx = g[PFVMM_REG_RDX];
	r->rsi = g[PFVMM_REG_RSI]; r->rdi = g[PFVMM_REG_RDI];
	r->rbp = g[PFVMM_REG_RBP];
	r->r8 = g[PFVMM_REG_R8]; r->r9 = g[PFVMM_REG_R9];
	r->r10 = g[PFVMM_REG_R10]; r->r11 = g[PFVMM_REG_R11];
	r->r12 = g[PFVMM_REG_R12]; r->r13 = g[PFVMM_REG_R13];
	r->r14 = g[PFVMM_REG_R14]; r->r15 = g[PFVMM_REG_R15];
	r->rsp = vmcs_readl(GUEST_RSP);
	r->rip = vmcs_readl(GUEST_RIP);
	r->rflags = vmcs_readl(GUEST_RFLAGS);
}

static void set_regs(struct pfvmm_vcpu *vcpu, void *arg)
{
	const struct pfvmm_regs *r = arg;
	unsigned long *g = vcpu->regs.gpr;

	g[PFVMM_REG_RAX] = r->rax; g[PFVMM_REG_RBX] = r->rbx;
	g[PFVMM_REG_RCX] = r->rcx; g[PFVMM_REG_RDX] = r->rdx;
	g[PFVMM_REG_RSI] = r->rsi; g[PFVMM_REG_RDI] = r->rdi;
	g[PFVMM_REG_RBP] = r->rbp;
	g[PFVMM_REG_R8] = r->r8; g[PFVMM_REG_R9] = r->r9;
	g[PFVMM_REG_R10] = r->r10; g[PFVMM_REG_R11] = r->r11;
	g[PFVMM_REG_R12] = r->r12; g[PFVMM_REG_R13] = r->r13;
	g[PFVMM_REG_R14] = r->r14; g[PFVMM_REG_R15] = r->r15;
	vmcs_writel(GUEST_RSP, r->rsp);
	vmcs_writel(GUEST_RIP, r->rip);
	/* Reserved flags: bit 1 set, bits 3, 5, 15, 22-63 clear. */
	vmcs_writel(GUEST_RFLAGS, (r->rflags & 0x3f7fd5UL) | X86_EFLAGS_FIXED);
}

/* VMCS field encodings of one segment register, in their usual order. */
#define SEG_FIELDS(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, \
			GUEST_##s##_LIMIT, GUEST_##s##_AR_BYTES }
static const u32 seg_fields[8][4] = {
	SEG_FIELDS(CS), SEG_FIELDS(DS), SEG_FIELDS(ES), SEG_FIELDS(FS),
	SEG_FIELDS(GS), SEG_FIELDS(SS), SEG_FIELDS(TR), SEG_FIELDS(LDTR),
};

static struct pfvmm_segment *sreg_seg(struct pfvmm_sregs *s, int i)
{
	struct pfvmm_segment *segs[8] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};

	return segs[i];
}

static void get_sregs(struct pfvmm_vcpu *vcpu, void *arg)
{
	struct pfvmm_sregs *s = arg;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < 8; i++) {
		struct pfvmm_segment *seg = sreg_seg(s, i);

		seg->selector = __vmcs_read(seg_fields[i][0]);
		seg->base = __vmcs_read(seg_fields[i][1]);
		seg->limit = __vmcs_read(seg_fields[i][2]);
		seg->ar = __vmcs_read(seg_fields[i][3]);
	}
	s->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	s->cr0 = vmcs_readl(CR0_READ_SHADOW);
	s->cr2 = vcpu->cr2;
	s->cr3 = vmcs_readl(GUEST_CR3);
	s->cr4 = vmcs_readl(CR4_READ_SHADOW);
	s->efer = vmcs_read64(GUEST_IA32_EFER);
}

/**
 * pfvmm_set_guest_cr0() - set the CR0 the guest sees, and the real one
 * @val: the guest's view; the real CR0 also has the bits VMX requires
 */
void pfvmm_set_guest_cr0(unsigned long val)
{
	u64 fixed0 = pfvmm_caps.cr0_fixed0;

	if (pfvmm_caps.unrestricted)
		fixed0 &= ~(X86_CR0_PE | X86_CR0_PG);
	vmcs_writel(CR0_READ_SHADOW, val);
	vmcs_writel(GUEST_CR0, (val | fixed0) & pfvmm_caps.cr0_fixed1);
}

/**
 * pfvmm_set_guest_cr4() - set the CR4 the guest sees, and the real one
 * @val: the guest's view; the real CR4 also has VMXE and other fixed bits
 */
void pfvmm_set_guest_cr4(unsigned long val)
{
	vmcs_writel(CR4_READ_SHADOW, val);
	vmcs_writel(GUEST_CR4, (val | pfvmm_caps.cr4_fixed0) &
		    pfvmm_caps.cr4_fixed1);
}

static void set_sregs(struct pfvmm_vcpu *vcpu, void *arg)
{
	struct pfvmm_sregs *s = arg;
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);
	int i;

	for (i = 0; i < 8; i++) {
		const struct pfvmm_segment *seg = sreg_seg(s, i);

		__vmcs_write(seg_fields[i][0], seg->selector);
		__vmcs_write(seg_fields[i][1], seg->base);
		__vmcs_write(seg_fields[i][2], seg->limit);
		__vmcs_write(seg_fields[i][3], seg->ar);
	}
	vmcs_writel(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, s->idt.limit);
	pfvmm_set_guest_cr0(s->cr0);
	pfvmm_set_guest_cr4(s->cr4);
	vmcs_writel(GUEST_CR3, s->cr3);
	vcpu->cr2 = s->cr2;
	vmcs_write64(GUEST_IA32_EFER, s->efer);
	vcpu->guest_syscall.enabled = s->efer & EFER_SCE;
	if (s->efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	else
		entry &= ~VM_ENTRY_IA32E_MODE;
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
}

/* CR4 bits a guest may have: what VMX allows, minus what pfvmm hides. */
#define CR4_SREGS_ALLOWED	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | \
				 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE | \
				 X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | \
				 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
				 X86_CR4_UMIP | X86_CR4_FSGSBASE | \
				 X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP)
/* VMX access-rights bit 13: a 64-bit code segment. */
#define SEG_AR_L		BIT(13)

/* The CR0 rules KVM's kvm_is_valid_cr0() checks. */
static bool sregs_cr0_valid(u64 cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	return !(cr0 & X86_CR0_PG) || (cr0 & X86_CR0_PE);
}

/*
 * SDM 27.3.1.1 and KVM's kvm_is_valid_sregs(): paging with EFER.LME is
 * IA-32e mode (needs CR4.PAE and EFER.LMA, a CR3 within MAXPHYADDR);
 * otherwise neither EFER.LMA nor a 64-bit CS.  VM entry checks this too,
 * but a /dev/pfvmm user must not depend on the CPU (or an emulator) to
 * fail the entry cleanly.
 */
static bool sregs_mode_valid(const struct pfvmm_sregs *s)
{
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG))
		return (s->cr4 & X86_CR4_PAE) && (s->efer & EFER_LMA) &&
		       !(s->cr3 >> boot_cpu_data.x86_phys_bits);
	return !(s->efer & EFER_LMA) && !(s->cs.ar & SEG_AR_L);
}

static int check_sregs(const struct pfvmm_sregs *s)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		if (s->reserved[i])
			return -EINVAL;
	/* EFER.SCE: the SYSCALL MSRs are switched while it is set (msr.c). */
	if (s->efer & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
		return -EINVAL;
	if (s->cr4 & ~(CR4_SREGS_ALLOWED & pfvmm_caps.cr4_fixed1))
		return -EINVAL;
	if (!sregs_cr0_valid(s->cr0) || !sregs_mode_valid(s))
		return -EINVAL;
	return 0;
}

/* ---- the run loop ---- */

/*
 * A machine check belongs to the host, whatever ran (KVM's
 * kvm_machine_check()): the host's handler with a frame that says "user
 * mode", so that it may kill a task rather than panic where it can.
 */
static void handle_host_machine_check(void)
{
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
}

/*
 * An external interrupt was acknowledged by the exit (so the guest cannot
 * hold it off), an NMI arrived, or a machine check: run the host's handler
 * for it now, before interrupts come back on.
 */
static void handle_host_irq(u32 reason)
{
	gate_desc *idt = (gate_desc *)vmcs_readl(HOST_IDTR_BASE);
	u32 info, type;

	if ((u16)reason == EXIT_REASON_MCE_DURING_VMENTRY) {
		handle_host_machine_check();
		return;
	}
	if ((u16)reason != EXIT_REASON_EXTERNAL_INTERRUPT &&
	    (u16)reason != EXIT_REASON_EXCEPTION_NMI)
		return;
	info = vmcs_read32(VM_EXIT_INTR_INFO);
	if (!(info & INTR_INFO_VALID_MASK))
		return;
	if ((u16)reason == EXIT_REASON_EXCEPTION_NMI) {
		type = info & INTR_INFO_INTR_TYPE_MASK;
		if (type == INTR_TYPE_NMI_INTR)
			pfvmm_vmx_do_host_irq((unsigned long)asm_exc_nmi_noist);
		else if (type == INTR_TYPE_HARD_EXCEPTION &&
			 (info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC)
			handle_host_machine_check();
		return;
	}
	pfvmm_vmx_do_host_irq(gate_offset(idt + (info & INTR_INFO_VECTOR_MASK)));
}

/* Host CR3/CR4 in the VMCS as they are now (PCID, CR4 shadow changes). */
static void vcpu_refresh_host_crs(struct pfvmm_vcpu *vcpu)
{
	unsigned long cr3, cr4;

	cr3 = __get_current_cr3_fast();
	if (unlikely(cr3 != vcpu->host_cr3)) {
		vmcs_writel(HOST_CR3, cr3);
		vcpu->host_cr3 = cr3;
	}
	cr4 = __read_cr4();
	if (unlikely(cr4 != vcpu->host_cr4)) {
		vmcs_writel(HOST_CR4, cr4);
		vcpu->host_cr4 = cr4;
	}
}

/* vcpu_enter_guest() entered nothing: the loop's checks come first. */
#define VCPU_RETRY_ENTRY	(-2)

/*
 * One trip through the guest.  Returns the exit reason, -1 if the entry
 * instruction failed, or VCPU_RETRY_ENTRY.
 */
static long vcpu_enter_guest(struct pfvmm_vcpu *vcpu)
{
	u32 reason = 0;
	int fail;

	preempt_disable();
	pfvmm_switch_to_guest(vcpu);
	local_irq_disable();
	/* After the reboot notifier this CPU may be out of VMX operation. */
	if (unlikely(READ_ONCE(pfvmm_rebooting))) {
		local_irq_enable();
		preempt_enable();
		return -1;
	}
	/*
	 * A reschedule or a signal that came in since the loop's checks
	 * (interrupts are off now): no entry, the loop sees to it first, as
	 * KVM's kvm_vcpu_exit_request().
	 */
	if (unlikely(need_resched() || signal_pending(current))) {
		local_irq_enable();
		preempt_enable();
		return VCPU_RETRY_ENTRY;
	}
	/* The guest's FPU registers, if a kernel user or a switch took them. */
	fpregs_assert_state_consistent();
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	vcpu_refresh_host_crs(vcpu);
	pfvmm_switch_perf_msrs(vcpu);
	pfvmm_irq_inject(vcpu);
	/* CR2 is not in the VMCS: the guest's lives in the register. */
	if (native_read_cr2() != vcpu->cr2)
		native_write_cr2(vcpu->cr2);

	/*
	 * To RCU and lockdep the guest is like userspace (an extended
	 * quiescent state, interrupts "on"), as KVM tells them; nothing but
	 * the entry asm runs in between.
	 */
	if (READ_ONCE(pfvmm_l1d_flush_on)) {
		pfvmm_phase(vcpu, PFVMM_PHASE_L1D);
		pfvmm_l1d_flush(vcpu);
	}
	pfvmm_phase_end(vcpu);
	pfvmm_guest_state_enter();
	fail = pfvmm_vmx_run(&vcpu->regs, vcpu->launched);
	pfvmm_guest_state_exit();
	pfvmm_phase_begin(vcpu, PFVMM_PHASE_EXIT);

	vcpu->cr2 = native_read_cr2();

	/*
	 * The exit set DR7 to 0x400 and cleared DEBUGCTL (the debug controls
	 * saved the guest's); the GDT and TSS limits wait for switch_to_host.
	 */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (vcpu->host_debugctl)
		update_debugctlmsr(vcpu->host_debugctl);
	/* VMSCAPE: no guest-trained prediction may reach our userspace. */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
	if (!fail) {
		reason = vmcs_read32(VM_EXIT_REASON);
		/* A VM-entry failure (e.g. bad guest state) leaves it unlaunched. */
		if (!(reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			vcpu->launched = true;
		handle_host_irq(reason);	/* MCE during entry too */
	}
	local_irq_enable();
	preempt_enable();
	return fail ? -1 : reason;
}

static void vcpu_complete_io_in(struct pfvmm_vcpu *vcpu)
{
	struct pfvmm_run *run = vcpu->run;
	unsigned long *rax = &vcpu->regs.gpr[PFVMM_REG_RAX];

	if (!vcpu->io_in_size)
		return;
	/* The size is the kernel's copy: userspace may rewrite the run page. */
	switch (vcpu->io_in_size) {
	case 1:
		*rax = (*rax & ~0xffUL) | (u8)run->io.data;
		break;
	case 2:
		*rax = (*rax & ~0xffffUL) | (u16)run->io.data;
		break;
	default:
		*rax = (u32)run->io.data;	/* 32-bit writes zero-extend */
		break;
	}
	vcpu->io_in_size = 0;
}

static int vcpu_entry_failed(struct pfvmm_vcpu *vcpu)
{
	u32 err;

	if (READ_ONCE(pfvmm_rebooting))
		return -EIO;
	err = vmcs_read32(VM_INSTRUCTION_ERROR);

	pr_err_ratelimited("VM entry failed: VM-instruction error %u\n", err);
	pfvmm_vmcs_dump(vcpu);
	vcpu->run->internal.data[0] = err;
	pfvmm_internal_error(vcpu, PFVMM_INTERNAL_ENTRY_FAILED, 0);
	return 0;
}

/* Returns 0 with vcpu->run filled in, or -EINTR, -EIO for RUN itself. */
static int vcpu_run_loop(struct pfvmm_vcpu *vcpu)
{
	for (;;) {
		long reason;

		if (signal_pending(current)) {
			vcpu->run->exit_reason = PFVMM_EXIT_INTR;
			return -EINTR;
		}
		cond_resched();
		reason = vcpu_enter_guest(vcpu);
		if (reason == VCPU_RETRY_ENTRY)
			continue;
		if (reason < 0)
			return vcpu_entry_failed(vcpu);
		/* The exit's interrupt may have been the reboot's VMXOFF IPI. */
		if (unlikely(READ_ONCE(pfvmm_rebooting)))
			return -EIO;
		if (pfvmm_handle_exit(vcpu, reason) == PFVMM_NEXT_USER)
			return 0;
		pfvmm_phase(vcpu, PFVMM_PHASE_RESUME);
	}
}

/*
 * What userspace asked for in the run page (read once: it may change it
 * meanwhile).  immediate_exit, as KVM's: a signal handler sets it, so a
 * signal that lands just before RUN is not lost until the next exit;
 * request_interrupt_window: an exit once an interrupt can go in (irq.c).
 */
static int vcpu_run_requests(struct pfvmm_vcpu *vcpu)
{
	vcpu->irq_window_wanted = READ_ONCE(vcpu->run->request_interrupt_window);
	if (READ_ONCE(vcpu->run->immediate_exit)) {
		vcpu->run->exit_reason = PFVMM_EXIT_INTR;
		return -EINTR;
	}
	return 0;
}

static int vcpu_run(struct pfvmm_vcpu *vcpu)
{
	int cpu, r;

	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	vcpu->run->exit_reason = PFVMM_EXIT_NONE;
	vcpu_complete_io_in(vcpu);
	r = vcpu_run_requests(vcpu);
	if (r) {
		mutex_unlock(&vcpu->run_lock);
		return r;
	}

	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	vcpu->l1d_flush = true;	/* userspace ran */
	preempt_notifier_init(&vcpu->preempt, &vcpu_preempt_ops);
	cpu = get_cpu();
	preempt_notifier_register(&vcpu->preempt);
	vcpu_load(vcpu, cpu);
	put_cpu();

	pfvmm_phase_begin(vcpu, PFVMM_PHASE_RESUME);
	r = vcpu_run_loop(vcpu);
	pfvmm_phase_end(vcpu);

	preempt_disable();
	pfvmm_irq_report(vcpu);
	pfvmm_switch_to_host(vcpu);
	preempt_notifier_unregister(&vcpu->preempt);
	preempt_enable();
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	mutex_unlock(&vcpu->run_lock);
	return r;
}

/* ---- the fd ---- */

static long vcpu_regs_ioctl(struct pfvmm_vcpu *vcpu, unsigned int cmd,
			    void __user *argp)
{
	union {
		struct pfvmm_regs regs;
		struct pfvmm_sregs sregs;
	} *u;
	long r = 0;

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	if (!mutex_trylock(&vcpu->run_lock)) {
		kfree(u);
		return -EBUSY;
	}
	switch (cmd) {
	case PFVMM_GET_REGS:
		vcpu_with_vmcs(vcpu, get_regs, &u->regs);
		if (copy_to_user(argp, &u->regs, sizeof(u->regs)))
			r = -EFAULT;
		break;
	case PFVMM_SET_REGS:
		if (copy_from_user(&u->regs, argp, sizeof(u->regs)))
			r = -EFAULT;
		else
			vcpu_with_vmcs(vcpu, set_regs, &u->regs);
		break;
	case PFVMM_GET_SREGS:
		vcpu_with_vmcs(vcpu, get_sregs, &u->sregs);
		if (copy_to_user(argp, &u->sregs, sizeof(u->sregs)))
			r = -EFAULT;
		break;
	case PFVMM_SET_SREGS:
		if (copy_from_user(&u->sregs, argp, sizeof(u->sregs)))
			r = -EFAULT;
		else
			r = check_sregs(&u->sregs);
		if (!r)
			vcpu_with_vmcs(vcpu, set_sregs, &u->sregs);
		if (!r && pfvmm_vm_is_pv(vcpu->vm))
			pfvmm_pv_sregs_cr3(vcpu, u->sregs.cr3);
		break;
	}
	mutex_unlock(&vcpu->run_lock);
	kfree(u);
	return r;
}

struct vcpu_msrs_call {
	struct pfvmm_msrs *msrs;
	bool write;
	int done;
};

static void vcpu_msrs_fn(struct pfvmm_vcpu *vcpu, void *arg)
{
	struct vcpu_msrs_call *c = arg;

	c->done = pfvmm_msrs_ioctl(vcpu, c->msrs, c->write);
}

static long vcpu_msrs_copy_in(void __user *argp, struct pfvmm_msrs **out)
{
	struct pfvmm_msrs head, *msrs;
	size_t size;

	if (copy_from_user(&head, argp, sizeof(head)))
		return -EFAULT;
	if (head.pad || head.nmsrs > PFVMM_MSRS_MAX)
		return head.pad ? -EINVAL : -E2BIG;
	size = struct_size(msrs, entries, head.nmsrs);
	msrs = memdup_user(argp, size);
	if (IS_ERR(msrs))
		return PTR_ERR(msrs);
	msrs->nmsrs = head.nmsrs;	/* as checked, whatever it says now */
	*out = msrs;
	return size;
}

/* GET/SET_MSRS: returns the number of entries done, or an error. */
static long vcpu_msrs_ioctl(struct pfvmm_vcpu *vcpu, bool write,
			    void __user *argp)
{
	struct vcpu_msrs_call c = { .write = write };
	long size = vcpu_msrs_copy_in(argp, &c.msrs);

	if (size < 0)
		return size;
	if (!mutex_trylock(&vcpu->run_lock)) {
		kfree(c.msrs);
		return -EBUSY;
	}
	vcpu_with_vmcs(vcpu, vcpu_msrs_fn, &c);
	mutex_unlock(&vcpu->run_lock);
	if (!write && copy_to_user(argp, c.msrs, size))
		c.done = -EFAULT;
	kfree(c.msrs);
	return c.done;
}

static long vcpu_interrupt_ioctl(struct pfvmm_vcpu *vcpu, void __user *argp)
{
	long r;

	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	r = pfvmm_irq_queue(vcpu, argp);
	mutex_unlock(&vcpu->run_lock);
	return r;
}

static long vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pfvmm_vcpu *vcpu = file->private_data;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	switch (cmd) {
	case PFVMM_RUN:
		return arg ? -EINVAL : vcpu_run(vcpu);
	case PFVMM_GET_REGS:
	case PFVMM_SET_REGS:
	case PFVMM_GET_SREGS:
	case PFVMM_SET_SREGS:
		return vcpu_regs_ioctl(vcpu, cmd, (void __user *)arg);
	case PFVMM_INTERRUPT:
		return vcpu_interrupt_ioctl(vcpu, (void __user *)arg);
	case PFVMM_GET_MSRS:
	case PFVMM_SET_MSRS:
		return vcpu_msrs_ioctl(vcpu, cmd == PFVMM_SET_MSRS,
				       (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static vm_fault_t vcpu_fault(struct vm_fault *vmf)
{
	struct pfvmm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct vcpu_vm_ops = {
	.fault = vcpu_fault,
};

static int vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pfvmm_vcpu *vcpu = file->private_data;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (vma->vm_pgoff != 0 || vma_pages(vma) != 1)
		return -EINVAL;
	/* A forked child does not inherit the run page either. */
	vma->vm_flags |= VM_DONTCOPY | VM_DONTEXPAND;
	vma->vm_ops = &vcpu_vm_ops;
	return 0;
}

/**
 * pfvmm_vcpu_stats_add() - add one set of counters into another
 * @sum: the total
 * @s: the counters to add
 */
void pfvmm_vcpu_stats_add(struct pfvmm_vm_stats *sum,
			  const struct pfvmm_vm_stats *s)
{
	const u64 *src = (const u64 *)s;
	u64 *dst = (u64 *)sum;
	size_t i;

	for (i = 0; i < sizeof(*s) / sizeof(u64); i++)
		dst[i] += src[i];
}

static void vcpu_free_parts(struct pfvmm_vcpu *vcpu)
{
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	free_page((unsigned long)vcpu->msr_lists);
	free_page((unsigned long)vcpu->run);
	pfvmm_vmcs_free(vcpu->vmcs);
	kfree(vcpu);
}

static void vcpu_free(struct pfvmm_vcpu *vcpu)
{
	pfvmm_vcpu_clear(vcpu);
	pfvmm_vpid_free(vcpu->vpid);
	vcpu_free_parts(vcpu);
	pfvmm_live_add(PFVMM_LIVE_VCPUS, -1);
}

static int vcpu_release(struct inode *inode, struct file *file)
{
	struct pfvmm_vcpu *vcpu = file->private_data;
	struct pfvmm_vm *vm = vcpu->vm;

	if (pfvmm_vm_is_pv(vm))
		pfvmm_pv_vcpu_destroy(vcpu);
	mutex_lock(&vm->lock);
	vm->vcpus[vcpu->id] = NULL;
	pfvmm_vcpu_stats_add(&vm->dead_stats, &vcpu->stats);
	mutex_unlock(&vm->lock);
	vcpu_free(vcpu);
	pfvmm_vm_put(vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vcpu_mmap,
	.release	= vcpu_release,
	.llseek		= noop_llseek,
};

/*
 * The guest's MISC_ENABLE.FAST_STRING is the host's: a Linux guest uses
 * ERMS ("rep stosb" page zeroing) only with it, so the guest zeroes and
 * copies pages the way the kernel on this machine does (KVM's reset value
 * has it clear, whatever the host).
 */
static u64 host_fast_strings(void)
{
	u64 v;

	if (rdmsrl_safe(MSR_IA32_MISC_ENABLE, &v))
		return 0;
	return v & MSR_IA32_MISC_ENABLE_FAST_STRING;
}

static struct pfvmm_vcpu *vcpu_alloc(struct pfvmm_vm *vm, unsigned int id)
{
	struct pfvmm_vcpu *vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);

	if (!vcpu)
		return NULL;
	BUILD_BUG_ON(sizeof(struct pfvmm_msr_lists) > PAGE_SIZE);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->vmcs = pfvmm_vmcs_alloc();
	vcpu->msr_lists = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run || !vcpu->vmcs || !vcpu->msr_lists ||
	    !fpu_alloc_guest_fpstate(&vcpu->guest_fpu)) {
		vcpu_free_parts(vcpu);
		return NULL;
	}
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->pv_base = PFVMM_NO_BASE;
	vcpu->cpu = -1;
	vcpu->pending_irq = -1;
	vcpu->guest_dr[6] = DR6_RESERVED;
	vcpu->guest_platform.misc_enable = host_fast_strings() |
					   MSR_IA32_MISC_ENABLE_BTS_UNAVAIL |
					   MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL;
	vcpu->guest_platform.pat = 0x0007040600070406ULL;	/* power-on */
	vcpu->guest_dr[7] = PFVMM_DR7_FIXED_1;
	INIT_LIST_HEAD(&vcpu->loaded_link);
	mutex_init(&vcpu->run_lock);
	vcpu->vpid = pfvmm_vpid_alloc();
	pfvmm_live_add(PFVMM_LIVE_VCPUS, 1);
	return vcpu;
}

/**
 * pfvmm_vcpu_create() - PFVMM_CREATE_VCPU: a new vCPU and its fd
 * @vm: the VM
 * @id: the vCPU number, below PFVMM_MAX_VCPUS
 *
 * Return: the fd, or -EINVAL, -EEXIST, -ENOMEM.
 */
int pfvmm_vcpu_create(struct pfvmm_vm *vm, unsigned long id)
{
	struct pfvmm_vcpu *vcpu;
	int fd, err;

	BUILD_BUG_ON(sizeof(struct pfvmm_guest_regs) !=
		     PFVMM_NR_REGS * sizeof(unsigned long));
	if (id >= PFVMM_MAX_VCPUS)
		return -EINVAL;
	vcpu = vcpu_alloc(vm, id);
	if (!vcpu)
		return -ENOMEM;
	mutex_lock(&vm->lock);
	err = vm->vcpus[id] ? -EEXIST : 0;
	if (!err && pfvmm_vm_is_pv(vm))
		err = pfvmm_pv_init(vm);
	if (err) {
		mutex_unlock(&vm->lock);
		vcpu_free(vcpu);
		return err;
	}
	/*
	 * Under vm->lock with created_vcpus about to be non-zero: the VM's
	 * config (native or pv controls) cannot change under the setup.
	 */
	vcpu_setup_vmcs(vcpu);
	/* Published before the fd exists: its release takes vm->lock. */
	vm->vcpus[id] = vcpu;
	vm->created_vcpus++;
	pfvmm_vm_get(vm);
	fd = anon_inode_getfd("pfvmm-vcpu", &vcpu_fops, vcpu,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		vm->vcpus[id] = NULL;
		vm->created_vcpus--;
	}
	mutex_unlock(&vm->lock);
	if (fd < 0) {
		vcpu_free(vcpu);
		pfvmm_vm_put(vm);
	}
	return fd;
}
