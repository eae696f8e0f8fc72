// SPDX-License-Identifier: GPL-2.0
/*
 * 'pfvmm bench': the fault benchmark matrix (workloads x sizes x modes x
 * repetitions) on whatever machine this runs on: a real VT-x host with
 * pfvmm.ko loaded, or the emulated machine (bench/run-matrix.sh calls it
 * there).  Every run is a child 'pfvmm run --stats', so a guest that dies
 * costs one row, not the benchmark; its output becomes one BENCH line
 * (bench/report.py turns those into CSV, JSON, Markdown and a plot).
 * The command line and its table are in options-bench.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builtin.h"
#include "hints.h"
#include "options.h"
#include "util.h"
#include "vmm.h"

#define BENCH_OUT_MAX		(1 << 20)	/* bytes of one run's output kept */
#define BENCH_MAX_KV		128

/* One run's counters, in the order they were first seen. */
struct bench_kv {
	char key[64];
	char val[64];
};

struct bench_row {
	struct bench_kv kv[BENCH_MAX_KV];
	int n;
};

/*
 * Guest memory for a run, in MiB: the data frames (sparse and remap need
 * about two per page: a page-table page per fault, two faults per page)
 * plus 32 MiB for the guest kernel, its tables and the offload pool, a
 * multiple of 2 MiB.
 */
static unsigned long bench_mem_mb(const char *workload, unsigned long pages)
{
	unsigned long f = (!strcmp(workload, "sparse") || !strcmp(workload, "remap")) ? 2 : 1;
	unsigned long m = (pages * 4 * f + 1023) / 1024 + 32;

	return (m + 1) / 2 * 2;
}

/* ---- one run ---- */

/* Who runs one guest: this launcher, or $PFVMM_BENCH_RUNNER (for tests). */
static const char *bench_runner(void)
{
	const char *r = getenv("PFVMM_BENCH_RUNNER");

	return r && *r ? r : "/proc/self/exe";
}

/* Run 'pfvmm run ...' with stdout and stderr into @buf; the exit status. */
static int bench_spawn(char *const args[], char *buf, size_t size)
{
	size_t len = 0;
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return 127;
	pid = fork();
	if (pid < 0)
		return 127;
	if (!pid) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execv(bench_runner(), args);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		char drop[4096];
		bool full = len == size - 1;

		n = full ? read(fds[0], drop, sizeof(drop)) :
			   read(fds[0], buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!full)	/* beyond @size bytes the output is dropped */
			len += (size_t)n;
	}
	buf[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static struct bench_kv *bench_find(struct bench_row *r, const char *key)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->kv[i].key, key))
			return &r->kv[i];
	return NULL;
}

static void bench_put(struct bench_row *r, const char *key, const char *val)
{
	struct bench_kv *kv = bench_find(r, key);

	if (!kv) {
		if (r->n == BENCH_MAX_KV)
			return;
		kv = &r->kv[r->n++];
		snprintf(kv->key, sizeof(kv->key), "%s", key);
	}
	snprintf(kv->val, sizeof(kv->val), "%s", val);
}

static bool bench_is_number(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static bool bench_is_name(const char *s)
{
	return *s >= 'a' && *s <= 'z' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

/* "result k=v ...": every pair */
static void bench_parse_result(struct bench_row *r, char *line)
{
	char *save = NULL, *tok, *eq;

	strtok_r(line, " ", &save);
	while ((tok = strtok_r(NULL, " ", &save))) {
		eq = strchr(tok, '=');
		if (eq && eq != tok) {
			*eq = '\0';
			bench_put(r, tok, eq + 1);
		}
	}
}

/* One line of 'pfvmm run --stats' output; sums exits and hypercalls. */
static void bench_parse_line(struct bench_row *r, char *line,
			     unsigned long long *exits, unsigned long long *hcs)
{
	char a[64], b[64], c[64], key[80], extra;
	int n;

	if (!strncmp(line, "result ", 7)) {
		bench_parse_result(r, line);
		return;
	}
	n = sscanf(line, "%63s %63s %63s %c", a, b, c, &extra);
	if (n == 3 && !strcmp(a, "exit") && bench_is_number(c)) {
		snprintf(key, sizeof(key), "exit_%s", b);
		bench_put(r, key, c);
		*exits += strtoull(c, NULL, 10);
	} else if (n == 3 && !strcmp(a, "hypercall") && bench_is_number(c)) {
		snprintf(key, sizeof(key), "%s%s", strncmp(b, "hc_", 3) ? "hc_" : "", b);
		bench_put(r, key, c);
		*hcs += strtoull(c, NULL, 10);
	} else if (n == 2 && bench_is_name(a) && bench_is_number(b)) {
		bench_put(r, a, b);
	} else if (n == 3 && !strcmp(a, "kvm") && bench_is_number(c)) {
		/* KVM's own counters: "kvm vcpu.pf_taken 7" is kvm_vcpu_pf_taken=7 */
		snprintf(key, sizeof(key), "kvm_%s", b);
		key[strcspn(key, ".")] = '_';
		if (bench_is_name(key))
			bench_put(r, key, c);
	}
}

static void bench_parse_output(struct bench_row *r, char *out)
{
	unsigned long long exits = 0, hcs = 0;
	char *save = NULL, *line, num[32];

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		bench_parse_line(r, line, &exits, &hcs);
	if (!bench_find(r, "exits_total")) {
		snprintf(num, sizeof(num), "%llu", exits);
		bench_put(r, "exits_total", num);
	}
	if (!bench_find(r, "hc_total")) {
		snprintf(num, sizeof(num), "%llu", hcs);
		bench_put(r, "hc_total", num);
	}
}

struct bench_run {
	const char *workload, *mode;
	unsigned long pages, mem_mb;
	int rep;
	int hugepages;		/* 1: the run has --hugepages */
};

static void bench_print_line(FILE *f, const struct bench_run *b, int status,
			     struct bench_row *r)
{
	static const char *const skip[] = { "workload", "pages", "mode", "hugepages" };
	static const char *const must[] = { "faults", "data", "cycles" };
	unsigned int k;
	int i;

	for (k = 0; k < ARRAY_SIZE(must); k++)
		if (!bench_find(r, must[k]))
			bench_put(r, must[k], "none");
	fprintf(f, "BENCH workload=%s pages=%lu mode=%s hugepages=%d rep=%d status=%d mem=%luM",
		b->workload, b->pages, b->mode, b->hugepages, b->rep, status, b->mem_mb);
	for (i = 0; i < r->n; i++) {
		for (k = 0; k < ARRAY_SIZE(skip); k++)
			if (!strcmp(r->kv[i].key, skip[k]))
				break;
		if (k == ARRAY_SIZE(skip))
			fprintf(f, " %s=%s", r->kv[i].key, r->kv[i].val);
	}
	fputc('\n', f);
	fflush(f);
}

/*
 * The child's arguments: pfvmm run --stats --mode M --mem S [--hugepages]
 * [--backend kvm] ...
 */
#define BENCH_ARGS_MAX	16
static void bench_args(const struct bench_options *o, const struct bench_run *b,
		       char *args[BENCH_ARGS_MAX], char mem[32], char wl[80], char pg[40])
{
	bool kvm = !strcmp(b->mode, "kvm");
	int a = 0;

	snprintf(mem, 32, "%luM", b->mem_mb);
	snprintf(wl, 80, "workload=%s", b->workload);
	snprintf(pg, 40, "pages=%lu", b->pages);
	args[a++] = "pfvmm";
	args[a++] = "run";
	args[a++] = "--stats";
	args[a++] = "--mode";
	args[a++] = kvm ? "native" : (char *)b->mode;
	args[a++] = "--mem";
	args[a++] = mem;
	if (b->hugepages)
		args[a++] = "--hugepages";
	if (kvm) {
		args[a++] = "--backend";
		args[a++] = "kvm";
	}
	args[a++] = (char *)o->guest;
	args[a++] = "--";
	args[a++] = wl;
	args[a++] = pg;
	args[a] = NULL;
}

/* A failed run's output on stderr, each line marked. */
static void bench_show_output(const char *buf)
{
	const char *p = buf, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		fprintf(stderr, "bench:   > %.*s\n", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

/* One run: its BENCH line on @f; true if it passed (status 0, data=ok). */
static bool bench_one(FILE *f, const struct bench_options *o,
		      const struct bench_run *b, char *buf)
{
	static struct bench_row row;
	char *args[BENCH_ARGS_MAX], mem[32], wl[80], pg[40], *copy;
	struct bench_kv *data;
	bool ok;
	int st;

	bench_args(o, b, args, mem, wl, pg);
	st = bench_spawn(args, buf, BENCH_OUT_MAX);
	memset(&row, 0, sizeof(row));
	copy = strdup(buf);	/* parsing splits it; @buf is kept for errors */
	if (copy)
		bench_parse_output(&row, copy);
	free(copy);
	bench_print_line(f, b, st, &row);
	data = bench_find(&row, "data");
	ok = !st && data && !strcmp(data->val, "ok");
	if (!ok)
		bench_show_output(buf);
	return ok;
}

/* The pfvmm device opens: else say why once, not once per run. */
static bool bench_device_ok(void)
{
	const char *dev = pfvmm_device_path();
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	hint_open_error("pfvmm bench", dev, errno);
	return false;
}

static bool bench_mode_available(const char *mode)
{
	static int device_ok = -1;

	if (strcmp(mode, "kvm")) {
		if (device_ok < 0)
			device_ok = bench_device_ok();
		if (!device_ok)
			fprintf(stderr, "bench: skip mode %s: no pfvmm device\n", mode);
		return device_ok;
	}
	if (!access("/dev/kvm", R_OK | W_OK))
		return true;
	fprintf(stderr, "bench: skip mode kvm: /dev/kvm is missing or not "
		"accessible (modprobe kvm_intel)\n");
	return false;
}

/* ---- the matrix ---- */

struct bench_tally {
	int i, total, ran, failed;
};

/* Every workload, size and repetition of @b's mode and hugepages value. */
static void bench_mode_runs(FILE *f, const struct bench_options *o,
			    struct bench_run *b, char *buf, struct bench_tally *t)
{
	int w, p;

	for (w = 0; w < o->workloads.n; w++)
		for (p = 0; p < o->pages.n; p++) {
			b->workload = o->workloads.item[w];
			b->pages = strtoul(o->pages.item[p], NULL, 10);
			b->mem_mb = bench_mem_mb(b->workload, b->pages);
			if (b->mem_mb > o->max_mem_mb) {
				fprintf(stderr, "bench: skip %s %s pages=%lu: needs %lu MiB, "
					"more than --max-mem %lu\n", b->workload, b->mode,
					b->pages, b->mem_mb, o->max_mem_mb);
				t->i += o->reps;
				continue;
			}
			for (b->rep = 1; b->rep <= o->reps; b->rep++) {
				fprintf(stderr, "bench: run %d/%d %s %s %lu%s\n", ++t->i,
					t->total, b->workload, b->mode, b->pages,
					b->hugepages ? " hugepages" : "");
				t->ran++;
				if (!bench_one(f, o, b, buf))
					t->failed++;
			}
		}
}

static int bench_matrix(FILE *f, const struct bench_options *o, char *buf)
{
	int per_mode = o->workloads.n * o->pages.n * o->reps, m, h;
	struct bench_tally t = { .total = o->hugepages.n * o->modes.n * per_mode };
	struct bench_run b;

	for (h = 0; h < o->hugepages.n; h++)
		for (m = 0; m < o->modes.n; m++) {
			b.hugepages = !strcmp(o->hugepages.item[h], "1");
			b.mode = o->modes.item[m];
			if (!bench_mode_available(b.mode)) {
				t.i += per_mode;
				continue;
			}
			bench_mode_runs(f, o, &b, buf, &t);
		}
	if (!t.ran) {
		fprintf(stderr, "pfvmm bench: no run was possible\n");
		return 1;
	}
	return t.failed > 100 ? 100 : t.failed;
}

/** cmd_bench() - the 'bench' subcommand; returns the process exit status */
int cmd_bench(int argc, char *const argv[])
{
	char err[CLI_ERR_MAX];
	struct bench_options o;
	FILE *f = stdout;
	char *buf;
	int r;

	if (bench_options_parse(argc, argv, &o, err, sizeof(err)))
		return cli_usage_error(&bench_cli, err);
	if (o.help) {
		cli_usage(&bench_cli, stdout);
		return 0;
	}
	if (access(o.guest, R_OK)) {
		snprintf(err, sizeof(err), "cannot read the guest '%s'", o.guest);
		return cli_usage_error(&bench_cli, err);
	}
	buf = malloc(BENCH_OUT_MAX);
	if (!buf) {
		fprintf(stderr, "pfvmm bench: out of memory\n");
		return 1;
	}
	if (o.output) {
		f = fopen(o.output, "w");
		if (!f) {
			fprintf(stderr, "pfvmm bench: cannot write '%s': %s\n",
				o.output, strerror(errno));
			free(buf);
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	r = bench_matrix(f, &o, buf);
	if (f != stdout)
		fclose(f);
	free(buf);
	return r;
}
