// SPDX-License-Identifier: GPL-2.0
/*
 * hostcheck: run a guest ELF on /dev/pfvmm (native mode) with a minimal run
 * loop, and check after every PFVMM_RUN that the module gave this thread
 * back exactly the CPU state it had: the host side of the host-safety
 * tests (the guest side is pvkernel's probe=..., guest/kernel/tests/probe.c).
 *
 *   hostcheck [--gs-base V] [--ldt] [--hwbp ADDR] GUEST.elf [ARGS...]
 *   hostcheck --xmm-neighbour SECONDS
 *
 * Checked around every RUN (each a "host-state violation" if it changed):
 *   - XMM0-15, loaded with a pattern right before the ioctl's SYSCALL and
 *     compared right after it, in one asm block (64-bit build);
 *   - the FS and GS bases (arch_prctl; --gs-base sets ours first);
 *   - the DS, ES, FS, GS selectors; with --ldt an LDT entry is installed
 *     and a data segment register loaded with it (ES in 64-bit mode, where
 *     nothing uses ES; FS in a 32-bit task, where glibc uses ES and GS):
 *     it must still hold it, and LSL must still find the descriptor;
 *   - with --hwbp ADDR a perf hardware write breakpoint on this thread at
 *     ADDR (an address the guest writes): the guest must not take it, so
 *     it finishes with status 0, and it must never count.
 * --xmm-neighbour is the other task on the guest's CPU: until SIGTERM (at
 * most SECONDS) it
 * keeps 0x5151... in XMM0-15 across sched_yield() calls (the guest runs
 * in between) and exits 99 if it ever finds anything else there.
 * Built twice: 64-bit, and -m32 (hostcheck32: compat ioctls, a 32-bit
 * task whose DS/ES must come back as __USER_DS).
 *
 * Prints "hostcheck: runs=N violations=M"; exits with the guest's shutdown
 * status, 99 after a violation, 125 if the guest could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <asm/ldt.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#ifdef __x86_64__
#include <asm/prctl.h>
#endif

#include <pfvmm/bootinfo.h>

#include "testvm.h"

#define GUEST_MEM	(64u << 20)
#define LDT_SEL		0x7	/* index 0, TI = 1 (LDT), RPL 3 */
#define XMM_PATTERN	0x4c61756e63686572ull	/* "Launcher" */

struct host_state {
	uint16_t ds, es, fs, gs;
	uint64_t fs_base, gs_base;
	int ldt_ok;	/* LSL found the LDT descriptor */
};

static int use_ldt;
static unsigned long nr_runs, nr_violations;

#define die testvm_die

static int lsl_ok(uint32_t sel)
{
	uint32_t limit;
	uint8_t ok;

	asm volatile("lsl %2, %0\n\tsetz %1" : "=r"(limit), "=q"(ok) : "r"(sel) : "cc");
	return ok;
}

static void host_state_read(struct host_state *h)
{
	memset(h, 0, sizeof(*h));
	asm volatile("mov %%ds, %0" : "=r"(h->ds));
	asm volatile("mov %%es, %0" : "=r"(h->es));
	asm volatile("mov %%fs, %0" : "=r"(h->fs));
	asm volatile("mov %%gs, %0" : "=r"(h->gs));
#ifdef __x86_64__
	syscall(SYS_arch_prctl, ARCH_GET_FS, &h->fs_base);
	syscall(SYS_arch_prctl, ARCH_GET_GS, &h->gs_base);
#endif
	h->ldt_ok = use_ldt ? lsl_ok(LDT_SEL) : 0;
}

static void violation(const char *what, uint64_t before, uint64_t after)
{
	if (nr_violations++ < 10)
		printf("hostcheck: host-state violation after RUN %lu: %s was 0x%" PRIx64
		       ", now 0x%" PRIx64 "\n", nr_runs, what, before, after);
}

static void host_state_compare(const struct host_state *a,
			       const struct host_state *b)
{
	if (a->ds != b->ds)
		violation("DS", a->ds, b->ds);
	if (a->es != b->es)
		violation("ES", a->es, b->es);
	if (a->fs != b->fs)
		violation("FS", a->fs, b->fs);
	if (a->gs != b->gs)
		violation("GS", a->gs, b->gs);
	if (a->fs_base != b->fs_base)
		violation("FS base", a->fs_base, b->fs_base);
	if (a->gs_base != b->gs_base)
		violation("GS base", a->gs_base, b->gs_base);
	if (a->ldt_ok != b->ldt_ok)
		violation("LDT descriptor found by LSL", a->ldt_ok, b->ldt_ok);
}

#ifdef __x86_64__
#define XMM_MOV2(a, b)	"movdqa " a ", " b "\n\t"
#define XMM_LOAD(p) \
	XMM_MOV2("0x00(%[" p "])", "%%xmm0") XMM_MOV2("0x10(%[" p "])", "%%xmm1") \
	XMM_MOV2("0x20(%[" p "])", "%%xmm2") XMM_MOV2("0x30(%[" p "])", "%%xmm3") \
	XMM_MOV2("0x40(%[" p "])", "%%xmm4") XMM_MOV2("0x50(%[" p "])", "%%xmm5") \
	XMM_MOV2("0x60(%[" p "])", "%%xmm6") XMM_MOV2("0x70(%[" p "])", "%%xmm7") \
	XMM_MOV2("0x80(%[" p "])", "%%xmm8") XMM_MOV2("0x90(%[" p "])", "%%xmm9") \
	XMM_MOV2("0xa0(%[" p "])", "%%xmm10") XMM_MOV2("0xb0(%[" p "])", "%%xmm11") \
	XMM_MOV2("0xc0(%[" p "])", "%%xmm12") XMM_MOV2("0xd0(%[" p "])", "%%xmm13") \
	XMM_MOV2("0xe0(%[" p "])", "%%xmm14") XMM_MOV2("0xf0(%[" p "])", "%%xmm15")
#define XMM_STORE(p) \
	XMM_MOV2("%%xmm0", "0x00(%[" p "])") XMM_MOV2("%%xmm1", "0x10(%[" p "])") \
	XMM_MOV2("%%xmm2", "0x20(%[" p "])") XMM_MOV2("%%xmm3", "0x30(%[" p "])") \
	XMM_MOV2("%%xmm4", "0x40(%[" p "])") XMM_MOV2("%%xmm5", "0x50(%[" p "])") \
	XMM_MOV2("%%xmm6", "0x60(%[" p "])") XMM_MOV2("%%xmm7", "0x70(%[" p "])") \
	XMM_MOV2("%%xmm8", "0x80(%[" p "])") XMM_MOV2("%%xmm9", "0x90(%[" p "])") \
	XMM_MOV2("%%xmm10", "0xa0(%[" p "])") XMM_MOV2("%%xmm11", "0xb0(%[" p "])") \
	XMM_MOV2("%%xmm12", "0xc0(%[" p "])") XMM_MOV2("%%xmm13", "0xd0(%[" p "])") \
	XMM_MOV2("%%xmm14", "0xe0(%[" p "])") XMM_MOV2("%%xmm15", "0xf0(%[" p "])")
#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", \
	"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", \
	"xmm15"

/* SYSCALL @nr with XMM0-15 = @pattern + word index; the words after it. */
static long syscall_keeping_xmm(long nr, long a0, long a1, uint64_t pattern,
				uint64_t after[32])
{
	static uint64_t before[32] __attribute__((aligned(16)));
	long ret;
	int i;

	for (i = 0; i < 32; i++)
		before[i] = pattern + (uint64_t)i;
	asm volatile(XMM_LOAD("b") "syscall\n\t" XMM_STORE("a")
		     : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(0L), [b] "r"(before),
		       [a] "r"(after)
		     : "rcx", "r11", "memory", XMM_CLOBBERS);
	return ret;
}

static long checked_run(int fd)
{
	static uint64_t after[32] __attribute__((aligned(16)));
	long ret = syscall_keeping_xmm(SYS_ioctl, fd, PFVMM_RUN, XMM_PATTERN,
				       after);
	int i;

	for (i = 0; i < 32; i++)
		if (after[i] != XMM_PATTERN + (uint64_t)i) {
			violation("an XMM register word", XMM_PATTERN + (uint64_t)i,
				  after[i]);
			break;
		}
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

#define NEIGHBOUR_PATTERN	0x5151515151515151ull

static volatile sig_atomic_t neighbour_stop;

static void on_sigterm(int sig)
{
	(void)sig;
	neighbour_stop = 1;
}

/*
 * --xmm-neighbour: our XMM registers must survive whatever runs beside us,
 * until SIGTERM or SECONDS have passed.
 */
static int xmm_neighbour(int seconds)
{
	static uint64_t after[32] __attribute__((aligned(16)));
	time_t end = time(NULL) + seconds;
	unsigned long rounds = 0;
	int i;

	signal(SIGTERM, on_sigterm);
	while (!neighbour_stop && time(NULL) < end) {
		syscall_keeping_xmm(SYS_sched_yield, 0, 0, NEIGHBOUR_PATTERN,
				    after);
		rounds++;
		for (i = 0; i < 32; i++)
			if (after[i] != NEIGHBOUR_PATTERN + (uint64_t)i) {
				printf("hostcheck: neighbour: XMM word %d is 0x%" PRIx64
				       " after %lu rounds\n", i, after[i], rounds);
				return 99;
			}
	}
	printf("hostcheck: neighbour: XMM0-15 kept over %lu rounds\n", rounds);
	return 0;
}
#else
static long checked_run(int fd)
{
	return ioctl(fd, PFVMM_RUN, 0);
}

static int xmm_neighbour(int seconds)
{
	(void)seconds;
	fprintf(stderr, "hostcheck: --xmm-neighbour needs the 64-bit build\n");
	return 2;
}
#endif

static void install_ldt(void)
{
	static uint32_t ldt_target[4];
	struct user_desc d = {
		.entry_number = 0,
		.base_addr = (uint32_t)(uintptr_t)ldt_target,
		.limit = sizeof(ldt_target) - 1,
		.seg_32bit = 1,
	};
	uint16_t sel = LDT_SEL;

	if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)))
		die("modify_ldt");
#ifdef __x86_64__
	asm volatile("mov %0, %%es" : : "r"(sel));
#else
	asm volatile("mov %0, %%fs" : : "r"(sel));
#endif
}

static int hwbp_open(uint64_t addr)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = HW_BREAKPOINT_W;
	a.bp_addr = addr;
	a.bp_len = HW_BREAKPOINT_LEN_8;
	a.sample_period = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		die("perf_event_open (hardware breakpoint)");
	return fd;
}

/* One exit, handled; returns -1 to go on, else the status to end with. */
static int handle_exit(struct pfvmm_run *run)
{
	switch (run->exit_reason) {
	case PFVMM_EXIT_CONSOLE:
		fwrite(run->console.buf, 1, run->console.len, stdout);
		return -1;
	case PFVMM_EXIT_IO:
		if (run->io.in)
			run->io.data = ~0ull;
		return -1;
	case PFVMM_EXIT_INTR:
		return -1;
	case PFVMM_EXIT_SHUTDOWN:
		return (int)(run->shutdown.status & 0xff);
	case PFVMM_EXIT_HLT:
		printf("hostcheck: the guest halted\n");
		return 0;
	case PFVMM_EXIT_GUEST_ERROR:
		printf("hostcheck: guest stopped: %s\n", run->guest_error.reason);
		return 126;
	default:
		printf("hostcheck: exit reason %u\n", run->exit_reason);
		return 125;
	}
}

static int run_guest(int vcpu, struct pfvmm_run *run)
{
	struct host_state before, after;
	int st = -1;

	while (st < 0) {
		host_state_read(&before);
		if (checked_run(vcpu) < 0 && errno != EINTR)
			die("RUN");
		host_state_read(&after);
		nr_runs++;
		host_state_compare(&before, &after);
		st = handle_exit(run);
	}
	return st;
}

static int usage(void)
{
	fprintf(stderr, "usage: hostcheck [--gs-base V] [--ldt] [--hwbp ADDR] GUEST.elf [ARGS...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t gs_base = 0, hwbp = 0;
	char cmdline[PFVMM_BOOTINFO_CMDLINE_MAX] = "";
	struct testvm t;
	int i, st, bp_fd = -1;
	uint64_t hits = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--gs-base") && i + 1 < argc)
			gs_base = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--hwbp") && i + 1 < argc)
			hwbp = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--ldt"))
			use_ldt = 1;
		else if (!strcmp(argv[i], "--xmm-neighbour") && i + 1 < argc)
			return xmm_neighbour(atoi(argv[i + 1]));
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	for (int j = i + 1; j < argc; j++) {
		if (j > i + 1)
			strncat(cmdline, " ", sizeof(cmdline) - strlen(cmdline) - 1);
		strncat(cmdline, argv[j], sizeof(cmdline) - strlen(cmdline) - 1);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	testvm_open(&t, argv[i], cmdline, GUEST_MEM);
#ifdef __x86_64__
	if (gs_base && syscall(SYS_arch_prctl, ARCH_SET_GS, gs_base))
		die("ARCH_SET_GS");
#else
	(void)gs_base;	/* a 32-bit task has no 64-bit GS base to set */
#endif
	if (use_ldt)
		install_ldt();
	if (hwbp)
		bp_fd = hwbp_open(hwbp);
	st = run_guest(t.vcpu, t.run);
	if (bp_fd >= 0) {
		if (read(bp_fd, &hits, sizeof(hits)) != sizeof(hits))
			die("read of the breakpoint counter");
		if (hits)
			violation("the host breakpoint's count", 0, hits);
	}
	printf("hostcheck: runs=%lu violations=%lu status=%d%s\n", nr_runs,
	       nr_violations, st, bp_fd >= 0 ? " hwbp=armed" : "");
	return nr_violations ? 99 : st;
}
