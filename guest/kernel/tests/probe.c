// SPDX-License-Identifier: GPL-2.0
/*
 * probe=NAME: the guest side of the host-safety tests.  Each probe executes
 * at CPL0 the instructions that reach CPU state the host shares with the
 * guest, and checks what the guest sees (the host side checks what the
 * host kept: tests/vm/hostcheck.c and the t-host-*.sh / s-host-*.sh tests).
 * A probed instruction that faults resumes after itself (probe_fixup(),
 * which run_probe() makes the trap dispatcher call first), so a probe can
 * expect a #GP or #UD.
 *
 *   cr8     MOV to/from CR8 is the guest's own TPR (15 reads back 15, 16
 *           gets #GP); then spins with CR8 = 15 until killed
 *   swapgs  SWAPGS shows the guest's own KERNEL_GS_BASE (0 at first, never
 *           the launcher's user GS base); a value the guest puts there
 *           survives exits; then the guest leaves its value there
 *   fpu     XMM0-15 and MXCSR hold a guest pattern across N=calls rounds
 *           of exits (CPUID, NOP hypercall, port I/O and console output,
 *           the last two handled in userspace), never another task's
 *   insns   SYSCALL gets #UD (EFER.SCE is clear), RDPMC #GP, MOV DR
 *           #GP, XSETBV #UD or #GP, VMX instructions #UD, WBINVD and INVD
 *           run (no fault), RDMSR/WRMSR of MSRs pfvmm does not emulate
 *           #GP, the emulated ones read and refuse bad values
 *   cpufuzz a seeded random mix of all of these and more, at CPL0 and
 *           CPL3 (cpufuzz.c)
 *
 * Ends with "result probe=NAME failed=N" and status 0 when N is 0.
 */
#include "tests.h"
#include "probe.h"

uint64_t probe_resume_rip;
volatile long probe_fault;

/**
 * probe_fixup() - resume a faulting probed instruction after itself
 * @tf: the trap frame
 *
 * A CPL3 instruction of the cpufuzz probe ends its trip to ring 3 instead
 * (cpufuzz_user_fault() does not return then).
 *
 * Return: true if the trap was a probe's: the vector is recorded.
 */
static bool probe_fixup(struct trapframe *tf)
{
	cpufuzz_user_fault(tf);
	if (!probe_resume_rip)
		return false;
	probe_fault = (long)tf->vector;
	tf->rip = probe_resume_rip;
	probe_resume_rip = 0;
	return true;
}

#define X86_TRAP_UD	6
#define X86_TRAP_GP	13
#define CR4_FSGSBASE	(1ull << 16)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_OSXMMEXCPT	(1ull << 10)
#define CR0_MP		(1ull << 1)
#define CR0_EM		(1ull << 2)
#define CR0_TS		(1ull << 3)

static int nr_failed;

static void expect(const char *probe, const char *what, long got, long want)
{
	bool ok = got == want;

	printk("probe %s: %s: got %ld want %ld%s\n", probe, what, got, want,
	       ok ? "" : " (wrong)");
	nr_failed += !ok;
}

static uint64_t read_cr(int n)
{
	uint64_t v = 0;

	if (n == 0)
		asm volatile("mov %%cr0, %0" : "=r"(v));
	else if (n == 4)
		asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr0(uint64_t v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static void write_cr4(uint64_t v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* ---- cr8 ---- */

static long cr8_write(uint64_t v)
{
	return PROBE("mov %0, %%cr8", : : "r"(v) : "memory");
}

static uint64_t cr8_read(void)
{
	uint64_t v;

	asm volatile("mov %%cr8, %0" : "=r"(v));
	return v;
}

static void probe_cr8(void)
{
	expect("cr8", "mov $15 to cr8: vector", cr8_write(15), -1);
	expect("cr8", "cr8 reads back", (long)cr8_read(), 15);
	expect("cr8", "mov $16 to cr8: vector", cr8_write(16), X86_TRAP_GP);
	expect("cr8", "cr8 after the refused write", (long)cr8_read(), 15);
	printk("result probe=cr8 failed=%d spinning=1\n", nr_failed);
	for (;;)
		asm volatile("pause");
}

/* ---- swapgs ---- */

static uint64_t rdgsbase(void)
{
	uint64_t v;

	asm volatile("rdgsbase %0" : "=r"(v));
	return v;
}

static void wrgsbase(uint64_t v)
{
	asm volatile("wrgsbase %0" : : "r"(v) : "memory");
}

static void swapgs(void)
{
	asm volatile("swapgs" : : : "memory");
}

#define GUEST_KGS	0x7eadbeef0000ull

static void probe_swapgs(void)
{
	uint32_t a, b, c, d;
	uint64_t seen;

	cpuid(7, &a, &b, &c, &d);
	if (!(b & 1)) {
		printk("probe swapgs: no FSGSBASE in CPUID: cannot look\n");
		nr_failed++;
		return;
	}
	write_cr4(read_cr(4) | CR4_FSGSBASE);
	swapgs();
	seen = rdgsbase();	/* the KERNEL_GS_BASE the guest runs with */
	wrgsbase(GUEST_KGS);
	swapgs();
	printk("probe swapgs: KERNEL_GS_BASE seen by the guest 0x%lx\n",
	       (unsigned long)seen);
	expect("swapgs", "first KERNEL_GS_BASE is the guest's (0)",
	       (long)seen, 0);
	hypercall0(PFVMM_HC_NOP);
	cpuid(0, &a, &b, &c, &d);
	printk("probe swapgs: after a console exit\n");
	swapgs();
	seen = rdgsbase();
	swapgs();
	expect("swapgs", "the guest's KERNEL_GS_BASE survives exits",
	       seen == GUEST_KGS, 1);
}

/* ---- fpu ---- */

#define FPU_PATTERN	0x6775657374000000ull	/* "guest" */
#define MXCSR_GUEST	0x7f80u			/* round toward zero */

static void fpu_load(uint64_t base)
{
	static uint64_t v[32] __attribute__((aligned(16)));
	unsigned int i;

	for (i = 0; i < 32; i++)
		v[i] = base + i;
	asm volatile("movdqa 0x00(%0), %%xmm0\n\tmovdqa 0x10(%0), %%xmm1\n\t"
		     "movdqa 0x20(%0), %%xmm2\n\tmovdqa 0x30(%0), %%xmm3\n\t"
		     "movdqa 0x40(%0), %%xmm4\n\tmovdqa 0x50(%0), %%xmm5\n\t"
		     "movdqa 0x60(%0), %%xmm6\n\tmovdqa 0x70(%0), %%xmm7\n\t"
		     "movdqa 0x80(%0), %%xmm8\n\tmovdqa 0x90(%0), %%xmm9\n\t"
		     "movdqa 0xa0(%0), %%xmm10\n\tmovdqa 0xb0(%0), %%xmm11\n\t"
		     "movdqa 0xc0(%0), %%xmm12\n\tmovdqa 0xd0(%0), %%xmm13\n\t"
		     "movdqa 0xe0(%0), %%xmm14\n\tmovdqa 0xf0(%0), %%xmm15"
		     : : "r"(v) : "memory");
}

static void fpu_store(uint64_t *v)
{
	asm volatile("movdqa %%xmm0, 0x00(%0)\n\tmovdqa %%xmm1, 0x10(%0)\n\t"
		     "movdqa %%xmm2, 0x20(%0)\n\tmovdqa %%xmm3, 0x30(%0)\n\t"
		     "movdqa %%xmm4, 0x40(%0)\n\tmovdqa %%xmm5, 0x50(%0)\n\t"
		     "movdqa %%xmm6, 0x60(%0)\n\tmovdqa %%xmm7, 0x70(%0)\n\t"
		     "movdqa %%xmm8, 0x80(%0)\n\tmovdqa %%xmm9, 0x90(%0)\n\t"
		     "movdqa %%xmm10, 0xa0(%0)\n\tmovdqa %%xmm11, 0xb0(%0)\n\t"
		     "movdqa %%xmm12, 0xc0(%0)\n\tmovdqa %%xmm13, 0xd0(%0)\n\t"
		     "movdqa %%xmm14, 0xe0(%0)\n\tmovdqa %%xmm15, 0xf0(%0)"
		     : : "r"(v) : "memory");
}

/* The first register word that is not the guest's, or -1. */
static int fpu_mismatch(uint64_t *got)
{
	static uint64_t v[32] __attribute__((aligned(16)));
	uint32_t mxcsr;
	int i;

	fpu_store(v);
	asm volatile("stmxcsr %0" : "=m"(mxcsr));
	for (i = 0; i < 32; i++) {
		if (v[i] != FPU_PATTERN + (uint64_t)i) {
			*got = v[i];
			return i;
		}
	}
	*got = mxcsr;
	return mxcsr == MXCSR_GUEST ? -1 : 32;
}

/* One round of exits, in the kernel and to userspace. */
static void fpu_exits(uint64_t round)
{
	uint32_t a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	hypercall0(PFVMM_HC_NOP);
	outb(0x80, (uint8_t)round);
	if (round % 256 == 0)
		printk("probe fpu: round %lu\n", (unsigned long)round);
}

static void probe_fpu(uint64_t rounds)
{
	uint32_t mxcsr = MXCSR_GUEST;
	uint64_t r, got = 0;
	int bad = -1;

	write_cr0((read_cr(0) | CR0_MP) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr(4) | CR4_OSFXSR | CR4_OSXMMEXCPT);
	fpu_load(FPU_PATTERN);
	asm volatile("ldmxcsr %0" : : "m"(mxcsr));
	for (r = 0; r < rounds && bad < 0; r++) {
		fpu_exits(r);
		bad = fpu_mismatch(&got);
	}
	if (bad >= 0)
		printk("probe fpu: after %lu rounds word %d is 0x%lx%s\n",
		       (unsigned long)r, bad, (unsigned long)got,
		       got == 0x5151515151515151ull ? " (another task's)" : "");
	expect("fpu", "XMM0-15 and MXCSR kept (bad word)", bad, -1);
}

/* ---- insns ---- */

static long rdmsr_probe(uint32_t msr)
{
	uint32_t lo, hi;

	return PROBE("rdmsr", : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
}

static long wrmsr_probe(uint32_t msr, uint64_t v)
{
	return PROBE("wrmsr", : : "c"(msr), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

/* MSRs pfvmm does not emulate: the guest's RDMSR and WRMSR get #GP. */
static void probe_msrs_refused(void)
{
	static const uint32_t msrs[] = {
		0xc0000103,	/* TSC_AUX */
		0x1d9,		/* DEBUGCTL */
		0x38f,		/* PERF_GLOBAL_CTRL */
		0x48,		/* SPEC_CTRL */
		0x10,		/* TSC */
		0x179,		/* MCG_CAP */
		0xce,		/* PLATFORM_INFO */
		0x480,		/* VMX_BASIC */
	};
	unsigned int i;
	long r, w;

	for (i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
		r = rdmsr_probe(msrs[i]);
		w = wrmsr_probe(msrs[i], 0);
		printk("probe insns: msr 0x%x: rdmsr vector %ld, wrmsr vector %ld\n",
		       msrs[i], r, w);
		nr_failed += r != X86_TRAP_GP || w != X86_TRAP_GP;
	}
}

/*
 * The emulated ones (kmod/msr.c) read without a fault, and refuse what
 * the CPU would: a non-canonical LSTAR, an EFER change beyond SCE and NX.
 */
static void probe_msrs_emulated(void)
{
	static const uint32_t msrs[] = {
		0xc0000080, 0xc0000081, 0xc0000082, 0xc0000084,	/* EFER, STARs */
		0xc0000100, 0xc0000101, 0xc0000102,	/* FS/GS/KERNEL_GS base */
		0x1a0, 0x8b, 0x3a, 0x1b, 0x34, 0x140, 0x277,	/* platform */
	};
	unsigned int i;

	for (i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		expect("insns", "rdmsr of an emulated MSR", rdmsr_probe(msrs[i]), -1);
	expect("insns", "wrmsr LSTAR non-canonical",
	       wrmsr_probe(0xc0000082, 1ull << 47), X86_TRAP_GP);
	expect("insns", "wrmsr EFER without LME",
	       wrmsr_probe(0xc0000080, 0), X86_TRAP_GP);
	expect("insns", "wrmsr FEATURE_CONTROL (locked)",
	       wrmsr_probe(0x3a, 5), X86_TRAP_GP);
	expect("insns", "wrmsr PAT with a reserved type",
	       wrmsr_probe(0x277, 0x02), X86_TRAP_GP);
}

static void probe_msrs(void)
{
	probe_msrs_refused();
	probe_msrs_emulated();
}

/* MOV DR: the guest's own values, read back; DR7 never arms anything. */
static void probe_debug_regs(void)
{
	uint64_t v = 0x1234000, big = 1ull << 40;

	expect("insns", "mov reg to dr0",
	       PROBE("mov %0, %%dr0", : : "r"(v) : "memory"), -1);
	v = 0;
	asm volatile("mov %%dr0, %0" : "=r"(v));
	expect("insns", "dr0 reads back", (long)v, 0x1234000);
	asm volatile("mov %%dr7, %0" : "=r"(v));
	expect("insns", "dr7 reads 0x400", (long)v, 0x400);
	expect("insns", "mov of bits 63:32 to dr7",
	       PROBE("mov %0, %%dr7", : : "r"(big) : "memory"), X86_TRAP_GP);
}

/* CPUID hides what pfvmm does not virtualize and gives a TSC frequency. */
static void probe_cpuid(void)
{
	uint32_t a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	expect("insns", "cpuid 1: VMX, XSAVE, OSXSAVE hidden",
	       c & ((1u << 5) | (1u << 26) | (1u << 27)), 0);
	expect("insns", "cpuid 1: hypervisor bit", c >> 31, 1);
	cpuid(7, &a, &b, &c, &d);
	expect("insns", "cpuid 7: PKU, LA57 hidden", c & ((1u << 3) | (1u << 16)), 0);
	cpuid(0x15, &a, &b, &c, &d);
	expect("insns", "cpuid 0x15: a TSC frequency", a && b && c, 1);
}

static void probe_insns(void)
{
	uint64_t v = 0;
	uint32_t lo, hi;
	long vec;

	expect("insns", "syscall", PROBE("syscall", : : : "rcx", "r11", "memory"),
	       X86_TRAP_UD);
	expect("insns", "rdpmc 0",
	       PROBE("rdpmc", : "=a"(lo), "=d"(hi) : "c"(0) : "memory"),
	       X86_TRAP_GP);
	probe_debug_regs();
	probe_cpuid();
	vec = PROBE("xsetbv", : : "a"(1), "d"(0), "c"(0) : "memory");
	expect("insns", "xsetbv faults", vec == X86_TRAP_UD || vec == X86_TRAP_GP, 1);
	expect("insns", "vmxoff", PROBE("vmxoff", : : : "cc", "memory"), X86_TRAP_UD);
	expect("insns", "vmread",
	       PROBE("vmread %1, %0", : "=r"(v) : "r"(0ull) : "cc", "memory"),
	       X86_TRAP_UD);
	expect("insns", "wbinvd", PROBE("wbinvd", : : : "memory"), -1);
	expect("insns", "invd", PROBE("invd", : : : "memory"), -1);
	probe_msrs();
}

/**
 * run_probe() - probe=NAME
 * @cfg: the boot configuration: probe=NAME, calls=N (the fpu probe's
 *       rounds, cpufuzz's instructions), seed=S (cpufuzz's)
 *
 * Return: the shutdown status: 0 if every check held, 1 if not, 2 for an
 * unknown name.
 */
int run_probe(const struct boot_config *cfg)
{
	const char *name = cfg->probe;

	traps_set_hook(probe_fixup);
	if (!strcmp(name, "cpufuzz"))
		return run_cpufuzz(cfg->seed, cfg->calls);
	if (!strcmp(name, "cr8"))
		probe_cr8();
	else if (!strcmp(name, "swapgs"))
		probe_swapgs();
	else if (!strcmp(name, "fpu"))
		probe_fpu(cfg->calls);
	else if (!strcmp(name, "insns"))
		probe_insns();
	else {
		printk("pvkernel: probe=%s: expected cr8, swapgs, fpu, insns or cpufuzz\n",
		       name);
		return 2;
	}
	printk("result probe=%s failed=%d\n", name, nr_failed);
	return nr_failed ? 1 : 0;
}
