/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal test harness for the host-side unit tests: each test gets a
 * context, records the first failed check with a reason, and is reported
 * as "PASS name" or "FAIL name: why" (or "SKIP name: why").
 */
#ifndef PFVMM_TEST_H
#define PFVMM_TEST_H

#include <stdio.h>

struct test_ctx {
	const char *name;
	int failed;
	int skipped;
	char why[512];
};

#define CHECK(t, cond, ...)						\
	do {								\
		if (!(cond) && !(t)->failed) {				\
			(t)->failed = 1;				\
			snprintf((t)->why, sizeof((t)->why), __VA_ARGS__); \
		}							\
	} while (0)

#define CHECK_EQ(t, got, want)						\
	CHECK(t, (unsigned long long)(got) == (unsigned long long)(want), \
	      "%s = 0x%llx, want 0x%llx (line %d)", #got,		\
	      (unsigned long long)(got), (unsigned long long)(want), __LINE__)

#define SKIP(t, ...)							\
	do {								\
		(t)->skipped = 1;					\
		snprintf((t)->why, sizeof((t)->why), __VA_ARGS__);	\
	} while (0)

typedef void (*test_fn)(struct test_ctx *t);

void run_test(const char *name, test_fn fn);
#define RUN_TEST(fn) run_test(#fn, fn)

/* Set by main(): where the built guests are. */
extern const char *guest_dir;
extern const char *launcher_path;

void run_elf_tests(void);
void run_options_tests(void);
void run_x86_tests(void);
void run_stats_tests(void);
void run_cli_tests(void);
void run_guest_sim_tests(void);
void run_run_loop_tests(void);
void run_elf_fuzz_tests(void);
void run_kvm_convert_tests(void);
void run_ux_tests(void);
void run_bench_tests(void);
void run_cli_table_tests(void);
void run_cli_command_tests(void);
void run_linux_boot_tests(void);
void run_linux_options_tests(void);
void run_dev_pic_tests(void);
void run_dev_pit_tests(void);
void run_dev_uart_tests(void);
void run_dev_rtc_tests(void);
void run_dev_bus_tests(void);
void run_pc_tests(void);

struct run_options;
/* run_options_parse() of a NULL-terminated list (test-options.c). */
int run_parse_words(const char *const *args, struct run_options *o, char *err);

/* What a function run in a child printed (test-run-loop.c). */
#define CHILD_OUT_MAX	8192
struct child_result {
	int status;
	char out[CHILD_OUT_MAX];
	char err[CHILD_OUT_MAX];
};

void child_capture(int (*fn)(const void *arg), const void *arg,
		   struct child_result *r);

#define OUT_MAX 8192

/* How a launcher child runs: extra environment ("NAME=value") and a uid. */
struct launch_env {
	const char *const *env;	/* NULL-terminated, or NULL */
	int uid;		/* >= 0: run as this uid and gid (needs root) */
};

/* The launcher's exit status with @args, stdout+stderr in @out (OUT_MAX). */
int run_launcher_env(const char *const *args, char *out, const struct launch_env *le);

#endif /* PFVMM_TEST_H */
