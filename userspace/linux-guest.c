// SPDX-License-Identifier: GPL-2.0
/*
 * 'pfvmm run --kernel BZIMAGE [--initrd FILE] [--append CMDLINE]': read
 * the files, check them with linux-boot.c against --mem and report what
 * is wrong before any VM exists (status 2, whether or not the module is
 * loaded), then load them into the VM and set the vCPU up at the 64-bit
 * entry point.  Without --append the command line is linux-boot.h's
 * default with tsc_early_khz= set to the host's TSC frequency, which the
 * guest shares (CPUID 0x15 when it names the crystal, else measured
 * against CLOCK_MONOTONIC_RAW for 20 ms).
 */
#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "elf-loader.h"
#include "linux-guest.h"

#define TSC_MEASURE_NS	20000000ull

static uint64_t monotonic_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPUID 0x15: TSC = crystal * EBX / EAX, when the crystal is named. */
static uint64_t cpuid_tsc_khz(void)
{
	unsigned int a = 0, b = 0, c = 0, d = 0;

	if (!__get_cpuid_count(0x15, 0, &a, &b, &c, &d) || !a || !b || !c)
		return 0;
	return (uint64_t)c * b / a / 1000;
}

/** host_tsc_khz() - the host's TSC frequency in kHz (0: not measurable) */
uint64_t host_tsc_khz(void)
{
	uint64_t khz = cpuid_tsc_khz(), t0, t1, c0, c1;

	if (khz)
		return khz;
	t0 = monotonic_raw_ns();
	c0 = __rdtsc();
	do
		t1 = monotonic_raw_ns();
	while (t1 - t0 < TSC_MEASURE_NS);
	c1 = __rdtsc();
	return (uint64_t)(((unsigned __int128)(c1 - c0) * 1000000 + (t1 - t0) / 2) /
			  (t1 - t0));
}

static int read_file(const char *option, const char *path, void **data,
		     size_t *size)
{
	int ret = elf_file_read(path, data, size);

	if (ret)
		fprintf(stderr, "pfvmm: %s %s: %s\n", option, path,
			ret == -EINVAL ? "not a regular file" : strerror(-ret));
	return ret;
}

static int build_cmdline(struct linux_guest *lg, const struct run_options *opts)
{
	if (!opts->append)
		return linux_cmdline_default(lg->cmdline, sizeof(lg->cmdline),
					     host_tsc_khz());
	if (strlen(opts->append) < sizeof(lg->cmdline)) {
		snprintf(lg->cmdline, sizeof(lg->cmdline), "%s", opts->append);
		return 0;
	}
	fprintf(stderr, "pfvmm: --append: %zu characters, at most %zu\n",
		strlen(opts->append), sizeof(lg->cmdline) - 1);
	return -1;
}

static int check_kernel(struct linux_guest *lg, uint64_t mem_size)
{
	char msg[LINUX_MSG_MAX];

	if (bzimage_parse(lg->kernel, lg->kernel_size, &lg->bz, msg, sizeof(msg)) ||
	    linux_layout_plan(&lg->bz, mem_size, lg->initrd_size, strlen(lg->cmdline),
			      &lg->lay, msg, sizeof(msg))) {
		fprintf(stderr, "pfvmm: --kernel %s: %s\n", lg->kernel_path, msg);
		return -1;
	}
	return 0;
}

/**
 * linux_guest_read() - read and check --kernel, --initrd and the command line
 *
 * Done before any VMM call.
 * Return: 0, or -1 after printing why (the caller exits with status 2).
 */
int linux_guest_read(struct linux_guest *lg, const struct run_options *opts)
{
	memset(lg, 0, sizeof(*lg));
	lg->kernel_path = opts->kernel;
	lg->initrd_path = opts->initrd;
	if (read_file("--kernel", opts->kernel, &lg->kernel, &lg->kernel_size))
		return -1;
	if (opts->initrd &&
	    read_file("--initrd", opts->initrd, &lg->initrd, &lg->initrd_size))
		goto err;
	if (build_cmdline(lg, opts) || check_kernel(lg, opts->mem_size))
		goto err;
	return 0;
err:
	linux_guest_free(lg);
	return -1;
}

void linux_guest_free(struct linux_guest *lg)
{
	free(lg->kernel);
	free(lg->initrd);
	lg->kernel = lg->initrd = NULL;
}

/**
 * vm_load_linux() - write the checked guest into memory, set up the vCPU
 *
 * Return: 0, or a negative errno after printing why.
 */
int vm_load_linux(struct vm *vm, const struct linux_guest *lg)
{
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;
	int ret;

	ret = linux_boot_setup(vm->mem, vm->mem_size, &lg->bz, &lg->lay, lg->initrd,
			       lg->cmdline);
	if (ret) {
		fprintf(stderr, "pfvmm: cannot lay out %llu MiB of guest memory\n",
			(unsigned long long)(vm->mem_size >> 20));
		return ret;
	}
	linux_boot_sregs(&sregs);
	linux_boot_regs(&regs, &lg->lay);
	ret = vm->backend->set_sregs(&vm->vcpu, &sregs);
	if (ret)
		return ret;
	return vm->backend->set_regs(&vm->vcpu, &regs);
}
