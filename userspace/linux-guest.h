/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Linux guest for 'pfvmm run --kernel': the bzImage, the initrd and the
 * command line read and checked against --mem before any VMM call, then
 * loaded into a VM with the vCPU at the 64-bit entry point.
 */
#ifndef PFVMM_LINUX_GUEST_H
#define PFVMM_LINUX_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "linux-boot.h"
#include "options.h"
#include "vmm.h"

struct linux_guest {
	const char *kernel_path;
	const char *initrd_path;	/* NULL: none */
	void *kernel;
	size_t kernel_size;
	void *initrd;
	size_t initrd_size;
	struct bzimage bz;
	struct linux_layout lay;
	char cmdline[LINUX_BOOT_CMDLINE_ROOM];
};

int linux_guest_read(struct linux_guest *lg, const struct run_options *opts);
void linux_guest_free(struct linux_guest *lg);
int vm_load_linux(struct vm *vm, const struct linux_guest *lg);
uint64_t host_tsc_khz(void);

#endif /* PFVMM_LINUX_GUEST_H */
