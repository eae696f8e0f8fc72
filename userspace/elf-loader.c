// SPDX-License-Identifier: GPL-2.0
/*
 * The guest ELF loader.
 *
 * The file is untrusted input: every header field is checked before it is
 * used, all arithmetic on file offsets and guest addresses is done so that
 * it cannot wrap, and nothing is copied into guest memory until the whole
 * file has been checked.  Headers are copied out with memcpy() because the
 * file gives no alignment guarantee.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf-loader.h"

#define ELF_FILE_MAX	(256u << 20)	/* refuse absurdly large files */

static const char *const elf_error_names[ELF_ERR_COUNT] = {
	[ELF_OK]		= "ok",
	[ELF_ERR_TRUNCATED]	= "truncated",
	[ELF_ERR_MAGIC]		= "bad magic",
	[ELF_ERR_CLASS]		= "bad class",
	[ELF_ERR_DATA]		= "bad byte order",
	[ELF_ERR_VERSION]	= "bad version",
	[ELF_ERR_TYPE]		= "bad type",
	[ELF_ERR_MACHINE]	= "bad machine",
	[ELF_ERR_PHDRS]		= "bad program headers",
	[ELF_ERR_NO_LOAD]	= "no loadable segment",
	[ELF_ERR_SEG_SIZE]	= "segment filesz > memsz",
	[ELF_ERR_SEG_FILE]	= "segment outside the file",
	[ELF_ERR_SEG_OVERFLOW]	= "segment address overflow",
	[ELF_ERR_SEG_LOW]	= "segment in the low 1 MiB",
	[ELF_ERR_SEG_HIGH]	= "segment beyond guest memory",
	[ELF_ERR_SEG_VADDR]	= "segment not identity-mapped",
	[ELF_ERR_ENTRY]		= "entry outside the segments",
};

const char *elf_error_name(int err)
{
	if (err < 0 || err >= ELF_ERR_COUNT)
		return "unknown error";
	return elf_error_names[err];
}

static int elf_fail(char *msg, size_t msglen, int err, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !msglen)
		return err;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return err;
}

/* Is [off, off + len) inside a buffer of @size bytes?  Never wraps. */
static bool range_within(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int elf_check_ident(const Elf64_Ehdr *eh, char *msg, size_t msglen)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return elf_fail(msg, msglen, ELF_ERR_MAGIC, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return elf_fail(msg, msglen, ELF_ERR_CLASS,
				"ELF class %u, want ELFCLASS64 (a 64-bit guest)",
				eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return elf_fail(msg, msglen, ELF_ERR_DATA,
				"ELF data encoding %u, want little-endian",
				eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return elf_fail(msg, msglen, ELF_ERR_VERSION,
				"ELF version %u/%u, want %u",
				eh->e_ident[EI_VERSION], eh->e_version, EV_CURRENT);
	return ELF_OK;
}

static int elf_check_header(const Elf64_Ehdr *eh, size_t size, char *msg,
			    size_t msglen)
{
	int err = elf_check_ident(eh, msg, msglen);

	if (err)
		return err;
	if (eh->e_type != ET_EXEC)
		return elf_fail(msg, msglen, ELF_ERR_TYPE,
				"ELF type %u, want ET_EXEC (a static, non-PIE executable)",
				eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return elf_fail(msg, msglen, ELF_ERR_MACHINE,
				"ELF machine %u, want EM_X86_64 (%u)",
				eh->e_machine, EM_X86_64);
	if (eh->e_phnum == 0 || eh->e_phnum == PN_XNUM)
		return elf_fail(msg, msglen, eh->e_phnum ? ELF_ERR_PHDRS : ELF_ERR_NO_LOAD,
				"ELF has %u program headers", eh->e_phnum);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return elf_fail(msg, msglen, ELF_ERR_PHDRS,
				"program header size %u, want %zu",
				eh->e_phentsize, sizeof(Elf64_Phdr));
	if (!range_within(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
		return elf_fail(msg, msglen, ELF_ERR_PHDRS,
				"program header table at 0x%llx (%u entries) beyond the end of the file (%zu bytes)",
				(unsigned long long)eh->e_phoff, eh->e_phnum, size);
	return ELF_OK;
}

static void elf_read_phdr(const void *file, const Elf64_Ehdr *eh, unsigned int i,
			  Elf64_Phdr *ph)
{
	memcpy(ph, (const char *)file + eh->e_phoff + (uint64_t)i * sizeof(*ph),
	       sizeof(*ph));
}

static int elf_check_segment(const Elf64_Phdr *ph, unsigned int i, size_t size,
			     const struct elf_target *tgt, char *msg, size_t msglen)
{
	unsigned long long pa = ph->p_paddr, memsz = ph->p_memsz;

	if (ph->p_filesz > ph->p_memsz)
		return elf_fail(msg, msglen, ELF_ERR_SEG_SIZE,
				"segment %u: p_filesz 0x%llx > p_memsz 0x%llx", i,
				(unsigned long long)ph->p_filesz, memsz);
	if (!range_within(ph->p_offset, ph->p_filesz, size))
		return elf_fail(msg, msglen, ELF_ERR_SEG_FILE,
				"segment %u: file bytes 0x%llx+0x%llx beyond the end of the file (%zu bytes)",
				i, (unsigned long long)ph->p_offset,
				(unsigned long long)ph->p_filesz, size);
	if (pa + memsz < pa)
		return elf_fail(msg, msglen, ELF_ERR_SEG_OVERFLOW,
				"segment %u: p_paddr 0x%llx + p_memsz 0x%llx overflows",
				i, pa, memsz);
	if (ph->p_vaddr != ph->p_paddr)
		return elf_fail(msg, msglen, ELF_ERR_SEG_VADDR,
				"segment %u: p_vaddr 0x%llx != p_paddr 0x%llx (guest memory is identity-mapped)",
				i, (unsigned long long)ph->p_vaddr, pa);
	if (pa < tgt->min_addr)
		return elf_fail(msg, msglen, ELF_ERR_SEG_LOW,
				"segment %u: p_paddr 0x%llx below 0x%llx (the low memory belongs to the launcher)",
				i, pa, (unsigned long long)tgt->min_addr);
	if (!range_within(pa, memsz, tgt->mem_size))
		return elf_fail(msg, msglen, ELF_ERR_SEG_HIGH,
				"segment %u: 0x%llx-0x%llx beyond guest memory (%llu MiB)",
				i, pa, pa + memsz,
				(unsigned long long)(tgt->mem_size >> 20));
	return ELF_OK;
}

static void elf_image_add(struct elf_image *img, const Elf64_Phdr *ph)
{
	if (!ph->p_memsz)
		return;
	if (!img->nr_loads || ph->p_paddr < img->start)
		img->start = ph->p_paddr;
	if (!img->nr_loads || ph->p_paddr + ph->p_memsz > img->end)
		img->end = ph->p_paddr + ph->p_memsz;
	img->nr_loads++;
}

static bool elf_entry_in(const Elf64_Phdr *ph, uint64_t entry)
{
	return entry >= ph->p_paddr && entry - ph->p_paddr < ph->p_memsz;
}

static int elf_check_segments(const void *file, size_t size, const Elf64_Ehdr *eh,
			      const struct elf_target *tgt, struct elf_image *img,
			      char *msg, size_t msglen)
{
	bool entry_ok = false;
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		int err;

		elf_read_phdr(file, eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		err = elf_check_segment(&ph, i, size, tgt, msg, msglen);
		if (err)
			return err;
		elf_image_add(img, &ph);
		entry_ok |= elf_entry_in(&ph, eh->e_entry);
	}
	if (!img->nr_loads)
		return elf_fail(msg, msglen, ELF_ERR_NO_LOAD,
				"no PT_LOAD segment with a non-zero size");
	if (!entry_ok)
		return elf_fail(msg, msglen, ELF_ERR_ENTRY,
				"entry point 0x%llx is not inside a loadable segment",
				(unsigned long long)eh->e_entry);
	return ELF_OK;
}

/**
 * elf_check() - check an ELF file against the guest memory it would go into
 * @file, @size: the whole file
 * @tgt: guest memory (only its size and min_addr are used)
 * @img: filled with the entry point and the loaded range
 * @msg: a human-readable reason on failure (may be NULL)
 *
 * Return: ELF_OK, or the first enum elf_error found.
 */
int elf_check(const void *file, size_t size, const struct elf_target *tgt,
	      struct elf_image *img, char *msg, size_t msglen)
{
	Elf64_Ehdr eh;
	int err;

	memset(img, 0, sizeof(*img));
	if (size < sizeof(eh))
		return elf_fail(msg, msglen, ELF_ERR_TRUNCATED,
				"file too short for an ELF header (%zu bytes)", size);
	memcpy(&eh, file, sizeof(eh));
	err = elf_check_header(&eh, size, msg, msglen);
	if (err)
		return err;
	err = elf_check_segments(file, size, &eh, tgt, img, msg, msglen);
	if (err)
		return err;
	img->entry = eh.e_entry;
	return ELF_OK;
}

/**
 * elf_load() - check an ELF file, then copy its PT_LOAD segments into guest
 * memory at p_paddr and zero their bss parts
 *
 * Guest memory is untouched unless the whole file passes elf_check().
 * Return: ELF_OK or an enum elf_error, as elf_check().
 */
int elf_load(const void *file, size_t size, const struct elf_target *tgt,
	     struct elf_image *img, char *msg, size_t msglen)
{
	Elf64_Ehdr eh;
	unsigned int i;
	int err;

	err = elf_check(file, size, tgt, img, msg, msglen);
	if (err)
		return err;
	memcpy(&eh, file, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		char *dst;
		Elf64_Phdr ph;

		elf_read_phdr(file, &eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		dst = (char *)tgt->mem + ph.p_paddr;
		memcpy(dst, (const char *)file + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
	}
	return ELF_OK;
}

static int read_all(int fd, void *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, (char *)buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* the file shrank under us */
		done += (size_t)n;
	}
	return 0;
}

static int elf_file_size(int fd, size_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size > ELF_FILE_MAX)
		return -EFBIG;
	*size = (size_t)st.st_size;
	return 0;
}

/**
 * elf_file_read() - read a whole regular file into a malloc()ed buffer
 *
 * Return: 0, or -errno (-EINVAL: not a regular file; -EFBIG: over 256 MiB).
 */
int elf_file_read(const char *path, void **buf, size_t *size)
{
	void *data;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = elf_file_size(fd, size);
	if (ret)
		goto out_close;
	data = malloc(*size ? *size : 1);
	if (!data) {
		ret = -ENOMEM;
		goto out_close;
	}
	ret = read_all(fd, data, *size);
	if (ret) {
		free(data);
		goto out_close;
	}
	*buf = data;
out_close:
	close(fd);
	return ret;
}
