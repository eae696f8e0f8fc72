// SPDX-License-Identifier: GPL-2.0
/*
 * testvm: load a guest ELF into fresh guest memory with the launcher's boot
 * state and create the VM, its memory slot, vCPU 0 and the run page on
 * /dev/pfvmm (native MMU mode), for test programs with their own run loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "elf-loader.h"
#include "testvm.h"
#include "x86-setup.h"

void testvm_die(const char *what)
{
	fprintf(stderr, "test: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void testvm_load(struct testvm *t, const char *path, const char *cmdline,
			struct elf_image *img)
{
	struct elf_target tgt = { NULL, t->mem_size, PFVMM_BOOT_LOW_END };
	char msg[ELF_MSG_MAX];
	size_t size;
	void *file;

	if (elf_file_read(path, &file, &size))
		testvm_die(path);
	t->mem = mmap(NULL, t->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->mem == MAP_FAILED)
		testvm_die("mmap of guest memory");
	tgt.mem = t->mem;
	if (elf_load(file, size, &tgt, img, msg, sizeof(msg))) {
		fprintf(stderr, "test: %s: %s\n", path, msg);
		exit(125);
	}
	free(file);
	x86_boot_setup(t->mem, t->mem_size, img, cmdline);
}

void testvm_open(struct testvm *t, const char *path, const char *cmdline,
		 uint64_t mem_size)
{
	struct pfvmm_memory_region r = { 0 };
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;
	struct elf_image img;

	t->mem_size = mem_size;
	testvm_load(t, path, cmdline, &img);
	t->sys = open("/dev/pfvmm", O_RDWR | O_CLOEXEC);
	if (t->sys < 0)
		testvm_die("/dev/pfvmm");
	t->vm = ioctl(t->sys, PFVMM_CREATE_VM, 0);
	if (t->vm < 0)
		testvm_die("CREATE_VM");
	r.memory_size = mem_size;
	r.userspace_addr = (uintptr_t)t->mem;
	if (ioctl(t->vm, PFVMM_SET_MEMORY_REGION, &r))
		testvm_die("SET_MEMORY_REGION");
	t->vcpu = ioctl(t->vm, PFVMM_CREATE_VCPU, 0);
	if (t->vcpu < 0)
		testvm_die("CREATE_VCPU");
	t->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, t->vcpu, 0);
	if (t->run == MAP_FAILED)
		testvm_die("mmap of the vCPU");
	x86_boot_sregs(&sregs);
	x86_boot_regs(&regs, img.entry);
	if (ioctl(t->vcpu, PFVMM_SET_SREGS, &sregs) ||
	    ioctl(t->vcpu, PFVMM_SET_REGS, &regs))
		testvm_die("SET_SREGS/SET_REGS");
}
