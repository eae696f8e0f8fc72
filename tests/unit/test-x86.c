// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the initial guest state (userspace/x86-setup.c): descriptor
 * encodings against known-good GDT values, the identity page tables, the
 * boot info, and the register values the brief fixes for long-mode entry.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "x86-setup.h"
#include "test.h"

#define MiB (1ull << 20)

static void test_x86_gdt_encoding(struct test_ctx *t)
{
	/* The classic flat 64-bit code and data descriptors. */
	CHECK_EQ(t, x86_gdt_entry(0, 0xffffffff, X86_AR_CODE64), 0x00af9b000000ffffull);
	CHECK_EQ(t, x86_gdt_entry(0, 0xffffffff, X86_AR_DATA), 0x00cf93000000ffffull);
	CHECK_EQ(t, x86_gdt_entry(0, 0x67, X86_AR_TSS64_BUSY), 0x00008b0000000067ull);
	CHECK_EQ(t, x86_gdt_entry(0x12345678, 0xabcde, 0x8b), 0x120a8b345678bcdeull);
	/* G set: the limit is stored in 4 KiB units */
	CHECK_EQ(t, x86_gdt_entry(0, 0x1fffff, 0x8093), 0x00809300000001ffull);
}

static uint64_t *u64_at(void *mem, uint64_t gpa)
{
	return (uint64_t *)((char *)mem + gpa);
}

static void check_tables(struct test_ctx *t, void *mem, uint64_t mem_size)
{
	uint64_t nr_2m = mem_size >> 21, i;

	CHECK_EQ(t, *u64_at(mem, PFVMM_BOOT_PML4), PFVMM_BOOT_PDPT | 3);
	CHECK_EQ(t, *u64_at(mem, PFVMM_BOOT_PML4 + 8), 0);
	CHECK_EQ(t, *u64_at(mem, PFVMM_BOOT_PDPT), PFVMM_BOOT_PD | 3);
	for (i = 0; i < nr_2m; i++) {
		uint64_t pde = *u64_at(mem, PFVMM_BOOT_PD + i * 8);

		CHECK(t, pde == ((i << 21) | 0x83), "PD[%llu] = 0x%llx",
		      (unsigned long long)i, (unsigned long long)pde);
	}
	CHECK_EQ(t, *u64_at(mem, PFVMM_BOOT_PD + nr_2m * 8), 0);
}

static void test_x86_boot_setup_32m(struct test_ctx *t)
{
	uint64_t mem_size = 32 * MiB, *gdt, gpa = 0;
	struct elf_image img = { 0x100000, 0x100000, 0x105000, 2 };
	struct pfvmm_bootinfo *bi;
	char *mem = malloc(mem_size);
	uint16_t iomap;

	memset(mem, 0x5a, mem_size);
	CHECK_EQ(t, x86_boot_setup(mem, mem_size, &img, "exit 7"), 0);
	check_tables(t, mem, mem_size);
	gdt = u64_at(mem, PFVMM_BOOT_GDT);
	CHECK_EQ(t, gdt[0], 0);
	CHECK_EQ(t, gdt[1], 0x00af9b000000ffffull);
	CHECK_EQ(t, gdt[2], 0x00cf93000000ffffull);
	CHECK_EQ(t, gdt[3], 0x00008b0000000067ull);
	CHECK_EQ(t, gdt[4], 0);
	memcpy(&iomap, mem + 0x66, 2);
	CHECK_EQ(t, iomap, 0x68);
	CHECK_EQ(t, mem[0], 0);
	bi = (struct pfvmm_bootinfo *)(mem + PFVMM_BOOT_INFO);
	CHECK_EQ(t, bi->magic, PFVMM_BOOTINFO_MAGIC);
	CHECK_EQ(t, bi->version, PFVMM_BOOTINFO_VERSION);
	CHECK_EQ(t, bi->size, sizeof(*bi));
	CHECK_EQ(t, bi->mem_size, mem_size);
	CHECK_EQ(t, bi->image_start, 0x100000);
	CHECK_EQ(t, bi->image_end, 0x105000);
	CHECK_EQ(t, bi->flags, 0);
	CHECK(t, !strcmp(bi->cmdline, "exit 7"), "cmdline '%s'", bi->cmdline);
	CHECK(t, x86_gva_to_gpa(mem, mem_size, PFVMM_BOOT_PML4, 0x1234567, &gpa) &&
	      gpa == 0x1234567, "walk of 0x1234567 gave 0x%llx", (unsigned long long)gpa);
	CHECK(t, !x86_gva_to_gpa(mem, mem_size, PFVMM_BOOT_PML4, mem_size, &gpa),
	      "address past guest memory is mapped");
	CHECK(t, !x86_gva_to_gpa(mem, mem_size, PFVMM_BOOT_PML4, 1ull << 39, &gpa),
	      "PML4[1] is mapped");
	CHECK(t, !x86_gva_to_gpa(mem, mem_size, mem_size + 4096, 0, &gpa),
	      "walk through a CR3 outside memory");
	CHECK(t, mem[PFVMM_BOOT_LOW_END] == 0x5a, "wrote above the low 1 MiB");
	free(mem);
}

static void test_x86_boot_setup_1g(struct test_ctx *t)
{
	uint64_t mem_size = 1024 * MiB, gpa = 0;
	struct elf_image img = { 0x100000, 0x100000, 0x101000, 1 };
	void *mem = calloc(1, mem_size);

	CHECK(t, mem != NULL, "no memory for the test");
	if (!mem)
		return;
	CHECK_EQ(t, x86_boot_setup(mem, mem_size, &img, NULL), 0);
	check_tables(t, mem, mem_size);
	CHECK_EQ(t, *u64_at(mem, PFVMM_BOOT_PDPT + 8), 0);
	CHECK(t, x86_gva_to_gpa(mem, mem_size, PFVMM_BOOT_PML4, mem_size - 1, &gpa) &&
	      gpa == mem_size - 1, "last byte not mapped");
	free(mem);
}

static void test_x86_boot_setup_bad_sizes(struct test_ctx *t)
{
	struct elf_image img = { 0x100000, 0x100000, 0x101000, 1 };
	static char mem[4 << 20];

	CHECK_EQ(t, x86_boot_setup(mem, 1 * MiB, &img, ""), -EINVAL);
	CHECK_EQ(t, x86_boot_setup(mem, 3 * MiB, &img, ""), -EINVAL);
	CHECK_EQ(t, x86_boot_setup(mem, 7ull << 30, &img, ""), -EINVAL);
}

static void test_x86_long_cmdline_cut(struct test_ctx *t)
{
	struct elf_image img = { 0x100000, 0x100000, 0x101000, 1 };
	static char mem[4 << 20], cmd[400];
	struct pfvmm_bootinfo *bi = (void *)(mem + PFVMM_BOOT_INFO);

	memset(cmd, 'c', sizeof(cmd) - 1);
	CHECK_EQ(t, x86_boot_setup(mem, 4 * MiB, &img, cmd), 0);
	CHECK_EQ(t, strnlen(bi->cmdline, sizeof(bi->cmdline)), sizeof(bi->cmdline) - 1);
}

static void check_flat(struct test_ctx *t, const struct pfvmm_segment *s,
		       const char *name, uint16_t sel, uint32_t ar)
{
	CHECK(t, s->selector == sel && s->base == 0 && s->limit == 0xffffffff &&
	      s->ar == ar, "%s: sel %#x base %#llx limit %#x ar %#x", name,
	      s->selector, (unsigned long long)s->base, s->limit, s->ar);
}

static void test_x86_boot_sregs(struct test_ctx *t)
{
	struct pfvmm_sregs s;
	unsigned int i;

	memset(&s, 0xff, sizeof(s));
	x86_boot_sregs(&s);
	check_flat(t, &s.cs, "cs", 0x08, 0xa09b);
	check_flat(t, &s.ds, "ds", 0x10, 0xc093);
	check_flat(t, &s.es, "es", 0x10, 0xc093);
	check_flat(t, &s.fs, "fs", 0x10, 0xc093);
	check_flat(t, &s.gs, "gs", 0x10, 0xc093);
	check_flat(t, &s.ss, "ss", 0x10, 0xc093);
	CHECK(t, s.tr.selector == 0x18 && s.tr.base == 0 && s.tr.limit == 0x67 &&
	      s.tr.ar == 0x8b, "tr: sel %#x limit %#x ar %#x", s.tr.selector,
	      s.tr.limit, s.tr.ar);
	CHECK(t, s.ldt.selector == 0 && s.ldt.ar == 0x10000, "ldt ar %#x", s.ldt.ar);
	CHECK_EQ(t, s.gdt.base, PFVMM_BOOT_GDT);
	CHECK_EQ(t, s.gdt.limit, 39);
	CHECK_EQ(t, s.idt.base, 0);
	CHECK_EQ(t, s.idt.limit, 0);
	CHECK_EQ(t, s.cr0, 0x80050033);
	CHECK_EQ(t, s.cr3, 0x1000);
	CHECK_EQ(t, s.cr4, 0x20);
	CHECK_EQ(t, s.efer, 0x500);
	CHECK_EQ(t, s.cr2, 0);
	for (i = 0; i < 8; i++)
		CHECK_EQ(t, s.reserved[i], 0);
	CHECK_EQ(t, s.cs.pad[0] | s.cs.pad[1] | s.cs.pad[2], 0);
}

static void test_x86_boot_regs(struct test_ctx *t)
{
	struct pfvmm_regs r;

	memset(&r, 0xff, sizeof(r));
	x86_boot_regs(&r, 0x100abc);
	CHECK_EQ(t, r.rip, 0x100abc);
	CHECK_EQ(t, r.rsp, 0x80000);
	CHECK_EQ(t, r.rflags, 0x2);
	CHECK_EQ(t, r.rdi, 0x9000);
	CHECK_EQ(t, r.rax | r.rbx | r.rcx | r.rdx | r.rsi | r.rbp | r.r8 | r.r15, 0);
}

/* The launcher's tables stay below the boot info and the image area. */
static void test_x86_layout(struct test_ctx *t)
{
	CHECK(t, PFVMM_BOOT_GDT + X86_GDT_ENTRIES * 8 <= PFVMM_BOOT_PML4, "GDT overlaps");
	CHECK(t, PFVMM_BOOT_TSS + 0x68 <= PFVMM_BOOT_GDT, "TSS overlaps the GDT");
	CHECK(t, PFVMM_BOOT_PD + PFVMM_BOOT_PD_MAX * 4096 <= PFVMM_BOOT_INFO,
	      "PDs overlap the boot info");
	CHECK(t, PFVMM_BOOT_INFO + sizeof(struct pfvmm_bootinfo) < PFVMM_BOOT_STACK_TOP,
	      "boot info overlaps the stack");
	CHECK(t, PFVMM_BOOT_STACK_TOP <= PFVMM_BOOT_LOW_END, "stack above 1 MiB");
}

void run_x86_tests(void)
{
	RUN_TEST(test_x86_gdt_encoding);
	RUN_TEST(test_x86_boot_setup_32m);
	RUN_TEST(test_x86_boot_setup_1g);
	RUN_TEST(test_x86_boot_setup_bad_sizes);
	RUN_TEST(test_x86_long_cmdline_cut);
	RUN_TEST(test_x86_boot_sregs);
	RUN_TEST(test_x86_boot_regs);
	RUN_TEST(test_x86_layout);
}
