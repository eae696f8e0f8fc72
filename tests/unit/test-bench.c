// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of 'pfvmm bench' without the module: its usage errors, the device
 * check, and (with PFVMM_BENCH_RUNNER, a script that prints what
 * 'pfvmm run --stats' prints) the BENCH lines, skips and exit status.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

static char out[OUT_MAX];

static int bench(struct test_ctx *t, const char *const *args,
		 const char *const *env, int want_status, const char *want)
{
	const struct launch_env le = { env, -1 };
	int st = run_launcher_env(args, out, &le);

	CHECK(t, st == want_status, "%s %s: status %d, want %d; output:\n%s",
	      args[0], args[1] ? args[1] : "", st, want_status, out);
	if (want)
		CHECK(t, strstr(out, want) != NULL, "output lacks '%s':\n%s", want, out);
	return st;
}

static const char *guest(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/kernel/pvkernel.elf", guest_dir);
	if (access(path, R_OK))
		snprintf(path, sizeof(path), "%s/hello.elf", guest_dir);
	return path;
}

static void test_bench_help(struct test_ctx *t)
{
	static const char *const a[] = { "bench", "--help", NULL };
	static const char *const h[] = { "help", "bench", NULL };
	static const char *const top[] = { "--help", NULL };

	bench(t, a, NULL, 0, "usage: pfvmm bench [OPTIONS] GUEST.elf");
	bench(t, h, NULL, 0, "--max-mem MB");
	bench(t, top, NULL, 0, "\n  bench ");
}

static void test_bench_usage_errors(struct test_ctx *t)
{
	const char *g = guest();
	const char *const none[] = { "bench", NULL };
	const char *const mode[] = { "bench", "-m", "native,fast", g, NULL };
	const char *const pages[] = { "bench", "-p", "1024 0", g, NULL };
	const char *const reps[] = { "bench", "-r", "x", g, NULL };
	const char *const opt[] = { "bench", "--frobnicate", g, NULL };
	const char *const two[] = { "bench", g, g, NULL };
	const char *const missing[] = { "bench", "/nonexistent.elf", NULL };
	const char *const noval[] = { "bench", g, "-w", NULL };

	bench(t, none, NULL, 2, "no guest given");
	bench(t, mode, NULL, 2, "unknown mode 'fast'");
	bench(t, pages, NULL, 2, "bad page count '0'");
	bench(t, reps, NULL, 2, "bad repetition count 'x'");
	bench(t, opt, NULL, 2, "unknown option '--frobnicate'");
	bench(t, two, NULL, 2, "one guest only");
	bench(t, missing, NULL, 2, "cannot read the guest '/nonexistent.elf'");
	bench(t, noval, NULL, 2, "bad list for --workloads");
}

static void test_bench_no_device(struct test_ctx *t)
{
	static const char *const env[] = { "PFVMM_DEVICE=/nonexistent/pfvmm", NULL };
	const char *const a[] = { "bench", "-m", "native forward", "-w", "touch",
				  "-p", "8", guest(), NULL };

	bench(t, a, env, 1, "module not loaded: run 'modprobe pfvmm'");
	CHECK(t, strstr(out, "no run was possible") != NULL, "no summary:\n%s", out);
	CHECK(t, strstr(out, "BENCH ") == NULL, "a BENCH line without a run:\n%s", out);
}

/* A fake 'pfvmm run --stats': cow's data is bad, the rest is fine. */
static const char fake_runner[] =
	"#!/bin/sh\n"
	"for a; do case $a in workload=*) w=${a#workload=} ;; pages=*) p=${a#pages=} ;; esac; done\n"
	"d=ok; st=0; [ \"$w\" = cow ] && { d=BAD; st=1; }\n"
	"echo \"result workload=$w mode=native pages=$p faults=$p offloaded=0 "
	"data=$d cycles=1000 fault_cycles=400\"\n"
	"echo \"command: pfvmm run $*\"\n"
	"echo 'exit EPT_VIOLATION 3'\n"
	"echo 'exit CPUID 1'\n"
	"echo 'hypercall mmu_update 8'\n"
	"echo 'pf_offloaded 0'\n"
	"echo 'not a counter line'\n"
	"exit $st\n";

static int write_runner(char *path)
{
	int fd = mkstemp(path);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, fake_runner, sizeof(fake_runner) - 1);
	close(fd);
	return (n == (ssize_t)sizeof(fake_runner) - 1 && !chmod(path, 0755)) ? 0 : -1;
}

static void test_bench_lines(struct test_ctx *t)
{
	char runner[] = "/tmp/pfvmm-bench-runner.XXXXXX", env_runner[64];
	const char *const env[] = { "PFVMM_DEVICE=/dev/null", env_runner, NULL };
	const char *const a[] = { "bench", "-m", "native", "-w", "touch,cow,sparse",
				  "-p", "8 300000", "--max-mem", "64", "-H", "0", guest(),
				  NULL };

	if (write_runner(runner)) {
		CHECK(t, 0, "cannot write %s", runner);
		return;
	}
	snprintf(env_runner, sizeof(env_runner), "PFVMM_BENCH_RUNNER=%s", runner);
	/* cow fails (1 run); the 300000-page runs need more than 64 MiB. */
	bench(t, a, env, 1, "BENCH workload=touch pages=8 mode=native hugepages=0 rep=1 status=0 "
	      "mem=34M faults=8 offloaded=0 data=ok cycles=1000 fault_cycles=400 "
	      "exit_EPT_VIOLATION=3 exit_CPUID=1 hc_mmu_update=8 pf_offloaded=0 "
	      "exits_total=4 hc_total=8\n");
	CHECK(t, strstr(out, "BENCH workload=cow pages=8 mode=native hugepages=0 rep=1 status=1 ") != NULL,
	      "no failed cow line:\n%s", out);
	CHECK(t, strstr(out, "bench:   > result workload=cow") != NULL,
	      "the failed run's output is not shown:\n%s", out);
	CHECK(t, strstr(out, "bench: skip touch native pages=300000: needs") != NULL,
	      "no skip for the large size:\n%s", out);
	CHECK(t, strstr(out, "bench: run 5/6 sparse native 8") != NULL,
	      "progress does not count the matrix:\n%s", out);
	CHECK(t, strstr(out, "pages=300000 mode") == NULL, "a skipped run ran:\n%s", out);
	unlink(runner);
}

void run_bench_tests(void)
{
	RUN_TEST(test_bench_help);
	RUN_TEST(test_bench_usage_errors);
	RUN_TEST(test_bench_no_device);
	RUN_TEST(test_bench_lines);
}
