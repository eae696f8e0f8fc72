// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the guest ELF loader (userspace/elf-loader.c): a hand-built
 * valid image, the real guest/hello.elf, and one corrupt header per check
 * the loader makes.  Every rejection is asserted by its exact error code.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pfvmm/bootinfo.h>

#include "elf-loader.h"
#include "test.h"

#define MEM_SIZE	(4u << 20)
#define FILE_SIZE	0x2000
#define TEXT_OFF	0x1000
#define TEXT_ADDR	0x100000
#define TEXT_SIZE	0x100
#define DATA_OFF	0x1100
#define DATA_ADDR	0x200000
#define DATA_FILESZ	0x10
#define DATA_MEMSZ	0x3000
#define FILL		0xaa

/* A valid image: text, data+bss, and a PT_NOTE the loader must ignore. */
struct elf_file {
	unsigned char buf[FILE_SIZE];
	size_t size;
};

static Elf64_Ehdr *ehdr(struct elf_file *f)
{
	return (Elf64_Ehdr *)f->buf;
}

static Elf64_Phdr *phdr(struct elf_file *f, int i)
{
	return (Elf64_Phdr *)(f->buf + sizeof(Elf64_Ehdr)) + i;
}

static void set_phdr(Elf64_Phdr *ph, uint32_t type, uint64_t off, uint64_t addr,
		     uint64_t filesz, uint64_t memsz)
{
	memset(ph, 0, sizeof(*ph));
	ph->p_type = type;
	ph->p_offset = off;
	ph->p_vaddr = ph->p_paddr = addr;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
	ph->p_align = 0x1000;
}

static void make_elf(struct elf_file *f)
{
	Elf64_Ehdr *eh = ehdr(f);
	int i;

	memset(f, 0, sizeof(*f));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TEXT_ADDR + 0x10;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	set_phdr(phdr(f, 0), PT_LOAD, TEXT_OFF, TEXT_ADDR, TEXT_SIZE, TEXT_SIZE);
	set_phdr(phdr(f, 1), PT_NOTE, 0xffffffff00000000ull, 0, 0x1000, 0x1000);
	set_phdr(phdr(f, 2), PT_LOAD, DATA_OFF, DATA_ADDR, DATA_FILESZ, DATA_MEMSZ);
	for (i = 0; i < TEXT_SIZE + DATA_FILESZ; i++)
		f->buf[TEXT_OFF + i] = (unsigned char)(i * 7 + 1);
	f->size = FILE_SIZE;
}

/* Guest memory filled with FILL, so that copies and zeroing show. */
static unsigned char *new_mem(void)
{
	unsigned char *mem = malloc(MEM_SIZE);

	if (mem)
		memset(mem, FILL, MEM_SIZE);
	return mem;
}

static int load(struct elf_file *f, unsigned char *mem, struct elf_image *img,
		char *msg)
{
	struct elf_target tgt = { mem, MEM_SIZE, PFVMM_BOOT_LOW_END };

	return elf_load(f->buf, f->size, &tgt, img, msg, ELF_MSG_MAX);
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	while (n--)
		if (*p++ != v)
			return 0;
	return 1;
}

static void test_elf_valid(struct test_ctx *t)
{
	unsigned char *mem = new_mem();
	char msg[ELF_MSG_MAX] = "";
	struct elf_image img;
	struct elf_file f;
	int err;

	make_elf(&f);
	err = load(&f, mem, &img, msg);
	CHECK(t, err == ELF_OK, "load failed: %s", msg);
	CHECK_EQ(t, img.entry, TEXT_ADDR + 0x10);
	CHECK_EQ(t, img.start, TEXT_ADDR);
	CHECK_EQ(t, img.end, DATA_ADDR + DATA_MEMSZ);
	CHECK_EQ(t, img.nr_loads, 2);
	CHECK(t, !memcmp(mem + TEXT_ADDR, f.buf + TEXT_OFF, TEXT_SIZE), "text not copied");
	CHECK(t, !memcmp(mem + DATA_ADDR, f.buf + DATA_OFF, DATA_FILESZ), "data not copied");
	CHECK(t, all_bytes(mem + DATA_ADDR + DATA_FILESZ, DATA_MEMSZ - DATA_FILESZ, 0),
	      "bss not zeroed");
	CHECK(t, mem[DATA_ADDR + DATA_MEMSZ] == FILL, "wrote past the end of bss");
	CHECK(t, mem[TEXT_ADDR - 1] == FILL && mem[TEXT_ADDR + TEXT_SIZE] == FILL,
	      "wrote outside the text segment");
	CHECK(t, all_bytes(mem, PFVMM_BOOT_LOW_END, FILL), "touched the low 1 MiB");
	free(mem);
}

/* A segment ending exactly at the end of guest memory is fine. */
static void test_elf_segment_at_mem_end(struct test_ctx *t)
{
	unsigned char *mem = new_mem();
	char msg[ELF_MSG_MAX] = "";
	struct elf_image img;
	struct elf_file f;

	make_elf(&f);
	set_phdr(phdr(&f, 2), PT_LOAD, DATA_OFF, MEM_SIZE - 0x1000, 0x10, 0x1000);
	CHECK(t, load(&f, mem, &img, msg) == ELF_OK, "load failed: %s", msg);
	CHECK_EQ(t, img.end, MEM_SIZE);
	free(mem);
}

/* Apply @mutate to a valid image and expect error @want, memory untouched. */
static void expect_error(struct test_ctx *t, void (*mutate)(struct elf_file *f),
			 int want)
{
	unsigned char *mem = new_mem();
	char msg[ELF_MSG_MAX] = "";
	struct elf_image img;
	struct elf_file f;
	int err;

	make_elf(&f);
	mutate(&f);
	err = load(&f, mem, &img, msg);
	CHECK(t, err == want, "got %d (%s: %s), want %d (%s)", err,
	      elf_error_name(err), msg, want, elf_error_name(want));
	CHECK(t, msg[0] != '\0', "no error message");
	CHECK(t, all_bytes(mem, MEM_SIZE, FILL), "guest memory changed on error");
	free(mem);
}

static void m_magic(struct elf_file *f) { f->buf[1] = 'X'; }
static void m_class(struct elf_file *f) { ehdr(f)->e_ident[EI_CLASS] = ELFCLASS32; }
static void m_data(struct elf_file *f) { ehdr(f)->e_ident[EI_DATA] = ELFDATA2MSB; }
static void m_version(struct elf_file *f) { ehdr(f)->e_version = 2; }
static void m_type(struct elf_file *f) { ehdr(f)->e_type = ET_DYN; }
static void m_machine(struct elf_file *f) { ehdr(f)->e_machine = EM_386; }
static void m_phentsize(struct elf_file *f) { ehdr(f)->e_phentsize = 32; }
static void m_phoff(struct elf_file *f) { ehdr(f)->e_phoff = FILE_SIZE - 8; }
static void m_phoff_wrap(struct elf_file *f) { ehdr(f)->e_phoff = ~0ull - 8; }
static void m_phnum0(struct elf_file *f) { ehdr(f)->e_phnum = 0; }
static void m_trunc_hdr(struct elf_file *f) { f->size = 40; }
static void m_trunc_phdrs(struct elf_file *f) { f->size = sizeof(Elf64_Ehdr) + 60; }
static void m_trunc_data(struct elf_file *f) { f->size = DATA_OFF + 4; }
static void m_no_load(struct elf_file *f)
{
	phdr(f, 0)->p_type = PT_NOTE;
	phdr(f, 2)->p_type = PT_NOTE;
}
static void m_filesz(struct elf_file *f) { phdr(f, 2)->p_filesz = DATA_MEMSZ + 1; }
static void m_offset(struct elf_file *f) { phdr(f, 2)->p_offset = FILE_SIZE + 0x1000; }
static void m_offset_wrap(struct elf_file *f) { phdr(f, 2)->p_offset = ~0ull - 4; }
static void m_high(struct elf_file *f)
{
	phdr(f, 2)->p_paddr = phdr(f, 2)->p_vaddr = MEM_SIZE - 0x1000;
}
static void m_beyond(struct elf_file *f)
{
	phdr(f, 2)->p_paddr = phdr(f, 2)->p_vaddr = 0x40000000;
}
static void m_low(struct elf_file *f)
{
	phdr(f, 2)->p_paddr = phdr(f, 2)->p_vaddr = 0x80000;
}
static void m_low_cross(struct elf_file *f)
{
	phdr(f, 2)->p_paddr = phdr(f, 2)->p_vaddr = PFVMM_BOOT_LOW_END - 0x1000;
}
static void m_wrap(struct elf_file *f)
{
	phdr(f, 2)->p_paddr = phdr(f, 2)->p_vaddr = 0xfffffffffffff000ull;
	phdr(f, 2)->p_memsz = 0x2000;
}
static void m_vaddr(struct elf_file *f) { phdr(f, 0)->p_vaddr = 0xffffffff80100000ull; }
static void m_entry(struct elf_file *f) { ehdr(f)->e_entry = 0x300000; }
static void m_entry_end(struct elf_file *f) { ehdr(f)->e_entry = TEXT_ADDR + TEXT_SIZE; }
static void m_entry_low(struct elf_file *f) { ehdr(f)->e_entry = 0x1000; }

static void test_elf_bad_magic(struct test_ctx *t) { expect_error(t, m_magic, ELF_ERR_MAGIC); }
static void test_elf_wrong_class(struct test_ctx *t) { expect_error(t, m_class, ELF_ERR_CLASS); }
static void test_elf_big_endian(struct test_ctx *t) { expect_error(t, m_data, ELF_ERR_DATA); }
static void test_elf_bad_version(struct test_ctx *t) { expect_error(t, m_version, ELF_ERR_VERSION); }
static void test_elf_not_exec(struct test_ctx *t) { expect_error(t, m_type, ELF_ERR_TYPE); }
static void test_elf_wrong_machine(struct test_ctx *t) { expect_error(t, m_machine, ELF_ERR_MACHINE); }
static void test_elf_bad_phentsize(struct test_ctx *t) { expect_error(t, m_phentsize, ELF_ERR_PHDRS); }
static void test_elf_phdrs_beyond_file(struct test_ctx *t) { expect_error(t, m_phoff, ELF_ERR_PHDRS); }
static void test_elf_phoff_overflow(struct test_ctx *t) { expect_error(t, m_phoff_wrap, ELF_ERR_PHDRS); }
static void test_elf_no_phdrs(struct test_ctx *t) { expect_error(t, m_phnum0, ELF_ERR_NO_LOAD); }
static void test_elf_no_load(struct test_ctx *t) { expect_error(t, m_no_load, ELF_ERR_NO_LOAD); }
static void test_elf_truncated_header(struct test_ctx *t) { expect_error(t, m_trunc_hdr, ELF_ERR_TRUNCATED); }
static void test_elf_truncated_phdrs(struct test_ctx *t) { expect_error(t, m_trunc_phdrs, ELF_ERR_PHDRS); }
static void test_elf_truncated_data(struct test_ctx *t) { expect_error(t, m_trunc_data, ELF_ERR_SEG_FILE); }
static void test_elf_filesz_gt_memsz(struct test_ctx *t) { expect_error(t, m_filesz, ELF_ERR_SEG_SIZE); }
static void test_elf_offset_beyond_file(struct test_ctx *t) { expect_error(t, m_offset, ELF_ERR_SEG_FILE); }
static void test_elf_offset_overflow(struct test_ctx *t) { expect_error(t, m_offset_wrap, ELF_ERR_SEG_FILE); }
static void test_elf_segment_past_mem_end(struct test_ctx *t) { expect_error(t, m_high, ELF_ERR_SEG_HIGH); }
static void test_elf_segment_outside_mem(struct test_ctx *t) { expect_error(t, m_beyond, ELF_ERR_SEG_HIGH); }
static void test_elf_segment_in_low_mem(struct test_ctx *t) { expect_error(t, m_low, ELF_ERR_SEG_LOW); }
static void test_elf_segment_below_1m(struct test_ctx *t) { expect_error(t, m_low_cross, ELF_ERR_SEG_LOW); }
static void test_elf_paddr_memsz_overflow(struct test_ctx *t) { expect_error(t, m_wrap, ELF_ERR_SEG_OVERFLOW); }
static void test_elf_vaddr_not_paddr(struct test_ctx *t) { expect_error(t, m_vaddr, ELF_ERR_SEG_VADDR); }
static void test_elf_entry_outside(struct test_ctx *t) { expect_error(t, m_entry, ELF_ERR_ENTRY); }
static void test_elf_entry_at_segment_end(struct test_ctx *t) { expect_error(t, m_entry_end, ELF_ERR_ENTRY); }
static void test_elf_entry_low(struct test_ctx *t) { expect_error(t, m_entry_low, ELF_ERR_ENTRY); }

/* The real guest, as built by guest/Makefile. */
static void test_elf_guest_hello(struct test_ctx *t)
{
	char path[4096], msg[ELF_MSG_MAX] = "";
	struct elf_target tgt = { NULL, MEM_SIZE, PFVMM_BOOT_LOW_END };
	struct elf_image img;
	size_t size;
	void *file;
	int ret;

	snprintf(path, sizeof(path), "%s/hello.elf", guest_dir);
	ret = elf_file_read(path, &file, &size);
	if (ret == -ENOENT) {
		SKIP(t, "%s not built", path);
		return;
	}
	CHECK(t, ret == 0, "reading %s: %s", path, strerror(-ret));
	if (ret)
		return;
	tgt.mem = new_mem();
	ret = elf_load(file, size, &tgt, &img, msg, sizeof(msg));
	CHECK(t, ret == ELF_OK, "%s: %s", path, msg);
	CHECK_EQ(t, img.entry, 0x100000);
	CHECK_EQ(t, img.start, 0x100000);
	CHECK(t, img.end > img.start && img.end < MEM_SIZE, "end 0x%llx",
	      (unsigned long long)img.end);
	/* _start begins with lea boot_stack_top(%rip),%rsp: 48 8d 25 */
	CHECK(t, !memcmp((char *)tgt.mem + img.entry, "\x48\x8d\x25", 3),
	      "entry code not loaded");
	free(tgt.mem);
	free(file);
}

static void test_elf_file_read_errors(struct test_ctx *t)
{
	size_t size;
	void *buf;

	CHECK_EQ(t, elf_file_read("/nonexistent/guest.elf", &buf, &size), -ENOENT);
	CHECK_EQ(t, elf_file_read("/", &buf, &size), -EINVAL);
}

void run_elf_tests(void)
{
	RUN_TEST(test_elf_valid);
	RUN_TEST(test_elf_segment_at_mem_end);
	RUN_TEST(test_elf_guest_hello);
	RUN_TEST(test_elf_bad_magic);
	RUN_TEST(test_elf_wrong_class);
	RUN_TEST(test_elf_big_endian);
	RUN_TEST(test_elf_bad_version);
	RUN_TEST(test_elf_not_exec);
	RUN_TEST(test_elf_wrong_machine);
	RUN_TEST(test_elf_bad_phentsize);
	RUN_TEST(test_elf_phdrs_beyond_file);
	RUN_TEST(test_elf_phoff_overflow);
	RUN_TEST(test_elf_no_phdrs);
	RUN_TEST(test_elf_no_load);
	RUN_TEST(test_elf_truncated_header);
	RUN_TEST(test_elf_truncated_phdrs);
	RUN_TEST(test_elf_truncated_data);
	RUN_TEST(test_elf_filesz_gt_memsz);
	RUN_TEST(test_elf_offset_beyond_file);
	RUN_TEST(test_elf_offset_overflow);
	RUN_TEST(test_elf_segment_past_mem_end);
	RUN_TEST(test_elf_segment_outside_mem);
	RUN_TEST(test_elf_segment_in_low_mem);
	RUN_TEST(test_elf_segment_below_1m);
	RUN_TEST(test_elf_paddr_memsz_overflow);
	RUN_TEST(test_elf_vaddr_not_paddr);
	RUN_TEST(test_elf_entry_outside);
	RUN_TEST(test_elf_entry_at_segment_end);
	RUN_TEST(test_elf_entry_low);
	RUN_TEST(test_elf_file_read_errors);
}
