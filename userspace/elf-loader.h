/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest ELF loader: checks a whole ELF64 x86-64 executable against the
 * guest memory it is going into, then copies its PT_LOAD segments in.
 * No VMM calls here, so the launcher, tests/unit and tests/vm share it.
 */
#ifndef PFVMM_ELF_LOADER_H
#define PFVMM_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MSG_MAX	200

enum elf_error {
	ELF_OK = 0,
	ELF_ERR_TRUNCATED,	/* shorter than an ELF header */
	ELF_ERR_MAGIC,		/* not an ELF file */
	ELF_ERR_CLASS,		/* not ELFCLASS64 */
	ELF_ERR_DATA,		/* not little-endian */
	ELF_ERR_VERSION,	/* not EV_CURRENT */
	ELF_ERR_TYPE,		/* not ET_EXEC */
	ELF_ERR_MACHINE,	/* not EM_X86_64 */
	ELF_ERR_PHDRS,		/* program header table missing or outside the file */
	ELF_ERR_NO_LOAD,	/* no PT_LOAD segment */
	ELF_ERR_SEG_SIZE,	/* p_filesz > p_memsz */
	ELF_ERR_SEG_FILE,	/* p_offset + p_filesz outside the file */
	ELF_ERR_SEG_OVERFLOW,	/* p_paddr + p_memsz wraps around */
	ELF_ERR_SEG_LOW,	/* segment inside the launcher's low 1 MiB */
	ELF_ERR_SEG_HIGH,	/* segment beyond the end of guest memory */
	ELF_ERR_SEG_VADDR,	/* p_vaddr != p_paddr: not identity-mapped */
	ELF_ERR_ENTRY,		/* e_entry not inside a PT_LOAD segment */
	ELF_ERR_COUNT
};

/* What was loaded: filled by elf_load() on success. */
struct elf_image {
	uint64_t entry;		/* e_entry */
	uint64_t start;		/* lowest GPA of any PT_LOAD */
	uint64_t end;		/* one past the highest byte (bss included) */
	unsigned int nr_loads;	/* PT_LOAD segments with p_memsz != 0 */
};

/* Where it goes: guest memory from GPA 0, and the lowest loadable GPA. */
struct elf_target {
	void *mem;
	uint64_t mem_size;
	uint64_t min_addr;	/* PFVMM_BOOT_LOW_END for the launcher */
};

int elf_check(const void *file, size_t size, const struct elf_target *tgt,
	      struct elf_image *img, char *msg, size_t msglen);
int elf_load(const void *file, size_t size, const struct elf_target *tgt,
	     struct elf_image *img, char *msg, size_t msglen);
int elf_file_read(const char *path, void **buf, size_t *size);
const char *elf_error_name(int err);

#endif /* PFVMM_ELF_LOADER_H */
