// SPDX-License-Identifier: GPL-2.0
/*
 * pvkernel frames: guest-physical pages for page tables, user data, the
 * pool and the tests.  A bump allocator over the memory after the image
 * (and after what the launcher put there, bootinfo->image_end), up to
 * the guest's memory size, plus a free list of what came back.  The
 * direct map is the identity, so a frame's address is also a pointer.
 */
#include "pvkernel.h"

extern char __image_end[];

static uint64_t next_free, mem_end;
#define FREE_MAX	4096
static uint64_t free_list[FREE_MAX];
static unsigned int nr_free;

void frames_init(const struct pfvmm_bootinfo *bi)
{
	uint64_t start = (uint64_t)__image_end;

	if (bi->image_end > start)
		start = bi->image_end;
	next_free = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	mem_end = bi->mem_size;
}

uint64_t frames_mem_size(void)
{
	return mem_end;
}

uint64_t frame_alloc(void)
{
	if (nr_free)
		return free_list[--nr_free];
	if (next_free >= mem_end) {
		printk("pvkernel: out of guest memory (%lu MiB)\n",
		       (unsigned long)(mem_end >> 20));
		shutdown(6);
	}
	next_free += PAGE_SIZE;
	return next_free - PAGE_SIZE;
}

void frame_free(uint64_t pa)
{
	if (nr_free < FREE_MAX)
		free_list[nr_free++] = pa;
}
