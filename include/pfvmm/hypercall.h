/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The pfvmm hypercall ABI, shared by the module and the guest kernel.
 *
 * A hypercall is VMCALL with the number in RAX and up to five arguments in
 * RDI, RSI, RDX, R10, R8.  The result comes back in RAX: >= 0 on success,
 * a negative errno otherwise.  Every other register is preserved.
 * Pointers are guest-virtual addresses, translated through the guest's
 * current page tables.
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
#define PFVMM_HC_FAULT_REGION		7
#define PFVMM_HC_POOL_DONATE		8
#define PFVMM_HC_POOL_RECLAIM		9
#define PFVMM_HC_OFFLOAD_INFO		10
#define PFVMM_HC_PHASE_WINDOW		11	/* (open) -> 0: phase counters */
#define PFVMM_HC_COUNT			12	/* numbers >= this: -ENOSYS */

/*
 * The paravirtual MMU (pv guests only; a native guest gets -PFVMM_EPERM).
 * Modelled on Xen's interface.  Page-table entries use the x86-64 format;
 * "frame" means a guest-physical page number (gpa >> 12).
 *
 * PFVMM_HC_MMU_UPDATE(reqs, count, done)
 *	reqs: array of struct pfvmm_mmu_update; count <= PFVMM_MMU_BATCH_MAX;
 *	done: 0 or the address of a u64 that receives how many were applied.
 *	Stops at the first bad request and returns its error.
 * PFVMM_HC_UPDATE_VA_MAPPING(va, val, flags)
 *	Sets the L1 entry that maps @va in the current tables to @val, then
 *	flushes as @flags says (PFVMM_UVMF_*).
 * PFVMM_HC_MMUEXT_OP(ops, count, done)
 *	ops: array of struct pfvmm_mmuext_op; count <= PFVMM_MMU_BATCH_MAX.
 * PFVMM_HC_MULTICALL(calls, count)
 *	calls: array of struct pfvmm_multicall; count <= PFVMM_MULTICALL_MAX.
 *	Runs each MMU hypercall in turn and stores its result; returns 0, or
 *	an error if the array itself is bad.  Only MMU_UPDATE,
 *	UPDATE_VA_MAPPING, MMUEXT_OP and NOP may be batched.
 *
 * Validation (the guest cannot get around it):
 *  - every frame has a type: none, writable (mapped writable by some L1
 *    entry), or page table of level 1..4; the type changes only when no
 *    reference holds it;
 *  - pinning a table validates every entry: an L1 entry may map any
 *    guest frame, but writable only if it is not a page table; an L2..L4
 *    entry must point to a table of the level below that is already typed
 *    (pin bottom-up); large pages (PS) and reserved bits are refused;
 *  - a typed table is write-protected in the EPT: a direct write to it
 *    stops the guest; updates go through MMU_UPDATE, which validates the
 *    new entry the same way;
 *  - NEW_BASEPTR (and a MOV to CR3) needs a pinned L4.
 */
#define PFVMM_MMU_BATCH_MAX		512
#define PFVMM_MULTICALL_MAX		64

/* Low bits of pfvmm_mmu_update.ptr: the sub-command. */
#define PFVMM_MMU_NORMAL_PT_UPDATE	0	/* ptr = gpa of the entry */

struct pfvmm_mmu_update {
	unsigned long long ptr;
	unsigned long long val;
};

#define PFVMM_UVMF_NONE			0
#define PFVMM_UVMF_INVLPG		1	/* flush this va */
#define PFVMM_UVMF_TLB_FLUSH		2	/* flush the whole TLB */

#define PFVMM_MMUEXT_PIN_L1_TABLE	0	/* arg1: frame */
#define PFVMM_MMUEXT_PIN_L2_TABLE	1
#define PFVMM_MMUEXT_PIN_L3_TABLE	2
#define PFVMM_MMUEXT_PIN_L4_TABLE	3
#define PFVMM_MMUEXT_UNPIN_TABLE	4	/* arg1: frame */
#define PFVMM_MMUEXT_NEW_BASEPTR	5	/* arg1: frame of a pinned L4 */
#define PFVMM_MMUEXT_INVLPG_LOCAL	6	/* arg1: va */
#define PFVMM_MMUEXT_TLB_FLUSH_LOCAL	7

struct pfvmm_mmuext_op {
	unsigned int cmd;
	unsigned int pad;
	unsigned long long arg1;
};

struct pfvmm_multicall {
	unsigned long long op;
	unsigned long long args[5];
	long long result;
};

/*
 * Offload (pv guests): what the VMM may resolve on the guest's behalf.
 *
 * PFVMM_HC_FAULT_REGION(va, len, flags) -> 0
 *	Registers [va, va + len) (page-aligned, user half of the address
 *	space, len <= PFVMM_REGION_MAX_LEN) as a fault region of kind
 *	flags & PFVMM_REGION_KIND; PFVMM_REGION_WRITE lets demand-zero pages
 *	be mapped writable.  At most PFVMM_MAX_REGIONS, no overlaps
 *	(-PFVMM_EEXIST).
 * PFVMM_HC_POOL_DONATE(frames, count) -> 0
 *	Gives the VMM guest frames (an array of u64 frame numbers) to use
 *	for pages and page tables it installs.  A donated frame must be
 *	mapped nowhere writable and be no page table (-PFVMM_EBUSY), not be
 *	in the pool already (-PFVMM_EEXIST), and be guest memory (-EINVAL);
 *	count <= PFVMM_MMU_BATCH_MAX (-E2BIG).  The pool has room for
 *	PFVMM_POOL_MAX(guest memory) frames, one for each guest frame, so
 *	every frame the guest can give fits (-E2BIG past it).
 * PFVMM_HC_POOL_RECLAIM(frames, max) -> n
 *	Takes back up to @max unused frames, written to the array.
 * PFVMM_HC_OFFLOAD_INFO(info) -> 0
 *	Fills a struct pfvmm_offload_info.
 *
 * With offload on, a #PF in a region is resolved by the VMM: a
 * not-present fault in a demand-zero region maps a zeroed pool frame
 * (P|U, W if the region allows, A, D); a write fault on a present,
 * read-only entry with PFVMM_PTE_COW in a copy-on-write region maps a
 * pool copy writable (P|W|U|A|D, COW cleared).  Missing page tables on
 * the way are taken from the pool, zeroed, pinned and linked (P|W|U|A).
 * Every entry goes through the validator.  Anything else is forwarded.
 */
#define PFVMM_REGION_DEMAND_ZERO	1
#define PFVMM_REGION_COW		2
#define PFVMM_REGION_KIND		3
#define PFVMM_REGION_WRITE		4
#define PFVMM_MAX_REGIONS		16
#define PFVMM_REGION_MAX_LEN		0x8000000000ULL	/* 512 GiB */
/* The pool's bound for @mem bytes of guest memory: one entry a frame. */
#define PFVMM_POOL_MAX(mem)		((mem) >> 12)
#define PFVMM_PTE_COW			0x200ULL	/* software bit 9 */

struct pfvmm_offload_info {
	unsigned long long faults_resolved;	/* by the VMM, this guest */
	unsigned long long pool_frames;		/* unused frames in the pool */
	unsigned long long pool_used;		/* frames the VMM consumed */
	unsigned long long enabled;		/* offload on for this guest */
};

/* Errors returned to the guest: negative values of these (Linux numbers). */
#define PFVMM_EPERM			1
#define PFVMM_EFAULT			14
#define PFVMM_EBUSY			16
#define PFVMM_EEXIST			17
#define PFVMM_EINVAL			22
#define PFVMM_E2BIG			7
#define PFVMM_ENOMEM			12
#define PFVMM_ENOSYS			38	/* no such hypercall */

/* Bounds the module enforces. */
#define PFVMM_CONSOLE_WRITE_MAX		1024	/* longer writes are cut */

#endif /* _PFVMM_HYPERCALL_H */
