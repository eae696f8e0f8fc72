// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl-test: the errno contract of /dev/pfvmm, checked from userspace
 * inside the emulated VT-x machine with the module loaded.
 *
 * Each case prints "PASS case" or "FAIL case: got X want Y"; the exit
 * status is 0 only if every case passed.  The cases, in order:
 *   - unknown ioctls and known numbers with a wrong size -> ENOTTY,
 *   - API version, capabilities, CREATE_VM's argument,
 *   - every way SET_MEMORY_REGION can be wrong,
 *   - the VM limit (PFVMM_CAP_MAX_VMS VMs, then ENOSPC, then one again
 *     after a close) and every vCPU id below PFVMM_CAP_MAX_VCPUS,
 *   - CREATE_VCPU ids, register ioctls with bad pointers, SET_SREGS
 *     reserved fields, mmap of the vCPU fd,
 *   - RUN of a fresh vCPU (entry fails: internal error), then the
 *     spinning guest on the same vCPU (a failed entry left it unlaunched),
 *   - RUN from a second thread while a spinning guest runs (EBUSY), then
 *     a signal to the running thread (EINTR, PFVMM_EXIT_INTR),
 *   - closing the VM fd before the vCPU fd.
 * The spinning guest is guest/spin.elf, embedded at build time and set up
 * with the launcher's own loader and boot-state code.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pfvmm.h>
#include <pfvmm/bootinfo.h>
#include <pfvmm/hypercall.h>

#include "elf-loader.h"
#include "x86-setup.h"

#define MiB		(1ull << 20)
#define PAGE		4096ul
#define BAD_PTR		((void *)8)
#define KERNEL_ADDR	0xffff800000000000ull
#define GUEST_MEM	(4 * MiB)
#define SPIN_TIMEOUT_S	60

extern const unsigned char spin_elf_start[];
extern const uint64_t spin_elf_size;

#define WATCHDOG_S	240	/* guest-kernel seconds for the whole test */

static int nr_failed, nr_passed;
static const char *volatile current_step = "start";
static int max_slots, max_vcpus, max_mem_mb;

/* ---- reporting ---- */

static const char *errno_name(int e)
{
	static char buf[16];

	switch (e) {
	case 0:		return "0";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case EINTR:	return "EINTR";
	case EIO:	return "EIO";
	case E2BIG:	return "E2BIG";
	case EBADF:	return "EBADF";
	case ENOMEM:	return "ENOMEM";
	case EFAULT:	return "EFAULT";
	case EBUSY:	return "EBUSY";
	case EEXIST:	return "EEXIST";
	case ENODEV:	return "ENODEV";
	case EINVAL:	return "EINVAL";
	case ENOSPC:	return "ENOSPC";
	case ENOTTY:	return "ENOTTY";
	case ENOSYS:	return "ENOSYS";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

static void pass(const char *name)
{
	printf("PASS %s\n", name);
	nr_passed++;
}

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	nr_failed++;
}

/*
 * Check the result of a call that returns -1 and sets errno on failure:
 * @want 0 means "must succeed" (any value >= 0).
 */
static void expect_errno(const char *name, long ret, int err, int want)
{
	int got = ret < 0 ? err : 0;

	if (got == want)
		pass(name);
	else if (ret >= 0)
		fail(name, "got %ld (success) want %s", ret, errno_name(want));
	else
		fail(name, "got %s want %s", errno_name(got), errno_name(want));
}

#define EXPECT(name, call, want)					\
	do {								\
		long __r = (long)(call);				\
		expect_errno(name, __r, errno, want);			\
	} while (0)

static void expect_value(const char *name, long got, long want)
{
	if (got == want)
		pass(name);
	else
		fail(name, "got %ld want %ld", got, want);
}

/* Say where we are, for the log of a test that hangs. */
static void step(const char *what)
{
	current_step = what;
	printf("# %s\n", what);
}

/*
 * If a RUN never returns, the log should still say where: after
 * WATCHDOG_S the watchdog reports the step and exits (the exit itself
 * may then hang on a vCPU thread stuck in the module: a module bug).
 */
static void *watchdog(void *arg)
{
	(void)arg;
	sleep(WATCHDOG_S);
	printf("FAIL watchdog: still in '%s' after %d s\n", current_step, WATCHDOG_S);
	fflush(stdout);
	_exit(1);
}

static void start_watchdog(void)
{
	sigset_t all;
	pthread_t t;

	/* Signals for the test threads only, never for the watchdog. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (pthread_create(&t, NULL, watchdog, NULL))
		fail("watchdog", "pthread_create failed");
	pthread_sigmask(SIG_UNBLOCK, &all, NULL);
}

/* ---- helpers ---- */

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("ioctl-test: mmap");
		exit(2);
	}
	return p;
}

static int create_vm(int sys)
{
	int vm = ioctl(sys, PFVMM_CREATE_VM, 0);

	if (vm < 0) {
		fail("create_vm", "got %s want a VM fd", errno_name(errno));
		exit(1);
	}
	return vm;
}

static long set_region(int vm, unsigned int slot, uint64_t gpa, uint64_t size,
		       const void *uaddr)
{
	struct pfvmm_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)uaddr,
	};

	return ioctl(vm, PFVMM_SET_MEMORY_REGION, &r);
}

static long set_region_raw(int vm, const struct pfvmm_memory_region *r)
{
	return ioctl(vm, PFVMM_SET_MEMORY_REGION, r);
}

/* ---- system fd ---- */

static void test_system(int sys)
{
	uint32_t u32 = 0;
	long size;

	step("system fd");
	EXPECT("sys_unknown_ioctl", ioctl(sys, _IO(PFVMMIO, 0x3f), 0), ENOTTY);
	EXPECT("sys_foreign_magic", ioctl(sys, _IO(0xAE, 0x00), 0), ENOTTY);
	EXPECT("sys_vm_ioctl_on_sys_fd", ioctl(sys, PFVMM_CREATE_VCPU, 0), ENOTTY);
	EXPECT("sys_wrong_size", ioctl(sys, _IOR(PFVMMIO, 0x00, uint32_t), &u32), ENOTTY);
	EXPECT("sys_wrong_size_create_vm", ioctl(sys, _IOW(PFVMMIO, 0x02, uint32_t), &u32),
	       ENOTTY);
	expect_value("api_version", ioctl(sys, PFVMM_GET_API_VERSION, 0), PFVMM_API_VERSION);
	max_slots = ioctl(sys, PFVMM_CHECK_EXTENSION, PFVMM_CAP_MAX_MEM_SLOTS);
	max_vcpus = ioctl(sys, PFVMM_CHECK_EXTENSION, PFVMM_CAP_MAX_VCPUS);
	max_mem_mb = ioctl(sys, PFVMM_CHECK_EXTENSION, PFVMM_CAP_MAX_MEM_MB);
	if (max_slots > 0)
		pass("cap_max_mem_slots");
	else
		fail("cap_max_mem_slots", "got %d want > 0", max_slots);
	if (max_vcpus > 0 && max_mem_mb > 0)
		pass("cap_max_vcpus_mem_mb");
	else
		fail("cap_max_vcpus_mem_mb", "got %d, %d want > 0", max_vcpus, max_mem_mb);
	expect_value("cap_stats", ioctl(sys, PFVMM_CHECK_EXTENSION, PFVMM_CAP_STATS), 3);
	expect_value("cap_unknown_0", ioctl(sys, PFVMM_CHECK_EXTENSION, 0), 0);
	expect_value("cap_unknown_big", ioctl(sys, PFVMM_CHECK_EXTENSION, 0x7fffffff), 0);
	size = ioctl(sys, PFVMM_GET_VCPU_MMAP_SIZE, 0);
	if (size >= (long)sizeof(struct pfvmm_run) && size % PAGE == 0)
		pass("vcpu_mmap_size");
	else
		fail("vcpu_mmap_size", "got %ld want a page multiple >= %zu", size,
		     sizeof(struct pfvmm_run));
	EXPECT("create_vm_arg_nonzero", ioctl(sys, PFVMM_CREATE_VM, 1), EINVAL);
}

/* ---- memory regions ---- */

static void region_template(struct pfvmm_memory_region *r, const void *buf)
{
	memset(r, 0, sizeof(*r));
	r->slot = 0;
	r->guest_phys_addr = 0;
	r->memory_size = 2 * MiB;
	r->userspace_addr = (uint64_t)(uintptr_t)buf;
}

/* Each case breaks exactly one field of an otherwise good region. */
static void test_region_field_errors(int vm, const void *buf)
{
	struct pfvmm_memory_region r;

	EXPECT("region_bad_pointer", ioctl(vm, PFVMM_SET_MEMORY_REGION, BAD_PTR), EFAULT);
	region_template(&r, buf);
	r.flags = 1;
	EXPECT("region_flags_nonzero", set_region_raw(vm, &r), EINVAL);
	region_template(&r, buf);
	r.reserved[0] = 1;
	EXPECT("region_reserved0_nonzero", set_region_raw(vm, &r), EINVAL);
	region_template(&r, buf);
	r.reserved[3] = 1;
	EXPECT("region_reserved3_nonzero", set_region_raw(vm, &r), EINVAL);
	EXPECT("region_unaligned_gpa", set_region(vm, 0, 0x800, 2 * MiB, buf), EINVAL);
	EXPECT("region_unaligned_size", set_region(vm, 0, 0, 2 * MiB + 0x800, buf), EINVAL);
	EXPECT("region_unaligned_uaddr", set_region(vm, 0, 0, 2 * MiB,
						    (const char *)buf + 0x10), EINVAL);
	EXPECT("region_size_zero", set_region(vm, 0, 0, 0, buf), EINVAL);
	EXPECT("region_slot_eq_cap", set_region(vm, (unsigned int)max_slots, 0,
						2 * MiB, buf), EINVAL);
	EXPECT("region_slot_huge", set_region(vm, 0xffffffffu, 0, 2 * MiB, buf), EINVAL);
	EXPECT("region_gpa_overflow", set_region(vm, 0, 0xfffffffffffff000ull, 0x2000, buf),
	       EINVAL);
	EXPECT("region_kernel_uaddr", set_region(vm, 0, 0, 2 * MiB,
						 (const void *)KERNEL_ADDR), EFAULT);
}

static void test_region_conflicts(int vm, const char *buf, const char *big)
{
	EXPECT("region_valid_slot0", set_region(vm, 0, 0, 2 * MiB, buf), 0);
	EXPECT("region_same_slot_twice", set_region(vm, 0, 0x10000000, 2 * MiB,
						    buf + 2 * MiB), EEXIST);
	if (max_slots < 3) {
		printf("SKIP region_overlap: only %d slots\n", max_slots);
		return;
	}
	EXPECT("region_gpa_overlap", set_region(vm, 1, 1 * MiB, 2 * MiB, buf + 2 * MiB),
	       EEXIST);
	EXPECT("region_gpa_overlap_inside", set_region(vm, 1, 0x1000, 0x1000,
						       buf + 2 * MiB), EEXIST);
	EXPECT("region_adjacent_ok", set_region(vm, 1, 2 * MiB, 2 * MiB, buf + 2 * MiB), 0);
	/* 4 MiB in use: max_mem_mb more goes over the limit in total. */
	EXPECT("region_total_too_big", set_region(vm, 2, 1ull << 32,
						  (uint64_t)max_mem_mb * MiB, big), E2BIG);
}

static void test_regions(int sys)
{
	uint64_t big_size = ((uint64_t)max_mem_mb + 1) * MiB;
	char *buf = map_anon(4 * MiB), *big = map_anon(big_size);
	int vm;

	step("memory regions");
	vm = create_vm(sys);
	test_region_field_errors(vm, buf);
	test_region_conflicts(vm, buf, big);
	close(vm);
	vm = create_vm(sys);
	EXPECT("region_one_too_big", set_region(vm, 0, 0, big_size, big), E2BIG);
	close(vm);
	munmap(big, big_size);
	munmap(buf, 4 * MiB);
}

/* ---- vCPUs ---- */

/*
 * A forked child (another mm) may not map the run page, and does not
 * inherit the parent's mapping of it.  The child reports through its
 * exit status: 0 both refused, 1 mmap worked, 2 the old mapping is there.
 */
static void test_vcpu_mmap_child(int vcpu, void *parent_map)
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, vcpu, 0);
		unsigned char v;

		if (p != MAP_FAILED || errno != EIO)
			_exit(1);
		/* mincore fails with ENOMEM where nothing is mapped. */
		if (parent_map != MAP_FAILED && !mincore(parent_map, PAGE, &v))
			_exit(2);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	expect_value("mmap_from_forked_child_refused",
		     WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
}

static void test_vcpu_mmap(int vcpu)
{
	void *p;

	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, PAGE);
	expect_errno("mmap_offset_nonzero", p == MAP_FAILED ? -1 : 0, errno, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	expect_errno("mmap_two_pages", p == MAP_FAILED ? -1 : 0, errno, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, 2 * PAGE);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	expect_errno("mmap_one_page", p == MAP_FAILED ? -1 : 0, errno, 0);
	test_vcpu_mmap_child(vcpu, p);
	if (p != MAP_FAILED)
		munmap(p, PAGE);
}

static void test_vcpu_wrong_sizes(int vcpu)
{
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;

	memset(&sregs, 0, sizeof(sregs));
	memset(&regs, 0, sizeof(regs));
	EXPECT("vcpu_unknown_ioctl", ioctl(vcpu, _IO(PFVMMIO, 0xbf), 0), ENOTTY);
	EXPECT("vcpu_vm_ioctl_on_vcpu_fd", ioctl(vcpu, PFVMM_CREATE_VCPU, 1), ENOTTY);
	EXPECT("vcpu_get_regs_wrong_size",
	       ioctl(vcpu, _IOR(PFVMMIO, 0x81, struct pfvmm_sregs), &sregs), ENOTTY);
	EXPECT("vcpu_set_sregs_wrong_size",
	       ioctl(vcpu, _IOW(PFVMMIO, 0x84, struct pfvmm_regs), &regs), ENOTTY);
	EXPECT("vcpu_get_regs_size_zero", ioctl(vcpu, _IO(PFVMMIO, 0x81), &regs), ENOTTY);
	EXPECT("vcpu_run_with_size", ioctl(vcpu, _IOW(PFVMMIO, 0x80, uint64_t), &regs),
	       ENOTTY);
}

/*
 * SET_SREGS refuses state that VM entry would refuse (or that takes an
 * emulator down: CR0 = 0 with EFER.LMA panicked Bochs), as KVM does, and
 * EFER.SCE (the SYSCALL MSRs are not switched).  Each case is the boot
 * state with one thing wrong; the boot state itself still goes through.
 */
struct bad_sregs {
	const char *name;
	void (*spoil)(struct pfvmm_sregs *s);
};

static void sregs_cr0_zero(struct pfvmm_sregs *s) { s->cr0 = 0; }
static void sregs_pg_no_pe(struct pfvmm_sregs *s) { s->cr0 &= ~1ull; }
static void sregs_cr0_high(struct pfvmm_sregs *s) { s->cr0 |= 1ull << 32; }
static void sregs_nw_no_cd(struct pfvmm_sregs *s) { s->cr0 |= 1ull << 29; }
static void sregs_no_pae(struct pfvmm_sregs *s) { s->cr4 &= ~0x20ull; }
static void sregs_lme_no_lma(struct pfvmm_sregs *s) { s->efer &= ~0x400ull; }
static void sregs_lma_no_lme(struct pfvmm_sregs *s) { s->efer &= ~0x100ull; }
static void sregs_efer_reserved(struct pfvmm_sregs *s) { s->efer |= 1ull << 20; }
static void sregs_cr4_vmxe(struct pfvmm_sregs *s) { s->cr4 |= 1ull << 13; }
static void sregs_cr4_pke(struct pfvmm_sregs *s) { s->cr4 |= 1ull << 22; }
static void sregs_cr4_osxsave(struct pfvmm_sregs *s) { s->cr4 |= 1ull << 18; }
static void sregs_cr4_high(struct pfvmm_sregs *s) { s->cr4 |= 1ull << 40; }
static void sregs_cr3_huge(struct pfvmm_sregs *s) { s->cr3 |= 1ull << 62; }

static void sregs_no_paging_lma(struct pfvmm_sregs *s)
{
	s->cr0 &= ~(1ull << 31);	/* PG off, LMA still set */
}

static void sregs_cs_l_outside_long(struct pfvmm_sregs *s)
{
	s->cr0 &= ~(1ull << 31);
	s->efer = 0;			/* protected mode, CS.L still set */
}

static const struct bad_sregs bad_sregs[] = {
	{ "set_sregs_cr0_zero_with_lma", sregs_cr0_zero },
	{ "set_sregs_pg_without_pe", sregs_pg_no_pe },
	{ "set_sregs_cr0_bits_63_32", sregs_cr0_high },
	{ "set_sregs_nw_without_cd", sregs_nw_no_cd },
	{ "set_sregs_long_mode_without_pae", sregs_no_pae },
	{ "set_sregs_lme_pg_without_lma", sregs_lme_no_lma },
	{ "set_sregs_lma_without_lme", sregs_lma_no_lme },
	{ "set_sregs_lma_without_paging", sregs_no_paging_lma },
	{ "set_sregs_cs_l_outside_long_mode", sregs_cs_l_outside_long },
	{ "set_sregs_efer_reserved", sregs_efer_reserved },
	{ "set_sregs_cr4_vmxe", sregs_cr4_vmxe },
	{ "set_sregs_cr4_pke", sregs_cr4_pke },
	{ "set_sregs_cr4_osxsave", sregs_cr4_osxsave },
	{ "set_sregs_cr4_bits_63_32", sregs_cr4_high },
	{ "set_sregs_cr3_beyond_maxphyaddr", sregs_cr3_huge },
};

static void test_sregs_rejected(int vcpu)
{
	struct pfvmm_sregs s;
	unsigned int i;

	for (i = 0; i < sizeof(bad_sregs) / sizeof(bad_sregs[0]); i++) {
		x86_boot_sregs(&s);
		bad_sregs[i].spoil(&s);
		EXPECT(bad_sregs[i].name, ioctl(vcpu, PFVMM_SET_SREGS, &s), EINVAL);
	}
	x86_boot_sregs(&s);
	EXPECT("set_sregs_boot_state_after_rejections",
	       ioctl(vcpu, PFVMM_SET_SREGS, &s), 0);
	/* EFER.SCE is allowed: the SYSCALL MSRs are switched with it. */
	s.efer |= 1;
	EXPECT("set_sregs_efer_sce", ioctl(vcpu, PFVMM_SET_SREGS, &s), 0);
	x86_boot_sregs(&s);
	ioctl(vcpu, PFVMM_SET_SREGS, &s);
}

/* GET/SET_MSRS: n entries, each index/data; returns what the ioctl did. */
static long msrs_call(int vcpu, unsigned long cmd, unsigned int n,
		      const uint32_t *index, uint64_t *data, uint32_t pad)
{
	struct {
		struct pfvmm_msrs h;
		struct pfvmm_msr_entry e[PFVMM_MSRS_MAX + 1];
	} m;
	unsigned int i;
	long r;

	memset(&m, 0, sizeof(m));
	m.h.nmsrs = n;
	m.h.pad = pad;
	for (i = 0; i < n && i <= PFVMM_MSRS_MAX; i++) {
		m.e[i].index = index[i % 2];
		m.e[i].data = data[i % 2];
	}
	r = ioctl(vcpu, cmd, &m);
	for (i = 0; r > 0 && i < 2 && i < n; i++)
		data[i] = m.e[i].data;
	return r;
}

/*
 * The MSR set: values go in and come back, non-canonical LSTAR and an
 * unknown MSR stop the batch (the count says where), sizes are bounded.
 */
static void test_vcpu_msrs(int vcpu)
{
	uint32_t idx[2] = { 0xc0000082, 0xc0000081 };	/* LSTAR, STAR */
	uint64_t val[2] = { 0xffffffff81234000ull, 0x0023001000000000ull };
	uint32_t unknown[2] = { 0xc0000082, 0x10 };	/* LSTAR, TSC */

	expect_value("set_msrs_two", msrs_call(vcpu, PFVMM_SET_MSRS, 2, idx, val, 0), 2);
	val[0] = val[1] = 0;
	expect_value("get_msrs_two", msrs_call(vcpu, PFVMM_GET_MSRS, 2, idx, val, 0), 2);
	expect_value("get_msrs_lstar_back", val[0] == 0xffffffff81234000ull, 1);
	expect_value("get_msrs_star_back", val[1] == 0x0023001000000000ull, 1);
	val[0] = 0x0000800000000000ull;		/* not canonical */
	expect_value("set_msrs_noncanonical_lstar_stops",
		     msrs_call(vcpu, PFVMM_SET_MSRS, 1, idx, val, 0), 0);
	expect_value("get_msrs_unknown_stops_at_1",
		     msrs_call(vcpu, PFVMM_GET_MSRS, 2, unknown, val, 0), 1);
	EXPECT("msrs_too_many", msrs_call(vcpu, PFVMM_GET_MSRS, PFVMM_MSRS_MAX + 1,
					  idx, val, 0), E2BIG);
	EXPECT("msrs_pad_einval", msrs_call(vcpu, PFVMM_GET_MSRS, 1, idx, val, 1),
	       EINVAL);
	EXPECT("msrs_bad_pointer", ioctl(vcpu, PFVMM_GET_MSRS, BAD_PTR), EFAULT);
}

static void test_vcpu_regs(int vcpu)
{
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;

	EXPECT("get_regs_bad_pointer", ioctl(vcpu, PFVMM_GET_REGS, BAD_PTR), EFAULT);
	EXPECT("set_regs_bad_pointer", ioctl(vcpu, PFVMM_SET_REGS, BAD_PTR), EFAULT);
	EXPECT("get_sregs_bad_pointer", ioctl(vcpu, PFVMM_GET_SREGS, BAD_PTR), EFAULT);
	EXPECT("set_sregs_bad_pointer", ioctl(vcpu, PFVMM_SET_SREGS, BAD_PTR), EFAULT);
	EXPECT("get_regs", ioctl(vcpu, PFVMM_GET_REGS, &regs), 0);
	EXPECT("set_regs", ioctl(vcpu, PFVMM_SET_REGS, &regs), 0);
	x86_boot_sregs(&sregs);
	EXPECT("set_sregs_boot_state", ioctl(vcpu, PFVMM_SET_SREGS, &sregs), 0);
	memset(&sregs, 0, sizeof(sregs));
	EXPECT("get_sregs", ioctl(vcpu, PFVMM_GET_SREGS, &sregs), 0);
	expect_value("get_sregs_cr0_roundtrip", (long)sregs.cr0, (long)X86_CR0_INIT);
	sregs.reserved[0] = 1;
	EXPECT("set_sregs_reserved0", ioctl(vcpu, PFVMM_SET_SREGS, &sregs), EINVAL);
	sregs.reserved[0] = 0;
	sregs.reserved[7] = 1;
	EXPECT("set_sregs_reserved7", ioctl(vcpu, PFVMM_SET_SREGS, &sregs), EINVAL);
	test_sregs_rejected(vcpu);
}

/* Every id below the cap can be created (id 0 exists already). */
static void test_vcpu_all_ids(int vm)
{
	int fds[64], i, n = 0;

	for (i = 1; i < max_vcpus && i < 64; i++) {
		fds[n] = ioctl(vm, PFVMM_CREATE_VCPU, i);
		if (fds[n] < 0) {
			fail("create_vcpu_all_ids", "id %d: got %s want a vCPU fd", i,
			     errno_name(errno));
			break;
		}
		n++;
	}
	if (i == max_vcpus)
		pass("create_vcpu_all_ids");
	while (n)
		close(fds[--n]);
}

/* PFVMM_CAP_MAX_VMS VMs at once, then ENOSPC; a close makes room again. */
static void test_vm_limit(int sys)
{
	int max_vms = ioctl(sys, PFVMM_CHECK_EXTENSION, PFVMM_CAP_MAX_VMS);
	int fds[256], n = 0, fd;

	step("VM limit");
	if (max_vms <= 0 || max_vms > 255) {
		fail("cap_max_vms", "got %d want 1..255", max_vms);
		return;
	}
	pass("cap_max_vms");
	while (n < max_vms) {
		fds[n] = ioctl(sys, PFVMM_CREATE_VM, 0);
		if (fds[n] < 0)
			break;
		n++;
	}
	expect_value("vm_limit_all_created", n, max_vms);
	EXPECT("vm_limit_one_more_enospc", fd = ioctl(sys, PFVMM_CREATE_VM, 0), ENOSPC);
	if (fd >= 0)
		close(fd);
	if (n) {
		close(fds[--n]);
		fd = ioctl(sys, PFVMM_CREATE_VM, 0);
		expect_errno("vm_limit_room_after_close", fd, errno, 0);
		if (fd >= 0)
			close(fd);
	}
	while (n)
		close(fds[--n]);
}

static void test_vcpus(int sys)
{
	int vm, vcpu;

	step("vCPUs");
	vm = create_vm(sys);
	EXPECT("vm_unknown_ioctl", ioctl(vm, _IO(PFVMMIO, 0x7f), 0), ENOTTY);
	EXPECT("vm_sys_ioctl_on_vm_fd", ioctl(vm, PFVMM_GET_API_VERSION, 0), ENOTTY);
	EXPECT("vm_vcpu_ioctl_on_vm_fd", ioctl(vm, PFVMM_RUN, 0), ENOTTY);
	EXPECT("vm_set_region_wrong_size", ioctl(vm, _IOW(PFVMMIO, 0x40, uint64_t), &vm),
	       ENOTTY);
	EXPECT("vm_get_stats_wrong_size", ioctl(vm, _IOR(PFVMMIO, 0x42, uint64_t), &vm),
	       ENOTTY);
	EXPECT("vm_create_vcpu_with_size", ioctl(vm, _IOW(PFVMMIO, 0x41, uint32_t), &vm),
	       ENOTTY);
	EXPECT("create_vcpu_id_eq_cap", ioctl(vm, PFVMM_CREATE_VCPU, max_vcpus), EINVAL);
	EXPECT("create_vcpu_id_huge", ioctl(vm, PFVMM_CREATE_VCPU, ~0ul), EINVAL);
	vcpu = ioctl(vm, PFVMM_CREATE_VCPU, 0);
	expect_errno("create_vcpu_0", vcpu, errno, 0);
	EXPECT("create_vcpu_0_twice", ioctl(vm, PFVMM_CREATE_VCPU, 0), EEXIST);
	test_vcpu_all_ids(vm);
	if (vcpu >= 0) {
		test_vcpu_wrong_sizes(vcpu);
		test_vcpu_regs(vcpu);
		test_vcpu_msrs(vcpu);
		test_vcpu_mmap(vcpu);
		close(vcpu);
	}
	close(vm);
}

/* ---- RUN from two threads, then a signal ---- */

struct spin_vm {
	int vm, vcpu;
	void *mem;
	struct pfvmm_run *run;
	pthread_t runner;
	atomic_int spinning;	/* the guest printed "spinning" */
	atomic_int done;	/* the runner thread's RUN returned for good */
	long last_ret;		/* its last RUN result and errno */
	int last_errno;
	uint32_t last_exit;
	char console[256];
	size_t console_len;
};

static void on_signal(int sig)
{
	(void)sig;
}

static void install_handler(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int spin_vm_load(struct spin_vm *s)
{
	struct elf_target tgt = { s->mem, GUEST_MEM, PFVMM_BOOT_LOW_END };
	char msg[ELF_MSG_MAX];
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;
	struct elf_image img;

	if (elf_load(spin_elf_start, (size_t)spin_elf_size, &tgt,
		     &img, msg, sizeof(msg))) {
		fail("spin_load", "embedded spin.elf: %s", msg);
		return -1;
	}
	x86_boot_setup(s->mem, GUEST_MEM, &img, "");
	x86_boot_sregs(&sregs);
	x86_boot_regs(&regs, img.entry);
	if (ioctl(s->vcpu, PFVMM_SET_SREGS, &sregs) || ioctl(s->vcpu, PFVMM_SET_REGS, &regs)) {
		fail("spin_load", "set registers: %s", errno_name(errno));
		return -1;
	}
	return 0;
}

static int spin_vm_create(int sys, struct spin_vm *s)
{
	void *run;

	memset(s, 0, sizeof(*s));
	s->vm = create_vm(sys);
	s->mem = map_anon(GUEST_MEM);
	if (set_region(s->vm, 0, 0, GUEST_MEM, s->mem)) {
		fail("spin_setup", "SET_MEMORY_REGION: %s", errno_name(errno));
		return -1;
	}
	s->vcpu = ioctl(s->vm, PFVMM_CREATE_VCPU, 0);
	if (s->vcpu < 0) {
		fail("spin_setup", "CREATE_VCPU: %s", errno_name(errno));
		return -1;
	}
	run = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, s->vcpu, 0);
	if (run == MAP_FAILED) {
		fail("spin_setup", "mmap of the vCPU: %s", errno_name(errno));
		return -1;
	}
	s->run = run;
	/*
	 * A fresh vCPU has no usable guest state: the entry fails.  That must
	 * leave the VMCS unlaunched, or every later RUN fails (VMRESUME of a
	 * VMCS that was never launched): the spinning guest below runs only
	 * if it does.
	 */
	if (ioctl(s->vcpu, PFVMM_RUN, 0) == 0 &&
	    s->run->exit_reason == PFVMM_EXIT_INTERNAL_ERROR &&
	    s->run->internal.suberror == PFVMM_INTERNAL_ENTRY_FAILED)
		pass("run_fresh_vcpu_entry_fails");
	else
		fail("run_fresh_vcpu_entry_fails", "RUN: %s, exit %u, suberror %u",
		     errno_name(errno), s->run->exit_reason, s->run->internal.suberror);
	return spin_vm_load(s);
}

static void spin_take_console(struct spin_vm *s)
{
	uint32_t len = s->run->console.len;

	if (len > sizeof(s->console) - 1 - s->console_len)
		len = (uint32_t)(sizeof(s->console) - 1 - s->console_len);
	memcpy(s->console + s->console_len, s->run->console.buf, len);
	s->console_len += len;
	s->console[s->console_len] = '\0';
	if (strstr(s->console, "spinning"))
		atomic_store(&s->spinning, 1);
}

/* Thread A: run the guest, passing console exits, until RUN fails. */
static void *spin_runner(void *arg)
{
	struct spin_vm *s = arg;

	for (;;) {
		s->last_ret = ioctl(s->vcpu, PFVMM_RUN, 0);
		s->last_errno = errno;
		s->last_exit = s->run->exit_reason;
		if (s->last_ret == 0 && s->last_exit == PFVMM_EXIT_CONSOLE) {
			spin_take_console(s);
			continue;
		}
		break;
	}
	atomic_store(&s->done, 1);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Wait until @flag or @stop is set; returns @flag. */
static int wait_flag_or(atomic_int *flag, atomic_int *stop, int seconds)
{
	int i;

	for (i = 0; i < seconds * 100 && !atomic_load(flag) && !atomic_load(stop); i++)
		sleep_ms(10);
	return atomic_load(flag);
}

static int wait_flag(atomic_int *flag, int seconds)
{
	return wait_flag_or(flag, flag, seconds);
}

/* Main thread: while A is in the guest, RUN on the same vCPU is EBUSY. */
static void test_run_busy(struct spin_vm *s)
{
	long ret;

	sleep_ms(500);	/* let A get from its console exit back into RUN */
	alarm(10);	/* if our RUN wrongly enters the guest, SIGALRM ends it */
	ret = ioctl(s->vcpu, PFVMM_RUN, 0);
	expect_errno("run_concurrent_ebusy", ret, errno, EBUSY);
	alarm(0);
}

/* Signal A until its RUN returns (it may be between exits at first). */
static void test_run_signal(struct spin_vm *s)
{
	int i;

	for (i = 0; i < 60 && !atomic_load(&s->done); i++) {
		pthread_kill(s->runner, SIGUSR1);
		wait_flag(&s->done, 1);
	}
	if (!atomic_load(&s->done)) {
		fail("run_signal_eintr", "RUN did not return within 60 s of SIGUSR1");
		return;
	}
	expect_errno("run_signal_eintr", s->last_ret, s->last_errno, EINTR);
	expect_value("run_signal_exit_intr", s->last_exit, PFVMM_EXIT_INTR);
}

static void test_stats_counted(struct spin_vm *s)
{
	struct pfvmm_vm_stats st;

	memset(&st, 0, sizeof(st));
	EXPECT("get_vm_stats_bad_pointer", ioctl(s->vm, PFVMM_GET_VM_STATS, BAD_PTR), EFAULT);
	if (ioctl(s->vm, PFVMM_GET_VM_STATS, &st)) {
		fail("get_vm_stats", "got %s want 0", errno_name(errno));
		return;
	}
	if (st.exits_total > 0 && st.hypercalls[PFVMM_HC_CONSOLE_WRITE] > 0)
		pass("get_vm_stats_counts");
	else
		fail("get_vm_stats_counts", "exits_total %llu console_write %llu, want > 0",
		     (unsigned long long)st.exits_total,
		     (unsigned long long)st.hypercalls[PFVMM_HC_CONSOLE_WRITE]);
}

/* VM fd first, then the vCPU fd, then the mapping: all must just work. */
static void test_close_order(int sys, struct spin_vm *s)
{
	expect_errno("close_vm_fd_first", close(s->vm), errno, 0);
	EXPECT("vcpu_usable_after_vm_close", ioctl(s->vcpu, PFVMM_GET_REGS,
						   &(struct pfvmm_regs){ 0 }), 0);
	expect_errno("close_vcpu_fd_after", close(s->vcpu), errno, 0);
	expect_errno("munmap_run_after_close", munmap(s->run, PAGE), errno, 0);
	munmap(s->mem, GUEST_MEM);
	expect_value("sys_fd_still_works", ioctl(sys, PFVMM_GET_API_VERSION, 0), PFVMM_API_VERSION);
}

/*
 * immediate_exit (KVM's): RUN returns EINTR with exit reason INTR and the
 * guest is not entered (no exit is counted).  (request_interrupt_window:
 * t-irq.)
 */
static void test_run_requests(struct spin_vm *s)
{
	struct pfvmm_vm_stats before, after;

	ioctl(s->vm, PFVMM_GET_VM_STATS, &before);
	s->run->immediate_exit = 1;
	EXPECT("run_immediate_exit", ioctl(s->vcpu, PFVMM_RUN, 0), EINTR);
	expect_value("run_immediate_exit_reason_intr", s->run->exit_reason,
		     PFVMM_EXIT_INTR);
	ioctl(s->vm, PFVMM_GET_VM_STATS, &after);
	expect_value("run_immediate_exit_not_entered",
		     (long)(after.exits_total - before.exits_total), 0);
	s->run->immediate_exit = 0;
}

static void test_run(int sys)
{
	struct spin_vm s;
	sigset_t alrm;

	step("run: loading spin.elf");
	install_handler(SIGUSR1);
	install_handler(SIGALRM);
	if (spin_vm_create(sys, &s))
		return;
	test_run_requests(&s);
	/* A must not take main's SIGALRM: it inherits this mask. */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);
	if (pthread_create(&s.runner, NULL, spin_runner, &s)) {
		fail("run_thread", "pthread_create failed");
		return;
	}
	pthread_sigmask(SIG_UNBLOCK, &alrm, NULL);
	step("run: waiting for the guest to print 'spinning'");
	if (!wait_flag_or(&s.spinning, &s.done, SPIN_TIMEOUT_S)) {
		fail("run_guest_spinning",
		     "no 'spinning' from the guest (RUN: ret %ld %s, exit %u, console '%s')",
		     s.last_ret, errno_name(s.last_ret < 0 ? s.last_errno : 0),
		     s.last_exit, s.console);
		pthread_kill(s.runner, SIGUSR1);
		return;
	}
	pass("run_guest_spinning");
	step("run: second RUN on the busy vCPU");
	test_run_busy(&s);
	step("run: signal to the running thread");
	test_run_signal(&s);
	if (!atomic_load(&s.done))
		return;		/* the vCPU is stuck in RUN: nothing more to do */
	pthread_join(s.runner, NULL);
	step("stats and close order");
	test_stats_counted(&s);
	test_close_order(sys, &s);
}

int main(void)
{
	int sys;

	setvbuf(stdout, NULL, _IOLBF, 0);
	start_watchdog();
	sys = open("/dev/pfvmm", O_RDWR | O_CLOEXEC);
	if (sys < 0) {
		fail("open_dev", "open /dev/pfvmm: %s", strerror(errno));
		return 1;
	}
	pass("open_dev");
	test_system(sys);
	test_regions(sys);
	test_vcpus(sys);
	test_vm_limit(sys);
	test_run(sys);
	close(sys);
	printf("ioctl-test: %d passed, %d failed\n", nr_passed, nr_failed);
	return nr_failed ? 1 : 0;
}
