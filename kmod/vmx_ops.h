/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX instructions, wrapped.  VMCS accessors are width-checked: a
 * constant field encoding read or written with the wrong accessor is a
 * build error, as in KVM.  Field encodings come from <asm/vmx.h>.
 */
#ifndef PFVMM_VMX_OPS_H
#define PFVMM_VMX_OPS_H

#include <linux/build_bug.h>
#include <linux/types.h>
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

void pfvmm_vmx_insn_failed(const char *insn, unsigned long field);

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;
	bool fail;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm" (value), "=@ccna" (fail)
		     : [field] "r" (field) : "cc");
	if (unlikely(fail))
		pfvmm_vmx_insn_failed("vmread", field);
	return value;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	bool fail;

	asm volatile("vmwrite %[value], %[field]"
		     : "=@ccna" (fail)
		     : [field] "r" (field), [value] "rm" (value) : "cc");
	if (unlikely(fail))
		pfvmm_vmx_insn_failed("vmwrite", field);
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

/* The instructions taking a physical address operand; true on success. */
static inline bool vmx_vmxon(u64 phys)
{
	bool fail;

	asm volatile("vmxon %[pa]" : "=@ccna" (fail)
		     : [pa] "m" (phys) : "memory", "cc");
	return !fail;
}

static inline void vmx_vmxoff(void)
{
	asm volatile("vmxoff" : : : "memory", "cc");
}

static inline bool vmx_vmclear(u64 phys)
{
	bool fail;

	asm volatile("vmclear %[pa]" : "=@ccna" (fail)
		     : [pa] "m" (phys) : "memory", "cc");
	return !fail;
}

static inline bool vmx_vmptrld(u64 phys)
{
	bool fail;

	asm volatile("vmptrld %[pa]" : "=@ccna" (fail)
		     : [pa] "m" (phys) : "memory", "cc");
	return !fail;
}

static inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };

	asm volatile("invept %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" (type) : "memory", "cc");
}

static inline void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };

	asm volatile("invvpid %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" (type) : "memory", "cc");
}

#endif /* PFVMM_VMX_OPS_H */
