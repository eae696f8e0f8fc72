// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/pfvmm backend: the ioctls of include/uapi/pfvmm.h, one per
 * operation of struct vmm_backend.  Errors that users can fix (no module,
 * no permission, VT-x held by someone else) say how.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hints.h"
#include "vmm.h"

/* /dev/pfvmm (or $PFVMM_DEVICE); a failure says what to do about it. */
static int pfvmm_open_dev(void)
{
	const char *path = pfvmm_device_path();
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	fd = -errno;
	hint_open_error("pfvmm", path, -fd);
	return fd;
}

static int pfvmm_check_api(int sys_fd)
{
	int version = ioctl(sys_fd, PFVMM_GET_API_VERSION, 0);

	if (version < 0) {
		fprintf(stderr, "pfvmm: PFVMM_GET_API_VERSION: %s\n", strerror(errno));
		return -errno;
	}
	if (version != PFVMM_API_VERSION) {
		fprintf(stderr, "pfvmm: module API version %d, this launcher needs %d\n",
			version, PFVMM_API_VERSION);
		return -EPROTO;
	}
	return 0;
}

static void pfvmm_explain_create_error(int err)
{
	const char *why = "";

	if (err == EBUSY)
		why = ": VT-x is in use by another hypervisor (a KVM guest "
		      "running? stop it, or rmmod kvm_intel)";
	else if (err == ENOSPC)
		why = ": too many VMs at once (the module's limit): stop one";
	else if (err == EOPNOTSUPP || err == ENODEV || err == EIO)
		why = ": the module could not turn VT-x on on this CPU (see dmesg)";
	fprintf(stderr, "pfvmm: PFVMM_CREATE_VM: %s%s\n", strerror(err), why);
}

static int pfvmm_vm_create(struct vm *vm)
{
	int ret;

	vm->sys_fd = pfvmm_open_dev();
	if (vm->sys_fd < 0)
		return vm->sys_fd;
	ret = pfvmm_check_api(vm->sys_fd);
	if (ret)
		goto err_close_sys;
	vm->vm_fd = ioctl(vm->sys_fd, PFVMM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		ret = -errno;
		pfvmm_explain_create_error(errno);
		goto err_close_sys;
	}
	return 0;

err_close_sys:
	close(vm->sys_fd);
	vm->sys_fd = -1;
	return ret;
}

static void pfvmm_explain_mem_error(struct vm *vm, int err, uint64_t size)
{
	int max_mb;

	if (err != E2BIG) {
		fprintf(stderr, "pfvmm: PFVMM_SET_MEMORY_REGION: %s\n", strerror(err));
		return;
	}
	max_mb = ioctl(vm->sys_fd, PFVMM_CHECK_EXTENSION, PFVMM_CAP_MAX_MEM_MB);
	fprintf(stderr, "pfvmm: guest memory of %llu MiB is more than the module "
		"allows (%d MiB): use a smaller --mem\n",
		(unsigned long long)(size >> 20), max_mb);
}

static int pfvmm_set_memory(struct vm *vm, unsigned int slot, uint64_t gpa,
			    void *host, uint64_t size)
{
	struct pfvmm_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, PFVMM_SET_MEMORY_REGION, &region) < 0) {
		int err = errno;

		pfvmm_explain_mem_error(vm, err, size);
		return -err;
	}
	return 0;
}

static int pfvmm_set_mmu_mode(struct vm *vm, unsigned int mmu_mode, int offload)
{
	struct pfvmm_vm_config cfg = {
		.mmu_mode = mmu_mode,
		.offload = offload < 0 ? PFVMM_OFFLOAD_DEFAULT : offload,
	};

	if (ioctl(vm->vm_fd, PFVMM_SET_VM_CONFIG, &cfg) < 0) {
		fprintf(stderr, "pfvmm: PFVMM_SET_VM_CONFIG (mmu_mode %u, offload %d): %s\n",
			mmu_mode, cfg.offload, strerror(errno));
		return -errno;
	}
	return 0;
}

static int pfvmm_map_run(struct vm *vm, struct vcpu *vcpu)
{
	int size = ioctl(vm->sys_fd, PFVMM_GET_VCPU_MMAP_SIZE, 0);
	void *run;

	if (size < 0) {
		fprintf(stderr, "pfvmm: PFVMM_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
		return -errno;
	}
	if ((size_t)size < sizeof(struct pfvmm_run)) {
		fprintf(stderr, "pfvmm: vCPU mmap size %d is smaller than struct "
			"pfvmm_run (%zu)\n", size, sizeof(struct pfvmm_run));
		return -EPROTO;
	}
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		fprintf(stderr, "pfvmm: mmap of the vCPU fd: %s\n", strerror(errno));
		return -errno;
	}
	vcpu->run = run;
	vcpu->run_size = (size_t)size;
	vcpu->immediate_exit = &vcpu->run->immediate_exit;
	return 0;
}

static int pfvmm_vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	int ret;

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->vm_fd, PFVMM_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		fprintf(stderr, "pfvmm: PFVMM_CREATE_VCPU: %s\n", strerror(errno));
		return -errno;
	}
	ret = pfvmm_map_run(vm, vcpu);
	if (ret) {
		close(vcpu->fd);
		vcpu->fd = -1;
	}
	return ret;
}

static int pfvmm_get_regs(struct vcpu *vcpu, struct pfvmm_regs *regs)
{
	return vcpu_ioctl(vcpu, PFVMM_GET_REGS, regs, "PFVMM_GET_REGS");
}

static int pfvmm_set_regs(struct vcpu *vcpu, const struct pfvmm_regs *regs)
{
	return vcpu_ioctl(vcpu, PFVMM_SET_REGS, (void *)regs, "PFVMM_SET_REGS");
}

static int pfvmm_get_sregs(struct vcpu *vcpu, struct pfvmm_sregs *sregs)
{
	return vcpu_ioctl(vcpu, PFVMM_GET_SREGS, sregs, "PFVMM_GET_SREGS");
}

static int pfvmm_set_sregs(struct vcpu *vcpu, const struct pfvmm_sregs *sregs)
{
	return vcpu_ioctl(vcpu, PFVMM_SET_SREGS, (void *)sregs, "PFVMM_SET_SREGS");
}

/* Silent: the run loop decides what an error means (EINTR is normal). */
static int pfvmm_run(struct vcpu *vcpu)
{
	return ioctl(vcpu->fd, PFVMM_RUN, 0) < 0 ? -errno : 0;
}

/* Interrupts from the launcher's PIC (--kernel), KVM_INTERRUPT's model. */
static bool pfvmm_interrupt_ready(struct vcpu *vcpu)
{
	return vcpu->run->ready_for_interrupt_injection;
}

static int pfvmm_interrupt(struct vcpu *vcpu, uint8_t vector)
{
	struct pfvmm_interrupt irq = { .irq = vector };

	return vcpu_ioctl(vcpu, PFVMM_INTERRUPT, &irq, "PFVMM_INTERRUPT");
}

static void pfvmm_request_interrupt_window(struct vcpu *vcpu, bool on)
{
	vcpu->run->request_interrupt_window = on;
}

static int pfvmm_get_stats(struct vm *vm, struct pfvmm_vm_stats *stats)
{
	if (ioctl(vm->vm_fd, PFVMM_GET_VM_STATS, stats) < 0) {
		fprintf(stderr, "pfvmm: PFVMM_GET_VM_STATS: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

static void pfvmm_vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	vcpu->run = NULL;
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->fd = -1;
}

const struct vmm_backend pfvmm_dev_backend = {
	.name		= "pfvmm",
	.vm_create	= pfvmm_vm_create,
	.set_memory	= pfvmm_set_memory,
	.set_mmu_mode	= pfvmm_set_mmu_mode,
	.vcpu_create	= pfvmm_vcpu_create,
	.get_regs	= pfvmm_get_regs,
	.set_regs	= pfvmm_set_regs,
	.get_sregs	= pfvmm_get_sregs,
	.set_sregs	= pfvmm_set_sregs,
	.run		= pfvmm_run,
	.get_stats	= pfvmm_get_stats,
	.interrupt_ready = pfvmm_interrupt_ready,
	.interrupt	= pfvmm_interrupt,
	.request_interrupt_window = pfvmm_request_interrupt_window,
	.vcpu_destroy	= pfvmm_vcpu_destroy,
};
