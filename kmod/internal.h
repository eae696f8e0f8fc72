/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfvmm's internal structures and the interfaces between its files:
 * main.c (device, limits), vmx.c (VMX operation and capabilities),
 * vm.c (VM fd, memory slots), ept.c (EPT), vcpu.c (vCPU fd, run loop),
 * exits.c (exit dispatch), hypercall.c (hypercalls), guest_mem.c
 * (reading guest memory through its page tables), switch.c (host state
 * that VM entry and exit leave alone).
 */
#ifndef PFVMM_INTERNAL_H
#define PFVMM_INTERNAL_H

#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/types.h>
#include <asm/fpu/types.h>
#include <asm/vmx.h>
#include "../include/uapi/pfvmm.h"
#include "../include/pfvmm/hypercall.h"
#include "core/pvmmu.h"
#include "regs.h"

/* Resource limits, also reported through PFVMM_CHECK_EXTENSION. */
#define PFVMM_MAX_VMS		16
#define PFVMM_MAX_VCPUS		4
#define PFVMM_MAX_SLOTS		8
#define PFVMM_MAX_MEM_MB	1024
/* VMX-preemption timer units (TSC >> IA32_VMX_MISC[4:0]) per guest slice. */
#define PFVMM_GUEST_SLICE	0x100000
/* DR7 bit 10 always reads as 1. */
#define PFVMM_DR7_FIXED_1	0x400UL
/* Guest-physical addresses end below 64 GiB (36 bits). */
#define PFVMM_GPA_LIMIT		BIT_ULL(36)

/* An offloaded fault's walk: the L1 table of a 2 MiB range under a base. */
struct pfvmm_walk_cache {
	u64 upper_gen;		/* pfvmm_pvmmu's, when cached */
	u64 base;		/* the L4 frame walked from */
	u64 va_2m;		/* va >> 21 */
	u64 l1;			/* the L1 frame; 0: nothing cached */
};

struct pfvmm_slot {
	bool used;
	u64 gpa;
	u64 size;
	unsigned long hva;
};

struct pfvmm_ept {
	u64 *pml4;		/* kernel address of the root table */
	u64 eptp;
	unsigned long tables;	/* table pages allocated, root included */
	unsigned long pinned;	/* guest pages pinned and mapped */
	unsigned long leaves_2m;	/* 2 MiB leaves mapped now */
	unsigned long splits;		/* 2 MiB leaves split into 4 KiB */
};

struct pfvmm_vcpu;

/*
 * What the run loop does once an exit (or a hypercall) is handled: one
 * decision, kept apart from anything the guest sees in a register.
 */
enum pfvmm_next {
	PFVMM_NEXT_USER,	/* back to userspace: vcpu->run says why */
	PFVMM_NEXT_GUEST,	/* enter the guest again */
};

struct pfvmm_region {
	u64 start, end;
	u64 flags;		/* PFVMM_REGION_* */
};

struct pfvmm_vm {
	struct kref ref;
	struct mm_struct *mm;	/* the creator's; other mms are refused */
	struct user_struct *user;	/* charged for guest memory, or NULL */
	unsigned long locked_pages;	/* what user->locked_vm holds for us */
	struct mutex lock;	/* slots, vCPU table, EPT */
	struct pfvmm_slot slots[PFVMM_MAX_SLOTS];
	u64 mem_total;
	struct pfvmm_ept ept;
	struct pfvmm_vcpu *vcpus[PFVMM_MAX_VCPUS];
	unsigned int created_vcpus;	/* ever created: fixes config and slots */
	struct pfvmm_vm_config config;
	/* pv VMs: the validator state, under mmu_lock (taken before lock) */
	struct mutex mmu_lock;
	struct pfvmm_pvmmu pv;
	u64 pin_want;		/* under mmu_lock: a page to pin, or NO_GPA */
	/* under mmu_lock: the vCPU holding it, for its phase probes, or NULL */
	struct pfvmm_vcpu *mmu_vcpu;
	/* offload (under mmu_lock): regions, the donated pool */
	struct pfvmm_region regions[PFVMM_MAX_REGIONS];
	unsigned int nr_regions;
	u64 *pool;			/* frame numbers, a stack */
	u64 pool_count;
	/* Counters of vCPUs already destroyed are folded in here. */
	struct pfvmm_vm_stats dead_stats;
};

/* What pfvmm_switch_to_guest() saved of the host (switch.c). */
struct pfvmm_host_state {
	bool loaded;		/* the guest's values are in the CPU */
	u16 ds_sel, es_sel, fs_sel, gs_sel, ldt_sel;
	unsigned long fs_base;
	u64 kernel_gs_base;	/* the launcher thread's user GS base */
	bool syscall_loaded;	/* the guest's SYSCALL MSRs are in the CPU */
	u64 star, lstar, cstar, sfmask;	/* the host's, while they are */
};

/* The VMCS MSR-load lists for perf's MSRs: one page, 16-byte entries. */
#define PFVMM_SWITCH_MSRS_MAX	8
struct pfvmm_msr_lists {
	struct vmx_msr_entry guest[PFVMM_SWITCH_MSRS_MAX];	/* at entry */
	struct vmx_msr_entry host[PFVMM_SWITCH_MSRS_MAX];	/* at exit */
};

struct pfvmm_vcpu {
	struct pfvmm_vm *vm;
	unsigned int id;
	u16 vpid;
	struct mutex run_lock;	/* held by PFVMM_RUN: one runner at a time */
	struct preempt_notifier preempt;
	struct pfvmm_run *run;	/* the page userspace mmaps */
	void *vmcs;		/* VMCS region, one page */
	int cpu;		/* CPU whose VMCS cache holds it, or -1 */
	bool launched;
	struct list_head loaded_link;	/* on the per-CPU loaded list */
	struct pfvmm_guest_regs regs;
	unsigned long host_cr3, host_cr4;	/* as last written */
	unsigned long cr2;	/* the guest's CR2 while it is not running */
	u64 host_debugctl;		/* read at load, restored after exits */
	struct fpu_guest guest_fpu;	/* the guest's FPU/SIMD registers */
	u8 cr8;				/* the guest's TPR: CR8 always exits */
	unsigned long guest_dr[8];	/* MOV DR's values (4, 5 unused) */
	bool l1d_flush;			/* l1d.c: flush before the next entry */
	u64 guest_kernel_gs_base;	/* while the host's is loaded */
	/* msr.c: the guest's copies of platform MSRs (never loaded) */
	struct {
		u64 misc_enable, pat, misc_features;
	} guest_platform;
	/* msr.c: the SYSCALL MSRs, live only while the guest's EFER.SCE is */
	struct {
		u64 star, lstar, cstar, sfmask;
		bool enabled;			/* the guest's EFER.SCE */
	} guest_syscall;
	struct pfvmm_host_state host;
	struct pfvmm_msr_lists *msr_lists;
	unsigned int nr_switch_msrs;	/* entries in use in both lists */
	u8 io_in_size;		/* IN exit of this size: io.data to RAX next */
	/* irq.c: interrupts from userspace, the kernel's copies */
	s16 pending_irq;		/* the queued vector, or -1 */
	/*
	 * pv VMs, under the VM's mmu_lock: the pinned L4 this vCPU's CR3
	 * names as the validator knows it (PFVMM_NO_BASE until the guest
	 * loads one), and offload's last walk from it.
	 */
	u64 pv_base;
	struct pfvmm_walk_cache walk_cache;
	bool irq_window_wanted;		/* request_interrupt_window at RUN */
	bool irq_window_on;		/* interrupt-window exiting is set */
	struct pfvmm_vm_stats stats;	/* written only by the vCPU thread */
	u8 phase;			/* phase.h: the phase the clock is in */
	bool phase_off;			/* phase.h: the guest closed its window */
	bool phase_windowed;		/* the guest opened or closed one */
	u64 phase_t0;			/* phase.h: when it was entered */
};

/* main.c */
extern struct device *pfvmm_dev;

/* sysfs.c: the offload switch and global counters */
enum pfvmm_gstat {
	PFVMM_GSTAT_EXITS,
	PFVMM_GSTAT_HYPERCALLS,
	PFVMM_GSTAT_OFFLOADED,
	PFVMM_GSTAT_FORWARDED,
	PFVMM_GSTAT_FALLBACK,
	PFVMM_GSTAT_POOL_USED,
	PFVMM_GSTAT_VMS,
	PFVMM_GSTAT_COUNT,
};

/* Objects alive now, all VMs together: each must be back at 0 when none is. */
enum pfvmm_live {
	PFVMM_LIVE_VMS,
	PFVMM_LIVE_VCPUS,
	PFVMM_LIVE_PAGES_PINNED,	/* guest pages pinned by the EPT */
	PFVMM_LIVE_EPT_TABLES,		/* EPT table pages, roots included */
	PFVMM_LIVE_POOL_FRAMES,		/* guest frames in offload pools */
	PFVMM_LIVE_COUNT,
};

extern bool pfvmm_offload_global;
extern atomic64_t pfvmm_global_stats[PFVMM_GSTAT_COUNT];
extern atomic64_t pfvmm_live[PFVMM_LIVE_COUNT];

static inline void pfvmm_global_stat_inc(enum pfvmm_gstat s)
{
	atomic64_inc(&pfvmm_global_stats[s]);
}

static inline void pfvmm_live_add(enum pfvmm_live l, long n)
{
	atomic64_add(n, &pfvmm_live[l]);
}

int pfvmm_sysfs_init(void);
void pfvmm_sysfs_exit(void);

/* vmx.c: capabilities and VMX operation */
struct pfvmm_vmx_caps {
	u32 vmcs_revision;
	u32 vmcs_size;
	u32 pin, proc, proc2, exit, entry;	/* controls we use */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool vpid;
	bool unrestricted;
	bool invept_global;
	bool ept_2m;		/* EPT may map 2 MiB pages */
	u64 host_efer;
};

extern struct pfvmm_vmx_caps pfvmm_caps;

int pfvmm_vmx_probe(void);
ssize_t pfvmm_mitigations_show(char *buf);

/* l1d.c */
extern bool pfvmm_l1d_flush_on;
extern bool pfvmm_l1d_flush_always;
const char *pfvmm_l1d_policy_name(void);
int pfvmm_l1d_init(void);
void pfvmm_l1d_exit(void);
void pfvmm_l1d_flush(struct pfvmm_vcpu *vcpu);
int pfvmm_vmx_init(void);
void pfvmm_vmx_exit_module(void);
int pfvmm_vmx_get(void);		/* enter VMX on all CPUs (refcounted) */
void pfvmm_vmx_put(void);
void *pfvmm_vmcs_alloc(void);
void pfvmm_vmcs_free(void *vmcs);
u16 pfvmm_vpid_alloc(void);
void pfvmm_vpid_free(u16 vpid);
void pfvmm_vcpu_load_on_cpu(struct pfvmm_vcpu *vcpu, int cpu);
void pfvmm_vcpu_clear(struct pfvmm_vcpu *vcpu);
void pfvmm_flush_ept_all_cpus(u64 eptp);

/* vm.c */
int pfvmm_vm_create(unsigned long arg);
void pfvmm_vm_get(struct pfvmm_vm *vm);
void pfvmm_vm_put(struct pfvmm_vm *vm);
struct pfvmm_slot *pfvmm_vm_find_slot(struct pfvmm_vm *vm, u64 gpa);

/* ept.c */
int pfvmm_ept_init(struct pfvmm_ept *ept);
void pfvmm_ept_destroy(struct pfvmm_vm *vm);
int pfvmm_ept_map_gpa(struct pfvmm_vm *vm, u64 gpa, bool write);
void pfvmm_ept_protect(struct pfvmm_vm *vm, u64 gpa, bool table);
void *pfvmm_ept_kva(struct pfvmm_vm *vm, u64 gpa);

/* pv.c */
static inline bool pfvmm_vm_is_pv(const struct pfvmm_vm *vm)
{
	return vm->config.mmu_mode == PFVMM_MMU_PV;
}

#define PFVMM_NO_GPA	(~0ULL)

/*
 * Page-sized zeroing and copying with 8-byte strings: on an emulator that
 * counts every iteration of a string instruction, byte strings (what
 * memset and memcpy use on CPUs with ERMS) cost eight times as much.
 */
static inline void pfvmm_page_zero(void *dst)
{
	unsigned long n = PAGE_SIZE / 8;

	asm volatile("rep stosq" : "+D" (dst), "+c" (n) : "a" (0UL) : "memory");
}

static inline void pfvmm_page_copy(void *dst, const void *src)
{
	unsigned long n = PAGE_SIZE / 8;

	asm volatile("rep movsq" : "+D" (dst), "+S" (src), "+c" (n)
		     : : "memory");
}

void *pfvmm_pv_kva(struct pfvmm_vm *vm, u64 gpa);
void pfvmm_pv_lock(struct pfvmm_vm *vm);
bool pfvmm_pv_pin_wanted(struct pfvmm_vm *vm);
int pfvmm_pv_init(struct pfvmm_vm *vm);
void pfvmm_pv_destroy(struct pfvmm_vm *vm);
bool pfvmm_pv_frame_is_table(struct pfvmm_vm *vm, u64 gpa);
long pfvmm_hc_mmu_update(struct pfvmm_vcpu *vcpu, u64 va, u64 count,
			 u64 done_va);
long pfvmm_hc_update_va_mapping(struct pfvmm_vcpu *vcpu, u64 va, u64 val,
				u64 flags);
long pfvmm_hc_mmuext_op(struct pfvmm_vcpu *vcpu, u64 va, u64 count,
			u64 done_va);
enum pfvmm_next pfvmm_pv_handle_pf(struct pfvmm_vcpu *vcpu, u64 addr,
				   u32 error_code);
bool pfvmm_pv_load_cr3(struct pfvmm_vcpu *vcpu, u64 val);
void pfvmm_pv_sregs_cr3(struct pfvmm_vcpu *vcpu, u64 val);
void pfvmm_pv_vcpu_destroy(struct pfvmm_vcpu *vcpu);

/* offload.c */
static inline bool pfvmm_offload_on(const struct pfvmm_vm *vm)
{
	if (vm->config.offload >= 0)
		return vm->config.offload;
	return READ_ONCE(pfvmm_offload_global);
}

long pfvmm_hc_fault_region(struct pfvmm_vcpu *vcpu, u64 va, u64 len,
			   u64 flags);
long pfvmm_hc_pool_donate(struct pfvmm_vcpu *vcpu, u64 va, u64 count);
long pfvmm_hc_pool_reclaim(struct pfvmm_vcpu *vcpu, u64 va, u64 max);
long pfvmm_hc_offload_info(struct pfvmm_vcpu *vcpu, u64 va);
bool pfvmm_offload_fault(struct pfvmm_vcpu *vcpu, u64 va, u32 error_code);
void pfvmm_offload_destroy(struct pfvmm_vm *vm);

/* vcpu.c */
int pfvmm_vcpu_create(struct pfvmm_vm *vm, unsigned long id);
void pfvmm_set_guest_cr0(unsigned long val);
void pfvmm_set_guest_cr4(unsigned long val);
void pfvmm_vcpu_stats_add(struct pfvmm_vm_stats *sum,
			  const struct pfvmm_vm_stats *s);

/* cpuid.c */
void pfvmm_cpuid_filter(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d);

/* irq.c */
int pfvmm_irq_queue(struct pfvmm_vcpu *vcpu, void __user *argp);
void pfvmm_irq_inject(struct pfvmm_vcpu *vcpu);
enum pfvmm_next pfvmm_handle_irq_window(struct pfvmm_vcpu *vcpu);
void pfvmm_irq_report(struct pfvmm_vcpu *vcpu);

/* msr.c */
enum pfvmm_next pfvmm_handle_msr(struct pfvmm_vcpu *vcpu, bool write);
int pfvmm_msrs_ioctl(struct pfvmm_vcpu *vcpu, struct pfvmm_msrs *msrs,
		     bool write);

/* switch.c */
void pfvmm_switch_to_guest(struct pfvmm_vcpu *vcpu);
void pfvmm_switch_to_host(struct pfvmm_vcpu *vcpu);
void pfvmm_switch_syscall_msrs(struct pfvmm_vcpu *vcpu);
void pfvmm_switch_perf_msrs(struct pfvmm_vcpu *vcpu);
void pfvmm_switch_setup_vmcs(struct pfvmm_vcpu *vcpu);
void pfvmm_guest_state_enter(void);
void pfvmm_guest_state_exit(void);

/* exits.c */
enum pfvmm_next pfvmm_handle_exit(struct pfvmm_vcpu *vcpu, u32 exit_reason);
void pfvmm_vmcs_dump(struct pfvmm_vcpu *vcpu);
void pfvmm_skip_instruction(struct pfvmm_vcpu *vcpu);
void pfvmm_inject_exception(u8 vector, bool has_code, u32 code);
enum pfvmm_next pfvmm_guest_error(struct pfvmm_vcpu *vcpu, u64 addr,
				  const char *why);
enum pfvmm_next pfvmm_internal_error(struct pfvmm_vcpu *vcpu, u32 suberror,
				     u32 reason);

/* hypercall.c */
enum pfvmm_next pfvmm_handle_vmcall(struct pfvmm_vcpu *vcpu);

/* guest_mem.c */
int pfvmm_gpa_read(struct pfvmm_vm *vm, u64 gpa, void *buf, size_t len);
int pfvmm_gpa_write(struct pfvmm_vm *vm, u64 gpa, const void *buf,
		    size_t len);
int pfvmm_gva_read(struct pfvmm_vcpu *vcpu, u64 gva, void *buf, size_t len);
int pfvmm_gva_write(struct pfvmm_vcpu *vcpu, u64 gva, const void *buf,
		    size_t len);

/* entry.S */
int pfvmm_vmx_run(struct pfvmm_guest_regs *regs, int launched);
void pfvmm_vmx_exit(void);
void pfvmm_vmx_do_host_irq(unsigned long entry);

#include "phase.h"

#endif /* PFVMM_INTERNAL_H */
