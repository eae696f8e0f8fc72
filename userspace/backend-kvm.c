// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/kvm backend: the same guest under Debian's KVM, for the
 * side-by-side with pfvmm.  The generic code speaks pfvmm's uapi types;
 * this file translates them to KVM's (kvm-convert.c) and turns each
 * struct kvm_run exit into a struct pfvmm_run exit in a shadow run
 * structure that vcpu->run points to.
 *
 * Only the native MMU exists here (KVM's EPT/TDP MMU).  KVM handles VMCALL
 * in the kernel (unknown numbers get -KVM_ENOSYS), so a guest under KVM
 * uses port I/O instead of hypercalls: bytes to port 0xE9 are console
 * output and a 32-bit OUT to port 0xF4 is the shutdown status (see the
 * run loop).  Multi-item (REP/string) port I/O is replayed to the run loop
 * one item at a time without re-entering the guest.  A Linux guest's
 * interrupts come from the launcher's PIC through KVM_INTERRUPT (no
 * in-kernel irqchip is created), with KVM's interrupt window.
 *
 * --stats: KVM's binary statistics (KVM_GET_STATS_FD) of the VM and the
 * vCPU, and the exits this launcher saw, by KVM exit reason.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "kvm-convert.h"
#include "util.h"
#include "vmm.h"

#define KVM_DEV		"/dev/kvm"
#define KVM_TSS_ADDR	0xfffbd000ul	/* KVM's usual spot, above guest memory */
#define KVM_CPUID_MAX	256
#define KVM_EXIT_MAX	64		/* counted exit reasons */

/* Our suberror numbers in run->internal.suberror (see kvm_suberror_name). */
#define KVM_SUB_BASE		0x100	/* + KVM_INTERNAL_ERROR_* */
#define KVM_SUB_FAIL_ENTRY	0x200	/* KVM_EXIT_FAIL_ENTRY */
#define KVM_SUB_UNKNOWN_EXIT	0x201	/* an exit reason we do not handle */
#define NO_HW_REASON		0xffff	/* no VMX exit reason to show */

struct kvm_vcpu_priv {
	struct kvm_run *kvm_run;
	size_t kvm_run_size;
	struct pfvmm_run shadow;
	bool io_pending;		/* items of kvm_run->io left to replay */
	uint32_t io_index;
	uint64_t exits_seen[KVM_EXIT_MAX];	/* by KVM exit reason */
};

static int kvm_vm_loaded_pfvmm(void)
{
	FILE *f = fopen("/proc/modules", "r");
	char line[256];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "pfvmm ", 6);
	fclose(f);
	return found;
}

static int kvm_open_dev(void)
{
	int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
		fprintf(stderr, "pfvmm: %s not found: load kvm_intel "
			"(modprobe kvm_intel)%s\n", KVM_DEV,
			kvm_vm_loaded_pfvmm() ?
			"; the pfvmm module is loaded: if kvm_intel will not "
			"work, rmmod pfvmm first (only one can hold VT-x)" : "");
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "pfvmm: %s: permission denied: run as root or "
			"get read-write access to the device\n", KVM_DEV);
	else
		fprintf(stderr, "pfvmm: cannot open %s: %s\n", KVM_DEV,
			strerror(errno));
	return -errno;
}

static int kvm_vm_create(struct vm *vm)
{
	int version, ret;

	vm->sys_fd = kvm_open_dev();
	if (vm->sys_fd < 0)
		return vm->sys_fd;
	version = ioctl(vm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		fprintf(stderr, "pfvmm: KVM API version %d, this launcher needs %d\n",
			version, KVM_API_VERSION);
		ret = -EPROTO;
		goto err_close_sys;
	}
	vm->vm_fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		ret = -errno;
		if (errno == EBUSY || errno == EIO)
			fprintf(stderr, "pfvmm: KVM_CREATE_VM: %s: KVM cannot enable "
				"VT-x%s\n", strerror(errno),
				kvm_vm_loaded_pfvmm() ?
				": the pfvmm module may be holding it "
				"(stop its guests and rmmod pfvmm)" :
				": is another hypervisor using it?");
		else
			fprintf(stderr, "pfvmm: KVM_CREATE_VM: %s\n", strerror(errno));
		goto err_close_sys;
	}
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0) {
		ret = -errno;
		fprintf(stderr, "pfvmm: KVM_SET_TSS_ADDR: %s\n", strerror(errno));
		goto err_close_vm;
	}
	return 0;

err_close_vm:
	close(vm->vm_fd);
	vm->vm_fd = -1;
err_close_sys:
	close(vm->sys_fd);
	vm->sys_fd = -1;
	return ret;
}

static int kvm_set_memory(struct vm *vm, unsigned int slot, uint64_t gpa,
			  void *host, uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fprintf(stderr, "pfvmm: KVM_SET_USER_MEMORY_REGION: %s\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

static int kvm_set_mmu_mode(struct vm *vm, unsigned int mmu_mode, int offload)
{
	(void)vm;
	(void)offload;
	if (mmu_mode == PFVMM_MMU_NATIVE)
		return 0;
	fprintf(stderr, "pfvmm: the kvm backend has no pv MMU: only --mode native\n");
	return -EINVAL;
}

/*
 * KVM_GET_SUPPORTED_CPUID gives the brand-string leaves 0x80000002-4 as
 * zeros (a VMM is expected to name its CPU model): the host's, as the
 * pfvmm module passes them through, so that a Linux guest's /proc/cpuinfo
 * says the same model name under both backends.
 */
static void kvm_cpuid_brand(struct kvm_cpuid2 *cpuid)
{
	uint32_t i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function >= 0x80000002 && e->function <= 0x80000004)
			__cpuid(e->function, e->eax, e->ebx, e->ecx, e->edx);
	}
}

/* Give the vCPU every CPUID leaf KVM supports (with its KVM signature). */
static int kvm_setup_cpuid(struct vm *vm, struct vcpu *vcpu)
{
	size_t sz = sizeof(struct kvm_cpuid2) +
		    KVM_CPUID_MAX * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, sz);
	int ret = 0;

	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = KVM_CPUID_MAX;
	if (ioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		ret = -errno;
		fprintf(stderr, "pfvmm: KVM_GET_SUPPORTED_CPUID: %s\n", strerror(errno));
		goto out;
	}
	kvm_cpuid_brand(cpuid);
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0) {
		ret = -errno;
		fprintf(stderr, "pfvmm: KVM_SET_CPUID2: %s\n", strerror(errno));
	}
out:
	free(cpuid);
	return ret;
}

static int kvm_map_run(struct vm *vm, struct kvm_vcpu_priv *p, int vcpu_fd)
{
	int size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	void *run;

	if (size < (int)sizeof(struct kvm_run)) {
		fprintf(stderr, "pfvmm: KVM_GET_VCPU_MMAP_SIZE: %s\n",
			size < 0 ? strerror(errno) : "too small");
		return size < 0 ? -errno : -EPROTO;
	}
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED) {
		fprintf(stderr, "pfvmm: mmap of the KVM vCPU fd: %s\n", strerror(errno));
		return -errno;
	}
	p->kvm_run = run;
	p->kvm_run_size = (size_t)size;
	return 0;
}

static void kvm_vcpu_destroy(struct vcpu *vcpu)
{
	struct kvm_vcpu_priv *p = vcpu->priv;

	if (p && p->kvm_run)
		munmap(p->kvm_run, p->kvm_run_size);
	free(p);
	vcpu->priv = NULL;
	vcpu->run = NULL;
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->fd = -1;
}

static int kvm_vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	struct kvm_vcpu_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->priv = p;
	vcpu->run = &p->shadow;
	vcpu->run_size = 0;
	vcpu->immediate_exit = NULL;	/* set once kvm_run is mapped */
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		ret = -errno;
		fprintf(stderr, "pfvmm: KVM_CREATE_VCPU: %s\n", strerror(errno));
		goto err;
	}
	ret = kvm_map_run(vm, p, vcpu->fd);
	if (!ret)
		ret = kvm_setup_cpuid(vm, vcpu);
	if (ret)
		goto err;
	vcpu->immediate_exit = &p->kvm_run->immediate_exit;
	return 0;
err:
	kvm_vcpu_destroy(vcpu);
	return ret;
}

static int kvm_get_regs(struct vcpu *vcpu, struct pfvmm_regs *regs)
{
	struct kvm_regs k;
	int ret = vcpu_ioctl(vcpu, KVM_GET_REGS, &k, "KVM_GET_REGS");

	if (!ret)
		pfvmm_regs_from_kvm(regs, &k);
	return ret;
}

static int kvm_set_regs(struct vcpu *vcpu, const struct pfvmm_regs *regs)
{
	struct kvm_regs k;

	kvm_regs_from_pfvmm(&k, regs);
	return vcpu_ioctl(vcpu, KVM_SET_REGS, &k, "KVM_SET_REGS");
}

static int kvm_get_sregs(struct vcpu *vcpu, struct pfvmm_sregs *sregs)
{
	struct kvm_sregs k;
	int ret = vcpu_ioctl(vcpu, KVM_GET_SREGS, &k, "KVM_GET_SREGS");

	if (!ret)
		pfvmm_sregs_from_kvm(sregs, &k);
	return ret;
}

static int kvm_set_sregs(struct vcpu *vcpu, const struct pfvmm_sregs *sregs)
{
	struct kvm_sregs k;
	int ret = vcpu_ioctl(vcpu, KVM_GET_SREGS, &k, "KVM_GET_SREGS");

	if (ret)
		return ret;
	kvm_sregs_from_pfvmm(&k, sregs);
	return vcpu_ioctl(vcpu, KVM_SET_SREGS, &k, "KVM_SET_SREGS");
}

/* ---- exits ---- */

static const char *kvm_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO", [KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN", [KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR", [KVM_EXIT_SET_TPR] = "SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS", [KVM_EXIT_NMI] = "NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	};

	return reason < ARRAY_SIZE(names) && names[reason] ? names[reason] : NULL;
}

static const char *kvm_suberror_name(uint32_t sub)
{
	switch (sub) {
	case KVM_SUB_BASE + KVM_INTERNAL_ERROR_EMULATION:
		return "KVM: instruction emulation failed";
	case KVM_SUB_BASE + KVM_INTERNAL_ERROR_SIMUL_EX:
		return "KVM: exception while delivering an exception";
	case KVM_SUB_BASE + KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "KVM: exit while delivering an event";
	case KVM_SUB_BASE + KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return "KVM: unexpected VMX exit reason";
	case KVM_SUB_FAIL_ENTRY:
		return "KVM: VM entry failed";
	case KVM_SUB_UNKNOWN_EXIT:
		return "KVM exit reason the launcher does not handle";
	default:
		return sub >= KVM_SUB_BASE && sub < KVM_SUB_FAIL_ENTRY ?
		       "KVM internal error" : "unknown suberror";
	}
}

/* Present item p->io_index of the current KVM_EXIT_IO to the run loop. */
static void kvm_io_item(struct kvm_vcpu_priv *p)
{
	struct kvm_run *kr = p->kvm_run;
	struct pfvmm_run *run = &p->shadow;
	unsigned int size = kr->io.size <= 8 ? kr->io.size : 8;

	run->exit_reason = PFVMM_EXIT_IO;
	run->io.in = kr->io.direction == KVM_EXIT_IO_IN;
	run->io.size = (uint8_t)size;
	run->io.port = kr->io.port;
	run->io.data = 0;
	if (!run->io.in)
		memcpy(&run->io.data, (char *)kr + kr->io.data_offset +
		       (size_t)p->io_index * kr->io.size, size);
}

/* After the run loop handled an item: store IN data; more items left? */
static bool kvm_io_next(struct kvm_vcpu_priv *p)
{
	struct kvm_run *kr = p->kvm_run;
	struct pfvmm_run *run = &p->shadow;

	if (kr->io.direction == KVM_EXIT_IO_IN)
		memcpy((char *)kr + kr->io.data_offset +
		       (size_t)p->io_index * kr->io.size, &run->io.data,
		       kr->io.size <= 8 ? kr->io.size : 8);
	if (++p->io_index < kr->io.count) {
		kvm_io_item(p);
		return true;
	}
	p->io_pending = false;
	return false;
}

static uint64_t kvm_guest_rip(struct vcpu *vcpu)
{
	struct kvm_regs regs;

	return ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0 ? 0 : regs.rip;
}

static void kvm_guest_error(struct vcpu *vcpu, uint64_t addr, const char *reason)
{
	struct pfvmm_run *run = vcpu->run;

	run->exit_reason = PFVMM_EXIT_GUEST_ERROR;
	run->guest_error.guest_rip = kvm_guest_rip(vcpu);
	run->guest_error.address = addr;
	snprintf(run->guest_error.reason, PFVMM_REASON_MAX, "%s", reason);
}

static void kvm_internal(struct vcpu *vcpu, uint32_t sub, uint32_t hw_reason,
			 const uint64_t *data, unsigned int ndata)
{
	struct pfvmm_run *run = vcpu->run;
	unsigned int i;

	run->exit_reason = PFVMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = sub;
	run->internal.hw_exit_reason = hw_reason;
	run->internal.qualification = 0;
	run->internal.guest_rip = kvm_guest_rip(vcpu);
	for (i = 0; i < 4; i++)
		run->internal.data[i] = i < ndata ? data[i] : 0;
}

static void kvm_translate_internal(struct vcpu *vcpu, struct kvm_run *kr)
{
	uint32_t sub = kr->internal.suberror, hw = NO_HW_REASON;
	unsigned int ndata = kr->internal.ndata;

	if (ndata > ARRAY_SIZE(kr->internal.data))
		ndata = ARRAY_SIZE(kr->internal.data);
	if (sub == KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON && ndata >= 1)
		hw = (uint32_t)kr->internal.data[0];
	else if (sub == KVM_INTERNAL_ERROR_DELIVERY_EV && ndata >= 2)
		hw = (uint32_t)kr->internal.data[1];
	kvm_internal(vcpu, KVM_SUB_BASE + sub, hw,
		     (const uint64_t *)kr->internal.data, ndata);
}

/* Turn the kvm_run exit into a pfvmm_run exit. */
static void kvm_translate_exit(struct vcpu *vcpu, struct kvm_vcpu_priv *p)
{
	struct kvm_run *kr = p->kvm_run;
	struct pfvmm_run *run = &p->shadow;
	uint64_t data[2];

	if (kr->exit_reason < KVM_EXIT_MAX)
		p->exits_seen[kr->exit_reason]++;
	switch (kr->exit_reason) {
	case KVM_EXIT_IO:
		if (kr->io.count == 0) {
			run->exit_reason = PFVMM_EXIT_NONE;
			break;
		}
		p->io_pending = true;
		p->io_index = 0;
		kvm_io_item(p);
		break;
	case KVM_EXIT_HLT:
		run->exit_reason = PFVMM_EXIT_HLT;
		break;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		run->exit_reason = PFVMM_EXIT_IRQ_WINDOW_OPEN;
		break;
	case KVM_EXIT_INTR:
		run->exit_reason = PFVMM_EXIT_INTR;
		break;
	case KVM_EXIT_SHUTDOWN:
		kvm_guest_error(vcpu, 0, "triple fault (KVM_EXIT_SHUTDOWN)");
		break;
	case KVM_EXIT_MMIO:
		kvm_guest_error(vcpu, kr->mmio.phys_addr,
				"access to guest-physical address outside guest "
				"memory (KVM_EXIT_MMIO)");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		data[0] = kr->fail_entry.hardware_entry_failure_reason;
		data[1] = kr->fail_entry.cpu;
		kvm_internal(vcpu, KVM_SUB_FAIL_ENTRY,
			     (uint32_t)kr->fail_entry.hardware_entry_failure_reason,
			     data, 2);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		kvm_translate_internal(vcpu, kr);
		break;
	default:
		data[0] = kr->exit_reason;
		fprintf(stderr, "pfvmm: KVM exit reason %u (%s) is not handled\n",
			kr->exit_reason, kvm_exit_name(kr->exit_reason) ?: "?");
		kvm_internal(vcpu, KVM_SUB_UNKNOWN_EXIT, NO_HW_REASON, data, 1);
	}
}

static int kvm_run_vcpu(struct vcpu *vcpu)
{
	struct kvm_vcpu_priv *p = vcpu->priv;

	if (p->io_pending && kvm_io_next(p))
		return 0;	/* the next item of a string/REP I/O */
	do {
		p->shadow.exit_reason = PFVMM_EXIT_NONE;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR) {
				p->shadow.exit_reason = PFVMM_EXIT_INTR;
				return -EINTR;
			}
			if (errno == EAGAIN)
				continue;
			return -errno;
		}
		kvm_translate_exit(vcpu, p);
	} while (p->shadow.exit_reason == PFVMM_EXIT_NONE);
	return 0;
}

/* ---- interrupts from the launcher's PIC (--kernel; no in-kernel irqchip) ---- */

static bool kvm_interrupt_ready(struct vcpu *vcpu)
{
	struct kvm_vcpu_priv *p = vcpu->priv;

	return p->kvm_run->ready_for_interrupt_injection && p->kvm_run->if_flag;
}

static int kvm_interrupt(struct vcpu *vcpu, uint8_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	return vcpu_ioctl(vcpu, KVM_INTERRUPT, &irq, "KVM_INTERRUPT");
}

static void kvm_request_interrupt_window(struct vcpu *vcpu, bool on)
{
	struct kvm_vcpu_priv *p = vcpu->priv;

	p->kvm_run->request_interrupt_window = on;
}

/* ---- statistics ---- */

static int kvm_get_stats(struct vm *vm, struct pfvmm_vm_stats *stats)
{
	(void)vm;
	memset(stats, 0, sizeof(*stats));
	return -ENOTSUP;
}

/* Print every non-zero single-value counter of a KVM binary stats fd. */
static void kvm_print_binary_stats(FILE *f, int owner_fd, const char *prefix)
{
	struct kvm_stats_header hdr;
	struct kvm_stats_desc *desc;
	size_t desc_size;
	char *descs = NULL;
	uint32_t i;
	int fd = ioctl(owner_fd, KVM_GET_STATS_FD, NULL);

	if (fd < 0) {
		fprintf(f, "# KVM_GET_STATS_FD (%s): %s\n", prefix, strerror(errno));
		return;
	}
	if (pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    hdr.num_desc > 4096 || hdr.name_size > 4096)
		goto out;
	desc_size = sizeof(*desc) + hdr.name_size;
	descs = calloc(hdr.num_desc, desc_size);
	if (!descs || pread(fd, descs, desc_size * hdr.num_desc, hdr.desc_offset) !=
		      (ssize_t)(desc_size * hdr.num_desc))
		goto out;
	for (i = 0; i < hdr.num_desc; i++) {
		uint64_t value = 0;

		desc = (struct kvm_stats_desc *)(descs + i * desc_size);
		desc->name[hdr.name_size - 1] = '\0';
		if (desc->size != 1 ||
		    ((desc->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE &&
		     (desc->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_INSTANT &&
		     (desc->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_PEAK))
			continue;
		if (pread(fd, &value, sizeof(value), hdr.data_offset + desc->offset) !=
		    (ssize_t)sizeof(value) || !value)
			continue;
		if (!strcmp(prefix, "vcpu") && !strcmp(desc->name, "exits"))
			fprintf(f, "exits_total %" PRIu64 "\n", value);
		fprintf(f, "kvm %s.%s %" PRIu64 "\n", prefix, desc->name, value);
	}
out:
	free(descs);
	close(fd);
}

static void kvm_print_stats(struct vm *vm, FILE *f)
{
	struct kvm_vcpu_priv *p = vm->vcpu.priv;
	unsigned int i;

	fprintf(f, "# kvm backend: KVM's own counters (kvm vm.* / vcpu.*) and the "
		"exits this launcher handled (userspace_exit)\n");
	if (vm->vcpu.fd >= 0)
		kvm_print_binary_stats(f, vm->vcpu.fd, "vcpu");
	kvm_print_binary_stats(f, vm->vm_fd, "vm");
	for (i = 0; p && i < KVM_EXIT_MAX; i++) {
		if (!p->exits_seen[i])
			continue;
		if (kvm_exit_name(i))
			fprintf(f, "userspace_exit %s %" PRIu64 "\n", kvm_exit_name(i),
				p->exits_seen[i]);
		else
			fprintf(f, "userspace_exit UNKNOWN_%u %" PRIu64 "\n", i,
				p->exits_seen[i]);
	}
}

const struct vmm_backend kvm_dev_backend = {
	.name		= "kvm",
	.run_name	= "KVM_RUN",
	.vm_create	= kvm_vm_create,
	.set_memory	= kvm_set_memory,
	.set_mmu_mode	= kvm_set_mmu_mode,
	.vcpu_create	= kvm_vcpu_create,
	.get_regs	= kvm_get_regs,
	.set_regs	= kvm_set_regs,
	.get_sregs	= kvm_get_sregs,
	.set_sregs	= kvm_set_sregs,
	.run		= kvm_run_vcpu,
	.get_stats	= kvm_get_stats,
	.print_stats	= kvm_print_stats,
	.interrupt_ready = kvm_interrupt_ready,
	.interrupt	= kvm_interrupt,
	.request_interrupt_window = kvm_request_interrupt_window,
	.suberror_name	= kvm_suberror_name,
	.vcpu_destroy	= kvm_vcpu_destroy,
};
