/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pfvmm userspace ABI: the ioctls on /dev/pfvmm, on a VM fd and on a vCPU
 * fd, and the shared run structure a vCPU fd mmaps.
 *
 * Rules (as in KVM): one ioctl magic; number ranges per fd kind (system
 * 0x00-0x3f, VM 0x40-0x7f, vCPU 0x80-0xbf); fixed-width types only; user
 * pointers carried as __u64; explicit padding; reserved fields must be zero
 * (-EINVAL otherwise).  An unknown ioctl gets -ENOTTY, a bad pointer -EFAULT.
 */
#ifndef _UAPI_PFVMM_H
#define _UAPI_PFVMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Version 2: the magic moved from 0xB6 (linux/fpga-dfl.h's), the run page
 * has immediate_exit, and interrupts come from userspace (PFVMM_INTERRUPT,
 * request_interrupt_window, ready_for_interrupt_injection).  The magic
 * 0xBA is in none of the entries of
 * Documentation/userspace-api/ioctl/ioctl-number.rst in Linux 6.1, i.e. an
 * "unused block" in that file's words.
 */
#define PFVMM_API_VERSION	2
#define PFVMMIO			0xBA

/* Capabilities for PFVMM_CHECK_EXTENSION: the return value is the answer. */
#define PFVMM_CAP_MAX_MEM_SLOTS	1	/* number of memory slots per VM */
#define PFVMM_CAP_MAX_VCPUS	2	/* vCPUs per VM */
#define PFVMM_CAP_MAX_VMS	3	/* VMs at once, all users together */
#define PFVMM_CAP_MAX_MEM_MB	4	/* guest memory per VM, in MiB */
#define PFVMM_CAP_STATS		5	/* GET_VM_STATS: 1; 2 phases; 3 EPT 2M */
#define PFVMM_CAP_MAX_POOL_FRAMES 6	/* offload pool of a MAX_MEM_MB VM */

/* ---- system ioctls, on /dev/pfvmm ---- */
#define PFVMM_GET_API_VERSION	_IO(PFVMMIO, 0x00)
#define PFVMM_CHECK_EXTENSION	_IO(PFVMMIO, 0x01)	/* arg: PFVMM_CAP_* */
#define PFVMM_CREATE_VM		_IO(PFVMMIO, 0x02)	/* arg: 0; returns a VM fd */
#define PFVMM_GET_VCPU_MMAP_SIZE _IO(PFVMMIO, 0x03)

/* ---- VM ioctls ---- */
struct pfvmm_memory_region {
	__u32 slot;
	__u32 flags;		/* must be 0 */
	__u64 guest_phys_addr;	/* page-aligned */
	__u64 memory_size;	/* page-aligned, non-zero */
	__u64 userspace_addr;	/* page-aligned */
	__u64 reserved[4];	/* must be 0 */
};

/* Exit counters are indexed by the raw VMX basic exit reason. */
#define PFVMM_STAT_EXIT_REASONS	80
#define PFVMM_STAT_HYPERCALLS	32

struct pfvmm_vm_stats {
	__u64 exits_total;
	__u64 exits[PFVMM_STAT_EXIT_REASONS];
	__u64 hypercalls[PFVMM_STAT_HYPERCALLS];	/* by PFVMM_HC_* */
	__u64 hypercall_errors;		/* calls that returned < 0 */
	__u64 pages_pinned;		/* guest pages currently pinned */
	__u64 ept_tables;		/* EPT table pages allocated */
	__u64 pf_forwarded;		/* #PF injected into the guest */
	__u64 pf_offloaded;		/* #PF resolved in the module */
	__u64 pf_fallback;		/* offload attempted, then forwarded */
	__u64 pool_frames_used;
	__u64 mmu_requests;		/* PT entries updated by hypercalls */
	__u64 tables_pinned;		/* frames typed as page tables now */
	__u64 l1d_flushes;		/* L1D flushed before an entry (L1TF) */
	/*
	 * Since PFVMM_CAP_STATS 2, in what was reserved space (0 before):
	 * the host's TSC cycles from each VM exit to the next entry, split
	 * by phase (PFVMM_PHASE_*; every cycle in exactly one), and how often
	 * each of the first PFVMM_NR_PHASES_COUNTED phases was entered.  The
	 * others are passed once an exit (exits_total) or once a flush
	 * (l1d_flushes).
	 */
	__u64 phase_cycles[12];		/* PFVMM_NR_PHASES */
	__u64 phase_count[7];		/* PFVMM_NR_PHASES_COUNTED */
	__u64 reserved[1];
	/*
	 * Since PFVMM_CAP_STATS 3, in the last of what was reserved (0
	 * before): the EPT's 2 MiB leaves now, and how many were split into
	 * 4 KiB entries: a pv page table lay inside, or (on a CPU with iTLB
	 * multihit, where 2 MiB leaves are not executable) the guest
	 * executed from it.
	 */
	__u64 ept_leaves_2m;
	__u64 ept_splits;
};

/* The phases of pfvmm_vm_stats.phase_cycles, in that order. */
#define PFVMM_PHASE_WALK	0	/* offload: walking the guest's tables */
#define PFVMM_PHASE_POOL	1	/* offload: taking a frame from the pool */
#define PFVMM_PHASE_ZERO	2	/* offload: zeroing or copying it */
#define PFVMM_PHASE_PTE		3	/* an entry validated and written */
#define PFVMM_PHASE_PIN		4	/* a table typed, validated, pinned */
#define PFVMM_PHASE_FLUSH	5	/* TLB flushes, EPT write-protection */
#define PFVMM_PHASE_EPT		6	/* pin and EPT-map memory (violation, pv) */
#define PFVMM_PHASE_EXIT	7	/* VM exit to dispatch: host state, IRQ */
#define PFVMM_PHASE_DISPATCH	8	/* counting the exit, its handler */
#define PFVMM_PHASE_HANDLER	9	/* handler work outside the above */
#define PFVMM_PHASE_RESUME	10	/* handler to VM entry, but for: */
#define PFVMM_PHASE_L1D		11	/* the L1D flush before entry (L1TF) */
#define PFVMM_NR_PHASES		12
#define PFVMM_NR_PHASES_COUNTED	7

/*
 * How the VM's MMU works; set before the first vCPU is created (-EBUSY
 * after).  A pv VM's memory slots are fixed once a vCPU exists.
 */
enum pfvmm_mmu_mode {
	PFVMM_MMU_NATIVE = 0,	/* the guest owns its page tables */
	PFVMM_MMU_PV = 1,	/* Xen-style: validated updates, #PF trapped */
};

#define PFVMM_OFFLOAD_DEFAULT	(-1)	/* follow /sys/kernel/pfvmm/offload */

struct pfvmm_vm_config {
	__u32 mmu_mode;		/* enum pfvmm_mmu_mode */
	__s32 offload;		/* -1: global switch, 0: off, 1: on */
	__u64 reserved[7];	/* must be 0 */
};

#define PFVMM_SET_MEMORY_REGION	_IOW(PFVMMIO, 0x40, struct pfvmm_memory_region)
#define PFVMM_CREATE_VCPU	_IO(PFVMMIO, 0x41)	/* arg: vcpu id; returns a vCPU fd */
#define PFVMM_GET_VM_STATS	_IOR(PFVMMIO, 0x42, struct pfvmm_vm_stats)
#define PFVMM_SET_VM_CONFIG	_IOW(PFVMMIO, 0x43, struct pfvmm_vm_config)

/* ---- vCPU ioctls ---- */
struct pfvmm_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/*
 * A segment register.  @ar is the access-rights word in the VMX layout:
 * type[3:0] S[4] DPL[6:5] P[7] AVL[12] L[13] D/B[14] G[15] unusable[16].
 */
struct pfvmm_segment {
	__u64 base;
	__u32 limit;
	__u32 ar;
	__u16 selector;
	__u16 pad[3];
};

struct pfvmm_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

struct pfvmm_sregs {
	struct pfvmm_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct pfvmm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, efer;
	__u64 reserved[8];	/* must be 0 */
};

#define PFVMM_RUN		_IO(PFVMMIO, 0x80)
#define PFVMM_GET_REGS		_IOR(PFVMMIO, 0x81, struct pfvmm_regs)
#define PFVMM_SET_REGS		_IOW(PFVMMIO, 0x82, struct pfvmm_regs)
#define PFVMM_GET_SREGS		_IOR(PFVMMIO, 0x83, struct pfvmm_sregs)
#define PFVMM_SET_SREGS		_IOW(PFVMMIO, 0x84, struct pfvmm_sregs)

/* An external interrupt for the guest, as a PIC would raise it (KVM_INTERRUPT). */
struct pfvmm_interrupt {
	__u32 irq;		/* the vector, 0-255 */
	__u32 pad;		/* must be 0 */
};

#define PFVMM_INTERRUPT		_IOW(PFVMMIO, 0x85, struct pfvmm_interrupt)

/*
 * The guest's MSRs, as the guest's RDMSR/WRMSR see them (KVM_GET/SET_MSRS):
 * EFER, STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE, FS_BASE, GS_BASE,
 * SYSENTER_CS/ESP/EIP, and the platform MSRs of docs/api.md.  The ioctl
 * returns how many entries it did: the first unknown MSR, refused value or
 * non-zero reserved field stops it.
 */
struct pfvmm_msr_entry {
	__u32 index;
	__u32 reserved;		/* must be 0 */
	__u64 data;
};

#define PFVMM_MSRS_MAX		64

struct pfvmm_msrs {
	__u32 nmsrs;		/* entries that follow, at most PFVMM_MSRS_MAX */
	__u32 pad;		/* must be 0 */
	struct pfvmm_msr_entry entries[];
};

#define PFVMM_GET_MSRS		_IOWR(PFVMMIO, 0x86, struct pfvmm_msrs)
#define PFVMM_SET_MSRS		_IOW(PFVMMIO, 0x87, struct pfvmm_msrs)

/* ---- the run structure: mmap of a vCPU fd, offset 0, one page ---- */
enum pfvmm_exit_reason {
	PFVMM_EXIT_NONE = 0,
	PFVMM_EXIT_IO = 1,		/* port I/O; for IN, fill io.data */
	PFVMM_EXIT_CONSOLE = 2,		/* console hypercall: console.buf */
	PFVMM_EXIT_HLT = 3,		/* the guest executed HLT */
	PFVMM_EXIT_SHUTDOWN = 4,	/* shutdown hypercall: shutdown.status */
	PFVMM_EXIT_INTERNAL_ERROR = 5,	/* the VMM cannot go on: internal.* */
	PFVMM_EXIT_INTR = 6,		/* a signal is pending; RUN gave -EINTR */
	PFVMM_EXIT_GUEST_ERROR = 7,	/* the guest was stopped: guest_error.* */
	PFVMM_EXIT_IRQ_WINDOW_OPEN = 8,	/* request_interrupt_window: inject now */
};

enum pfvmm_internal_suberror {
	PFVMM_INTERNAL_UNKNOWN_EXIT = 1,	/* exit reason without a handler */
	PFVMM_INTERNAL_ENTRY_FAILED = 2,	/* VM entry failed */
	PFVMM_INTERNAL_UNSUPPORTED = 3,		/* exit with unsupported detail */
};

#define PFVMM_CONSOLE_MAX	1024
#define PFVMM_REASON_MAX	128

struct pfvmm_run {
	/* in, set by userspace (KVM's layout) */
	__u8 request_interrupt_window;	/* exit once an interrupt can go in */
	__u8 immediate_exit;	/* RUN returns -EINTR without entering */
	__u8 pad1[6];
	/* out */
	__u32 exit_reason;	/* enum pfvmm_exit_reason */
	__u8 ready_for_interrupt_injection;	/* PFVMM_INTERRUPT goes in next */
	__u8 if_flag;		/* the guest's RFLAGS.IF */
	__u16 pad2;
	__u64 reserved[6];
	union {
		struct {
			__u8 in;	/* 1: IN, 0: OUT */
			__u8 size;	/* 1, 2 or 4 */
			__u16 port;
			__u32 pad;
			__u64 data;	/* OUT: the value; IN: set by userspace */
		} io;
		struct {
			__u32 len;
			__u32 pad;
			char buf[PFVMM_CONSOLE_MAX];
		} console;
		struct {
			__u64 status;
		} shutdown;
		struct {
			__u32 suberror;
			__u32 hw_exit_reason;	/* raw VMX exit reason */
			__u64 qualification;
			__u64 guest_rip;
			__u64 data[4];
		} internal;
		struct {
			__u64 guest_rip;
			__u64 address;		/* the address involved, if any */
			char reason[PFVMM_REASON_MAX];	/* NUL-terminated */
		} guest_error;
		char padding[2048];
	};
};

#endif /* _UAPI_PFVMM_H */
