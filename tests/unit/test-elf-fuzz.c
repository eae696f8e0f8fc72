// SPDX-License-Identifier: GPL-2.0
/*
 * A property test of the ELF loader: thousands of random corruptions of
 * the ELF and program headers of guest/hello.elf (or of a minimal image).
 * Guest memory sits between PROT_NONE guard pages, so any write outside it
 * crashes the test; and whenever the loader accepts a file, everything it
 * reports must lie inside guest memory above 1 MiB.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pfvmm/bootinfo.h>

#include "elf-loader.h"
#include "test.h"

#define FUZZ_MEM	(4u << 20)
#define FUZZ_ROUNDS	20000
#define GUARD		4096

/* xorshift64: reproducible runs, seed printed on failure. */
static uint64_t fuzz_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Guest memory with an inaccessible page on each side. */
static unsigned char *guarded_mem(void)
{
	unsigned char *p = mmap(NULL, FUZZ_MEM + 2 * GUARD, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + GUARD, FUZZ_MEM, PROT_READ | PROT_WRITE))
		return NULL;
	return p + GUARD;
}

/* Flip 1-4 random bytes among the headers, sometimes put an extreme value. */
static void mutate(unsigned char *f, size_t hdr_len, uint64_t *seed)
{
	static const uint64_t extremes[] = {
		0, 1, 0xfff, 0x1000, 0x100000, FUZZ_MEM, FUZZ_MEM - 1,
		0x7fffffffffffffffull, 0xffffffffffffffffull, 0xfffffffffffff000ull,
	};
	int n = 1 + (int)(fuzz_rand(seed) % 4), i;

	for (i = 0; i < n; i++) {
		size_t at = fuzz_rand(seed) % hdr_len;

		if (fuzz_rand(seed) % 4 == 0 && at + 8 <= hdr_len) {
			uint64_t v = extremes[fuzz_rand(seed) % 10];

			memcpy(f + (at & ~7ul), &v, 8);
		} else {
			f[at] = (unsigned char)fuzz_rand(seed);
		}
	}
}

static void check_accepted(struct test_ctx *t, const struct elf_image *img,
			   uint64_t seed)
{
	CHECK(t, img->start >= PFVMM_BOOT_LOW_END && img->end <= FUZZ_MEM &&
	      img->start < img->end, "seed %llu: accepted range 0x%llx-0x%llx",
	      (unsigned long long)seed, (unsigned long long)img->start,
	      (unsigned long long)img->end);
	CHECK(t, img->entry >= img->start && img->entry < img->end,
	      "seed %llu: entry 0x%llx outside 0x%llx-0x%llx", (unsigned long long)seed,
	      (unsigned long long)img->entry, (unsigned long long)img->start,
	      (unsigned long long)img->end);
}

static void test_elf_fuzz_headers(struct test_ctx *t)
{
	unsigned char *mem = guarded_mem(), *file, *copy;
	struct elf_target tgt = { mem, FUZZ_MEM, PFVMM_BOOT_LOW_END };
	char path[4096], msg[ELF_MSG_MAX];
	size_t size, hdr_len;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int round, accepted = 0;

	snprintf(path, sizeof(path), "%s/hello.elf", guest_dir);
	if (!mem || elf_file_read(path, (void **)&file, &size)) {
		SKIP(t, "%s not built", path);
		return;
	}
	hdr_len = sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr);
	if (hdr_len > size)
		hdr_len = size;
	copy = malloc(size);
	for (round = 0; round < FUZZ_ROUNDS && !t->failed; round++) {
		struct elf_image img;
		uint64_t s0 = seed;

		memcpy(copy, file, size);
		mutate(copy, hdr_len, &seed);
		if (elf_load(copy, size - (fuzz_rand(&seed) % 8 == 0 ?
					   fuzz_rand(&seed) % size : 0),
			     &tgt, &img, msg, sizeof(msg)) == ELF_OK) {
			accepted++;
			check_accepted(t, &img, s0);
		}
	}
	CHECK(t, accepted > 0 && accepted < FUZZ_ROUNDS,
	      "accepted %d of %d mutations: the mutator is not doing its job",
	      accepted, FUZZ_ROUNDS);
	free(copy);
	free(file);
	munmap(mem - GUARD, FUZZ_MEM + 2 * GUARD);
}

void run_elf_fuzz_tests(void)
{
	RUN_TEST(test_elf_fuzz_headers);
}
