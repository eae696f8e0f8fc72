// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the bzImage loader and boot_params builder
 * (userspace/linux-boot.c): synthetic images built here field by field
 * (the header read back, boot_params, e820, command line, initrd, the
 * entry state), every refusal (not a bzImage, truncated, protocol before
 * 2.12, too little memory, an initrd that does not fit, a command line
 * over cmdline_size), and Debian's own vmlinuz when scripts/deps.sh has
 * fetched it into .cache/kernel/boot/ (SKIP otherwise); then the
 * launcher's path (userspace/linux-guest.c): each refusal through the
 * launcher before any device is opened, and a kernel read with the
 * default command line and loaded with the vCPU at the 64-bit entry.
 */
#include <asm/bootparam.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf-loader.h"
#include "linux-boot.h"
#include "linux-guest.h"
#include "x86-setup.h"
#include "test.h"

#define MiB		(1ull << 20)
#define FAKE_SETUP	4		/* setup_sects */
#define FAKE_SETUP_SIZE	((FAKE_SETUP + 1) * 512)
#define FAKE_KERNEL	8192		/* the protected-mode part */
#define FAKE_SIZE	(FAKE_SETUP_SIZE + FAKE_KERNEL)
#define FAKE_INIT_SIZE	(8 * MiB)
#define FAKE_PREF	(16 * MiB)
#define FAKE_MEM_MIN	(16 * MiB + 8 * MiB + LINUX_RUN_RESERVE)

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	while (bytes--) {
		*p++ = (uint8_t)v;
		v >>= 8;
	}
}

/* A bzImage as Debian's 6.1 has it (protocol 2.15), at a smaller scale. */
static void fake_bzimage(uint8_t *d)
{
	unsigned int i;

	memset(d, 0, FAKE_SIZE);
	d[0x1f1] = FAKE_SETUP;
	put_le(d + 0x1f4, FAKE_KERNEL / 16, 4);	/* syssize */
	put_le(d + 0x1fe, 0xaa55, 2);
	d[0x200] = 0xeb;
	d[0x201] = 0x6a;				/* header ends at 0x26c */
	memcpy(d + 0x202, "HdrS", 4);
	put_le(d + 0x206, 0x020f, 2);
	d[0x211] = LOADED_HIGH;
	put_le(d + 0x214, 0x100000, 4);
	put_le(d + 0x22c, 0x7fffffff, 4);	/* initrd_addr_max */
	put_le(d + 0x230, 2 * MiB, 4);		/* kernel_alignment */
	d[0x234] = 1;				/* relocatable */
	d[0x235] = 21;
	put_le(d + 0x236, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G, 2);
	put_le(d + 0x238, 2047, 4);		/* cmdline_size */
	put_le(d + 0x258, FAKE_PREF, 8);
	put_le(d + 0x260, FAKE_INIT_SIZE, 4);
	d[0x26c] = 0xcc;			/* past the header: not copied */
	for (i = 0; i < FAKE_KERNEL; i++)
		d[FAKE_SETUP_SIZE + i] = (uint8_t)(i * 7 + 1);
}

static uint8_t fake[FAKE_SIZE];

static int parse_fake(struct bzimage *bz, size_t size, char *msg)
{
	return bzimage_parse(fake, size, bz, msg, LINUX_MSG_MAX);
}

static void test_bzimage_header_fields(struct test_ctx *t)
{
	char msg[LINUX_MSG_MAX] = "";
	struct bzimage bz;

	fake_bzimage(fake);
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK_EQ(t, bz.version, 0x020f);
	CHECK_EQ(t, bz.header_end, 0x26c);
	CHECK_EQ(t, bz.setup_size, FAKE_SETUP_SIZE);
	CHECK_EQ(t, bz.kernel_size, FAKE_KERNEL);
	CHECK_EQ(t, bz.relocatable, 1);
	CHECK_EQ(t, bz.kernel_alignment, 2 * MiB);
	CHECK_EQ(t, bz.pref_address, FAKE_PREF);
	CHECK_EQ(t, bz.init_size, FAKE_INIT_SIZE);
	CHECK_EQ(t, bz.cmdline_size, 2047);
	CHECK_EQ(t, bz.initrd_addr_max, 0x7fffffff);
	CHECK_EQ(t, bz.xloadflags & XLF_KERNEL_64, XLF_KERNEL_64);
	/* setup_sects 0 means 4; a trailing signature is not kernel */
	fake[0x1f1] = 0;
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "setup_sects 0: %s", msg);
	CHECK_EQ(t, bz.setup_size, 5 * 512);
	fake_bzimage(fake);
	put_le(fake + 0x1f4, (FAKE_KERNEL - 512) / 16, 4);
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "signed: %s", msg);
	CHECK_EQ(t, bz.kernel_size, FAKE_KERNEL - 512);
}

/* The e820 map: sorted, no overlap, RAM to the end of memory, a hole. */
static void check_e820(struct test_ctx *t, const struct boot_params *bp,
		       uint64_t mem_size)
{
	uint64_t end = 0, ram = 0;
	unsigned int i;

	CHECK(t, bp->e820_entries >= 3 && bp->e820_entries <= E820_MAX_ENTRIES_ZEROPAGE,
	      "%u e820 entries", bp->e820_entries);
	for (i = 0; i < bp->e820_entries && i < E820_MAX_ENTRIES_ZEROPAGE; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];

		CHECK(t, e->addr == end && e->size, "e820[%u] at 0x%llx, after 0x%llx",
		      i, (unsigned long long)e->addr, (unsigned long long)end);
		CHECK(t, e->type == 1 || e->type == 2, "e820[%u] type %u", i, e->type);
		end = e->addr + e->size;
		ram += e->type == 1 ? e->size : 0;
	}
	CHECK_EQ(t, end, mem_size);
	CHECK_EQ(t, ram, mem_size - (0x100000 - 0x9fc00));
	CHECK_EQ(t, bp->e820_table[0].size, 0x9fc00);
	CHECK_EQ(t, bp->e820_table[1].type, 2);
	CHECK_EQ(t, bp->e820_table[2].addr, 0x100000);
}

/* The entry state of the 64-bit protocol. */
static void check_entry_state(struct test_ctx *t, const struct linux_layout *lay)
{
	struct pfvmm_sregs s;
	struct pfvmm_regs r;

	linux_boot_sregs(&s);
	linux_boot_regs(&r, lay);
	CHECK_EQ(t, r.rip, lay->load_addr + 0x200);
	CHECK_EQ(t, r.rsi, LINUX_BOOT_PARAMS);
	CHECK_EQ(t, r.rflags & 0x200, 0);	/* interrupts off */
	CHECK_EQ(t, s.cs.selector, 0x10);
	CHECK_EQ(t, s.ds.selector | s.es.selector | s.ss.selector, 0x18);
	CHECK_EQ(t, s.cs.ar, X86_AR_CODE64);
	CHECK_EQ(t, s.ds.ar, X86_AR_DATA);
	CHECK_EQ(t, s.efer, X86_EFER_INIT);
	CHECK_EQ(t, s.cr0 & 0x80000001, 0x80000001);
	CHECK_EQ(t, s.gdt.limit, 47);
	CHECK_EQ(t, s.tr.selector, 0x20);
}

static void check_gdt(struct test_ctx *t, const uint8_t *mem)
{
	uint64_t gdt[LINUX_GDT_ENTRIES];

	memcpy(gdt, mem + PFVMM_BOOT_GDT, sizeof(gdt));
	CHECK_EQ(t, gdt[0] | gdt[1], 0);
	CHECK_EQ(t, gdt[2], 0x00af9b000000ffffull);
	CHECK_EQ(t, gdt[3], 0x00cf93000000ffffull);
	CHECK_EQ(t, gdt[4], 0x00008b0000000067ull);
}

/* boot_params: the image's header, the launcher's fields, zeros elsewhere. */
static void check_boot_params(struct test_ctx *t, const uint8_t *mem,
			      const struct linux_layout *lay)
{
	const struct boot_params *bp = (const void *)(mem + LINUX_BOOT_PARAMS);
	const uint8_t *raw = (const uint8_t *)bp;
	unsigned int i, stray = 0;

	for (i = 0x1f1; i < 0x26c; i++)
		if (raw[i] != fake[i] && !(i >= 0x210 && i < 0x21c) &&
		    !(i >= 0x228 && i < 0x22c))
			stray++;
	CHECK_EQ(t, stray, 0);
	CHECK_EQ(t, raw[0x26c], 0);
	CHECK_EQ(t, bp->hdr.type_of_loader, 0xff);
	CHECK_EQ(t, bp->hdr.loadflags, LOADED_HIGH);
	CHECK_EQ(t, bp->hdr.code32_start, lay->load_addr);
	CHECK_EQ(t, bp->hdr.cmd_line_ptr, LINUX_BOOT_CMDLINE);
	CHECK_EQ(t, bp->ext_cmd_line_ptr, 0);
	CHECK_EQ(t, bp->sentinel, 0);
	CHECK_EQ(t, bp->acpi_rsdp_addr, 0);
	for (i = 0, stray = 0; i < 0x1e8; i++)
		stray += raw[i] != 0;
	CHECK_EQ(t, stray, 0);
}

static void test_linux_boot_setup(struct test_ctx *t)
{
	char msg[LINUX_MSG_MAX] = "", *cmd = "console=ttyS0 quiet";
	uint64_t mem_size = 256 * MiB, gpa = 0;
	struct linux_layout lay;
	struct bzimage bz;
	uint8_t *mem = malloc(mem_size);

	fake_bzimage(fake);
	memset(mem, 0x5a, mem_size);
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK(t, linux_layout_plan(&bz, mem_size, 0, strlen(cmd), &lay, msg,
				   sizeof(msg)) == 0, "plan: %s", msg);
	CHECK_EQ(t, lay.load_addr, FAKE_PREF);
	CHECK_EQ(t, lay.entry, FAKE_PREF + 0x200);
	CHECK_EQ(t, lay.kernel_end, FAKE_PREF + FAKE_INIT_SIZE);
	CHECK_EQ(t, lay.mem_min, FAKE_MEM_MIN);
	CHECK_EQ(t, lay.initrd_addr, 0);
	CHECK_EQ(t, linux_boot_setup(mem, mem_size, &bz, &lay, NULL, cmd), 0);
	CHECK(t, !memcmp(mem + FAKE_PREF, fake + FAKE_SETUP_SIZE, FAKE_KERNEL),
	      "kernel not at the load address");
	CHECK(t, !strcmp((char *)mem + LINUX_BOOT_CMDLINE, cmd), "cmdline '%s'",
	      (char *)mem + LINUX_BOOT_CMDLINE);
	check_boot_params(t, mem, &lay);
	check_e820(t, (const void *)(mem + LINUX_BOOT_PARAMS), mem_size);
	check_gdt(t, mem);
	check_entry_state(t, &lay);
	CHECK(t, x86_gva_to_gpa(mem, mem_size, PFVMM_BOOT_PML4, lay.kernel_end - 1, &gpa) &&
	      gpa == lay.kernel_end - 1, "the kernel's init_size is not identity-mapped");
	CHECK_EQ(t, mem[FAKE_PREF + FAKE_KERNEL], 0x5a);
	free(mem);
}

static void test_linux_initrd_placement(struct test_ctx *t)
{
	uint64_t mem_size = 256 * MiB, size = MiB + 100;
	char msg[LINUX_MSG_MAX] = "";
	const struct boot_params *bp;
	uint8_t *mem = calloc(1, mem_size), *initrd = malloc(size);
	struct linux_layout lay;
	struct bzimage bz;

	memset(initrd, 0xa7, size);
	fake_bzimage(fake);
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK(t, linux_layout_plan(&bz, mem_size, size, 0, &lay, msg, sizeof(msg)) == 0,
	      "plan: %s", msg);
	CHECK_EQ(t, lay.initrd_addr, (mem_size - size) & ~4095ull);
	CHECK_EQ(t, lay.mem_min, FAKE_MEM_MIN + 2 * MiB);
	CHECK_EQ(t, linux_boot_setup(mem, mem_size, &bz, &lay, initrd, ""), 0);
	bp = (const void *)(mem + LINUX_BOOT_PARAMS);
	CHECK_EQ(t, bp->hdr.ramdisk_image, lay.initrd_addr);
	CHECK_EQ(t, bp->hdr.ramdisk_size, size);
	CHECK_EQ(t, bp->ext_ramdisk_image | bp->ext_ramdisk_size, 0);
	CHECK(t, !memcmp(mem + lay.initrd_addr, initrd, size), "initrd not copied");
	/* initrd_addr_max below the end of memory: the initrd ends at it */
	put_le(fake + 0x22c, 100 * MiB - 1, 4);
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK(t, linux_layout_plan(&bz, mem_size, size, 0, &lay, msg, sizeof(msg)) == 0,
	      "plan: %s", msg);
	CHECK_EQ(t, lay.initrd_addr, (100 * MiB - size) & ~4095ull);
	CHECK(t, lay.initrd_addr + size - 1 <= 100 * MiB - 1, "above initrd_addr_max");
	free(mem);
	free(initrd);
}

/* The kernel part moves up to kernel_alignment; a fixed kernel does not. */
static void test_linux_load_address(struct test_ctx *t)
{
	char msg[LINUX_MSG_MAX] = "";
	struct linux_layout lay;
	struct bzimage bz;

	fake_bzimage(fake);
	put_le(fake + 0x258, 17 * MiB, 8);
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK_EQ(t, linux_layout_plan(&bz, 256 * MiB, 0, 0, &lay, msg, sizeof(msg)), 0);
	CHECK_EQ(t, lay.load_addr, 18 * MiB);
	fake[0x234] = 0;
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK_EQ(t, linux_layout_plan(&bz, 256 * MiB, 0, 0, &lay, msg, sizeof(msg)), 0);
	CHECK_EQ(t, lay.load_addr, 17 * MiB);
}

/* @size bytes of fake[] must be refused with @needle in the message. */
static void expect_refused(struct test_ctx *t, size_t size, const char *needle)
{
	char msg[LINUX_MSG_MAX] = "";
	struct bzimage bz;

	CHECK(t, parse_fake(&bz, size, msg) == -1, "accepted (want '%s')", needle);
	CHECK(t, strstr(msg, needle) != NULL, "message '%s' lacks '%s'", msg, needle);
}

static void test_bzimage_refused(struct test_ctx *t)
{
	fake_bzimage(fake);
	expect_refused(t, 0x100, "not a bzImage");
	expect_refused(t, FAKE_SETUP_SIZE, "truncated");
	expect_refused(t, FAKE_SIZE - 1, "truncated");
	expect_refused(t, 0x240, "truncated");
	memcpy(fake + 0x202, "HdrT", 4);
	expect_refused(t, FAKE_SIZE, "not a bzImage");
	fake_bzimage(fake);
	memcpy(fake, "\177ELF", 4);
	expect_refused(t, FAKE_SIZE, "an ELF file");
	fake_bzimage(fake);
	put_le(fake + 0x206, 0x020b, 2);
	expect_refused(t, FAKE_SIZE, "boot protocol 2.11 is older than 2.12");
	fake_bzimage(fake);
	put_le(fake + 0x236, 0, 2);
	expect_refused(t, FAKE_SIZE, "no 64-bit entry point");
	fake_bzimage(fake);
	fake[0x211] = 0;
	expect_refused(t, FAKE_SIZE, "a zImage");
	fake_bzimage(fake);
	fake[0x201] = 0x50;
	expect_refused(t, FAKE_SIZE, "before init_size");
	fake_bzimage(fake);
	put_le(fake + 0x230, 3 * MiB, 4);
	expect_refused(t, FAKE_SIZE, "kernel_alignment");
}

/* A plan that must fail with @needle in the message. */
static void expect_plan_refused(struct test_ctx *t, uint64_t mem_size,
				uint64_t initrd_size, size_t cmdline_len,
				const char *needle)
{
	char msg[LINUX_MSG_MAX] = "";
	struct linux_layout lay;
	struct bzimage bz;

	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK(t, linux_layout_plan(&bz, mem_size, initrd_size, cmdline_len, &lay,
				   msg, sizeof(msg)) == -1, "accepted (want '%s')", needle);
	CHECK(t, strstr(msg, needle) != NULL, "message '%s' lacks '%s'", msg, needle);
}

static void test_linux_plan_refused(struct test_ctx *t)
{
	char msg[LINUX_MSG_MAX] = "", want[64];
	struct linux_layout lay;
	struct bzimage bz;

	fake_bzimage(fake);
	expect_plan_refused(t, 64 * MiB, 0, 0, "--mem 64M is too small");
	snprintf(want, sizeof(want), "use --mem %lluM or more", FAKE_MEM_MIN / MiB);
	expect_plan_refused(t, 64 * MiB, 0, 0, want);
	expect_plan_refused(t, FAKE_MEM_MIN, 3 * MiB, 0, "the initrd takes 3.0 MiB");
	snprintf(want, sizeof(want), "use --mem %lluM or more", FAKE_MEM_MIN / MiB + 4);
	expect_plan_refused(t, FAKE_MEM_MIN, 3 * MiB, 0, want);
	expect_plan_refused(t, 256 * MiB, 0, 2048, "at most 2047 (cmdline_size)");
	put_le(fake + 0x238, 255, 4);
	expect_plan_refused(t, 256 * MiB, 0, 256, "at most 255 (cmdline_size)");
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK(t, linux_layout_plan(&bz, FAKE_MEM_MIN, 0, 255, &lay, msg, sizeof(msg)) == 0,
	      "255 characters and the minimum memory refused: %s", msg);
	fake_bzimage(fake);
	put_le(fake + 0x22c, 25 * MiB - 1, 4);
	expect_plan_refused(t, 256 * MiB, 2 * MiB, 0, "initrd_addr_max (0x18fffff)");
	CHECK(t, parse_fake(&bz, FAKE_SIZE, msg) == 0, "refused: %s", msg);
	CHECK(t, linux_layout_plan(&bz, 256 * MiB, MiB, 0, &lay, msg, sizeof(msg)) == 0,
	      "1 MiB below initrd_addr_max refused: %s", msg);
}

/* Debian's vmlinuz in the repository's cache (scripts/deps.sh). */
static char *find_vmlinuz(void)
{
	char pattern[512];
	glob_t g;
	char *path = NULL;

	snprintf(pattern, sizeof(pattern), "%s/../.cache/kernel/boot/vmlinuz-*",
		 guest_dir);
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc)
		path = strdup(g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	return path;
}

static void check_debian_header(struct test_ctx *t, const struct bzimage *bz)
{
	uint32_t payload = (uint32_t)(bz->data[0x248] | bz->data[0x249] << 8 |
				      bz->data[0x24a] << 16 | (uint32_t)bz->data[0x24b] << 24);

	CHECK(t, bz->version >= 0x020c, "protocol 0x%x", bz->version);
	CHECK_EQ(t, bz->relocatable, 1);
	CHECK_EQ(t, bz->kernel_alignment, 2 * MiB);
	CHECK_EQ(t, bz->pref_address, 16 * MiB);
	CHECK(t, bz->init_size > bz->kernel_size && bz->init_size < 192 * MiB,
	      "init_size 0x%x, kernel part 0x%zx", bz->init_size, bz->kernel_size);
	CHECK(t, bz->cmdline_size >= 255, "cmdline_size %u", bz->cmdline_size);
	CHECK(t, payload + 6 < bz->kernel_size &&
	      !memcmp(bz->data + bz->setup_size + payload, "\3757zXZ", 6),
	      "no XZ payload at payload_offset 0x%x", payload);
}

static void test_linux_debian_vmlinuz(struct test_ctx *t)
{
	char msg[LINUX_MSG_MAX] = "", *path = find_vmlinuz(), cmd[512];
	uint64_t mem_size = 256 * MiB;
	struct linux_layout lay;
	struct bzimage bz;
	void *file = NULL;
	uint8_t *mem;
	size_t size;

	if (!path || elf_file_read(path, &file, &size)) {
		SKIP(t, "no Debian vmlinuz in .cache/kernel/boot (scripts/deps.sh)");
		free(path);
		return;
	}
	CHECK(t, bzimage_parse(file, size, &bz, msg, sizeof(msg)) == 0, "%s: %s", path, msg);
	check_debian_header(t, &bz);
	linux_cmdline_default(cmd, sizeof(cmd), 2900000);
	CHECK(t, linux_layout_plan(&bz, 64 * MiB, 0, strlen(cmd), &lay, msg,
				   sizeof(msg)) == -1, "64M accepted");
	CHECK(t, linux_layout_plan(&bz, mem_size, 0, strlen(cmd), &lay, msg,
				   sizeof(msg)) == 0, "256M: %s", msg);
	mem = calloc(1, mem_size);
	CHECK_EQ(t, linux_boot_setup(mem, mem_size, &bz, &lay, NULL, cmd), 0);
	CHECK(t, !memcmp(mem + lay.entry, bz.data + bz.setup_size + 0x200, 16),
	      "the entry point's bytes are not the image's");
	CHECK(t, ((struct boot_params *)(mem + LINUX_BOOT_PARAMS))->hdr.version == bz.version,
	      "header not read back");
	check_e820(t, (const void *)(mem + LINUX_BOOT_PARAMS), mem_size);
	free(mem);
	free(file);
	free(path);
}

static void test_linux_cmdline_default(struct test_ctx *t)
{
	char buf[512], small[16];

	CHECK_EQ(t, linux_cmdline_default(buf, sizeof(buf), 2893202), 0);
	CHECK(t, !strcmp(buf, "console=ttyS0 nolapic noapic acpi=off pci=off "
			 "tsc=reliable io_delay=none 8250.nr_uarts=1 i8042.noaux "
			 "i8042.nomux tsc_early_khz=2893202"), "'%s'", buf);
	CHECK_EQ(t, linux_cmdline_default(buf, sizeof(buf), 0), 0);
	CHECK(t, strstr(buf, "tsc_early_khz") == NULL, "'%s'", buf);
	CHECK_EQ(t, linux_cmdline_default(small, sizeof(small), 0), -1);
}

/* Write fake[] (@size bytes) to @dir/@name; the path in @path. */
static int write_fake(const char *dir, const char *name, size_t size, char *path,
		      size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fwrite(fake, 1, size, f);
	return fclose(f);
}

static char launcher_out[OUT_MAX];

/* 'pfvmm run ARGS' exits @want with @needle in its output, no device opened. */
static void expect_launcher(struct test_ctx *t, const char *const *args, int want,
			    const char *needle)
{
	static const char *const env[] = { "PFVMM_DEVICE=/nonexistent/pfvmm", NULL };
	struct launch_env le = { env, -1 };
	int status = run_launcher_env(args, launcher_out, &le);

	CHECK(t, status == want, "'pfvmm %s %s %s' exited %d, want %d: %s", args[0],
	      args[1], args[2] ?: "", status, want, launcher_out);
	CHECK(t, strstr(launcher_out, needle) != NULL, "output lacks '%s': %s", needle,
	      launcher_out);
	if (want == 2)
		CHECK(t, strstr(launcher_out, "modprobe") == NULL,
		      "the device was opened: %s", launcher_out);
}

/* Every bad input is refused with status 2 before the device is opened. */
static void test_linux_refused_before_vm(struct test_ctx *t)
{
	char dir[] = "/tmp/pfvmm-linux-XXXXXX", bz[256], bad[256], rd[256];
	char mem[16], want[64];
	const char *args[8] = { "run", "--kernel", bad, NULL };

	if (access(launcher_path, X_OK) || !mkdtemp(dir)) {
		SKIP(t, "%s not built", launcher_path);
		return;
	}
	fake_bzimage(fake);
	write_fake(dir, "bzImage", FAKE_SIZE, bz, sizeof(bz));
	write_fake(dir, "initrd", 3 * 1024, rd, sizeof(rd));
	write_fake(dir, "short", FAKE_SIZE - 16, bad, sizeof(bad));
	expect_launcher(t, args, 2, "truncated");
	memcpy(fake + 0x202, "Hdrs", 4);
	write_fake(dir, "bad", FAKE_SIZE, bad, sizeof(bad));
	expect_launcher(t, args, 2, "not a bzImage");
	fake_bzimage(fake);
	put_le(fake + 0x206, 0x0209, 2);
	write_fake(dir, "old", FAKE_SIZE, bad, sizeof(bad));
	expect_launcher(t, args, 2, "boot protocol 2.09 is older than 2.12");
	expect_launcher(t, (const char *const[]){ "run", "--kernel", bz, "--mem", "64M",
			NULL }, 2, "--mem 64M is too small");
	snprintf(mem, sizeof(mem), "%lluM", FAKE_MEM_MIN / MiB);
	snprintf(want, sizeof(want), "use --mem %lluM or more", FAKE_MEM_MIN / MiB + 2);
	expect_launcher(t, (const char *const[]){ "run", "--kernel", bz, "--mem", mem,
			"--initrd", rd, NULL }, 2, want);
	fake_bzimage(fake);
	put_le(fake + 0x22c, 24 * MiB + 1023, 4);
	put_le(fake + 0x238, 10, 4);
	write_fake(dir, "low", FAKE_SIZE, bad, sizeof(bad));
	expect_launcher(t, (const char *const[]){ "run", "--kernel", bad, "--initrd", rd,
			"--append", "0123456789", NULL }, 2, "initrd_addr_max (0x18003ff)");
	expect_launcher(t, (const char *const[]){ "run", "--kernel", bad, "--append",
			"0123456789a", NULL }, 2, "at most 10 (cmdline_size)");
	expect_launcher(t, (const char *const[]){ "run", "--kernel", bz, NULL }, 1,
			"/nonexistent/pfvmm not found");
	unlink(bz);
	unlink(rd);
	unlink(bad);
	remove(dir);
}

static struct pfvmm_regs loaded_regs;
static struct pfvmm_sregs loaded_sregs;

static int capture_regs(struct vcpu *vcpu, const struct pfvmm_regs *regs)
{
	(void)vcpu;
	loaded_regs = *regs;
	return 0;
}

static int capture_sregs(struct vcpu *vcpu, const struct pfvmm_sregs *sregs)
{
	(void)vcpu;
	loaded_sregs = *sregs;
	return 0;
}

/* The launcher's path: files read and checked, then loaded into a VM. */
static void test_linux_guest_load(struct test_ctx *t)
{
	static const struct vmm_backend capture = {
		.name = "capture", .set_regs = capture_regs, .set_sregs = capture_sregs,
	};
	char dir[] = "/tmp/pfvmm-linux-XXXXXX", bz[256], err[OPTIONS_ERR_MAX] = "";
	const char *args[] = { "--kernel", bz, NULL };
	struct vm vm = { .backend = &capture, .mem_size = 256 * MiB };
	struct run_options opts;
	struct linux_guest lg;
	uint64_t khz = host_tsc_khz();

	CHECK(t, khz > 100000 && khz < 10000000, "host TSC %llu kHz", (unsigned long long)khz);
	if (!mkdtemp(dir))
		return;
	fake_bzimage(fake);
	write_fake(dir, "bzImage", FAKE_SIZE, bz, sizeof(bz));
	CHECK(t, run_parse_words(args, &opts, err) == 0, "options: %s", err);
	CHECK(t, linux_guest_read(&lg, &opts) == 0, "%s refused", bz);
	CHECK(t, !strncmp(lg.cmdline, LINUX_CMDLINE_DEFAULT " tsc_early_khz=",
			  strlen(LINUX_CMDLINE_DEFAULT) + 15), "cmdline '%s'", lg.cmdline);
	vm.mem = calloc(1, vm.mem_size);
	CHECK_EQ(t, vm_load_linux(&vm, &lg), 0);
	CHECK_EQ(t, loaded_regs.rip, FAKE_PREF + 0x200);
	CHECK_EQ(t, loaded_regs.rsi, LINUX_BOOT_PARAMS);
	CHECK_EQ(t, loaded_regs.rflags, 0x2);
	CHECK_EQ(t, loaded_sregs.cs.selector, 0x10);
	CHECK_EQ(t, loaded_sregs.cr3, PFVMM_BOOT_PML4);
	CHECK(t, !memcmp((char *)vm.mem + FAKE_PREF, fake + FAKE_SETUP_SIZE, FAKE_KERNEL),
	      "the kernel is not at its load address");
	CHECK(t, !strcmp((char *)vm.mem + LINUX_BOOT_CMDLINE, lg.cmdline), "cmdline in memory");
	free(vm.mem);
	linux_guest_free(&lg);
	unlink(bz);
	remove(dir);
}

void run_linux_boot_tests(void)
{
	RUN_TEST(test_bzimage_header_fields);
	RUN_TEST(test_bzimage_refused);
	RUN_TEST(test_linux_boot_setup);
	RUN_TEST(test_linux_initrd_placement);
	RUN_TEST(test_linux_load_address);
	RUN_TEST(test_linux_plan_refused);
	RUN_TEST(test_linux_cmdline_default);
	RUN_TEST(test_linux_debian_vmlinuz);
	RUN_TEST(test_linux_refused_before_vm);
	RUN_TEST(test_linux_guest_load);
}
