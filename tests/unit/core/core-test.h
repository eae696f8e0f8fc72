/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests of kmod/core/: a tiny test runner and a guest memory made of
 * a plain array of frames.  Included by the test files (not by the fuzzers,
 * which have their own memory).
 */
#ifndef PFVMM_CORE_TEST_H
#define PFVMM_CORE_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#define GM_FRAMES	64
#define GM_NOFAIL	(~0ULL)

struct gmem {
	__u64 mem[GM_FRAMES][512];	/* GM_FRAMES x 4096 bytes */
	__u64 nframes;			/* frames reachable (<= GM_FRAMES) */
	bool prot[GM_FRAMES];		/* protect() state per frame */
	unsigned int protect_calls;
	unsigned long reads, writes;
	/* One-shot failure injection: the read/write of this gpa fails. */
	__u64 fail_read_gpa, fail_write_gpa;
	/* Or: every read from the N-th from now on (1-based) fails, until
	 * cleared; 0 = never. */
	unsigned long fail_read_nth;
	bool failing;
	int fail_err;
	bool protect_error;		/* protect() called twice the same way */
	/* Frames the launcher wrote through its own mapping while typed. */
	bool tampered[GM_FRAMES];
	/*
	 * A racing write by another vCPU: at the race_at-th read or protect()
	 * call from now on (1-based; 0 = none), race_val is stored at
	 * race_gpa unless the frame is write-protected by then (the EPT stops
	 * a guest write: race_refused).  protect() ticks before it acts.
	 */
	unsigned long race_at, race_calls;
	__u64 race_gpa, race_val;
	bool race_landed, race_refused;
	/* Shadows allocated and not freed; the next allocation fails. */
	long shadows;
	bool fail_alloc;
};

extern struct gmem gm;

void gm_reset(void);
int gm_read(void *ctx, __u64 gpa, __u64 *val);
int gm_write(void *ctx, __u64 gpa, __u64 val);
void gm_protect(void *ctx, __u64 frame, bool table);
__u64 *gm_alloc_shadow(void *ctx);
void gm_free_shadow(void *ctx, __u64 *shadow);
/* The launcher's store through its own mapping: never write-protected. */
void gm_launcher_write(__u64 frame, unsigned int index, __u64 val);

/* The runner. */
extern int t_failed;
extern char t_why[512];
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(c) do {							\
	if (!(c)) {							\
		t_fail(__FILE__, __LINE__, "%s", #c);			\
		return;							\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		t_fail(__FILE__, __LINE__, "%s == %lld, want %s == %lld",\
		       #a, _a, #b, _b);					\
		return;							\
	}								\
} while (0)

struct t_case {
	const char *name;
	void (*fn)(void);
};

#define T_LIST_END { NULL, NULL }

extern const struct t_case gpt_tests[];
extern const struct t_case pvmmu_tests[];
void pvmmu_teardown(void);	/* frees what the last pvmmu test left */

#endif
