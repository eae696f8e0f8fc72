/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Booting a Linux bzImage with the 64-bit boot protocol
 * (Documentation/x86/boot.rst): the setup header checked, a layout of
 * kernel, initrd, command line and boot_params in guest memory checked
 * against --mem, and the machine state at the 64-bit entry point.  Pure
 * functions over buffers, no VMM calls: shared with tests/unit.
 */
#ifndef PFVMM_LINUX_BOOT_H
#define PFVMM_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uapi/pfvmm.h>

/*
 * Guest-physical layout in the low 1 MiB, beside x86-setup.c's tables
 * (TSS at 0, GDT at 0x800, page tables from 0x1000 to 0x9000).
 */
#define LINUX_BOOT_PARAMS	0x9000ull	/* struct boot_params, 4 KiB */
#define LINUX_BOOT_CMDLINE	0xa000ull	/* the command line */
#define LINUX_BOOT_CMDLINE_ROOM	0x1000		/* its room, NUL included */
#define LINUX_EBDA_START	0x9fc00ull	/* RAM below, reserved to 1 MiB */

/* The GDT of the 64-bit protocol: __BOOT_CS 0x10, __BOOT_DS 0x18. */
#define LINUX_SEL_CODE		0x10
#define LINUX_SEL_DATA		0x18
#define LINUX_SEL_TSS		0x20
#define LINUX_GDT_ENTRIES	6	/* null, null, code, data, TSS (2) */

#define LINUX_PROTOCOL_MIN	0x020c	/* 2.12: xloadflags, XLF_KERNEL_64 */
#define LINUX_ENTRY_64		0x200	/* the 64-bit entry, from the load address */
#define LINUX_LOADER_ID		0xff	/* type_of_loader: "undefined" */
/*
 * Memory the kernel needs beyond init_size and the initrd, to unpack
 * itself (KASLR may put the unpacked kernel above init_size) and run:
 * Debian's 6.1 needs about 192 MiB in all, 80 MiB of them to the end of
 * its init_size.
 */
#define LINUX_RUN_RESERVE	(112ull << 20)
#define LINUX_MSG_MAX		256

/* A bzImage whose setup header has been read and checked. */
struct bzimage {
	const uint8_t *data;	/* the whole file */
	size_t size;
	size_t header_end;	/* 0x202 + the byte at 0x201 */
	size_t setup_size;	/* the real-mode part: (setup_sects + 1) * 512 */
	size_t kernel_size;	/* the protected-mode part, after it */
	uint16_t version;	/* the boot protocol, 0x020f for 2.15 */
	uint8_t loadflags;
	uint16_t xloadflags;
	bool relocatable;
	uint32_t kernel_alignment;
	uint32_t initrd_addr_max;	/* the highest byte an initrd may use */
	uint32_t cmdline_size;		/* characters, without the NUL */
	uint64_t pref_address;
	uint32_t init_size;
};

/* Where everything goes, for one --mem, initrd and command line. */
struct linux_layout {
	uint64_t load_addr;	/* of the protected-mode part */
	uint64_t entry;		/* load_addr + LINUX_ENTRY_64 */
	uint64_t kernel_end;	/* load_addr + init_size: the kernel's own */
	uint64_t initrd_addr;	/* 0 without an initrd */
	uint64_t initrd_size;
	uint64_t mem_min;	/* the smallest guest memory this boots in */
};

int bzimage_parse(const void *data, size_t size, struct bzimage *bz,
		  char *msg, size_t msglen);
int linux_layout_plan(const struct bzimage *bz, uint64_t mem_size,
		      uint64_t initrd_size, size_t cmdline_len,
		      struct linux_layout *lay, char *msg, size_t msglen);
int linux_boot_setup(void *mem, uint64_t mem_size, const struct bzimage *bz,
		     const struct linux_layout *lay, const void *initrd,
		     const char *cmdline);
void linux_boot_sregs(struct pfvmm_sregs *sregs);
void linux_boot_regs(struct pfvmm_regs *regs, const struct linux_layout *lay);
int linux_cmdline_default(char *buf, size_t len, uint64_t tsc_khz);

/* The default command line, before the TSC frequency. */
#define LINUX_CMDLINE_DEFAULT						\
	"console=ttyS0 nolapic noapic acpi=off pci=off tsc=reliable "	\
	"io_delay=none 8250.nr_uarts=1 i8042.noaux i8042.nomux"

#endif /* PFVMM_LINUX_BOOT_H */
