// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs a guest may read and write: RDMSR and WRMSR always exit (no MSR
 * bitmap), and only the MSRs in msr_table[] are emulated; every other one,
 * and any write a row refuses, gives the guest #GP.  PFVMM_GET_MSRS and
 * PFVMM_SET_MSRS reach the same rows from userspace (KVM's
 * KVM_GET/SET_MSRS), so a launcher can set up or save a guest.
 *
 * Where the value lives:
 *  - in the VMCS guest area, loaded and saved by VM entry and exit (EFER,
 *    FS/GS base, SYSENTER_*);
 *  - in the vCPU, for the MSRs VMX does not switch: KERNEL_GS_BASE (always
 *    switched, switch.c) and STAR, LSTAR, CSTAR, SFMASK, which switch.c
 *    loads only while the guest's EFER.SCE is set: with SCE clear a guest
 *    SYSCALL is #UD and never reaches them.
 * EFER: the guest may change SCE and NX only (LME/LMA go with its paging
 * mode, set by SET_SREGS); the SYSCALL MSRs take canonical addresses only.
 * The platform MSRs a Linux guest reads early (MISC_ENABLE, UCODE_REV,
 * FEATURE_CONTROL, APIC_BASE, SMI_COUNT, MISC_FEATURES_ENABLES, PAT) read
 * fixed values or the guest's own copy; the guest's PAT is kept and read
 * back but not loaded (the host's stays in the CPU: for a Linux guest the
 * same layout).
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/trapnr.h>
#include "internal.h"
#include "vmx_ops.h"

struct msr_row {
	u32 index;
	int (*read)(struct pfvmm_vcpu *vcpu, u32 index, u64 *val);
	int (*write)(struct pfvmm_vcpu *vcpu, u32 index, u64 val);
};

/* A canonical 48-bit address: what WRMSR accepts for a base or an entry. */
static bool msr_canonical(u64 v)
{
	return (u64)((s64)(v << 16) >> 16) == v;
}

static u64 *msr_syscall_slot(struct pfvmm_vcpu *vcpu, u32 index)
{
	switch (index) {
	case MSR_STAR:
		return &vcpu->guest_syscall.star;
	case MSR_LSTAR:
		return &vcpu->guest_syscall.lstar;
	case MSR_CSTAR:
		return &vcpu->guest_syscall.cstar;
	default:
		return &vcpu->guest_syscall.sfmask;
	}
}

static int msr_read_syscall(struct pfvmm_vcpu *vcpu, u32 index, u64 *val)
{
	*val = *msr_syscall_slot(vcpu, index);
	return 0;
}

static int msr_write_syscall(struct pfvmm_vcpu *vcpu, u32 index, u64 val)
{
	if ((index == MSR_LSTAR || index == MSR_CSTAR) && !msr_canonical(val))
		return -EINVAL;
	if (index == MSR_SYSCALL_MASK && val >> 32)
		return -EINVAL;
	*msr_syscall_slot(vcpu, index) = val;
	pfvmm_switch_syscall_msrs(vcpu);	/* now, if they are live */
	return 0;
}

static int msr_read_efer(struct pfvmm_vcpu *vcpu, u32 index, u64 *val)
{
	*val = vmcs_read64(GUEST_IA32_EFER);
	return 0;
}

static int msr_write_efer(struct pfvmm_vcpu *vcpu, u32 index, u64 val)
{
	u64 old = vmcs_read64(GUEST_IA32_EFER);

	if ((old ^ val) & ~(u64)(EFER_SCE | EFER_NX))
		return -EINVAL;
	vmcs_write64(GUEST_IA32_EFER, val);
	vcpu->guest_syscall.enabled = val & EFER_SCE;
	/* The very next guest instruction may be SYSCALL. */
	pfvmm_switch_syscall_msrs(vcpu);
	return 0;
}

static int msr_read_kgs(struct pfvmm_vcpu *vcpu, u32 index, u64 *val)
{
	/* While the guest's state is loaded the MSR itself holds it. */
	if (vcpu->host.loaded)
		rdmsrl(MSR_KERNEL_GS_BASE, *val);
	else
		*val = vcpu->guest_kernel_gs_base;
	return 0;
}

static int msr_write_kgs(struct pfvmm_vcpu *vcpu, u32 index, u64 val)
{
	if (!msr_canonical(val))
		return -EINVAL;
	if (vcpu->host.loaded)
		wrmsrl(MSR_KERNEL_GS_BASE, val);
	else
		vcpu->guest_kernel_gs_base = val;
	return 0;
}

static unsigned long msr_vmcs_field(u32 index)
{
	switch (index) {
	case MSR_FS_BASE:
		return GUEST_FS_BASE;
	case MSR_GS_BASE:
		return GUEST_GS_BASE;
	case MSR_IA32_SYSENTER_ESP:
		return GUEST_SYSENTER_ESP;
	default:
		return GUEST_SYSENTER_EIP;
	}
}

static int msr_read_vmcs(struct pfvmm_vcpu *vcpu, u32 index, u64 *val)
{
	*val = index == MSR_IA32_SYSENTER_CS ? vmcs_read32(GUEST_SYSENTER_CS) :
	       __vmcs_read(msr_vmcs_field(index));
	return 0;
}

static int msr_write_vmcs(struct pfvmm_vcpu *vcpu, u32 index, u64 val)
{
	if (index == MSR_IA32_SYSENTER_CS) {
		vmcs_write32(GUEST_SYSENTER_CS, val);
		return 0;
	}
	if (!msr_canonical(val))
		return -EINVAL;
	__vmcs_write(msr_vmcs_field(index), val);
	return 0;
}

/*
 * The platform MSRs a Linux guest reads before it has an IDT (RDMSR of
 * MISC_ENABLE in verify_cpu is a triple fault if it faults) or relies on:
 * fixed values, or the guest's own copy in the vCPU, never the host's.
 */
static u64 *msr_platform_slot(struct pfvmm_vcpu *vcpu, u32 index)
{
	switch (index) {
	case MSR_IA32_MISC_ENABLE:
		return &vcpu->guest_platform.misc_enable;
	case MSR_IA32_CR_PAT:
		return &vcpu->guest_platform.pat;
	case MSR_MISC_FEATURES_ENABLES:
		return &vcpu->guest_platform.misc_features;
	default:
		return NULL;
	}
}

static int msr_read_platform(struct pfvmm_vcpu *vcpu, u32 index, u64 *val)
{
	u64 *slot = msr_platform_slot(vcpu, index);

	switch (index) {
	case MSR_IA32_UCODE_REV:
		*val = 0x100000000ULL;	/* KVM's: a revision, never the host's */
		break;
	case MSR_IA32_FEAT_CTL:
		*val = FEAT_CTL_LOCKED;	/* locked, VMX off: no nested VMX */
		break;
	case MSR_IA32_APICBASE:
		*val = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_BSP;
		break;			/* the APIC is disabled: none is emulated */
	case MSR_SMI_COUNT:
		*val = 0;
		break;
	default:
		*val = *slot;
	}
	return 0;
}

/* Each PAT byte one of UC, WC, WT, WP, WB, UC- (SDM: else #GP). */
static bool msr_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (8 * i);

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

static int msr_write_platform(struct pfvmm_vcpu *vcpu, u32 index, u64 val)
{
	u64 *slot = msr_platform_slot(vcpu, index);

	if (index == MSR_IA32_UCODE_REV)
		return 0;	/* writing it asks for a microcode update: ignored */
	if (!slot || (index == MSR_IA32_CR_PAT && !msr_pat_valid(val)) ||
	    (index == MSR_MISC_FEATURES_ENABLES && val))
		return -EINVAL;
	/* MISC_ENABLE: only what it says already (KVM keeps the guest's). */
	if (index == MSR_IA32_MISC_ENABLE && val != *slot)
		return -EINVAL;
	*slot = val;
	return 0;
}

static const struct msr_row msr_table[] = {
	{ MSR_EFER, msr_read_efer, msr_write_efer },
	{ MSR_STAR, msr_read_syscall, msr_write_syscall },
	{ MSR_LSTAR, msr_read_syscall, msr_write_syscall },
	{ MSR_CSTAR, msr_read_syscall, msr_write_syscall },
	{ MSR_SYSCALL_MASK, msr_read_syscall, msr_write_syscall },
	{ MSR_KERNEL_GS_BASE, msr_read_kgs, msr_write_kgs },
	{ MSR_FS_BASE, msr_read_vmcs, msr_write_vmcs },
	{ MSR_GS_BASE, msr_read_vmcs, msr_write_vmcs },
	{ MSR_IA32_SYSENTER_CS, msr_read_vmcs, msr_write_vmcs },
	{ MSR_IA32_SYSENTER_ESP, msr_read_vmcs, msr_write_vmcs },
	{ MSR_IA32_SYSENTER_EIP, msr_read_vmcs, msr_write_vmcs },
	{ MSR_IA32_MISC_ENABLE, msr_read_platform, msr_write_platform },
	{ MSR_IA32_CR_PAT, msr_read_platform, msr_write_platform },
	{ MSR_MISC_FEATURES_ENABLES, msr_read_platform, msr_write_platform },
	{ MSR_IA32_UCODE_REV, msr_read_platform, msr_write_platform },
	{ MSR_IA32_FEAT_CTL, msr_read_platform, msr_write_platform },
	{ MSR_IA32_APICBASE, msr_read_platform, msr_write_platform },
	{ MSR_SMI_COUNT, msr_read_platform, msr_write_platform },
};

static const struct msr_row *msr_find(u32 index)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msr_table); i++)
		if (msr_table[i].index == index)
			return &msr_table[i];
	return NULL;
}

/* One access, from the guest or userspace; the VMCS is loaded. */
static int msr_access(struct pfvmm_vcpu *vcpu, u32 index, u64 *val, bool write)
{
	const struct msr_row *row = msr_find(index);

	if (!row)
		return -ENOENT;
	return write ? row->write(vcpu, index, *val) : row->read(vcpu, index, val);
}

/**
 * pfvmm_handle_msr() - an RDMSR or WRMSR exit
 * @vcpu: the vCPU
 * @write: WRMSR
 *
 * Return: PFVMM_NEXT_GUEST; the guest got its value, or #GP.
 */
enum pfvmm_next pfvmm_handle_msr(struct pfvmm_vcpu *vcpu, bool write)
{
	unsigned long *gpr = vcpu->regs.gpr;
	u64 val = (gpr[PFVMM_REG_RDX] << 32) | (u32)gpr[PFVMM_REG_RAX];
	int err;

	if (vmx_guest_cpl() != 0) {
		pfvmm_inject_exception(X86_TRAP_GP, true, 0);
		return PFVMM_NEXT_GUEST;
	}
	/* Which copy is live (CPU or vCPU) must not change under the access. */
	preempt_disable();
	err = msr_access(vcpu, gpr[PFVMM_REG_RCX], &val, write);
	preempt_enable();
	if (err) {
		pfvmm_inject_exception(X86_TRAP_GP, true, 0);
		return PFVMM_NEXT_GUEST;
	}
	if (!write) {
		gpr[PFVMM_REG_RAX] = (u32)val;
		gpr[PFVMM_REG_RDX] = val >> 32;
	}
	pfvmm_skip_instruction(vcpu);
	return PFVMM_NEXT_GUEST;
}

/**
 * pfvmm_msrs_ioctl() - PFVMM_GET_MSRS / PFVMM_SET_MSRS
 * @vcpu: the vCPU, not running; its VMCS is loaded, preemption off
 * @msrs: the entries, copied in (and out, for GET)
 * @write: SET
 *
 * Return: the number of entries done: the first one that is not
 * emulated, or whose value a write refuses, stops the batch (as KVM).
 */
int pfvmm_msrs_ioctl(struct pfvmm_vcpu *vcpu, struct pfvmm_msrs *msrs,
		     bool write)
{
	u32 i;

	for (i = 0; i < msrs->nmsrs; i++) {
		struct pfvmm_msr_entry *e = &msrs->entries[i];

		if (e->reserved || msr_access(vcpu, e->index, &e->data, write))
			break;
	}
	return i;
}
