// SPDX-License-Identifier: GPL-2.0
/*
 * linux-fault - the fault benchmark's workloads as Linux processes.
 *
 * The pv guest kernel (guest/kernel/work.c) runs its workloads in ring 3
 * of a kernel of our own; this program runs the same workloads as an
 * ordinary process of a real Linux kernel, so that one kernel can be
 * measured with no VMM (the emulated machine's own kernel), inside a
 * Linux guest under pfvmm and inside the same guest under KVM.  Each
 * workload prints one line in the guest's format,
 *
 *   result workload=W pages=N faults=F data=ok|BAD cycles=C fault_cycles=T ops=K
 *
 * where fault_cycles is rdtsc around the faulting loop only (as the guest's
 * SYS_TIMED phases), cycles the whole workload with its data checks,
 * faults the ru_minflt of getrusage() over the timed loop (the child's for
 * cow, the children's and ours for forkexec) and ops the operations timed
 * (pages touched, system calls, fork+exec rounds).  Workloads:
 *
 *   touch     first write to N pages of a fresh anonymous mapping
 *   cow       fork; the child writes one word of each of N shared pages
 *   remap     touch N pages, munmap, mmap again, touch again (2N faults)
 *   sparse    one page per 2 MiB (each fault needs a page-table page)
 *   reaccess  4 read passes over N prefaulted pages (no faults)
 *   exit      N getppid() calls: the system-call baseline
 *   stosb     rep stosb over N prefaulted pages (no faults): the cost of
 *             the instruction Linux zeroes pages with on ERMS CPUs
 *   forkexec  fork + exec of this (static) program, -f times
 *   run       -- CMD ARGS...: run CMD and report its children's faults
 *             and the cycles it took (for stress-ng), data=ok when it
 *             exited 0; printed as workload=NAME with -n NAME, pages=PAGES
 *
 *   linux-fault [-p PAGES] [-f FORKS] [-n NAME] WORKLOAD... [-- CMD ARGS...]
 *
 * Anonymous mappings are MADV_NOHUGEPAGE: every 4 KiB page faults once, as
 * in the pv guest.  Exit status: 0 when every workload's data was right,
 * 1 when one was not, 2 on bad usage or a failed system call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

#define PAGE		4096ul
#define WORDS		(PAGE / sizeof(uint64_t))
#define STRIDE		8		/* words between pattern words */
#define SPARSE_STEP	(2ul << 20)
#define SALT_A		0x5a5a00000000a5a5ull
#define SALT_B		0x3c3c00000000c3c3ull
#define SALT_R		0x0f0f00000000f0f0ull
#define CHILD_ARG	"--exec-child"
#define CHILD_TOKEN	"linux-fault-child-ok"

/* What one workload measured. */
struct result {
	uint64_t fault_cycles;	/* the timed (faulting) loops */
	uint64_t faults;	/* ru_minflt over the timed loops */
	uint64_t ops;		/* pages, calls or rounds timed */
	int bad;		/* the data check failed */
};

struct config {
	unsigned long pages;
	unsigned long forks;
	const char *self;	/* our own path, for forkexec */
	const char *label;	/* the workload name "run" prints (-n) */
	char **run_argv;	/* the command of "run" */
};

static void die(const char *what)
{
	fprintf(stderr, "linux-fault: %s: %s\n", what, strerror(errno));
	exit(2);
}

static uint64_t pat(uint64_t i, uint64_t j, uint64_t salt)
{
	return (i << 32) ^ (j * 0x9e3779b97f4a7c15ull) ^ salt;
}

static uint64_t minflt(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru))
		die("getrusage");
	return (uint64_t)ru.ru_minflt;
}

/* A fresh anonymous mapping of @len bytes, 4 KiB pages only. */
static volatile uint64_t *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	if (madvise(p, len, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)");
	return p;
}

static void unmap(volatile uint64_t *p, size_t len)
{
	if (munmap((void *)p, len))
		die("munmap");
}

/* Fill every STRIDE-th word of @n pages @step bytes apart: timed. */
static void fill_timed(volatile uint64_t *base, size_t step, unsigned long n,
		       uint64_t salt, struct result *r)
{
	uint64_t f0 = minflt(RUSAGE_SELF), t0, i, j;

	t0 = __rdtsc();
	for (i = 0; i < n; i++) {
		volatile uint64_t *p = base + i * (step / sizeof(uint64_t));

		for (j = 0; j < WORDS; j += STRIDE)
			p[j] = pat(i, j, salt);
	}
	r->fault_cycles += __rdtsc() - t0;
	r->faults += minflt(RUSAGE_SELF) - f0;
	r->ops += n;
}

/* The pattern of fill_timed() and zeroes between: 0 when all are right. */
static int check_filled(volatile uint64_t *base, size_t step, unsigned long n,
			uint64_t salt)
{
	uint64_t i, j;

	for (i = 0; i < n; i++) {
		volatile uint64_t *p = base + i * (step / sizeof(uint64_t));

		for (j = 0; j < WORDS; j++)
			if (p[j] != (j % STRIDE ? 0 : pat(i, j, salt)))
				return 1;
	}
	return 0;
}

static void run_touch(const struct config *c, struct result *r)
{
	volatile uint64_t *p = map_anon(c->pages * PAGE);

	fill_timed(p, PAGE, c->pages, SALT_A, r);
	r->bad = check_filled(p, PAGE, c->pages, SALT_A);
	unmap(p, c->pages * PAGE);
}

static void run_sparse(const struct config *c, struct result *r)
{
	volatile uint64_t *p = map_anon(c->pages * SPARSE_STEP);

	fill_timed(p, SPARSE_STEP, c->pages, SALT_A, r);
	r->bad = check_filled(p, SPARSE_STEP, c->pages, SALT_A);
	unmap(p, c->pages * SPARSE_STEP);
}

/* The second mapping must come back zeroed: check_filled() sees to it. */
static void run_remap(const struct config *c, struct result *r)
{
	size_t len = c->pages * PAGE;
	volatile uint64_t *p = map_anon(len);

	fill_timed(p, PAGE, c->pages, SALT_A, r);
	r->bad = check_filled(p, PAGE, c->pages, SALT_A);
	unmap(p, len);
	p = map_anon(len);
	fill_timed(p, PAGE, c->pages, SALT_B, r);
	r->bad |= check_filled(p, PAGE, c->pages, SALT_B);
	unmap(p, len);
}

static void prefault(volatile uint64_t *p, unsigned long n, uint64_t salt)
{
	uint64_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < WORDS; j++)
			p[i * WORDS + j] = pat(i, j, salt);
}

static void run_reaccess(const struct config *c, struct result *r)
{
	volatile uint64_t *p = map_anon(c->pages * PAGE);
	uint64_t pass, i, j, sum, first = 0, f0, t0;

	prefault(p, c->pages, SALT_R);
	f0 = minflt(RUSAGE_SELF);
	t0 = __rdtsc();
	for (pass = 0; pass < 4; pass++) {
		sum = 0;
		for (i = 0; i < c->pages; i++)
			for (j = 0; j < WORDS; j += STRIDE) {
				uint64_t v = p[i * WORDS + j];

				r->bad |= v != pat(i, j, SALT_R);
				sum += v;
			}
		if (pass == 0)
			first = sum;
		r->bad |= sum != first;
	}
	r->fault_cycles = __rdtsc() - t0;
	r->faults = minflt(RUSAGE_SELF) - f0;
	r->ops = 4 * c->pages;
	unmap(p, c->pages * PAGE);
}

/*
 * rep stosb over N prefaulted pages, one page an op: no faults, only the
 * instruction Linux clears its pages with where the CPU says ERMS
 * (clear_page_erms): what one costs in each place, apart from the fault.
 */
static void run_stosb(const struct config *c, struct result *r)
{
	volatile uint64_t *p = map_anon(c->pages * PAGE);
	uint64_t f0, t0, i, j;

	prefault(p, c->pages, SALT_R);
	f0 = minflt(RUSAGE_SELF);
	t0 = __rdtsc();
	for (i = 0; i < c->pages; i++) {
		void *d = (void *)(p + i * WORDS);
		size_t n = PAGE;

		asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(0) : "memory");
	}
	r->fault_cycles = __rdtsc() - t0;
	r->faults = minflt(RUSAGE_SELF) - f0;
	r->ops = c->pages;
	for (i = 0; i < c->pages; i++)
		for (j = 0; j < WORDS; j++)
			r->bad |= p[i * WORDS + j] != 0;
	unmap(p, c->pages * PAGE);
}

static void run_exit(const struct config *c, struct result *r)
{
	pid_t parent = getppid();
	uint64_t f0 = minflt(RUSAGE_SELF), t0, i;

	t0 = __rdtsc();
	for (i = 0; i < c->pages; i++)
		r->bad |= getppid() != parent;
	r->fault_cycles = __rdtsc() - t0;
	r->faults = minflt(RUSAGE_SELF) - f0;
	r->ops = c->pages;
}

/* The status of child @pid: 0 when it exited 0. */
static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* cow's child: write one word of each shared page, check, report. */
static void cow_child(const struct config *c, volatile uint64_t *p, int fd)
{
	struct result r = { 0 };
	uint64_t f0 = minflt(RUSAGE_SELF), t0, i, j;

	t0 = __rdtsc();
	for (i = 0; i < c->pages; i++)
		p[i * WORDS + (i & (WORDS - 1))] = pat(i, 0, SALT_B);
	r.fault_cycles = __rdtsc() - t0;
	r.faults = minflt(RUSAGE_SELF) - f0;
	r.ops = c->pages;
	for (i = 0; i < c->pages; i++)
		for (j = 0; j < WORDS; j++)
			r.bad |= p[i * WORDS + j] !=
				 (j == (i & (WORDS - 1)) ? pat(i, 0, SALT_B) : pat(i, j, SALT_R));
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(3);
	_exit(0);
}

/* The parent's pages must still hold what they held before the fork. */
static void run_cow(const struct config *c, struct result *r)
{
	volatile uint64_t *p = map_anon(c->pages * PAGE);
	int fds[2];
	pid_t pid;

	prefault(p, c->pages, SALT_R);
	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		cow_child(c, p, fds[1]);
	close(fds[1]);
	if (read(fds[0], r, sizeof(*r)) != (ssize_t)sizeof(*r))
		r->bad = 1;
	close(fds[0]);
	r->bad |= reap(pid);
	for (uint64_t i = 0; i < c->pages && !r->bad; i++)
		for (uint64_t j = 0; j < WORDS; j++)
			r->bad |= p[i * WORDS + j] != pat(i, j, SALT_R);
	unmap(p, c->pages * PAGE);
}

/* fork, exec @argv, wait: 0 when the program exited 0. */
static int spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return reap(pid);
}

/* Faults of the children (waited for) and ours over the loop. */
static void run_forkexec(const struct config *c, struct result *r)
{
	char *argv[] = { (char *)c->self, CHILD_ARG, CHILD_TOKEN, NULL };
	uint64_t s0 = minflt(RUSAGE_SELF), k0 = minflt(RUSAGE_CHILDREN), t0, i;

	t0 = __rdtsc();
	for (i = 0; i < c->forks; i++)
		r->bad |= spawn(argv);
	r->fault_cycles = __rdtsc() - t0;
	r->faults = minflt(RUSAGE_SELF) - s0 + minflt(RUSAGE_CHILDREN) - k0;
	r->ops = c->forks;
}

/* run -- CMD...: the command's status decides data=ok. */
static void run_command(const struct config *c, struct result *r)
{
	uint64_t k0 = minflt(RUSAGE_CHILDREN), t0;

	if (!c->run_argv || !c->run_argv[0]) {
		fprintf(stderr, "linux-fault: run wants -- CMD [ARGS...]\n");
		exit(2);
	}
	t0 = __rdtsc();
	r->bad = spawn(c->run_argv);
	r->fault_cycles = __rdtsc() - t0;
	r->faults = minflt(RUSAGE_CHILDREN) - k0;
	r->ops = 1;
}

struct workload {
	const char *name;
	void (*run)(const struct config *c, struct result *r);
};

static const struct workload workloads[] = {
	{ "touch", run_touch },
	{ "cow", run_cow },
	{ "remap", run_remap },
	{ "sparse", run_sparse },
	{ "reaccess", run_reaccess },
	{ "exit", run_exit },
	{ "stosb", run_stosb },
	{ "forkexec", run_forkexec },
	{ "run", run_command },
};

static const struct workload *workload_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(workloads[i].name, name))
			return &workloads[i];
	return NULL;
}

static int workload_run(const struct workload *w, const struct config *c)
{
	struct result r = { 0 };
	unsigned long pages = !strcmp(w->name, "forkexec") ? c->forks : c->pages;
	const char *name = !strcmp(w->name, "run") && c->label ? c->label : w->name;
	uint64_t t0 = __rdtsc(), cycles;

	w->run(c, &r);
	cycles = __rdtsc() - t0;
	printf("result workload=%s pages=%lu faults=%llu data=%s cycles=%llu "
	       "fault_cycles=%llu ops=%llu\n", name, pages,
	       (unsigned long long)r.faults, r.bad ? "BAD" : "ok",
	       (unsigned long long)cycles, (unsigned long long)r.fault_cycles,
	       (unsigned long long)r.ops);
	fflush(stdout);
	return r.bad;
}

static unsigned long number(const char *s, const char *opt)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !v || v > (1ul << 20)) {
		fprintf(stderr, "linux-fault: %s wants a number from 1 to 1048576, not '%s'\n",
			opt, s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: linux-fault [-p PAGES] [-f FORKS] [-n NAME] WORKLOAD... "
		"[-- CMD ARGS...]\n"
		"workloads: touch cow remap sparse reaccess exit stosb forkexec run\n");
	exit(2);
}

/* Options first, then workloads; "--" ends them (run's command follows). */
static int parse(int argc, char **argv, struct config *c)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--"))
			break;
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "-p"))
			c->pages = number(argv[i + 1], "-p");
		else if (!strcmp(argv[i], "-f"))
			c->forks = number(argv[i + 1], "-f");
		else if (!strcmp(argv[i], "-n"))
			c->label = argv[i + 1];
		else
			usage();
	}
	return i;
}

int main(int argc, char **argv)
{
	struct config c = { .pages = 4096, .forks = 100 };
	const struct workload *w;
	int i, first, last, bad = 0;
	static char self[4096];
	ssize_t n;

	if (argc == 3 && !strcmp(argv[1], CHILD_ARG))
		return strcmp(argv[2], CHILD_TOKEN) != 0;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		die("readlink /proc/self/exe");
	c.self = self;
	first = parse(argc, argv, &c);
	for (last = first; last < argc && strcmp(argv[last], "--"); last++)
		;
	if (last < argc)
		c.run_argv = &argv[last + 1];
	if (first == last)
		usage();
	for (i = first; i < last; i++)
		if (!workload_find(argv[i])) {
			fprintf(stderr, "linux-fault: unknown workload '%s'\n", argv[i]);
			usage();
		}
	for (i = first; i < last; i++) {
		w = workload_find(argv[i]);
		bad |= workload_run(w, &c);
	}
	return bad;
}
