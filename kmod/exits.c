// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch.  One table indexed by the basic exit reason, one
 * handler signature: it returns what happens next, PFVMM_NEXT_GUEST to
 * re-enter the guest or PFVMM_NEXT_USER to go back to userspace with
 * vcpu->run filled in (never a value the guest sees).  An exit without a handler stops
 * only this guest, as an internal error carrying the raw reason, and
 * leaves a VMCS dump in the log.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/ratelimit.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include "../include/pfvmm/hypercall.h"
#include "internal.h"
#include "trace.h"
#include "vmx_ops.h"

typedef enum pfvmm_next (*pfvmm_exit_handler)(struct pfvmm_vcpu *vcpu);

/* ---- helpers shared with the other exit paths ---- */

void pfvmm_skip_instruction(struct pfvmm_vcpu *vcpu)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) +
		    vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS));
}

void pfvmm_inject_exception(u8 vector, bool has_code, u32 code)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (has_code) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, code);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

/**
 * pfvmm_guest_error() - stop this guest (only) and tell userspace why
 * @vcpu: the vCPU
 * @addr: the address involved, or 0
 * @why: a short reason, copied into the run page
 *
 * Return: PFVMM_NEXT_USER: the run loop goes back to userspace.
 */
enum pfvmm_next pfvmm_guest_error(struct pfvmm_vcpu *vcpu, u64 addr,
				  const char *why)
{
	struct pfvmm_run *run = vcpu->run;

	run->exit_reason = PFVMM_EXIT_GUEST_ERROR;
	run->guest_error.guest_rip = vmcs_readl(GUEST_RIP);
	run->guest_error.address = addr;
	strscpy(run->guest_error.reason, why, sizeof(run->guest_error.reason));
	pr_info_ratelimited("guest stopped: %s (rip 0x%llx, address 0x%llx)\n",
			    why, run->guest_error.guest_rip, addr);
	return PFVMM_NEXT_USER;
}

/**
 * pfvmm_internal_error() - the VMM cannot continue this guest
 * @vcpu: the vCPU
 * @suberror: PFVMM_INTERNAL_*
 * @reason: the raw VMX exit reason
 *
 * Return: PFVMM_NEXT_USER: the run loop goes back to userspace.
 */
enum pfvmm_next pfvmm_internal_error(struct pfvmm_vcpu *vcpu, u32 suberror,
				     u32 reason)
{
	struct pfvmm_run *run = vcpu->run;

	run->exit_reason = PFVMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.hw_exit_reason = reason;
	run->internal.qualification = vmcs_readl(EXIT_QUALIFICATION);
	run->internal.guest_rip = vmcs_readl(GUEST_RIP);
	return PFVMM_NEXT_USER;
}

/**
 * pfvmm_vmcs_dump() - log the VMCS fields that explain an exit or failure
 * @vcpu: the vCPU, whose VMCS is loaded
 *
 * Rate-limited as a whole: any caller with a vCPU fd can make entries fail.
 */
void pfvmm_vmcs_dump(struct pfvmm_vcpu *vcpu)
{
	static DEFINE_RATELIMIT_STATE(dump_rs, DEFAULT_RATELIMIT_INTERVAL, 2);

	if (!__ratelimit(&dump_rs))
		return;
	pr_err("VMCS of vCPU %u: exit reason 0x%x qualification 0x%lx intr info 0x%x vectoring 0x%x\n",
	       vcpu->id, vmcs_read32(VM_EXIT_REASON),
	       vmcs_readl(EXIT_QUALIFICATION), vmcs_read32(VM_EXIT_INTR_INFO),
	       vmcs_read32(IDT_VECTORING_INFO_FIELD));
	pr_err("  guest rip 0x%lx rsp 0x%lx rflags 0x%lx cr0 0x%lx cr3 0x%lx cr4 0x%lx efer 0x%llx\n",
	       vmcs_readl(GUEST_RIP), vmcs_readl(GUEST_RSP),
	       vmcs_readl(GUEST_RFLAGS), vmcs_readl(GUEST_CR0),
	       vmcs_readl(GUEST_CR3), vmcs_readl(GUEST_CR4),
	       vmcs_read64(GUEST_IA32_EFER));
	pr_err("  guest cs 0x%x ar 0x%x ss 0x%x ar 0x%x tr 0x%x ar 0x%x gpa 0x%llx\n",
	       vmcs_read16(GUEST_CS_SELECTOR), vmcs_read32(GUEST_CS_AR_BYTES),
	       vmcs_read16(GUEST_SS_SELECTOR), vmcs_read32(GUEST_SS_AR_BYTES),
	       vmcs_read16(GUEST_TR_SELECTOR), vmcs_read32(GUEST_TR_AR_BYTES),
	       vmcs_read64(GUEST_PHYSICAL_ADDRESS));
	pr_err("  controls pin 0x%x proc 0x%x proc2 0x%x exit 0x%x entry 0x%x\n",
	       vmcs_read32(PIN_BASED_VM_EXEC_CONTROL),
	       vmcs_read32(CPU_BASED_VM_EXEC_CONTROL),
	       vmcs_read32(SECONDARY_VM_EXEC_CONTROL),
	       vmcs_read32(VM_EXIT_CONTROLS), vmcs_read32(VM_ENTRY_CONTROLS));
}

/* ---- the handlers ---- */

static enum pfvmm_next handle_resume(struct pfvmm_vcpu *vcpu)
{
	return PFVMM_NEXT_GUEST;
}

static enum pfvmm_next handle_ud(struct pfvmm_vcpu *vcpu)
{
	pfvmm_inject_exception(X86_TRAP_UD, false, 0);
	return PFVMM_NEXT_GUEST;
}

static enum pfvmm_next handle_gp(struct pfvmm_vcpu *vcpu)
{
	pfvmm_inject_exception(X86_TRAP_GP, true, 0);
	return PFVMM_NEXT_GUEST;
}

static enum pfvmm_next handle_skip(struct pfvmm_vcpu *vcpu)
{
	pfvmm_skip_instruction(vcpu);
	return PFVMM_NEXT_GUEST;
}

/* INVD, WBINVD: skipped at CPL0, #GP above (see vmx_guest_cpl()). */
static enum pfvmm_next handle_skip_cpl0(struct pfvmm_vcpu *vcpu)
{
	return vmx_guest_cpl() ? handle_gp(vcpu) : handle_skip(vcpu);
}

static enum pfvmm_next handle_exception_nmi(struct pfvmm_vcpu *vcpu)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);

	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR ||
	    (info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC)
		return PFVMM_NEXT_GUEST;	/* the host's handler already ran */
	if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_PF &&
	    pfvmm_vm_is_pv(vcpu->vm)) {
		return pfvmm_pv_handle_pf(vcpu, vmcs_readl(EXIT_QUALIFICATION),
					   vmcs_read32(VM_EXIT_INTR_ERROR_CODE));
	}
	pfvmm_vmcs_dump(vcpu);
	return pfvmm_internal_error(vcpu, PFVMM_INTERNAL_UNSUPPORTED,
				    EXIT_REASON_EXCEPTION_NMI);
}

static enum pfvmm_next handle_rdmsr(struct pfvmm_vcpu *vcpu)
{
	return pfvmm_handle_msr(vcpu, false);
}

static enum pfvmm_next handle_wrmsr(struct pfvmm_vcpu *vcpu)
{
	return pfvmm_handle_msr(vcpu, true);
}

static enum pfvmm_next handle_triple_fault(struct pfvmm_vcpu *vcpu)
{
	return pfvmm_guest_error(vcpu, 0,
				 "triple fault: the guest could not handle an exception");
}

/* No PMU (leaf 0xA): RDPMC and the counter MSRs get #GP. */
#define CPUID_LEAF_PMU	0xa

/* The leaves pfvmm makes up: its signature, zeros for the others. */
static void cpuid_synthesized(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	*a = *b = *c = *d = 0;
	if (leaf == PFVMM_CPUID_LEAF_BASE) {
		*a = PFVMM_CPUID_LEAF_BASE + 1;
		*b = PFVMM_CPUID_SIG_EBX;
		*c = PFVMM_CPUID_SIG_ECX;
		*d = PFVMM_CPUID_SIG_EDX;
	}
}

static enum pfvmm_next handle_cpuid(struct pfvmm_vcpu *vcpu)
{
	unsigned long *gpr = vcpu->regs.gpr;
	u32 leaf = gpr[PFVMM_REG_RAX], sub = gpr[PFVMM_REG_RCX];
	u32 a, b, c, d;

	if ((leaf & 0xffffff00) == PFVMM_CPUID_LEAF_BASE ||
	    leaf == CPUID_LEAF_PMU) {
		cpuid_synthesized(leaf, &a, &b, &c, &d);
	} else {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		pfvmm_cpuid_filter(leaf, sub, &a, &b, &c, &d);
	}
	gpr[PFVMM_REG_RAX] = a;
	gpr[PFVMM_REG_RBX] = b;
	gpr[PFVMM_REG_RCX] = c;
	gpr[PFVMM_REG_RDX] = d;
	pfvmm_skip_instruction(vcpu);
	return PFVMM_NEXT_GUEST;
}

static enum pfvmm_next handle_hlt(struct pfvmm_vcpu *vcpu)
{
	pfvmm_skip_instruction(vcpu);
	vcpu->run->exit_reason = PFVMM_EXIT_HLT;
	return PFVMM_NEXT_USER;
}

static enum pfvmm_next handle_io(struct pfvmm_vcpu *vcpu)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	struct pfvmm_run *run = vcpu->run;
	unsigned int size = (qual & 7) + 1;

	if (qual & (BIT(4) | BIT(5)))	/* string or REP */
		return pfvmm_guest_error(vcpu, qual >> 16,
					 "string port I/O is not supported");
	run->exit_reason = PFVMM_EXIT_IO;
	run->io.in = !!(qual & BIT(3));
	run->io.size = size;
	run->io.port = qual >> 16;
	run->io.data = run->io.in ? 0 :
		       vcpu->regs.gpr[PFVMM_REG_RAX] & GENMASK_ULL(size * 8 - 1, 0);
	vcpu->io_in_size = run->io.in ? size : 0;
	pfvmm_skip_instruction(vcpu);
	return PFVMM_NEXT_USER;
}

/* CR bits a guest may change with MOV; anything else gets #GP. */
#define CR0_GUEST_CHANGEABLE	(X86_CR0_TS | X86_CR0_MP | X86_CR0_EM | \
				 X86_CR0_WP | X86_CR0_AM)
#define CR4_GUEST_CHANGEABLE	(X86_CR4_TSD | X86_CR4_DE | X86_CR4_PSE | \
				 X86_CR4_PGE | \
				 X86_CR4_PCE | X86_CR4_OSFXSR | \
				 X86_CR4_OSXMMEXCPT | X86_CR4_FSGSBASE | \
				 X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_UMIP | \
				 X86_CR4_PCIDE)

static void flush_guest_tlb(struct pfvmm_vcpu *vcpu)
{
	if (vcpu->vpid)
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vcpu->vpid);
}

static bool mov_to_cr(struct pfvmm_vcpu *vcpu, int cr, unsigned long val)
{
	unsigned long old;

	switch (cr) {
	case 8:
		/*
		 * The guest's task priority, kept here: with CR8 exiting off
		 * it would be the physical APIC's TPR of this host CPU.
		 */
		if (val >> 4)
			return false;
		vcpu->cr8 = val;
		return true;
	case 0:
		old = vmcs_readl(CR0_READ_SHADOW);
		if ((old ^ val) & ~CR0_GUEST_CHANGEABLE || val >> 32)
			return false;
		pfvmm_set_guest_cr0(val);
		break;
	case 3:
		if (pfvmm_vm_is_pv(vcpu->vm))
			return pfvmm_pv_load_cr3(vcpu, val);
		vmcs_writel(GUEST_CR3, val);
		break;
	case 4:
		old = vmcs_readl(CR4_READ_SHADOW);
		if ((old ^ val) & ~CR4_GUEST_CHANGEABLE || val >> 32 ||
		    val & ~pfvmm_caps.cr4_fixed1)	/* not on this CPU */
			return false;
		/* PCIDE only from a CR3 with PCID 0 (SDM: MOV to CR4). */
		if ((val & ~old & X86_CR4_PCIDE) &&
		    (vmcs_readl(GUEST_CR3) & 0xfff))
			return false;
		pfvmm_set_guest_cr4(val);
		break;
	default:
		return false;
	}
	flush_guest_tlb(vcpu);
	return true;
}

static unsigned long *cr_gpr(struct pfvmm_vcpu *vcpu, int reg)
{
	return &vcpu->regs.gpr[reg];
}

static enum pfvmm_next handle_cr(struct pfvmm_vcpu *vcpu)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	int cr = qual & 15, type = (qual >> 4) & 3, reg = (qual >> 8) & 15;
	unsigned long val;

	if (vmx_guest_cpl() != 0)
		return handle_gp(vcpu);
	switch (type) {
	case 0:	/* MOV to CR */
		val = reg == PFVMM_REG_RSP ? vmcs_readl(GUEST_RSP) :
					     *cr_gpr(vcpu, reg);
		if (!mov_to_cr(vcpu, cr, val))
			return handle_gp(vcpu);
		break;
	case 1:	/* MOV from CR: only CR3 and CR8 can exit this way */
		if ((cr != 3 && cr != 8) || reg == PFVMM_REG_RSP)
			return handle_gp(vcpu);
		*cr_gpr(vcpu, reg) = cr == 8 ? vcpu->cr8 : vmcs_readl(GUEST_CR3);
		break;
	case 2:	/* CLTS */
		pfvmm_set_guest_cr0(vmcs_readl(CR0_READ_SHADOW) & ~X86_CR0_TS);
		break;
	default: /* LMSW: not for a 64-bit guest */
		return handle_ud(vcpu);
	}
	pfvmm_skip_instruction(vcpu);
	return PFVMM_NEXT_GUEST;
}

/*
 * MOV to/from DR0-7 (they always exit): the guest's values are kept in the
 * vCPU and read back, but never loaded: the CPU runs the guest with the
 * host's DR0-3 and DR7 = 0x400 (GUEST_DR7), so a guest breakpoint does not
 * fire (Linux's cpu_init() only clears them), and no host address reaches
 * the guest.  DR4/DR5 alias DR6/DR7 unless CR4.DE (then #UD, as the CPU).
 */
static enum pfvmm_next handle_dr(struct pfvmm_vcpu *vcpu)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	int dr = qual & 7, reg = (qual >> 8) & 15;
	bool from_dr = qual & BIT(4);
	unsigned long *gpr = cr_gpr(vcpu, reg);

	if (vmx_guest_cpl() != 0)
		return handle_gp(vcpu);
	if (dr == 4 || dr == 5) {
		if (vmcs_readl(CR4_READ_SHADOW) & X86_CR4_DE)
			return handle_ud(vcpu);
		dr += 2;
	}
	if (reg == PFVMM_REG_RSP)
		return handle_gp(vcpu);	/* no guest code we run does that */
	if (from_dr) {
		*gpr = vcpu->guest_dr[dr];
	} else {
		if (*gpr >> 32)
			return handle_gp(vcpu);
		vcpu->guest_dr[dr] = dr == 6 ? *gpr | DR6_RESERVED :
				     dr == 7 ? (*gpr | PFVMM_DR7_FIXED_1) : *gpr;
	}
	pfvmm_skip_instruction(vcpu);
	return PFVMM_NEXT_GUEST;
}

static enum pfvmm_next handle_ept_violation(struct pfvmm_vcpu *vcpu)
{
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	bool write = vmcs_readl(EXIT_QUALIFICATION) & EPT_VIOLATION_ACC_WRITE;
	int err;

	pfvmm_phase(vcpu, PFVMM_PHASE_EPT);
	err = pfvmm_ept_map_gpa(vcpu->vm, gpa, write);
	pfvmm_phase_back(vcpu, PFVMM_PHASE_HANDLER);
	switch (err) {
	case 0:
		return PFVMM_NEXT_GUEST;
	case -EACCES:
		return pfvmm_guest_error(vcpu, gpa,
					 "direct write to a page-table frame (use MMU_UPDATE)");
	case -ENOENT:
		return pfvmm_guest_error(vcpu, gpa,
					 "access to a guest-physical address outside guest memory");
	case -ENOMEM:
		return pfvmm_guest_error(vcpu, gpa,
					 "out of host memory for the EPT");
	case -EOPNOTSUPP:
		return pfvmm_guest_error(vcpu, gpa,
					 "guest memory is page cache that is written back (use memfd, shmem or anonymous memory)");
	default:
		return pfvmm_guest_error(vcpu, gpa,
					 "guest memory is not backed by the launcher");
	}
}

static enum pfvmm_next handle_unexpected(struct pfvmm_vcpu *vcpu)
{
	u32 reason = vmcs_read32(VM_EXIT_REASON);

	pr_err_ratelimited("vCPU %u: unexpected exit reason %u\n", vcpu->id,
			   reason);
	pfvmm_vmcs_dump(vcpu);
	return pfvmm_internal_error(vcpu, PFVMM_INTERNAL_UNKNOWN_EXIT, reason);
}

static const pfvmm_exit_handler exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_resume,
	[EXIT_REASON_TRIPLE_FAULT]	= handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW]	= pfvmm_handle_irq_window,
	[EXIT_REASON_CPUID]		= handle_cpuid,
	[EXIT_REASON_HLT]		= handle_hlt,
	[EXIT_REASON_INVD]		= handle_skip_cpl0,
	[EXIT_REASON_VMCALL]		= pfvmm_handle_vmcall,
	[EXIT_REASON_VMCLEAR]		= handle_ud,
	[EXIT_REASON_VMLAUNCH]		= handle_ud,
	[EXIT_REASON_VMPTRLD]		= handle_ud,
	[EXIT_REASON_VMPTRST]		= handle_ud,
	[EXIT_REASON_VMREAD]		= handle_ud,
	[EXIT_REASON_VMRESUME]		= handle_ud,
	[EXIT_REASON_VMWRITE]		= handle_ud,
	[EXIT_REASON_VMOFF]		= handle_ud,
	[EXIT_REASON_VMON]		= handle_ud,
	[EXIT_REASON_CR_ACCESS]		= handle_cr,
	[EXIT_REASON_DR_ACCESS]		= handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]	= handle_io,
	[EXIT_REASON_MSR_READ]		= handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]		= handle_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]	= handle_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION] = handle_ud,
	[EXIT_REASON_EPT_VIOLATION]	= handle_ept_violation,
	[EXIT_REASON_INVEPT]		= handle_ud,
	[EXIT_REASON_INVVPID]		= handle_ud,
	[EXIT_REASON_XSETBV]		= handle_gp,
	[EXIT_REASON_RDPMC]		= handle_gp,
	[EXIT_REASON_WBINVD]		= handle_skip_cpl0,
	[EXIT_REASON_PREEMPTION_TIMER]	= handle_resume,
};

/*
 * An exit in the middle of delivering an event (say an EPT violation on
 * the guest's IDT or stack) must deliver that event again on re-entry.
 */
static void requeue_interrupted_event(void)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(IDT_VECTORING_ERROR_CODE));
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN,
			     vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_UNBLOCK_NMI);
}

/**
 * pfvmm_handle_exit() - dispatch one VM exit
 * @vcpu: the vCPU that exited
 * @exit_reason: the raw exit reason
 *
 * Return: whether the guest is entered again or userspace gets the exit.
 */
enum pfvmm_next pfvmm_handle_exit(struct pfvmm_vcpu *vcpu, u32 exit_reason)
{
	u16 basic = exit_reason;

	pfvmm_phase(vcpu, PFVMM_PHASE_DISPATCH);
	vcpu->stats.exits_total++;
	pfvmm_global_stat_inc(PFVMM_GSTAT_EXITS);
	if (trace_pfvmm_exit_enabled())
		trace_pfvmm_exit(vcpu->id, exit_reason, vmcs_readl(GUEST_RIP));
	if (basic < PFVMM_STAT_EXIT_REASONS)
		vcpu->stats.exits[basic]++;
	if (exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		pr_err_ratelimited("VM entry failed, exit reason 0x%x\n",
				   exit_reason);
		pfvmm_vmcs_dump(vcpu);
		return pfvmm_internal_error(vcpu, PFVMM_INTERNAL_ENTRY_FAILED,
					    exit_reason);
	}
	requeue_interrupted_event();
	if (basic >= ARRAY_SIZE(exit_handlers) || !exit_handlers[basic])
		return handle_unexpected(vcpu);
	pfvmm_phase(vcpu, PFVMM_PHASE_HANDLER);
	return exit_handlers[array_index_nospec(basic,
						ARRAY_SIZE(exit_handlers))](vcpu);
}
