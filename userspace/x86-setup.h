/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initial x86-64 machine state of a guest: the launcher's tables in the
 * low 1 MiB (TSS, GDT, identity page tables, boot info) and the register
 * values that enter long mode directly.  No VMM calls: shared with tests.
 */
#ifndef PFVMM_X86_SETUP_H
#define PFVMM_X86_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include <uapi/pfvmm.h>
#include <pfvmm/bootinfo.h>

#include "elf-loader.h"

/* Segment access rights in the VMX layout (see struct pfvmm_segment). */
#define X86_AR_CODE64		0xa09b	/* P S type=0xb(exec/read/accessed) L G */
#define X86_AR_DATA		0xc093	/* P S type=0x3(read/write/accessed) D/B G */
#define X86_AR_TSS64_BUSY	0x008b	/* P type=0xb (busy 64-bit TSS) */
#define X86_AR_UNUSABLE		0x10000

#define X86_CR0_INIT		0x80050033ull	/* PG AM WP NE ET MP PE */
#define X86_CR4_INIT		0x20ull		/* PAE */
#define X86_EFER_INIT		0x500ull	/* LMA LME */
#define X86_RFLAGS_INIT		0x2ull		/* the reserved bit 1 */

#define X86_GDT_ENTRIES		5	/* null, code, data, TSS (two slots) */
#define X86_GDT_MAX		8	/* room for x86_boot_gdt()'s tables */
#define X86_TSS_LIMIT		0x67

#define X86_PTE_P		0x001ull
#define X86_PTE_RW		0x002ull
#define X86_PTE_PS		0x080ull
#define X86_PTE_ADDR		0x000ffffffffff000ull

int x86_boot_tables(void *mem, uint64_t mem_size);
uint16_t x86_boot_gdt(void *mem, uint16_t code, uint16_t data, uint16_t tss);
int x86_boot_setup(void *mem, uint64_t mem_size, const struct elf_image *img,
		   const char *cmdline);
void x86_boot_sregs(struct pfvmm_sregs *sregs);
void x86_boot_regs(struct pfvmm_regs *regs, uint64_t entry);
uint64_t x86_gdt_entry(uint32_t base, uint32_t limit, uint32_t ar);
bool x86_gva_to_gpa(const void *mem, uint64_t mem_size, uint64_t cr3,
		    uint64_t gva, uint64_t *gpa);

#endif /* PFVMM_X86_SETUP_H */
