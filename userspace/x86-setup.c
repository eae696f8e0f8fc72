// SPDX-License-Identifier: GPL-2.0
/*
 * The initial x86-64 state of a pfvmm guest.
 *
 * There is no firmware and no real-mode trampoline: the launcher builds
 * what a boot loader would have left behind and hands the vCPU straight to
 * 64-bit code.  In the low 1 MiB of guest memory (layout in
 * <pfvmm/bootinfo.h>) it writes
 *   - a zeroed 64-bit TSS at 0 (TR needs one, even if nothing uses it),
 *   - a GDT: null, 64-bit code (0x08), data (0x10), busy TSS (0x18),
 *   - a 4-level identity map of all guest memory with 2 MiB pages,
 *   - the boot-info block at 0x9000,
 * and the segment registers are set to exactly what loading those
 * descriptors would have produced.
 */
#include <errno.h>
#include <string.h>

#include "x86-setup.h"

_Static_assert(sizeof(struct pfvmm_bootinfo) == 384,
	       "struct pfvmm_bootinfo layout changed: update guests and tests");

/**
 * x86_gdt_entry() - encode an 8-byte code/data/system descriptor
 * @limit: the byte-granular limit as VMX holds it; stored in 4 KiB units
 *	   when G is set in @ar
 * @ar: access rights in the VMX layout
 */
uint64_t x86_gdt_entry(uint32_t base, uint32_t limit, uint32_t ar)
{
	uint64_t desc;

	if (ar & (1u << 15))
		limit >>= 12;
	desc = limit & 0xffffull;
	desc |= (uint64_t)(base & 0xffffff) << 16;
	desc |= (uint64_t)(ar & 0xff) << 40;
	desc |= (uint64_t)((limit >> 16) & 0xf) << 48;
	desc |= (uint64_t)((ar >> 12) & 0xf) << 52;
	desc |= (uint64_t)(base >> 24) << 56;
	return desc;
}

/**
 * x86_boot_gdt() - write a GDT of flat 64-bit code and data and a busy TSS
 * @code, @data, @tss: their selectors, below X86_GDT_MAX * 8; the TSS
 *	takes two slots and ends the table, the slots it leaves are null
 *
 * Return: the table's limit.
 */
uint16_t x86_boot_gdt(void *mem, uint16_t code, uint16_t data, uint16_t tss)
{
	uint64_t gdt[X86_GDT_MAX] = { 0 };
	size_t size = (tss / 8 + 2) * 8;

	gdt[code / 8] = x86_gdt_entry(0, 0xffffffff, X86_AR_CODE64);
	gdt[data / 8] = x86_gdt_entry(0, 0xffffffff, X86_AR_DATA);
	gdt[tss / 8] = x86_gdt_entry(PFVMM_BOOT_TSS, X86_TSS_LIMIT, X86_AR_TSS64_BUSY);
	memcpy((char *)mem + PFVMM_BOOT_GDT, gdt, size);
	return (uint16_t)(size - 1);
}

/* null, code (0x08), data (0x10), TSS (0x18; slot 4: base 63:32, zero) */
static void x86_setup_gdt(void *mem)
{
	x86_boot_gdt(mem, PFVMM_BOOT_SEL_CODE, PFVMM_BOOT_SEL_DATA, PFVMM_BOOT_SEL_TSS);
}

static void x86_setup_tss(void *mem)
{
	uint16_t iomap_base = X86_TSS_LIMIT + 1;	/* no I/O bitmap */

	memset((char *)mem + PFVMM_BOOT_TSS, 0, X86_TSS_LIMIT + 1);
	memcpy((char *)mem + PFVMM_BOOT_TSS + 0x66, &iomap_base, sizeof(iomap_base));
}

/* PML4[0] -> PDPT; PDPT[i] -> PD i; PD entries map 2 MiB each. */
static void x86_setup_page_tables(void *mem, uint64_t mem_size)
{
	uint64_t *pml4 = (uint64_t *)((char *)mem + PFVMM_BOOT_PML4);
	uint64_t *pdpt = (uint64_t *)((char *)mem + PFVMM_BOOT_PDPT);
	uint64_t *pd = (uint64_t *)((char *)mem + PFVMM_BOOT_PD);
	uint64_t nr_2m = mem_size >> 21, nr_pd = (nr_2m + 511) / 512, i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	memset(pd, 0, 4096 * PFVMM_BOOT_PD_MAX);
	pml4[0] = PFVMM_BOOT_PDPT | X86_PTE_P | X86_PTE_RW;
	for (i = 0; i < nr_pd; i++)
		pdpt[i] = (PFVMM_BOOT_PD + i * 4096) | X86_PTE_P | X86_PTE_RW;
	for (i = 0; i < nr_2m; i++)
		pd[i] = (i << 21) | X86_PTE_P | X86_PTE_RW | X86_PTE_PS;
}

static void x86_setup_bootinfo(void *mem, uint64_t mem_size,
			       const struct elf_image *img, const char *cmdline)
{
	struct pfvmm_bootinfo *bi = (void *)((char *)mem + PFVMM_BOOT_INFO);

	memset(bi, 0, sizeof(*bi));
	bi->magic = PFVMM_BOOTINFO_MAGIC;
	bi->version = PFVMM_BOOTINFO_VERSION;
	bi->size = sizeof(*bi);
	bi->mem_size = mem_size;
	bi->image_start = img->start;
	bi->image_end = img->end;
	strncpy(bi->cmdline, cmdline ? cmdline : "", sizeof(bi->cmdline) - 1);
}

/**
 * x86_boot_tables() - the TSS, GDT and identity map, without the boot info
 * @mem, @mem_size: guest memory from GPA 0; a multiple of 2 MiB, at least
 *	2 MiB and at most PFVMM_BOOT_PD_MAX GiB
 *
 * For a guest that takes its boot information in another form (a Linux
 * bzImage's boot_params, linux-boot.c).
 * Return: 0, or -EINVAL when @mem_size cannot be mapped by this layout.
 */
int x86_boot_tables(void *mem, uint64_t mem_size)
{
	if (mem_size < (2ull << 20) || mem_size % (2ull << 20) ||
	    mem_size > ((uint64_t)PFVMM_BOOT_PD_MAX << 30))
		return -EINVAL;
	x86_setup_tss(mem);
	x86_setup_gdt(mem);
	x86_setup_page_tables(mem, mem_size);
	return 0;
}

/**
 * x86_boot_setup() - write the launcher's tables into low guest memory
 * @mem, @mem_size: as for x86_boot_tables()
 * @img: the loaded guest image (recorded in the boot info)
 * @cmdline: the guest command line, cut to fit the boot info (may be NULL)
 *
 * Return: 0, or -EINVAL when @mem_size cannot be mapped by this layout.
 */
int x86_boot_setup(void *mem, uint64_t mem_size, const struct elf_image *img,
		   const char *cmdline)
{
	int ret = x86_boot_tables(mem, mem_size);

	if (ret)
		return ret;
	x86_setup_bootinfo(mem, mem_size, img, cmdline);
	return 0;
}

static void x86_flat_segment(struct pfvmm_segment *seg, uint16_t sel, uint32_t ar)
{
	memset(seg, 0, sizeof(*seg));
	seg->selector = sel;
	seg->limit = 0xffffffff;
	seg->ar = ar;
}

/** x86_boot_sregs() - system registers for direct entry into long mode */
void x86_boot_sregs(struct pfvmm_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	x86_flat_segment(&sregs->cs, PFVMM_BOOT_SEL_CODE, X86_AR_CODE64);
	x86_flat_segment(&sregs->ds, PFVMM_BOOT_SEL_DATA, X86_AR_DATA);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->tr.selector = PFVMM_BOOT_SEL_TSS;
	sregs->tr.base = PFVMM_BOOT_TSS;
	sregs->tr.limit = X86_TSS_LIMIT;
	sregs->tr.ar = X86_AR_TSS64_BUSY;
	sregs->ldt.ar = X86_AR_UNUSABLE;
	sregs->gdt.base = PFVMM_BOOT_GDT;
	sregs->gdt.limit = X86_GDT_ENTRIES * 8 - 1;
	sregs->cr0 = X86_CR0_INIT;
	sregs->cr3 = PFVMM_BOOT_PML4;
	sregs->cr4 = X86_CR4_INIT;
	sregs->efer = X86_EFER_INIT;
}

/** x86_boot_regs() - general registers at the guest's first instruction */
void x86_boot_regs(struct pfvmm_regs *regs, uint64_t entry)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = entry;
	regs->rsp = PFVMM_BOOT_STACK_TOP;
	regs->rflags = X86_RFLAGS_INIT;
	regs->rdi = PFVMM_BOOT_INFO;
}

static bool x86_read_pte(const void *mem, uint64_t mem_size, uint64_t table,
			 unsigned int index, uint64_t *pte)
{
	uint64_t addr = (table & X86_PTE_ADDR) + index * 8ull;

	if (mem_size < 8 || addr > mem_size - 8)
		return false;
	memcpy(pte, (const char *)mem + addr, sizeof(*pte));
	return *pte & X86_PTE_P;
}

/**
 * x86_gva_to_gpa() - walk the guest's 4-level page tables (for dumps)
 * @cr3: the guest's CR3; the tables must lie inside guest memory
 *
 * Return: true with @gpa set if @gva is mapped.  Tolerates any garbage.
 */
bool x86_gva_to_gpa(const void *mem, uint64_t mem_size, uint64_t cr3,
		    uint64_t gva, uint64_t *gpa)
{
	uint64_t table = cr3, pte = 0;
	int level;

	for (level = 3; level >= 0; level--) {
		unsigned int shift = 12 + 9 * level;

		if (!x86_read_pte(mem, mem_size, table, (gva >> shift) & 511, &pte))
			return false;
		if (level > 0 && level < 3 && (pte & X86_PTE_PS)) {
			uint64_t mask = (1ull << shift) - 1;

			*gpa = ((pte & X86_PTE_ADDR) & ~mask) | (gva & mask);
			return true;
		}
		table = pte;
	}
	*gpa = (pte & X86_PTE_ADDR) | (gva & 0xfff);
	return true;
}
