/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's view of a VM and its vCPU, and the backend operations that
 * create and drive them.  The generic code (setup, run loop, dumps, stats)
 * speaks only through struct vmm_backend, in pfvmm's own uapi types; the
 * /dev/pfvmm backend passes them straight through, and a /dev/kvm backend
 * would translate kvm_run and kvm_regs into them.
 */
#ifndef PFVMM_VMM_H
#define PFVMM_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <uapi/pfvmm.h>

/* Exit statuses of the launcher (a guest's own status is 0-255 too). */
#define PFVMM_STATUS_HOST_ERROR		1	/* setup failed on the host */
#define PFVMM_STATUS_USAGE		2	/* bad command line or guest file */
#define PFVMM_STATUS_GUEST_PANIC	3	/* --kernel: the console showed a panic */
#define PFVMM_STATUS_INTERNAL		125	/* the VMM gave up: internal error */
#define PFVMM_STATUS_GUEST_ERROR	126	/* the guest was stopped */
#define PFVMM_STATUS_INTERRUPTED	130	/* SIGINT/SIGTERM */

struct vm;
struct pc;

/* What a run-loop handler returns to enter the guest again. */
#define VCPU_RUN_AGAIN			(-1)

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct pfvmm_run *run;	/* the shared run structure */
	size_t run_size;	/* its mapping size */
	/*
	 * The byte the kernel reads at RUN to return EINTR at once (pfvmm's
	 * and KVM's immediate_exit, in the page the kernel really reads): a
	 * signal handler sets it.  NULL until the vCPU exists.
	 */
	volatile uint8_t *immediate_exit;
	void *priv;		/* the backend's own state, if any */
};

struct vm {
	const struct vmm_backend *backend;
	int sys_fd;
	int vm_fd;
	void *mem;		/* guest memory, GPA 0 .. mem_size */
	uint64_t mem_size;
	bool hugepages;		/* --hugepages: THP asked for guest memory */
	struct vcpu vcpu;	/* one vCPU for now */
	struct pc *pc;		/* a Linux guest's devices (--kernel), or NULL */
	uint64_t created_tsc;	/* rdtsc when vm_init*() began */
	uint64_t milestone_cycles;	/* rdtsc - created_tsc at the milestone */
	char *milestone_stats;	/* --stats as it was then (pc.c), or NULL */
	void *priv;		/* the backend's own state, if any */
};

/*
 * Every operation returns 0 or a negative errno, and prints its own error
 * message when the failure needs explaining (the device is missing, the
 * module is too old, ...).
 */
struct vmm_backend {
	const char *name;
	const char *run_name;	/* the run ioctl, for messages (NULL: PFVMM_RUN) */
	int (*vm_create)(struct vm *vm);
	int (*set_memory)(struct vm *vm, unsigned int slot, uint64_t gpa,
			  void *host, uint64_t size);
	/*
	 * Optional: the MMU mode (PFVMM_MMU_*) and the offload setting
	 * (-1: the global switch, 0: off, 1: on), before the first vCPU.
	 */
	int (*set_mmu_mode)(struct vm *vm, unsigned int mmu_mode, int offload);
	int (*vcpu_create)(struct vm *vm, struct vcpu *vcpu, unsigned int id);
	int (*get_regs)(struct vcpu *vcpu, struct pfvmm_regs *regs);
	int (*set_regs)(struct vcpu *vcpu, const struct pfvmm_regs *regs);
	int (*get_sregs)(struct vcpu *vcpu, struct pfvmm_sregs *sregs);
	int (*set_sregs)(struct vcpu *vcpu, const struct pfvmm_sregs *sregs);
	/* Enter the guest; on return vcpu->run says why (-EINTR: signal). */
	int (*run)(struct vcpu *vcpu);
	int (*get_stats)(struct vm *vm, struct pfvmm_vm_stats *stats);
	/*
	 * Optional: print the --stats report itself (a backend whose counters
	 * do not fit struct pfvmm_vm_stats); used instead of get_stats.
	 */
	void (*print_stats)(struct vm *vm, FILE *f);
	/*
	 * Optional, KVM_INTERRUPT's model, for a machine with a PIC
	 * (--kernel): whether the vCPU takes an external interrupt now
	 * (ready_for_interrupt_injection and IF), inject @vector, ask for
	 * an exit as soon as it can take one (request_interrupt_window).
	 * NULL: the backend cannot; device interrupts stay in the PIC.
	 */
	bool (*interrupt_ready)(struct vcpu *vcpu);
	int (*interrupt)(struct vcpu *vcpu, uint8_t vector);
	void (*request_interrupt_window)(struct vcpu *vcpu, bool on);
	/* Optional: the name of a run->internal.suberror of this backend. */
	const char *(*suberror_name)(uint32_t suberror);
	/* The VM's own fds are closed by vm_exit(), for every backend. */
	void (*vcpu_destroy)(struct vcpu *vcpu);
};

extern const struct vmm_backend pfvmm_dev_backend;
extern const struct vmm_backend kvm_dev_backend;	/* backend-kvm.c */

int vm_init(struct vm *vm, const struct vmm_backend *backend, uint64_t mem_size,
	    int mmu_mode, int offload);
int vm_init_on_node(struct vm *vm, const struct vmm_backend *backend,
		    uint64_t mem_size, int mmu_mode, int offload, int numa_node,
		    bool hugepages);
void vm_exit(struct vm *vm);
/* 2 MiB host pages: the size --hugepages aligns guest memory to. */
#define VM_HUGE_PAGE_SIZE	(2ull << 20)
long vm_host_huge_pages(const struct vm *vm);

/* A guest ELF read into memory and checked, before any VMM call. */
struct guest_file {
	const char *path;
	void *data;
	size_t size;
};

int guest_file_read(struct guest_file *gf, const char *path, uint64_t mem_size);
void guest_file_free(struct guest_file *gf);
int vm_load_guest(struct vm *vm, const struct guest_file *gf, const char *cmdline);

int vcpu_run_loop(struct vcpu *vcpu);
void guest_text_write(const char *buf, size_t len);
void vcpu_dump(struct vcpu *vcpu);
int vcpu_ioctl(struct vcpu *vcpu, unsigned long req, void *arg, const char *name);
void run_loop_install_signals(void);
bool run_loop_stopping(void);

#endif /* PFVMM_VMM_H */
