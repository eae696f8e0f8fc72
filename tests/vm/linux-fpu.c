// SPDX-License-Identifier: GPL-2.0
/*
 * linux-fpu - run inside a Linux guest (the /init of t-linux-boot.sh):
 * does the vector register file survive the guest kernel and the VMM
 * under it?
 *
 *   linux-fpu [-c] [-r ROUNDS] [-s SYSCALLS]
 *   linux-fpu -m
 *
 * Two processes (a fork) each load every XMM register (every YMM register,
 * all 256 bits, when the guest kernel enabled AVX: CPUID.1:ECX OSXSAVE and
 * AVX, XGETBV(0) with XMM and YMM state on) with values of their own, then
 * in one asm block make SYSCALLS system calls (getppid, every eighth one
 * sched_yield(), so the two processes switch) with a spin between them
 * for timer interrupts to land in, and store the registers back: the
 * registers are live in the CPU across every syscall, context switch,
 * interrupt and VM exit of the block.  C compares them with what went in,
 * for ROUNDS rounds with new values each.  Each process prints
 *   linux-fpu: <ok|FAIL> set=<sse|avx> rounds=R syscalls=N timer_irqs=T
 * (T: IRQ 0's count in /proc/interrupts over the run) and the first
 * mismatch if there is one; the exit status is 0 only if both saw no
 * mismatch and the timer fired during the run.
 *
 * -c (the test's own check that it can fail) flips the low bit of each
 * quadword of XMM7 in the middle of each block: every round must then
 * mismatch.
 * -m only writes 1 to the launcher's boot-milestone port 0x100 (ioperm;
 * docs/api.md): the launcher notes the cycles and exits so far.  /init
 * runs it first.
 */
#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NREGS		16
#define LANE_BYTES	32	/* a YMM register; SSE uses the low 16 */
#define MILESTONE_PORT	0x100
#define SPIN		2000	/* loop turns between two syscalls */

struct regfile {
	uint8_t r[NREGS][LANE_BYTES] __attribute__((aligned(32)));
};

static int corrupt;

static int have_avx(void)
{
	unsigned int a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & bit_OSXSAVE) || !(c & bit_AVX))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static void fill(struct regfile *rf, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	unsigned int i, j;

	for (i = 0; i < NREGS; i++)
		for (j = 0; j < LANE_BYTES; j++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			rf->r[i][j] = (uint8_t)x;
		}
}

/* The body of one block: N syscalls, a spin after each; %edi counts down. */
#define SYSCALL_LOOP							\
	"1:	movl	%%edi, %%eax\n"					\
	"	andl	$7, %%eax\n"					\
	"	movl	$110, %%eax\n"	/* getppid */			\
	"	jnz	2f\n"						\
	"	movl	$24, %%eax\n"	/* sched_yield */		\
	"2:	syscall\n"						\
	"	movl	%[spin], %%ecx\n"				\
	"3:	decl	%%ecx\n"					\
	"	jnz	3b\n"						\
	"	cmpl	%%edi, %[mid]\n"				\
	"	jne	4f\n"						\
	"	cmpl	$0, %[corrupt]\n"				\
	"	je	4f\n"						\
	"	pcmpeqd	%%xmm15, %%xmm15\n"	/* -c: XMM7 ^= 1:1 */	\
	"	psrlq	$63, %%xmm15\n"					\
	"	pxor	%%xmm15, %%xmm7\n"				\
	"	movdqa	15*32(%[in]), %%xmm15\n"	/* XMM15 back */	\
	"4:	decl	%%edi\n"					\
	"	jnz	1b\n"

#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", \
	"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", \
	"xmm15"

static void block_sse(const struct regfile *in, struct regfile *out, int n)
{
	__asm__ volatile(
		".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		"	movdqa	\\r*32(%[in]), %%xmm\\r\n"
		".endr\n"
		SYSCALL_LOOP
		".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		"	movdqa	%%xmm\\r, \\r*32(%[out])\n"
		".endr\n"
		: "+D"(n)
		: [in] "r"(in), [out] "r"(out), [spin] "i"(SPIN),
		  [mid] "r"(n / 2), [corrupt] "m"(corrupt)
		: "rax", "rcx", "r11", "memory", "cc", XMM_CLOBBERS);
}

static void block_avx(const struct regfile *in, struct regfile *out, int n)
{
	__asm__ volatile(
		".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		"	vmovdqa	\\r*32(%[in]), %%ymm\\r\n"
		".endr\n"
		SYSCALL_LOOP
		".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
		"	vmovdqa	%%ymm\\r, \\r*32(%[out])\n"
		".endr\n"
		"	vzeroupper\n"
		: "+D"(n)
		: [in] "r"(in), [out] "r"(out), [spin] "i"(SPIN),
		  [mid] "r"(n / 2), [corrupt] "m"(corrupt)
		: "rax", "rcx", "r11", "memory", "cc", XMM_CLOBBERS);
}

/* The first byte that differs, or -1. */
static int compare(const struct regfile *a, const struct regfile *b, int lanes,
		   int *reg)
{
	int i, j;

	for (i = 0; i < NREGS; i++)
		for (j = 0; j < lanes; j++)
			if (a->r[i][j] != b->r[i][j]) {
				*reg = i;
				return j;
			}
	return -1;
}

/* IRQ 0's count ("  0:  N  IO-APIC/XT-PIC ... timer"), or -1. */
static long timer_irqs(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[256];
	long n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " 0: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* One process's rounds; returns the number of rounds that mismatched. */
static int run_rounds(int avx, int rounds, int syscalls, uint32_t seed)
{
	static struct regfile in, out;
	int lanes = avx ? 32 : 16, bad = 0, r, reg, byte;

	for (r = 0; r < rounds; r++) {
		fill(&in, seed + (uint32_t)r);
		memset(&out, 0, sizeof(out));
		if (avx)
			block_avx(&in, &out, syscalls);
		else
			block_sse(&in, &out, syscalls);
		byte = compare(&in, &out, lanes, &reg);
		if (byte < 0)
			continue;
		if (!bad++)
			printf("linux-fpu: pid %d round %d: %cmm%d byte %d is 0x%02x, "
			       "want 0x%02x\n", getpid(), r, avx ? 'y' : 'x', reg,
			       byte, out.r[reg][byte], in.r[reg][byte]);
	}
	return bad;
}

static int milestone(void)
{
	if (ioperm(MILESTONE_PORT, 1, 1)) {
		printf("linux-fpu: ioperm(0x%x): %s\n", MILESTONE_PORT, strerror(errno));
		return -1;
	}
	outb(1, MILESTONE_PORT);
	return 0;
}

static int parse(int argc, char **argv, int *rounds, int *syscalls, int *mark)
{
	int c;

	while ((c = getopt(argc, argv, "mcr:s:")) != -1) {
		switch (c) {
		case 'm': *mark = 1; break;
		case 'c': corrupt = 1; break;
		case 'r': *rounds = atoi(optarg); break;
		case 's': *syscalls = atoi(optarg); break;
		default: return -1;
		}
	}
	return *rounds > 0 && *syscalls > 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	int rounds = 20, syscalls = 512, mark = 0, avx = have_avx(), bad, st = 0;
	long t0, t1;
	pid_t child;

	if (parse(argc, argv, &rounds, &syscalls, &mark)) {
		fprintf(stderr, "usage: linux-fpu [-c] [-r ROUNDS] [-s SYSCALLS] | -m\n");
		return 2;
	}
	if (mark)
		return milestone() ? 1 : 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	t0 = timer_irqs();
	child = fork();
	if (child < 0) {
		perror("linux-fpu: fork");
		return 1;
	}
	bad = run_rounds(avx, rounds, syscalls, child ? 1000u : 2000u);
	if (!child)
		_exit(bad ? 1 : 0);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		bad++;
	t1 = timer_irqs();
	printf("linux-fpu: %s set=%s rounds=%d syscalls=%d timer_irqs=%ld%s\n",
	       bad ? "FAIL" : "ok", avx ? "avx" : "sse", 2 * rounds,
	       2 * rounds * syscalls, t0 >= 0 && t1 >= 0 ? t1 - t0 : -1,
	       corrupt ? " (-c: XMM7 flipped on purpose)" : "");
	return bad || t1 <= t0 ? 1 : 0;
}
