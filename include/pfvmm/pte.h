/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * x86-64 page-table entry bits, for the guest kernel and the module's
 * portable core alike.
 */
#ifndef _PFVMM_PTE_H
#define _PFVMM_PTE_H

#define PFVMM_PTE_P		0x001ULL	/* present */
#define PFVMM_PTE_W		0x002ULL	/* writable */
#define PFVMM_PTE_U		0x004ULL	/* user */
#define PFVMM_PTE_PWT		0x008ULL
#define PFVMM_PTE_PCD		0x010ULL
#define PFVMM_PTE_A		0x020ULL	/* accessed */
#define PFVMM_PTE_D		0x040ULL	/* dirty */
#define PFVMM_PTE_PS		0x080ULL	/* large page (L2, L3) */
#define PFVMM_PTE_G		0x100ULL	/* global */
#define PFVMM_PTE_AVAIL		0xe00ULL	/* bits 9-11: free for the OS */
#define PFVMM_PTE_NX		0x8000000000000000ULL
#define PFVMM_PTE_ADDR		0x000ffffffffff000ULL

/* #PF error code bits. */
#define PFVMM_PF_PRESENT	0x1
#define PFVMM_PF_WRITE		0x2
#define PFVMM_PF_USER		0x4
#define PFVMM_PF_RSVD		0x8
#define PFVMM_PF_INSTR		0x10

#endif /* _PFVMM_PTE_H */
