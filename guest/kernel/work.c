// SPDX-License-Identifier: GPL-2.0
/*
 * Ring-3 workloads and their kernel-side setup.  The u_* functions run in
 * ring 3 (from the user-accessible text pages, on the user stack): they
 * touch only the user data region and their own stack, verify their data
 * and leave with SYS_EXIT (0: data ok, else where it went wrong).  The
 * kernel side maps what a workload wants mapped beforehand, times the
 * faulting phases (SYS_TIMED) and prints the "result workload=..." line;
 * it owns the timed-phase counters.
 */
#include "pvkernel.h"

#define STRIDE		8		/* words between pattern words */
#define SALT_A		0x5a5a00000000a5a5ull
#define SALT_B		0x3c3c00000000c3c3ull
#define SALT_R		0x0f0f00000000f0f0ull
#define COW_SOURCES	4

static inline uint64_t pat(uint64_t i, uint64_t j, uint64_t salt)
{
	return (i << 32) ^ (j * 0x9e3779b97f4a7c15ull) ^ salt;
}

static inline uint64_t cowpat(uint64_t s, uint64_t j)
{
	return ((s + 1) * 0x0101010101010101ull) ^ (j << 16) ^ 0xc0c0;
}

static inline long usys(uint64_t nr, uint64_t a0, uint64_t a1)
{
	long r;

	asm volatile("int $0x80" : "=a"(r) : "a"(nr), "D"(a0), "S"(a1) : "memory");
	return r;
}

__attribute__((noreturn)) static inline void uexit(uint64_t r)
{
	usys(SYS_EXIT, r, 0);
	__builtin_unreachable();
}

/* ---- ring 3 ---- */

static inline void ufill(volatile uint64_t *p, uint64_t i, uint64_t salt)
{
	uint64_t j;

	for (j = 0; j < 512; j += STRIDE)
		p[j] = pat(i, j, salt);
}

static inline int ucheck(volatile uint64_t *p, uint64_t i, uint64_t salt)
{
	uint64_t j;

	for (j = 0; j < 512; j++)
		if (p[j] != (j % STRIDE ? 0 : pat(i, j, salt)))
			return -1;
	return 0;
}

/*
 * The faulting loops run inside a timed phase (SYS_TIMED), the checks
 * outside: fault_cycles is the cost of taking and resolving the faults
 * (plus the few stores that take them), not of verifying the data.
 */
static inline void utimed(bool on)
{
	usys(SYS_TIMED, on, 0);
}

static void ufill_all(uint64_t base, uint64_t step, uint64_t n, uint64_t salt)
{
	uint64_t i;

	utimed(true);
	for (i = 0; i < n; i++)
		ufill((volatile uint64_t *)(base + i * step), i, salt);
	utimed(false);
}

/* The first page (1-based) whose data is wrong, 0 when all are right. */
static uint64_t ucheck_all(uint64_t base, uint64_t step, uint64_t n, uint64_t salt)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (ucheck((volatile uint64_t *)(base + i * step), i, salt))
			return 1 + i;
	return 0;
}

__attribute__((noreturn, noinline)) void u_touch(uint64_t base, uint64_t n);
void u_touch(uint64_t base, uint64_t n)
{
	ufill_all(base, PAGE_SIZE, n, SALT_A);
	uexit(ucheck_all(base, PAGE_SIZE, n, SALT_A));
}

__attribute__((noreturn, noinline)) void u_sparse(uint64_t base, uint64_t n);
void u_sparse(uint64_t base, uint64_t n)
{
	ufill_all(base, SPARSE_STEP, n, SALT_A);
	uexit(ucheck_all(base, SPARSE_STEP, n, SALT_A));
}

/* ucheck also checks the words between the pattern: the refill's zeroes. */
__attribute__((noreturn, noinline)) void u_remap(uint64_t base, uint64_t n);
void u_remap(uint64_t base, uint64_t n)
{
	uint64_t bad;

	ufill_all(base, PAGE_SIZE, n, SALT_A);
	bad = ucheck_all(base, PAGE_SIZE, n, SALT_A);
	if (bad)
		uexit(bad);
	if (usys(SYS_UNMAP, base, n))
		uexit(0x100000);
	ufill_all(base, PAGE_SIZE, n, SALT_B);
	bad = ucheck_all(base, PAGE_SIZE, n, SALT_B);
	uexit(bad ? 0x300000 + bad - 1 : 0);
}

__attribute__((noreturn, noinline)) void u_cow(uint64_t base, uint64_t n);
void u_cow(uint64_t base, uint64_t n)
{
	uint64_t i, j;

	utimed(true);
	for (i = 0; i < n; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(base + i * PAGE_SIZE);

		p[i & 511] = pat(i, i & 511, SALT_B);
	}
	utimed(false);
	for (i = 0; i < n; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(base + i * PAGE_SIZE);
		uint64_t w = i & 511, mark = pat(i, w, SALT_B);

		for (j = 0; j < 512; j++)
			if (p[j] != (j == w ? mark : cowpat(i % COW_SOURCES, j)))
				uexit(1 + i);
	}
	uexit(0);
}

/* No faults: the whole loop is timed (the cost of plain accesses). */
__attribute__((noreturn, noinline)) void u_reaccess(uint64_t base, uint64_t n);
void u_reaccess(uint64_t base, uint64_t n)
{
	uint64_t pass, i, j, sum, first = 0;

	utimed(true);
	for (pass = 0; pass < 4; pass++) {
		sum = 0;
		for (i = 0; i < n; i++) {
			volatile uint64_t *p = (volatile uint64_t *)(base + i * PAGE_SIZE);

			for (j = 0; j < 512; j += STRIDE) {
				uint64_t v = p[j];

				if (v != pat(i, j, SALT_R))
					uexit(1 + i);
				sum += v;
			}
		}
		if (pass == 0)
			first = sum;
		else if (sum != first)
			uexit(0x100000 + pass);
	}
	utimed(false);
	uexit(0);
}

/* ---- kernel side ---- */

static uint64_t timed_since, timed_total;

/*
 * Under pfvmm the module's phase counters count the timed phases only
 * (PFVMM_HC_PHASE_WINDOW): opened before the first rdtsc, closed after
 * the last, so its two exits are outside what is timed.
 */
static void phase_window(bool open)
{
	if (guest_hypervisor() != GUEST_HV_KVM)
		hypercall1(PFVMM_HC_PHASE_WINDOW, open);
}

void timed_phase(bool on)
{
	uint64_t now;

	if (on && !timed_since)
		phase_window(true);
	now = rdtsc();
	if (on && !timed_since)
		timed_since = now;
	else if (!on && timed_since) {
		timed_total += now - timed_since;
		timed_since = 0;
		phase_window(false);
	}
}

#define MAP_CHUNK	64

/* Map @n user pages from UBASE to what @frame_of says, in batches. */
static void prefault(uint64_t n, uint64_t (*frame_of)(uint64_t i), uint64_t flags)
{
	uint64_t *pteps[MAP_CHUNK], vals[MAP_CHUNK], i;
	unsigned int k = 0;

	for (i = 0; i < n; i++) {
		pteps[k] = pte_lookup(UBASE + i * PAGE_SIZE, true);
		vals[k] = frame_of(i) | flags;
		if (++k == MAP_CHUNK) {
			mmu_set_ptes(pteps, vals, k);
			k = 0;
		}
	}
	if (k)
		mmu_set_ptes(pteps, vals, k);
}

static uint64_t cow_src[COW_SOURCES];

static uint64_t cow_frame(uint64_t i)
{
	return cow_src[i % COW_SOURCES];
}

static uint64_t reaccess_frame(uint64_t i)
{
	uint64_t pa = frame_alloc(), j;
	uint64_t *p = (uint64_t *)pa;

	for (j = 0; j < 512; j++)
		p[j] = pat(i, j, SALT_R);
	return pa;
}

static void setup_cow(uint64_t n)
{
	uint64_t s, j;

	for (s = 0; s < COW_SOURCES; s++) {
		uint64_t *p;

		cow_src[s] = frame_alloc();
		p = (uint64_t *)cow_src[s];
		for (j = 0; j < 512; j++)
			p[j] = cowpat(s, j);
	}
	prefault(n, cow_frame, PFVMM_PTE_P | PFVMM_PTE_U | PTE_COW);
}

struct workload {
	const char *name;
	void (*fn)(uint64_t base, uint64_t n);
	void (*setup)(uint64_t n);
	uint64_t faults_per_page;
};

static void setup_reaccess(uint64_t n)
{
	prefault(n, reaccess_frame, PFVMM_PTE_P | PFVMM_PTE_W | PFVMM_PTE_U);
}

static const struct workload workloads[] = {
	{ "touch", u_touch, NULL, 1 },
	{ "cow", u_cow, setup_cow, 1 },
	{ "remap", u_remap, NULL, 2 },
	{ "sparse", u_sparse, NULL, 1 },
	{ "reaccess", u_reaccess, setup_reaccess, 0 },
};

/*
 * workload=exit pages=N: the bare exit round trip, timed in the kernel
 * (ring 0) with rdtsc around N CPUID (leaf 0) and N no-op hypercalls.
 * Under pfvmm the hypercall is PFVMM_HC_NOP (returns 0); KVM has no no-op
 * it lets a guest call, so there the VMCALL carries a number KVM does not
 * know: it still exits to KVM, which returns -KVM_ENOSYS (-1000) at once.
 * Every return value is checked (data=BAD otherwise).
 */
static int run_exit_bench(uint64_t n)
{
	bool kvm = guest_hypervisor() == GUEST_HV_KVM;
	unsigned long nr = kvm ? GUEST_KVM_UNKNOWN_HC : PFVMM_HC_NOP;
	long want = kvm ? -GUEST_KVM_ENOSYS : 0, bad = 0;
	uint32_t eax, ebx, ecx, edx, max_leaf;
	uint64_t f0 = mmu_faults(), t0, t1, t2, i;

	cpuid(0, &max_leaf, &ebx, &ecx, &edx);
	if (kvm)
		printk("pvkernel: exit: under KVM the vmcall loop uses number 0x%lx, "
		       "unknown to KVM: each call exits and returns -%d (KVM_ENOSYS)\n",
		       nr, GUEST_KVM_ENOSYS);
	t0 = rdtsc();
	for (i = 0; i < n; i++) {
		cpuid(0, &eax, &ebx, &ecx, &edx);
		bad |= eax != max_leaf;
	}
	t1 = rdtsc();
	for (i = 0; i < n; i++)
		bad |= hypercall0(nr) != want;
	t2 = rdtsc();
	if (bad)
		printk("pvkernel: workload exit: a cpuid or vmcall returned the wrong "
		       "value (vmcall %lu should return %ld)\n", nr, want);
	printk("result workload=exit mode=%s pages=%lu faults=%lu data=%s cycles=%lu "
	       "cpuid_cycles=%lu vmcall_cycles=%lu\n",
	       mmu_name(), (unsigned long)n, (unsigned long)(mmu_faults() - f0),
	       bad ? "BAD" : "ok", (unsigned long)(t2 - t0),
	       (unsigned long)((t1 - t0) / n), (unsigned long)((t2 - t1) / n));
	return bad ? 1 : 0;
}

int run_workload(const struct boot_config *cfg)
{
	const char *name = cfg->workload;
	uint64_t pages = cfg->pages;
	const struct workload *w = NULL;
	uint64_t f0, o0, t0, t1, r, nfaults, noff;
	unsigned int i;

	if (!strcmp(name, "exit"))
		return run_exit_bench(pages);

	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(workloads[i].name, name))
			w = &workloads[i];
	if (!w) {
		printk("pvkernel: unknown workload '%s'\n", name);
		return 2;
	}
	if (w->setup)
		w->setup(pages);
	if (cfg->offload)
		offload_setup(cfg);
	f0 = mmu_faults();
	o0 = offload_resolved();
	timed_since = 0;
	timed_total = 0;
	t0 = rdtsc();
	r = enter_user((uint64_t)w->fn, user_stack_top(), UBASE, pages);
	t1 = rdtsc();
	/* The same count in every mode: ours plus the VMM's. */
	noff = offload_resolved() - o0;
	nfaults = mmu_faults() - f0 + noff;
	offload_finish();
	if (r)
		printk("pvkernel: workload %s: data check failed (code 0x%lx)\n",
		       name, (unsigned long)r);
	if (nfaults != w->faults_per_page * pages)
		printk("pvkernel: workload %s: %lu faults, expected %lu\n", name,
		       (unsigned long)nfaults,
		       (unsigned long)(w->faults_per_page * pages));
	printk("result workload=%s mode=%s pages=%lu faults=%lu offloaded=%lu "
	       "data=%s cycles=%lu fault_cycles=%lu\n",
	       name, mmu_name(), (unsigned long)pages, (unsigned long)nfaults,
	       (unsigned long)noff, r ? "BAD" : "ok", (unsigned long)(t1 - t0),
	       (unsigned long)timed_total);
	return r ? 1 : 0;
}
