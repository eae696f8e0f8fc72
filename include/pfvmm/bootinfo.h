/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The boot contract between the launcher and a pfvmm guest: where the
 * launcher puts things in the low 1 MiB of guest-physical memory, and the
 * boot-info block the guest finds at PFVMM_BOOT_INFO (its address is also
 * in RDI at entry).
 *
 * The guest starts in 64-bit long mode at the ELF entry point, with paging
 * on and every byte of guest memory identity-mapped with 2 MiB pages.  The
 * low 1 MiB belongs to the launcher; ELF segments must load above it.
 *
 * Freestanding: plain C types only, so that the module, the launcher and
 * the guest can all include it.  The layout is fixed: 384 bytes, no holes
 * (the launcher checks the size at build time).
 */
#ifndef _PFVMM_BOOTINFO_H
#define _PFVMM_BOOTINFO_H

/* Guest-physical layout of the launcher's low 1 MiB. */
#define PFVMM_BOOT_TSS		0x0000ull	/* 104-byte TSS, TR base 0 */
#define PFVMM_BOOT_GDT		0x0800ull	/* null, code, data, TSS */
#define PFVMM_BOOT_PML4		0x1000ull
#define PFVMM_BOOT_PDPT		0x2000ull
#define PFVMM_BOOT_PD		0x3000ull	/* one PD per GiB, up to 6 */
#define PFVMM_BOOT_PD_MAX	6
#define PFVMM_BOOT_INFO		0x9000ull	/* struct pfvmm_bootinfo */
#define PFVMM_BOOT_STACK_TOP	0x80000ull	/* initial RSP, grows down */
#define PFVMM_BOOT_LOW_END	0x100000ull	/* first byte a guest may load at */

/* GDT selectors set up by the launcher. */
#define PFVMM_BOOT_SEL_CODE	0x08
#define PFVMM_BOOT_SEL_DATA	0x10
#define PFVMM_BOOT_SEL_TSS	0x18

#define PFVMM_BOOTINFO_MAGIC	0x6f6f426d6d566650ull	/* "PfVmmBoo" */
#define PFVMM_BOOTINFO_VERSION	1
#define PFVMM_BOOTINFO_CMDLINE_MAX 256	/* including the NUL */

struct pfvmm_bootinfo {
	unsigned long long magic;	/* PFVMM_BOOTINFO_MAGIC */
	unsigned int version;		/* PFVMM_BOOTINFO_VERSION */
	unsigned int size;		/* sizeof(struct pfvmm_bootinfo) */
	unsigned long long mem_size;	/* bytes of guest memory from GPA 0 */
	unsigned long long image_start;	/* lowest loaded GPA of the ELF */
	unsigned long long image_end;	/* one past the highest (incl. bss) */
	unsigned long long flags;	/* none defined yet: 0 */
	unsigned long long args[4];	/* for later: 0 */
	unsigned long long reserved[6];	/* 0 */
	char cmdline[PFVMM_BOOTINFO_CMDLINE_MAX];	/* NUL-terminated */
};

#endif /* _PFVMM_BOOTINFO_H */
