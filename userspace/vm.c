// SPDX-License-Identifier: GPL-2.0
/*
 * Building a VM through a backend: guest memory in slot 0 at GPA 0, one
 * vCPU, the guest ELF loaded and the vCPU registers set for long mode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf-loader.h"
#include "numa.h"
#include "vmm.h"
#include "x86-setup.h"

/*
 * Back guest memory with host pages now, as "qemu -mem-prealloc" does: a
 * guest fault then never waits for the host to allocate and zero a page,
 * whichever backend runs it, and the benchmark measures the VMM's fault
 * path, not the host's.  Best effort: without MADV_POPULATE_WRITE (Linux
 * < 5.14) pages come on first touch as before.
 */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
static void vm_populate_memory(void *mem, uint64_t mem_size)
{
	if (madvise(mem, mem_size, MADV_POPULATE_WRITE) && errno != EINVAL)
		fprintf(stderr, "pfvmm: warning: guest memory not preallocated: %s\n",
			strerror(errno));
}

/* Transparent huge pages: whether the kernel has them and they are not off. */
#define THP_ENABLED_FILE "/sys/kernel/mm/transparent_hugepage/enabled"
static bool vm_thp_available(void)
{
	char buf[128] = "";
	FILE *f = fopen(THP_ENABLED_FILE, "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return !strstr(buf, "[never]");
}

/*
 * @size bytes of transparent huge pages at a 2 MiB boundary (more is
 * mapped, the ends are cut off), marked before anything is touched.
 */
static void *vm_map_thp(uint64_t size)
{
	uint64_t extra = VM_HUGE_PAGE_SIZE;
	uint8_t *raw = mmap(NULL, size + extra, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *mem;

	if (raw == MAP_FAILED)
		return raw;
	mem = (uint8_t *)(((uintptr_t)raw + extra - 1) & ~(uintptr_t)(extra - 1));
	if (mem > raw)
		munmap(raw, mem - raw);
	munmap(mem + size, raw + extra - mem);
	if (madvise(mem, size, MADV_HUGEPAGE))
		fprintf(stderr, "pfvmm: warning: --hugepages: madvise(MADV_HUGEPAGE): "
			"%s\n", strerror(errno));
	return mem;
}

/*
 * --hugepages: guest memory in 2 MiB host pages, so that each aligned
 * 2 MiB can be one EPT entry in either backend.  Transparent huge pages
 * where the kernel has them (MADV_HUGEPAGE works in THP's "madvise" mode
 * too); else hugetlbfs pages (/proc/sys/vm/nr_hugepages must hold enough:
 * reserved here, so a short pool fails now, not at a guest's touch); else
 * 4 KiB pages, with a warning.
 */
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << 26)	/* MAP_HUGE_SHIFT 26 */
#endif
static void *vm_map_huge(uint64_t size)
{
	void *mem;

	if (vm_thp_available())
		return vm_map_thp(size);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);
	if (mem != MAP_FAILED)
		return mem;
	fprintf(stderr, "pfvmm: warning: --hugepages: no transparent huge pages (%s) "
		"and no %llu hugetlbfs pages of 2 MiB (/proc/sys/vm/nr_hugepages): %s; "
		"guest memory gets 4 KiB pages\n", THP_ENABLED_FILE,
		(unsigned long long)(size / VM_HUGE_PAGE_SIZE), strerror(errno));
	return mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

/*
 * Guest memory, bound to @numa_node (-1: no binding) before any touch,
 * in 2 MiB host pages with @hugepages.
 */
static int vm_alloc_memory(struct vm *vm, uint64_t mem_size, int numa_node,
			   bool hugepages)
{
	void *mem = hugepages ? vm_map_huge(mem_size) :
		    mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	int ret;

	if (mem == MAP_FAILED) {
		fprintf(stderr, "pfvmm: cannot allocate %llu MiB of guest memory: %s\n",
			(unsigned long long)(mem_size >> 20), strerror(errno));
		return -errno;
	}
	if (numa_node >= 0) {
		ret = host_node_bind_memory(mem, mem_size, numa_node);
		if (ret) {
			munmap(mem, mem_size);
			return ret;
		}
	}
	vm_populate_memory(mem, mem_size);
	vm->mem = mem;
	vm->mem_size = mem_size;
	vm->hugepages = hugepages;
	return 0;
}

/**
 * vm_host_huge_pages() - how many 2 MiB host pages back guest memory now
 *
 * AnonHugePages (THP) and Private_Hugetlb/Shared_Hugetlb (hugetlbfs) of
 * the guest memory's mapping in /proc/self/smaps.
 *
 * Return: the count, or -1 when smaps cannot be read.
 */
long vm_host_huge_pages(const struct vm *vm)
{
	static const char *const keys[] = { "AnonHugePages: %lu kB",
					     "Private_Hugetlb: %lu kB",
					     "Shared_Hugetlb: %lu kB" };
	char line[256], start[32];
	unsigned long kib, total = 0;
	bool inside = false;
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t k;

	if (!f)
		return -1;
	snprintf(start, sizeof(start), "%lx-", (unsigned long)vm->mem);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' ')) {
			inside = !strncmp(line, start, strlen(start));
			continue;
		}
		for (k = 0; inside && k < sizeof(keys) / sizeof(keys[0]); k++)
			if (sscanf(line, keys[k], &kib) == 1)
				total += kib;
	}
	fclose(f);
	return (long)(total >> 11);
}

/* The VM's file descriptors, whichever backend opened them. */
static void vm_close_fds(struct vm *vm)
{
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm->vm_fd = vm->sys_fd = -1;
}

/**
 * vm_init_on_node() - create a VM with @mem_size bytes of memory and one vCPU
 * @mmu_mode: PFVMM_MMU_NATIVE or PFVMM_MMU_PV, or -1 for the default
 * @offload: pv only: -1 follows /sys/kernel/pfvmm/offload, 0 off, 1 on
 * @numa_node: the NUMA node of guest memory (checked), or -1
 * @hugepages: back guest memory with 2 MiB host pages (THP)
 *
 * Return: 0, or a negative errno after the backend printed why.
 */
int vm_init_on_node(struct vm *vm, const struct vmm_backend *backend,
		    uint64_t mem_size, int mmu_mode, int offload, int numa_node,
		    bool hugepages)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->created_tsc = __builtin_ia32_rdtsc();
	vm->backend = backend;
	vm->sys_fd = vm->vm_fd = vm->vcpu.fd = -1;
	ret = backend->vm_create(vm);
	if (ret)
		return ret;
	ret = vm_alloc_memory(vm, mem_size, numa_node, hugepages);
	if (ret)
		goto err_destroy_vm;
	ret = backend->set_memory(vm, 0, 0, vm->mem, mem_size);
	if (ret)
		goto err_free_mem;
	if (mmu_mode >= 0) {
		ret = backend->set_mmu_mode ?
		      backend->set_mmu_mode(vm, (unsigned int)mmu_mode, offload) : -ENOTSUP;
		if (ret == -ENOTSUP)
			fprintf(stderr, "pfvmm: the %s backend cannot set the MMU mode\n",
				backend->name);
		if (ret)
			goto err_free_mem;
	}
	ret = backend->vcpu_create(vm, &vm->vcpu, 0);
	if (ret)
		goto err_free_mem;
	return 0;

err_free_mem:
	munmap(vm->mem, vm->mem_size);
	vm->mem = NULL;
err_destroy_vm:
	vm_close_fds(vm);
	return ret;
}

/** vm_init() - vm_init_on_node() without NUMA placement or huge pages */
int vm_init(struct vm *vm, const struct vmm_backend *backend, uint64_t mem_size,
	    int mmu_mode, int offload)
{
	return vm_init_on_node(vm, backend, mem_size, mmu_mode, offload, -1, false);
}

/** vm_exit() - tear down what vm_init() built */
void vm_exit(struct vm *vm)
{
	vm->backend->vcpu_destroy(&vm->vcpu);
	vm_close_fds(vm);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	vm->mem = NULL;
	free(vm->milestone_stats);
	vm->milestone_stats = NULL;
}

/**
 * guest_file_read() - read the guest ELF and check it against a memory size
 *
 * Done before any VMM call, so that a bad guest file is reported the same
 * way whether or not the module is loaded.
 * Return: 0, or -1 after printing why.
 */
int guest_file_read(struct guest_file *gf, const char *path, uint64_t mem_size)
{
	struct elf_target tgt = { NULL, mem_size, PFVMM_BOOT_LOW_END };
	char msg[ELF_MSG_MAX];
	struct elf_image img;
	int ret;

	gf->path = path;
	ret = elf_file_read(path, &gf->data, &gf->size);
	if (ret) {
		fprintf(stderr, "pfvmm: %s: %s\n", path,
			ret == -EINVAL ? "not a regular file" : strerror(-ret));
		return -1;
	}
	if (elf_check(gf->data, gf->size, &tgt, &img, msg, sizeof(msg))) {
		fprintf(stderr, "pfvmm: %s: bad guest ELF: %s\n", path, msg);
		guest_file_free(gf);
		return -1;
	}
	return 0;
}

void guest_file_free(struct guest_file *gf)
{
	free(gf->data);
	gf->data = NULL;
}

/**
 * vm_load_guest() - load a checked guest ELF and set the vCPU up to enter it
 * @cmdline: the guest command line for the boot info
 *
 * Return: 0, or a negative errno after printing why.
 */
int vm_load_guest(struct vm *vm, const struct guest_file *gf, const char *cmdline)
{
	struct elf_target tgt = { vm->mem, vm->mem_size, PFVMM_BOOT_LOW_END };
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;
	struct elf_image img;
	char msg[ELF_MSG_MAX];
	int ret;

	if (elf_load(gf->data, gf->size, &tgt, &img, msg, sizeof(msg))) {
		fprintf(stderr, "pfvmm: %s: bad guest ELF: %s\n", gf->path, msg);
		return -ENOEXEC;
	}
	ret = x86_boot_setup(vm->mem, vm->mem_size, &img, cmdline);
	if (ret) {
		fprintf(stderr, "pfvmm: cannot lay out %llu MiB of guest memory\n",
			(unsigned long long)(vm->mem_size >> 20));
		return ret;
	}
	x86_boot_sregs(&sregs);
	x86_boot_regs(&regs, img.entry);
	ret = vm->backend->set_sregs(&vm->vcpu, &sregs);
	if (ret)
		return ret;
	return vm->backend->set_regs(&vm->vcpu, &regs);
}

/**
 * vcpu_ioctl() - a vCPU ioctl that moves a struct, for both backends
 * @vcpu: the vCPU
 * @req: the request
 * @arg: its argument
 * @name: the request's name, for the message
 *
 * Return: 0, or -errno after a message on stderr.
 */
int vcpu_ioctl(struct vcpu *vcpu, unsigned long req, void *arg, const char *name)
{
	if (ioctl(vcpu->fd, req, arg) < 0) {
		int err = errno;

		fprintf(stderr, "pfvmm: %s: %s\n", name, strerror(err));
		return -err;
	}
	return 0;
}
