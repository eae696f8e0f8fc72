/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The pfvmm hypercall ABI, shared by the module and the guest kernel.
 *
 * A hypercall is VMCALL with the number in RAX and up to five arguments in
 * RDI, RSI, RDX, R10, R8.  The result comes back in RAX: >= 0 on success,
 * a negative errno otherwise.  Pointers are guest-virtual addresses,
 * translated through the guest's current page tables.
 *
 * CPUID leaf 0x40000000 returns the highest hypervisor leaf in EAX and the
 * signature "PfVmmPfVmm\0\0" in EBX, ECX, EDX.
 */
#ifndef _PFVMM_HYPERCALL_H
#define _PFVMM_HYPERCALL_H

#define PFVMM_CPUID_LEAF_BASE		0x40000000u
#define PFVMM_CPUID_SIG_EBX		0x6d566650u	/* "PfVm" */
#define PFVMM_CPUID_SIG_ECX		0x5666506du	/* "mPfV" */
#define PFVMM_CPUID_SIG_EDX		0x00006d6du	/* "mm\0\0" */

#define PFVMM_HC_CONSOLE_WRITE		0	/* (va, len) -> bytes taken */
#define PFVMM_HC_SHUTDOWN		1	/* (status) -> does not return */
#define PFVMM_HC_NOP			2	/* () -> 0: the bare round trip */
#define PFVMM_HC_MMU_UPDATE		3
#define PFVMM_HC_UPDATE_VA_MAPPING	4
#define PFVMM_HC_MMUEXT_OP		5
#define PFVMM_HC_MULTICALL		6
#define PFVMM_HC_COUNT			7	/* numbers >= this: -ENOSYS */

/* Errors returned to the guest: negative values of these (Linux numbers). */
#define PFVMM_EPERM			1
#define PFVMM_EFAULT			14
#define PFVMM_EINVAL			22
#define PFVMM_ENOSYS			38	/* no such hypercall */

/* Bounds the module enforces. */
#define PFVMM_CONSOLE_WRITE_MAX		1024	/* longer writes are cut */

#endif /* _PFVMM_HYPERCALL_H */
