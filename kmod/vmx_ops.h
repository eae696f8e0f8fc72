/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX instructions, wrapped.  VMCS accessors are width-checked: a
 * constant field encoding read or written with the wrong accessor is a
 * build error, as in KVM.  Field encodings come from <asm/vmx.h>.
 *
 * Every VMX instruction has an exception-table fixup.  A reboot or kexec
 * takes every CPU out of VMX operation (vmx.c), possibly under a vCPU
 * that is handling an exit: its next VMREAD then raises #UD.  The fixup
 * skips the instruction, and pfvmm_vmx_insn_failed() treats it much as
 * KVM's kvm_spurious_fault() does: quietly a failure while
 * pfvmm_rebooting, a warning otherwise (KVM BUG()s; here the vCPU's next
 * entry fails too, and RUN returns an internal error).
 */
#ifndef PFVMM_VMX_OPS_H
#define PFVMM_VMX_OPS_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

/* Bits 14:13 of a field encoding give its width. */
#define VMCS_WIDTH_16		0
#define VMCS_WIDTH_64		1
#define VMCS_WIDTH_32		2
#define VMCS_WIDTH_NATURAL	3

static __always_inline void vmcs_check_width(unsigned long field, int width)
{
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&
			 (((field >> 13) & 3) != width ||
			  (width == VMCS_WIDTH_64 && (field & 1))),
			 "VMCS field accessed with the wrong width");
}

/* What a checked VMX instruction did: VMsucceed, VMfail, or it faulted. */
#define VMX_OK		0
#define VMX_FAILED	1
#define VMX_FAULTED	2

extern bool pfvmm_rebooting;
void pfvmm_vmx_insn_failed(const char *insn, unsigned long field, u8 status);

/*
 * The tail of every checked VMX instruction (labelled "1:"): the status
 * operand %[st], VMX_FAULTED before, becomes VMX_OK or VMX_FAILED from
 * CF|ZF, or stays VMX_FAULTED when the fixup skipped a faulting one.
 */
#define VMX_CHECKED_TAIL	"\n\tsetna %[st]\n2:\n" _ASM_EXTABLE(1b, 2b)

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value = 0;
	u8 st = VMX_FAULTED;

	asm volatile("1: vmread %[field], %[value]" VMX_CHECKED_TAIL
		     : [st] "+qm" (st), [value] "+r" (value)
		     : [field] "r" (field) : "cc");
	if (unlikely(st != VMX_OK))
		pfvmm_vmx_insn_failed("vmread", field, st);
	return value;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	u8 st = VMX_FAULTED;

	asm volatile("1: vmwrite %[value], %[field]" VMX_CHECKED_TAIL
		     : [st] "+qm" (st)
		     : [field] "r" (field), [value] "rm" (value) : "cc");
	if (unlikely(st != VMX_OK))
		pfvmm_vmx_insn_failed("vmwrite", field, st);
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	vmcs_check_width(field, VMCS_WIDTH_16);
	return __vmcs_read(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	vmcs_check_width(field, VMCS_WIDTH_32);
	return __vmcs_read(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	vmcs_check_width(field, VMCS_WIDTH_64);
	return __vmcs_read(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	vmcs_check_width(field, VMCS_WIDTH_NATURAL);
	return __vmcs_read(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	vmcs_check_width(field, VMCS_WIDTH_16);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	vmcs_check_width(field, VMCS_WIDTH_32);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	vmcs_check_width(field, VMCS_WIDTH_64);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_writel(unsigned long field,
					unsigned long value)
{
	vmcs_check_width(field, VMCS_WIDTH_NATURAL);
	__vmcs_write(field, value);
}

/*
 * The guest's CPL: SS.DPL, which VMX keeps equal to it.  Exit handlers of
 * privileged instructions check it although the CPU raises #GP at CPL > 0
 * before any exit: an emulator (Bochs) may take the exit first, and a
 * CPL3 MOV DR or RDMSR must never be emulated (KVM's kvm_require_cpl()).
 */
static inline unsigned int vmx_guest_cpl(void)
{
	return (vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3;
}

/*
 * VMXON may fault (#GP: CR4, CR0 or IA32_FEATURE_CONTROL not as VMX wants,
 * #UD without VMX): that is a plain failure, reported by the caller.
 */
static inline bool vmx_vmxon(u64 phys)
{
	u8 st = VMX_FAULTED;

	asm volatile("1: vmxon %[pa]" VMX_CHECKED_TAIL
		     : [st] "+qm" (st) : [pa] "m" (phys) : "cc", "memory");
	return st == VMX_OK;
}

static inline void vmx_vmxoff(void)
{
	u8 st = VMX_FAULTED;

	asm volatile("1: vmxoff" VMX_CHECKED_TAIL
		     : [st] "+qm" (st) : : "cc", "memory");
	if (unlikely(st != VMX_OK))
		pfvmm_vmx_insn_failed("vmxoff", 0, st);
}

/* The instructions taking a physical address operand; true on success. */
static inline bool vmx_vmclear(u64 phys)
{
	u8 st = VMX_FAULTED;

	asm volatile("1: vmclear %[pa]" VMX_CHECKED_TAIL
		     : [st] "+qm" (st) : [pa] "m" (phys) : "cc", "memory");
	if (unlikely(st != VMX_OK))
		pfvmm_vmx_insn_failed("vmclear", 0, st);
	return st == VMX_OK;
}

static inline bool vmx_vmptrld(u64 phys)
{
	u8 st = VMX_FAULTED;

	asm volatile("1: vmptrld %[pa]" VMX_CHECKED_TAIL
		     : [st] "+qm" (st) : [pa] "m" (phys) : "cc", "memory");
	if (unlikely(st != VMX_OK))
		pfvmm_vmx_insn_failed("vmptrld", 0, st);
	return st == VMX_OK;
}

static inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };
	u8 st = VMX_FAULTED;

	asm volatile("1: invept %[desc], %[type]" VMX_CHECKED_TAIL
		     : [st] "+qm" (st) : [desc] "m" (desc), [type] "r" (type)
		     : "cc", "memory");
	if (unlikely(st != VMX_OK))
		pfvmm_vmx_insn_failed("invept", type, st);
}

static inline void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };
	u8 st = VMX_FAULTED;

	asm volatile("1: invvpid %[desc], %[type]" VMX_CHECKED_TAIL
		     : [st] "+qm" (st) : [desc] "m" (desc), [type] "r" (type)
		     : "cc", "memory");
	if (unlikely(st != VMX_OK))
		pfvmm_vmx_insn_failed("invvpid", type, st);
}

#endif /* PFVMM_VMX_OPS_H */
