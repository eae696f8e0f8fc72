// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux boot loader of 'pfvmm run --kernel': the 64-bit boot protocol
 * of Documentation/x86/boot.rst, with no BIOS and no real-mode setup code.
 *
 * The file is untrusted input.  bzimage_parse() checks the setup header
 * (the "HdrS" magic, protocol 2.12 or later with a 64-bit entry point,
 * the real-mode and protected-mode parts inside the file) before anything
 * is used; linux_layout_plan() places the kernel at its preferred address,
 * the initrd as high as initrd_addr_max and the memory allow, and refuses a
 * --mem, initrd or command line that cannot work.  Only then does
 * linux_boot_setup() write guest memory: the protected-mode part at the
 * load address, a zeroed boot_params with the kernel's own setup header
 * and the launcher's fields (e820 map, command line, initrd,
 * type_of_loader), the identity map of x86-setup.c and a GDT with the
 * protocol's selectors.  The vCPU then enters at load + 0x200 in long mode
 * with RSI = &boot_params and interrupts off.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <asm/bootparam.h>

#include "cli.h"
#include "linux-boot.h"
#include "x86-setup.h"

#define MiB			(1ull << 20)
#define HDR_START		0x1f1	/* the setup header in the file and in boot_params */
#define HDR_JUMP_END		0x202	/* the header ends here + the byte at 0x201 */
#define HDR_MAGIC		0x53726448	/* "HdrS" at 0x202 */
#define HDR_INIT_SIZE_END	0x264	/* pref_address and init_size: 2.10+ */
#define BOOT_FLAG		0xaa55	/* at 0x1fe */
#define SECTOR			512
#define E820_RAM		1
#define E820_RESERVED		2

/* The documented offsets (boot.rst, zero-page.rst) of what this file uses. */
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params is one page");
_Static_assert(offsetof(struct boot_params, hdr) == HDR_START, "hdr");
_Static_assert(offsetof(struct boot_params, hdr.version) == 0x206, "version");
_Static_assert(offsetof(struct boot_params, hdr.type_of_loader) == 0x210, "loader");
_Static_assert(offsetof(struct boot_params, hdr.ramdisk_image) == 0x218, "ramdisk");
_Static_assert(offsetof(struct boot_params, hdr.cmd_line_ptr) == 0x228, "cmdline");
_Static_assert(offsetof(struct boot_params, hdr.xloadflags) == 0x236, "xloadflags");
_Static_assert(offsetof(struct boot_params, hdr.pref_address) == 0x258, "pref_address");
_Static_assert(offsetof(struct boot_params, hdr.init_size) == 0x260, "init_size");
_Static_assert(offsetof(struct boot_params, ext_ramdisk_image) == 0x0c0, "ext ramdisk");
_Static_assert(offsetof(struct boot_params, ext_cmd_line_ptr) == 0x0c8, "ext cmdline");
_Static_assert(offsetof(struct boot_params, e820_entries) == 0x1e8, "e820_entries");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "e820_table");
_Static_assert(LINUX_BOOT_PARAMS >= PFVMM_BOOT_PD + PFVMM_BOOT_PD_MAX * 4096,
	       "boot_params overlaps the page tables");

static uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = (v << 8) | p[bytes];
	return v;
}

static double mib(uint64_t bytes)
{
	return (double)bytes / (double)MiB;
}

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/* The magic numbers and the header's length, before any field is read. */
static int check_magic(const uint8_t *d, size_t size, char *msg, size_t msglen)
{
	if (size >= 4 && !memcmp(d, "\177ELF", 4))
		return cli_fail(msg, msglen, "an ELF file, not a bzImage (a vmlinux? "
				"--kernel takes a bzImage such as /boot/vmlinuz-*; "
				"a pfvmm guest ELF is given without --kernel)");
	if (size < HDR_JUMP_END + 4 || get_le(d + 0x1fe, 2) != BOOT_FLAG ||
	    get_le(d + HDR_JUMP_END, 4) != HDR_MAGIC)
		return cli_fail(msg, msglen, "not a bzImage (no boot flag 0xAA55 at "
				"0x1fe and \"HdrS\" at 0x202)");
	return 0;
}

static int check_protocol(const struct bzimage *bz, char *msg, size_t msglen)
{
	if (bz->version < LINUX_PROTOCOL_MIN)
		return cli_fail(msg, msglen, "boot protocol %u.%02u is older than "
				"2.12 (no 64-bit entry point): use a newer kernel",
				bz->version >> 8, bz->version & 0xff);
	if (bz->header_end < HDR_INIT_SIZE_END)
		return cli_fail(msg, msglen, "the setup header ends at 0x%zx, before "
				"init_size", bz->header_end);
	if (!(bz->loadflags & LOADED_HIGH))
		return cli_fail(msg, msglen, "a zImage (loads below 1 MiB), not a bzImage");
	if (!(bz->xloadflags & XLF_KERNEL_64))
		return cli_fail(msg, msglen, "no 64-bit entry point (XLF_KERNEL_64 "
				"clear in xloadflags): a 32-bit kernel?");
	if (!bz->init_size)
		return cli_fail(msg, msglen, "init_size is 0");
	return 0;
}

/* The real-mode part, then syssize 16-byte paragraphs of the kernel. */
static int check_parts(struct bzimage *bz, char *msg, size_t msglen)
{
	unsigned int sects = bz->data[HDR_START] ? bz->data[HDR_START] : 4;
	uint64_t syssize = get_le(bz->data + 0x1f4, 4) * 16;

	bz->setup_size = (size_t)(sects + 1) * SECTOR;
	if (bz->size <= bz->setup_size || bz->header_end > bz->setup_size)
		return cli_fail(msg, msglen, "truncated: %zu bytes, but the setup "
				"part alone is %zu", bz->size, bz->setup_size);
	bz->kernel_size = bz->size - bz->setup_size;
	if (syssize > bz->kernel_size)
		return cli_fail(msg, msglen, "truncated: %zu bytes, the header says "
				"%llu (setup %zu + kernel %llu)", bz->size,
				(unsigned long long)(bz->setup_size + syssize),
				bz->setup_size, (unsigned long long)syssize);
	if (syssize)
		bz->kernel_size = (size_t)syssize;	/* no trailing signature */
	if (bz->kernel_size <= LINUX_ENTRY_64)
		return cli_fail(msg, msglen, "the kernel part (%zu bytes) ends before "
				"the 64-bit entry at 0x200", bz->kernel_size);
	return 0;
}

static int check_alignment(const struct bzimage *bz, char *msg, size_t msglen)
{
	uint32_t a = bz->kernel_alignment;

	if (bz->relocatable && (a < 4096 || (a & (a - 1))))
		return cli_fail(msg, msglen, "kernel_alignment 0x%x is not a power of "
				"two of 4 KiB or more", a);
	if (bz->pref_address < PFVMM_BOOT_LOW_END)
		return cli_fail(msg, msglen, "pref_address 0x%llx is in the low 1 MiB",
				(unsigned long long)bz->pref_address);
	return 0;
}

static void read_fields(struct bzimage *bz)
{
	const uint8_t *d = bz->data;

	bz->version = (uint16_t)get_le(d + 0x206, 2);
	bz->loadflags = d[0x211];
	bz->initrd_addr_max = (uint32_t)get_le(d + 0x22c, 4);
	bz->kernel_alignment = (uint32_t)get_le(d + 0x230, 4);
	bz->relocatable = d[0x234] != 0;
	bz->xloadflags = (uint16_t)get_le(d + 0x236, 2);
	bz->cmdline_size = (uint32_t)get_le(d + 0x238, 4);
	bz->pref_address = get_le(d + 0x258, 8);
	bz->init_size = (uint32_t)get_le(d + 0x260, 4);
}

/**
 * bzimage_parse() - check a bzImage's setup header and read what it says
 * @data, @size: the whole file (kept in @bz: it must outlive it)
 *
 * Return: 0, or -1 with the reason in @msg.
 */
int bzimage_parse(const void *data, size_t size, struct bzimage *bz,
		  char *msg, size_t msglen)
{
	memset(bz, 0, sizeof(*bz));
	bz->data = data;
	bz->size = size;
	if (check_magic(data, size, msg, msglen))
		return -1;
	bz->header_end = HDR_JUMP_END + bz->data[0x201];
	if (bz->header_end > size)
		return cli_fail(msg, msglen, "truncated: %zu bytes, the setup header "
				"ends at 0x%zx", size, bz->header_end);
	/* Fields past the header's end read as 0 (none is, from 2.12 on). */
	read_fields(bz);
	if (check_protocol(bz, msg, msglen) || check_parts(bz, msg, msglen))
		return -1;
	return check_alignment(bz, msg, msglen);
}

static uint64_t load_address(const struct bzimage *bz)
{
	if (!bz->relocatable)
		return bz->pref_address;
	return align_up(bz->pref_address, bz->kernel_alignment);
}

static int plan_memory(const struct bzimage *bz, uint64_t mem_size,
		       struct linux_layout *lay, char *msg, size_t msglen)
{
	uint64_t initrd = align_up(lay->initrd_size, 4096);
	char initrd_part[64] = "";

	lay->mem_min = align_up(lay->kernel_end + initrd, 2 * MiB) + LINUX_RUN_RESERVE;
	if (mem_size >= lay->mem_min)
		return 0;
	if (initrd)
		snprintf(initrd_part, sizeof(initrd_part), ", and the initrd takes "
			 "%.1f MiB", mib(initrd));
	return cli_fail(msg, msglen, "--mem %lluM is too small: the kernel unpacks "
			"into 0x%llx-0x%llx (init_size %.1f MiB) and needs %llu MiB "
			"more to unpack and run%s: use --mem %lluM or more",
			(unsigned long long)(mem_size / MiB),
			(unsigned long long)lay->load_addr,
			(unsigned long long)lay->kernel_end, mib(bz->init_size),
			(unsigned long long)(LINUX_RUN_RESERVE / MiB), initrd_part,
			(unsigned long long)(lay->mem_min / MiB));
}

/* The initrd as high as memory and initrd_addr_max allow, page-aligned. */
static int plan_initrd(const struct bzimage *bz, uint64_t mem_size,
		       struct linux_layout *lay, char *msg, size_t msglen)
{
	uint64_t top = mem_size;

	if (!lay->initrd_size)
		return 0;
	if ((uint64_t)bz->initrd_addr_max + 1 < top)
		top = (uint64_t)bz->initrd_addr_max + 1;
	if (top >= lay->kernel_end + lay->initrd_size) {
		lay->initrd_addr = (top - lay->initrd_size) & ~4095ull;
		if (lay->initrd_addr >= lay->kernel_end)
			return 0;
	}
	return cli_fail(msg, msglen, "the initrd (%.1f MiB) does not fit between the "
			"kernel's end (0x%llx) and initrd_addr_max (0x%x)",
			mib(lay->initrd_size), (unsigned long long)lay->kernel_end,
			bz->initrd_addr_max);
}

/**
 * linux_layout_plan() - place kernel and initrd in @mem_size bytes
 * @initrd_size: 0 without an initrd
 * @cmdline_len: the command line's length without the NUL
 *
 * Return: 0, or -1 with the reason in @msg (the memory is too small, the
 * initrd does not fit below initrd_addr_max, the command line is longer
 * than the kernel's cmdline_size).
 */
int linux_layout_plan(const struct bzimage *bz, uint64_t mem_size,
		      uint64_t initrd_size, size_t cmdline_len,
		      struct linux_layout *lay, char *msg, size_t msglen)
{
	uint64_t span = bz->init_size > bz->kernel_size ? bz->init_size : bz->kernel_size;

	memset(lay, 0, sizeof(*lay));
	if (cmdline_len > bz->cmdline_size || cmdline_len >= LINUX_BOOT_CMDLINE_ROOM)
		return cli_fail(msg, msglen, "the command line has %zu characters, the "
				"kernel takes at most %u (cmdline_size)", cmdline_len,
				bz->cmdline_size < LINUX_BOOT_CMDLINE_ROOM - 1 ?
				bz->cmdline_size : LINUX_BOOT_CMDLINE_ROOM - 1);
	lay->load_addr = load_address(bz);
	lay->entry = lay->load_addr + LINUX_ENTRY_64;
	lay->kernel_end = lay->load_addr + span;
	lay->initrd_size = initrd_size;
	if (plan_memory(bz, mem_size, lay, msg, msglen))
		return -1;
	return plan_initrd(bz, mem_size, lay, msg, msglen);
}

static void e820_add(struct boot_params *bp, uint64_t addr, uint64_t end,
		     uint32_t type)
{
	struct boot_e820_entry *e = &bp->e820_table[bp->e820_entries++];

	e->addr = addr;
	e->size = end - addr;
	e->type = type;
}

/* No BIOS: RAM below the EBDA, the EBDA/VGA/ROM hole, RAM from 1 MiB. */
static void e820_fill(struct boot_params *bp, uint64_t mem_size)
{
	e820_add(bp, 0, LINUX_EBDA_START, E820_RAM);
	e820_add(bp, LINUX_EBDA_START, PFVMM_BOOT_LOW_END, E820_RESERVED);
	e820_add(bp, PFVMM_BOOT_LOW_END, mem_size, E820_RAM);
}

static void fill_boot_params(struct boot_params *bp, uint64_t mem_size,
			     const struct bzimage *bz, const struct linux_layout *lay)
{
	size_t hdr_end = HDR_START + sizeof(bp->hdr);

	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, bz->data + HDR_START,
	       (bz->header_end < hdr_end ? bz->header_end : hdr_end) - HDR_START);
	bp->hdr.type_of_loader = LINUX_LOADER_ID;
	bp->hdr.code32_start = (uint32_t)lay->load_addr;
	bp->hdr.cmd_line_ptr = (uint32_t)LINUX_BOOT_CMDLINE;
	bp->hdr.ramdisk_image = (uint32_t)lay->initrd_addr;
	bp->hdr.ramdisk_size = (uint32_t)lay->initrd_size;
	bp->ext_ramdisk_image = (uint32_t)(lay->initrd_addr >> 32);
	bp->ext_ramdisk_size = (uint32_t)(lay->initrd_size >> 32);
	e820_fill(bp, mem_size);
}

/**
 * linux_boot_setup() - write kernel, initrd, command line and boot_params
 * @mem, @mem_size: guest memory from GPA 0, the size @lay was planned for
 * @initrd: @lay->initrd_size bytes, or NULL
 * @cmdline: at most the length @lay was planned for
 *
 * Return: 0, or -EINVAL when @mem_size cannot be mapped or is smaller
 * than the plan's.
 */
int linux_boot_setup(void *mem, uint64_t mem_size, const struct bzimage *bz,
		     const struct linux_layout *lay, const void *initrd,
		     const char *cmdline)
{
	char *m = mem;

	if (mem_size < lay->mem_min || x86_boot_tables(mem, mem_size))
		return -EINVAL;
	/* The protocol's GDT over x86-setup.c's: code 0x10, data 0x18, TSS 0x20. */
	x86_boot_gdt(mem, LINUX_SEL_CODE, LINUX_SEL_DATA, LINUX_SEL_TSS);
	fill_boot_params((struct boot_params *)(m + LINUX_BOOT_PARAMS), mem_size,
			 bz, lay);
	memset(m + LINUX_BOOT_CMDLINE, 0, LINUX_BOOT_CMDLINE_ROOM);
	snprintf(m + LINUX_BOOT_CMDLINE, LINUX_BOOT_CMDLINE_ROOM, "%s", cmdline);
	memcpy(m + lay->load_addr, bz->data + bz->setup_size, bz->kernel_size);
	if (lay->initrd_size)
		memcpy(m + lay->initrd_addr, initrd, lay->initrd_size);
	return 0;
}

/** linux_boot_sregs() - long mode, flat segments with the protocol's selectors */
void linux_boot_sregs(struct pfvmm_sregs *sregs)
{
	x86_boot_sregs(sregs);
	sregs->cs.selector = LINUX_SEL_CODE;
	sregs->ds.selector = LINUX_SEL_DATA;
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->tr.selector = LINUX_SEL_TSS;
	sregs->gdt.limit = LINUX_GDT_ENTRIES * 8 - 1;
}

/** linux_boot_regs() - RIP at the 64-bit entry, RSI = &boot_params, IF off */
void linux_boot_regs(struct pfvmm_regs *regs, const struct linux_layout *lay)
{
	x86_boot_regs(regs, lay->entry);
	regs->rdi = 0;
	regs->rsi = LINUX_BOOT_PARAMS;
}

/**
 * linux_cmdline_default() - LINUX_CMDLINE_DEFAULT and the TSC frequency
 * @tsc_khz: the guest's TSC in kHz (tsc_early_khz=), 0: unknown, left out
 *
 * Return: 0, or -1 if it does not fit in @len bytes.
 */
int linux_cmdline_default(char *buf, size_t len, uint64_t tsc_khz)
{
	int n;

	if (tsc_khz)
		n = snprintf(buf, len, "%s tsc_early_khz=%llu", LINUX_CMDLINE_DEFAULT,
			     (unsigned long long)tsc_khz);
	else
		n = snprintf(buf, len, "%s", LINUX_CMDLINE_DEFAULT);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
