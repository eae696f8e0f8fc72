// SPDX-License-Identifier: GPL-2.0
/*
 * guestmem: what guest memory costs the host, and who waits for it
 * (tests/vm/t-guestmem.sh and t-uffd.sh run it inside the emulated
 * machine with the module loaded).
 *
 *   guestmem frames        a pv VM whose memory is 2 MiB at 0 and one page
 *                          just under 64 GiB: the validator's frame structs
 *                          cost what the slots hold (VmallocUsed grows by
 *                          less than 1 MiB), not 64 GiB's worth
 *   guestmem memcg CGDIR   in cgroup CGDIR, a pv vCPU over 1 GiB of guest
 *                          memory charges its 4 MiB of frame structs there
 *   guestmem memlock       without CAP_IPC_LOCK and with RLIMIT_MEMLOCK at
 *                          8 MiB, slots are charged to the user: past 8 MiB
 *                          SET_MEMORY_REGION fails with ENOMEM, in this VM,
 *                          another VM and another process of the user; a
 *                          closed VM gives its charge back
 *   guestmem vmpin [huge]  a guest that touches 256 pages: they show in
 *                          VmPin (mm->pinned_vm) while the VM lives, and
 *                          VmPin is 0 once it is closed; huge: slot 0 is a
 *                          2 MiB-aligned THP mapping, the 256 pages lie in
 *                          one 2 MiB leaf (ept_leaves_2m), and its 512
 *                          pages are what VmPin shows and gives back
 *   guestmem file PATH     a shared mapping of PATH (page cache that is
 *                          written back) is refused (EOPNOTSUPP), at
 *                          SET_MEMORY_REGION and, mapped over a slot later,
 *                          at the guest's first touch (guest error); shmem
 *                          and a private mapping of PATH run
 *   guestmem uffd          nobody waits while the module copies to a page
 *                          of a slot registered with a userfaultfd nobody
 *                          answers: a pv guest's POOL_RECLAIM writes its
 *                          array there; meanwhile another thread runs
 *                          vCPU 1 (an MMU hypercall), reads the VM's stats
 *                          and closes vCPU 1, the VM and vCPU 0: all of
 *                          that must finish while vCPU 0 waits; then
 *                          SIGKILL ends the process, and every live
 *                          counter is back to 0
 *   guestmem fuse MODE     the same, nobody waiting while a pin sleeps: the
 *                          slot is a private mapping of a file on a FUSE
 *                          file system (served here) whose reads are never
 *                          answered, and vCPU 0 touches it (MODE native:
 *                          its EPT violation) or pins a frame there as a
 *                          page table (pv); vCPU 1 faults on other memory
 *                          (native) or makes an MMU hypercall (pv).  (A
 *                          userfaultfd cannot make a pin wait in 6.1: a
 *                          FOLL_LONGTERM pin faults without
 *                          FAULT_FLAG_ALLOW_RETRY and gets -EFAULT.)
 *
 * Each check prints "ok NAME ..." or "not ok NAME: why"; the exit status is
 * the number of failed checks (2 for a setup error).  Guest code is a few
 * bytes written here, run on the launcher's boot tables (x86-setup.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/uio.h>
#include <linux/capability.h>
#include <linux/fuse.h>
#include <linux/userfaultfd.h>

#include <uapi/pfvmm.h>
#include <pfvmm/bootinfo.h>
#include <pfvmm/hypercall.h>

#include "elf-loader.h"
#include "x86-setup.h"

#define KiB		1024ul
#define MiB		(1024ul * KiB)
#define PAGE		4096ul
#define LOW_SIZE	(4 * MiB)	/* slot 0: boot tables and code, at 0 */
#define MAPPED		(8 * MiB)	/* what the boot tables map */
#define HIGH_GPA	(4 * MiB)	/* slot 1, when there is one */
#define CODE0		0x100000ul	/* vCPU 0's code */
#define CODE1		0x102000ul	/* vCPU 1's */
#define OPS0		0x104000ul	/* their hypercall arguments */
#define OPS1		0x105000ul
#define GPA_LIMIT	(64ull << 30)	/* the module's PFVMM_GPA_LIMIT */

static int failed;

static void ok(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("ok %s", name);
	if (fmt) {
		printf(": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

static void not_ok(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("not ok %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failed++;
}

static void die(const char *what)
{
	printf("guestmem: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ---- a VM with a few bytes of guest code ---- */

struct tvm {
	int sys, vm;
	int vcpu[2];
	struct pfvmm_run *run[2];
	uint8_t *low;
};

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static int set_region(int vm, unsigned int slot, uint64_t gpa, uint64_t size,
		      const void *uaddr)
{
	struct pfvmm_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)uaddr,
	};

	return ioctl(vm, PFVMM_SET_MEMORY_REGION, &r) ? -errno : 0;
}

static void vm_open(struct tvm *t, bool pv)
{
	struct pfvmm_vm_config c = { .mmu_mode = pv ? PFVMM_MMU_PV : 0,
				     .offload = 0 };

	memset(t, 0, sizeof(*t));
	t->vcpu[0] = t->vcpu[1] = -1;
	t->sys = open("/dev/pfvmm", O_RDWR | O_CLOEXEC);
	if (t->sys < 0)
		die("open /dev/pfvmm");
	t->vm = ioctl(t->sys, PFVMM_CREATE_VM, 0);
	if (t->vm < 0)
		die("PFVMM_CREATE_VM");
	if (ioctl(t->vm, PFVMM_SET_VM_CONFIG, &c))
		die("PFVMM_SET_VM_CONFIG");
}

/*
 * @size bytes at a 2 MiB boundary in transparent huge pages, populated
 * (what the launcher's --hugepages does, userspace/vm.c).
 */
static void *map_huge(size_t size)
{
	uint8_t *raw = map_anon(size + 2 * MiB), *p;

	p = (uint8_t *)(((uintptr_t)raw + 2 * MiB - 1) & ~(uintptr_t)(2 * MiB - 1));
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + size, raw + 2 * MiB - p);
	if (madvise(p, size, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)");
	memset(p, 0, size);
	return p;
}

/* Slot 0: boot tables (mapping MAPPED bytes) and room for code. */
static void vm_low_in(struct tvm *t, bool huge)
{
	struct elf_image img = { 0 };

	t->low = huge ? map_huge(LOW_SIZE) : map_anon(LOW_SIZE);
	if (x86_boot_setup(t->low, MAPPED, &img, "") ||
	    set_region(t->vm, 0, 0, LOW_SIZE, t->low))
		die("slot 0");
}

static void vm_low(struct tvm *t)
{
	vm_low_in(t, false);
}

static void vcpu_open(struct tvm *t, int i, uint64_t rip)
{
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;

	t->vcpu[i] = ioctl(t->vm, PFVMM_CREATE_VCPU, i);
	if (t->vcpu[i] < 0)
		die("PFVMM_CREATE_VCPU");
	t->run[i] = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 t->vcpu[i], 0);
	if (t->run[i] == MAP_FAILED)
		die("mmap vcpu");
	x86_boot_sregs(&sregs);
	x86_boot_regs(&regs, rip);
	if (ioctl(t->vcpu[i], PFVMM_SET_SREGS, &sregs) ||
	    ioctl(t->vcpu[i], PFVMM_SET_REGS, &regs))
		die("SET_SREGS/SET_REGS");
}

static void vm_close(struct tvm *t)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (t->vcpu[i] < 0)
			continue;
		munmap(t->run[i], PAGE);
		close(t->vcpu[i]);
		t->vcpu[i] = -1;
	}
	close(t->vm);
	close(t->sys);
	if (t->low)
		munmap(t->low, LOW_SIZE);
	t->low = NULL;
}

/* RUN until the guest stops: the exit reason, or -errno. */
static int vcpu_run(struct tvm *t, int i)
{
	for (;;) {
		if (!ioctl(t->vcpu[i], PFVMM_RUN, 0))
			return t->run[i]->exit_reason;
		if (errno != EINTR)
			return -errno;
	}
}

static void put64(uint8_t *p, size_t *n, uint64_t v)
{
	memcpy(p + *n, &v, 8);
	*n += 8;
}

/* At @gpa: write 1 to @count pages from @base on, then HLT. */
static void code_touch(struct tvm *t, uint64_t gpa, uint64_t base,
		       uint64_t count)
{
	static const uint8_t loop[] = {
		0xc6, 0x00, 0x01,			/* movb $1, (%rax) */
		0x48, 0x05, 0x00, 0x10, 0x00, 0x00,	/* add $4096, %rax */
		0x48, 0xff, 0xc9,			/* dec %rcx */
		0x75, 0xf2,				/* jnz loop */
		0xf4,					/* hlt */
	};
	uint8_t *p = t->low + gpa;
	size_t n = 0;

	p[n++] = 0x48;
	p[n++] = 0xb8;				/* movabs $base, %rax */
	put64(p, &n, base);
	p[n++] = 0x48;
	p[n++] = 0xb9;				/* movabs $count, %rcx */
	put64(p, &n, count);
	memcpy(p + n, loop, sizeof(loop));
}

/* At @gpa: MMUEXT_OP(@ops, 1, 0) with one op at @ops_gpa, then HLT. */
static void code_mmuext(struct tvm *t, uint64_t gpa, uint64_t ops_gpa,
			unsigned int cmd, uint64_t arg1)
{
	struct pfvmm_mmuext_op op = { .cmd = cmd, .arg1 = arg1 };
	uint8_t *p = t->low + gpa;
	uint32_t nr = PFVMM_HC_MMUEXT_OP;
	size_t n = 0;

	memcpy(t->low + ops_gpa, &op, sizeof(op));
	p[n++] = 0xb8;				/* mov $nr, %eax */
	memcpy(p + n, &nr, 4);
	n += 4;
	p[n++] = 0x48;
	p[n++] = 0xbf;				/* movabs $ops, %rdi */
	put64(p, &n, ops_gpa);
	p[n++] = 0xbe;				/* mov $1, %esi */
	p[n++] = 1;
	p[n++] = 0;
	p[n++] = 0;
	p[n++] = 0;
	p[n++] = 0x31;
	p[n++] = 0xd2;				/* xor %edx, %edx */
	p[n++] = 0x0f;
	p[n++] = 0x01;
	p[n++] = 0xc1;				/* vmcall */
	p[n++] = 0xf4;				/* hlt */
}

/* ---- what the host says ---- */

/* A "Name:  N kB" line of /proc/meminfo or /proc/self/status, in KiB. */
static long kb_of(const char *file, const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

static long long read_num(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 10);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static const char *const live_names[] = {
	"vms_live", "vcpus_live", "pages_pinned", "ept_tables", "pool_frames",
};

/* The module's live counters, as "name=N ..."; true when all are 0. */
static bool live_zero(char *buf, size_t len)
{
	bool zero = true;
	size_t i, off = 0;

	for (i = 0; i < sizeof(live_names) / sizeof(live_names[0]); i++) {
		char path[128];
		long long v;

		snprintf(path, sizeof(path), "/sys/kernel/pfvmm/%s",
			 live_names[i]);
		v = read_num(path);
		zero = zero && v == 0;
		off += snprintf(buf + off, len - off, "%s%s=%lld",
				i ? " " : "", live_names[i], v);
	}
	return zero;
}

/* ---- frames: sized by what the slots hold ---- */

static int t_frames(void)
{
	struct tvm t;
	void *page = map_anon(PAGE);
	long before, after;
	int err;

	vm_open(&t, true);
	vm_low(&t);
	err = set_region(t.vm, 1, GPA_LIMIT - PAGE, PAGE, page);
	if (err) {
		not_ok("frames_high_slot", "SET_MEMORY_REGION at 64 GiB - 4 KiB: %s",
		       strerror(-err));
		return 1;
	}
	before = kb_of("/proc/meminfo", "VmallocUsed");
	t.vcpu[0] = ioctl(t.vm, PFVMM_CREATE_VCPU, 0);
	err = t.vcpu[0] < 0 ? errno : 0;
	after = kb_of("/proc/meminfo", "VmallocUsed");
	if (err)
		not_ok("frames_sized_by_slots", "CREATE_VCPU: %s (VmallocUsed %ld -> %ld kB)",
		       strerror(err), before, after);
	else if (after - before >= 1024)
		not_ok("frames_sized_by_slots", "VmallocUsed grew by %ld kB (want < 1024)",
		       after - before);
	else
		ok("frames_sized_by_slots", "pv vCPU over 4 MiB + 4 KiB of slots, one at 64 GiB - 4 KiB: VmallocUsed %+ld kB",
		   after - before);
	if (t.vcpu[0] >= 0)
		close(t.vcpu[0]);
	t.vcpu[0] = -1;
	vm_close(&t);
	return 0;
}

/* ---- memcg: the frame structs are charged to the creator ---- */

static int t_memcg(const char *cg)
{
	char path[256], pid[32];
	long long before, after;
	struct tvm t;
	void *mem;
	int err;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_str(path, pid))
		die(path);
	snprintf(path, sizeof(path), "%s/memory.current", cg);
	vm_open(&t, true);
	mem = map_anon(1024 * MiB);
	if (set_region(t.vm, 0, 0, 1024 * MiB, mem))
		die("1 GiB slot");
	before = read_num(path);
	t.vcpu[0] = ioctl(t.vm, PFVMM_CREATE_VCPU, 0);
	err = t.vcpu[0] < 0 ? errno : 0;
	after = read_num(path);
	if (err)
		not_ok("memcg_frames_charged", "CREATE_VCPU: %s", strerror(err));
	else if (after - before < 4000000)
		not_ok("memcg_frames_charged", "memory.current grew by %lld bytes (want >= 4000000: 262144 frames x 16 bytes)",
		       after - before);
	else
		ok("memcg_frames_charged", "pv vCPU over 1 GiB: memory.current %+lld bytes",
		   after - before);
	if (t.vcpu[0] >= 0)
		close(t.vcpu[0]);
	t.vcpu[0] = -1;
	vm_close(&t);
	munmap(mem, 1024 * MiB);
	return 0;
}

/* ---- memlock: slots charged to RLIMIT_MEMLOCK ---- */

static void drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		die("capget");
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].inheritable &= ~(1u << (CAP_IPC_LOCK % 32));
	if (syscall(SYS_capset, &h, d))
		die("capset");
}

static void expect_region(const char *name, int vm, unsigned int slot,
			  uint64_t gpa, uint64_t size, const void *uaddr,
			  int want)
{
	int err = set_region(vm, slot, gpa, size, uaddr);

	if (err == want)
		ok(name, "%s", want ? strerror(-want) : "set");
	else
		not_ok(name, "SET_MEMORY_REGION(%llu KiB): %s, want %s",
		       (unsigned long long)(size / KiB),
		       err ? strerror(-err) : "success",
		       want ? strerror(-want) : "success");
}

static int t_memlock(void)
{
	struct rlimit lim = { 8 * MiB, 8 * MiB };
	uint8_t *mem = map_anon(16 * MiB);
	struct tvm a, b;
	pid_t child;
	int st;

	drop_ipc_lock();
	if (setrlimit(RLIMIT_MEMLOCK, &lim))
		die("setrlimit");
	printf("# RLIMIT_MEMLOCK 8 MiB, CAP_IPC_LOCK dropped\n");
	vm_open(&a, false);
	expect_region("memlock_first_4m", a.vm, 0, 0, 4 * MiB, mem, 0);
	expect_region("memlock_up_to_the_limit", a.vm, 1, 4 * MiB, 4 * MiB,
		      mem + 4 * MiB, 0);
	expect_region("memlock_one_page_over", a.vm, 2, 8 * MiB, PAGE,
		      mem + 8 * MiB, -ENOMEM);
	vm_open(&b, false);
	expect_region("memlock_other_vm_same_user", b.vm, 0, 0, PAGE,
		      mem + 12 * MiB, -ENOMEM);
	child = fork();
	if (child == 0) {
		struct tvm c;

		vm_open(&c, false);
		expect_region("memlock_other_process_same_user", c.vm, 0, 0,
			      PAGE, mem + 12 * MiB, -ENOMEM);
		_exit(failed);
	}
	if (child < 0 || waitpid(child, &st, 0) != child)
		die("fork");
	failed += WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	vm_close(&a);	/* gives its 8 MiB back */
	expect_region("memlock_back_after_close", b.vm, 0, 0, 8 * MiB,
		      mem + 8 * MiB, 0);
	vm_close(&b);
	munmap(mem, 16 * MiB);
	return 0;
}

/* ---- vmpin: pinned pages in mm->pinned_vm ---- */

static int t_vmpin(bool huge)
{
	long before = kb_of("/proc/self/status", "VmPin"), during, after;
	struct pfvmm_vm_stats st;
	struct tvm t;
	int r;

	vm_open(&t, false);
	vm_low_in(&t, huge);
	code_touch(&t, CODE0, 0x200000, 256);
	vcpu_open(&t, 0, CODE0);
	r = vcpu_run(&t, 0);
	during = kb_of("/proc/self/status", "VmPin");
	if (ioctl(t.vm, PFVMM_GET_VM_STATS, &st))
		die("GET_VM_STATS");
	if (r != PFVMM_EXIT_HLT)
		not_ok("vmpin_guest_ran", "exit %d", r);
	else if (during - before != (long)st.pages_pinned * 4)
		not_ok("vmpin_while_pinned", "VmPin %ld -> %ld kB, pages_pinned %llu (want VmPin + %llu kB)",
		       before, during, (unsigned long long)st.pages_pinned,
		       (unsigned long long)st.pages_pinned * 4);
	else
		ok("vmpin_while_pinned", "VmPin %ld -> %ld kB = pages_pinned %llu",
		   before, during, (unsigned long long)st.pages_pinned);
	if (huge && (!st.ept_leaves_2m || st.pages_pinned < 512))
		not_ok("vmpin_2m_leaf", "ept_leaves_2m %llu, pages_pinned %llu (want >= 1, >= 512)",
		       (unsigned long long)st.ept_leaves_2m,
		       (unsigned long long)st.pages_pinned);
	else if (huge)
		ok("vmpin_2m_leaf", "ept_leaves_2m %llu", (unsigned long long)st.ept_leaves_2m);
	vm_close(&t);
	after = kb_of("/proc/self/status", "VmPin");
	if (after != before)
		not_ok("vmpin_after_close", "VmPin %ld kB, want %ld", after, before);
	else
		ok("vmpin_after_close", "VmPin %ld kB", after);
	return 0;
}

/* ---- file: page cache that is written back is not pinned ---- */

static int t_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct stat sb;
	uint8_t *shared, *priv, *anon;
	struct tvm t;
	int mfd, r;

	if (fd < 0 || fstat(fd, &sb))
		die(path);
	if (!S_ISBLK(sb.st_mode) && ftruncate(fd, 4 * MiB))
		die("ftruncate");
	shared = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (shared == MAP_FAILED)
		die("mmap shared");
	vm_open(&t, false);
	vm_low(&t);
	expect_region("file_shared_refused", t.vm, 1, HIGH_GPA, 4 * MiB,
		      shared, -EOPNOTSUPP);
	vm_close(&t);

	/* A slot that is partly a file mapping: refused as well. */
	vm_open(&t, false);
	vm_low(&t);
	anon = map_anon(8 * MiB);
	if (mmap(anon + 4 * MiB, 4 * MiB, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
		die("mmap fixed");
	expect_region("file_partly_shared_refused", t.vm, 1, HIGH_GPA, 8 * MiB,
		      anon, -EOPNOTSUPP);
	vm_close(&t);
	munmap(anon, 8 * MiB);

	/* shmem (memfd) and a private mapping of the file: pinned, run. */
	mfd = memfd_create("guestmem", MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, 4 * MiB))
		die("memfd");
	priv = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (priv == MAP_FAILED)
		die("mmap memfd");
	vm_open(&t, false);
	vm_low(&t);
	expect_region("memfd_shared_taken", t.vm, 1, HIGH_GPA, 4 * MiB, priv, 0);
	code_touch(&t, CODE0, HIGH_GPA, 16);
	vcpu_open(&t, 0, CODE0);
	r = vcpu_run(&t, 0);
	if (r == PFVMM_EXIT_HLT)
		ok("memfd_guest_ran", NULL);
	else
		not_ok("memfd_guest_ran", "exit %d", r);
	vm_close(&t);
	munmap(priv, 4 * MiB);
	close(mfd);

	priv = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (priv == MAP_FAILED)
		die("mmap private");
	vm_open(&t, false);
	vm_low(&t);
	expect_region("file_private_taken", t.vm, 1, HIGH_GPA, 4 * MiB, priv, 0);
	code_touch(&t, CODE0, HIGH_GPA, 16);
	vcpu_open(&t, 0, CODE0);
	r = vcpu_run(&t, 0);
	if (r == PFVMM_EXIT_HLT)
		ok("file_private_guest_ran", NULL);
	else
		not_ok("file_private_guest_ran", "exit %d", r);
	vm_close(&t);
	munmap(priv, 4 * MiB);

	/* Anonymous when registered, the file mapped over it later. */
	vm_open(&t, false);
	vm_low(&t);
	anon = map_anon(4 * MiB);
	expect_region("anon_slot_taken", t.vm, 1, HIGH_GPA, 4 * MiB, anon, 0);
	if (mmap(anon, 4 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0) == MAP_FAILED)
		die("mmap over the slot");
	code_touch(&t, CODE0, HIGH_GPA, 16);
	vcpu_open(&t, 0, CODE0);
	r = vcpu_run(&t, 0);
	if (r == PFVMM_EXIT_GUEST_ERROR &&
	    t.run[0]->guest_error.address == HIGH_GPA)
		ok("file_mapped_later_refused_at_pin", "guest error '%s' at %#llx",
		   t.run[0]->guest_error.reason,
		   (unsigned long long)t.run[0]->guest_error.address);
	else
		not_ok("file_mapped_later_refused_at_pin", "exit %d (want %d, a guest error at %#lx)",
		       r, PFVMM_EXIT_GUEST_ERROR, HIGH_GPA);
	vm_close(&t);
	munmap(anon, 4 * MiB);
	munmap(shared, 4 * MiB);
	close(fd);
	return 0;
}

/* ---- uffd, fuse: nobody waits while a pin or a copy sleeps ---- */

#define WAIT_S		20	/* for the other thread's work */
#define HOLD_S		7	/* vCPU 0 stays blocked at least this long */
#define FUSE_MNT	"/tmp/guestmem.fuse"

enum scenario {
	UFFD_PV,	/* vCPU 0: POOL_RECLAIM into a userfaultfd page */
	FUSE_NATIVE,	/* vCPU 0: touches a FUSE page (its EPT violation) */
	FUSE_PV,	/* vCPU 0: PIN_L1 of a FUSE frame */
};

static const char *const scenario_names[] = { "uffd", "fuse native", "fuse pv" };
static struct tvm ut;
static enum scenario usc;
static int report_fd;
static int go_fd[2];	/* the parent to the other thread: vCPU 0 waits now */

static void report(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(report_fd, buf, n) != n)
		_exit(3);
}

/* One hypercall: RAX = @nr, RDI = @a0, RSI = @a1, RDX = 0. */
static void emit_hc(uint8_t *p, size_t *n, uint32_t nr, uint64_t a0,
		    uint64_t a1)
{
	p[(*n)++] = 0xb8;			/* mov $nr, %eax */
	memcpy(p + *n, &nr, 4);
	*n += 4;
	p[(*n)++] = 0x48;
	p[(*n)++] = 0xbf;			/* movabs $a0, %rdi */
	put64(p, n, a0);
	p[(*n)++] = 0x48;
	p[(*n)++] = 0xbe;			/* movabs $a1, %rsi */
	put64(p, n, a1);
	p[(*n)++] = 0x31;
	p[(*n)++] = 0xd2;			/* xor %edx, %edx */
	p[(*n)++] = 0x0f;
	p[(*n)++] = 0x01;
	p[(*n)++] = 0xc1;			/* vmcall */
}

/* vCPU 0: donate 16 frames of slot 0, reclaim them into slot 1, HLT. */
static void code_donate_reclaim(struct tvm *t)
{
	uint64_t *frames = (uint64_t *)(t->low + OPS0);
	uint8_t *p = t->low + CODE0;
	size_t n = 0;
	int i;

	for (i = 0; i < 16; i++)
		frames[i] = (0x200000 >> 12) + i;
	emit_hc(p, &n, PFVMM_HC_POOL_DONATE, OPS0, 16);
	emit_hc(p, &n, PFVMM_HC_POOL_RECLAIM, HIGH_GPA, 16);
	p[n++] = 0xf4;				/* hlt */
}

static void *bg_vcpu0(void *arg)
{
	int r;

	(void)arg;
	r = vcpu_run(&ut, 0);
	report("vcpu0 returned %d\n", r);	/* not before the SIGKILL */
	return NULL;
}

/*
 * The other thread, once vCPU 0 waits.  For FUSE it changes no mapping
 * (no munmap(), no malloc() that could mmap()): that needs mmap_lock for
 * writing, and 6.1's FOLL_LONGTERM pin holds it for reading while the
 * FUSE read sleeps (its GUP cannot drop it), a wait that is the
 * kernel's, not the module's.  So it leaves the run pages mapped, and
 * closing a mapped vCPU fd releases nothing until exit.
 */
static void *bg_other(void *arg)
{
	static struct pfvmm_vm_stats stats;
	struct pfvmm_vm_stats *st = &stats;
	struct pfvmm_regs regs;
	char go;
	int r;

	(void)arg;
	if (read(go_fd[0], &go, 1) != 1)
		_exit(5);
	r = vcpu_run(&ut, 1);
	if (r == PFVMM_EXIT_HLT && usc != FUSE_NATIVE &&
	    (ioctl(ut.vcpu[1], PFVMM_GET_REGS, &regs) || regs.rax))
		r = -1000;	/* the hypercall failed */
	report("vcpu1 %d\n", r);
	report("stats %d\n", ioctl(ut.vm, PFVMM_GET_VM_STATS, st) ? -errno : 0);
	if (usc == UFFD_PV)
		munmap(ut.run[1], PAGE);
	report("close-vcpu1 %d\n", close(ut.vcpu[1]) ? -errno : 0);
	report("close-vm %d\n", close(ut.vm) ? -errno : 0);
	report("close-vcpu0 %d\n", close(ut.vcpu[0]) ? -errno : 0);
	report("other-done\n");
	return NULL;
}

/* The VM process: set up, start both threads, then wait to be killed. */
static void vm_child(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct pollfd pfd;
	pthread_t a, b;
	uint8_t *high;
	int fd, uffd = -1;

	vm_open(&ut, usc != FUSE_NATIVE);
	vm_low(&ut);
	if (usc == UFFD_PV) {
		high = map_anon(4 * MiB);
		uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
			die("userfaultfd");
		reg.range.start = (uintptr_t)high;
		reg.range.len = 4 * MiB;
		reg.mode = UFFDIO_REGISTER_MODE_MISSING;
		if (ioctl(uffd, UFFDIO_REGISTER, &reg))
			die("UFFDIO_REGISTER");
	} else {
		fd = open(FUSE_MNT "/mem", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			die("open " FUSE_MNT "/mem");
		high = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			    fd, 0);
		if (high == MAP_FAILED)
			die("mmap " FUSE_MNT "/mem");
	}
	if (set_region(ut.vm, 1, HIGH_GPA, 4 * MiB, high))
		die("slot 1");
	if (usc == UFFD_PV)
		code_donate_reclaim(&ut);
	else if (usc == FUSE_PV)
		code_mmuext(&ut, CODE0, OPS0, PFVMM_MMUEXT_PIN_L1_TABLE,
			    HIGH_GPA >> 12);
	else
		code_touch(&ut, CODE0, HIGH_GPA, 1);
	if (usc == FUSE_NATIVE)
		code_touch(&ut, CODE1, 0x300000, 1);
	else
		code_mmuext(&ut, CODE1, OPS1, PFVMM_MMUEXT_TLB_FLUSH_LOCAL, 0);
	vcpu_open(&ut, 0, CODE0);
	vcpu_open(&ut, 1, CODE1);
	/* Both threads now: creating one later would mmap() its stack. */
	if (pthread_create(&b, NULL, bg_other, NULL) ||
	    pthread_create(&a, NULL, bg_vcpu0, NULL))
		die("pthread_create");
	if (uffd >= 0) {
		/* vCPU 0 is stuck once its fault is queued there. */
		pfd.fd = uffd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, WAIT_S * 1000) != 1) {
			report("vcpu0 never faulted on the userfaultfd\n");
			_exit(2);
		}
		report("vcpu0 blocked\n");
	}
	/* For FUSE, the server says "vcpu0 blocked" at the READ. */
	for (;;)
		pause();
}

/* ---- a FUSE server with one file, "mem", whose reads never finish ---- */

static void fuse_reply(int fd, uint64_t unique, int error, const void *arg,
		       size_t len)
{
	struct fuse_out_header h = {
		.len = sizeof(h) + len, .error = error, .unique = unique,
	};
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)arg, len } };

	if (writev(fd, iov, len ? 2 : 1) < 0 && errno != ENOENT)
		_exit(4);
}

static void fuse_attr_of(uint64_t node, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = node;
	a->blksize = PAGE;
	if (node == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0644;
		a->nlink = 1;
		a->size = 4 * MiB;
		a->blocks = 4 * MiB / 512;
	}
}

static void fuse_serve(int fd)
{
	static uint8_t buf[FUSE_MIN_READ_BUFFER + 128 * KiB];
	bool said = false;

	memset(buf, 0, sizeof(buf));	/* no page fault while serving */
	for (;;) {
		struct fuse_in_header *in = (void *)buf;
		void *arg = buf + sizeof(*in);
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && (errno == EINTR || errno == ENOENT || errno == EAGAIN))
			continue;
		if (n < (ssize_t)sizeof(*in))
			_exit(0);	/* unmounted or aborted */
		switch (in->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *ii = arg;
			struct fuse_init_out o = {
				.major = FUSE_KERNEL_VERSION,
				.minor = ii->minor < FUSE_KERNEL_MINOR_VERSION ?
					 ii->minor : FUSE_KERNEL_MINOR_VERSION,
				.max_readahead = ii->max_readahead,
				.max_write = 64 * KiB,
				.time_gran = 1,
			};

			fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out o = { .nodeid = 2,
						    .entry_valid = 3600,
						    .attr_valid = 3600 };

			if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "mem")) {
				fuse_reply(fd, in->unique, -ENOENT, NULL, 0);
				break;
			}
			fuse_attr_of(2, &o.attr);
			fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out o = { .attr_valid = 3600 };

			fuse_attr_of(in->nodeid, &o.attr);
			fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_OPEN: {
			struct fuse_open_out o = { .fh = 1 };

			fuse_reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_READ:
			/* Never answered: whoever reads waits. */
			if (!said)
				report("vcpu0 blocked\n");
			said = true;
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;		/* no reply */
		case FUSE_FLUSH:
		case FUSE_RELEASE:
			fuse_reply(fd, in->unique, 0, NULL, 0);
			break;
		default:
			fuse_reply(fd, in->unique, -ENOSYS, NULL, 0);
		}
	}
}

/* Mount FUSE_MNT and serve it from a child process: its pid. */
static pid_t fuse_start(void)
{
	char opts[128];
	pid_t pid;
	int fd;

	mkdir(FUSE_MNT, 0755);
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/fuse");
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0",
		 fd);
	if (mount("guestmem", FUSE_MNT, "fuse", MS_NOSUID | MS_NODEV, opts))
		die("mount fuse");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		fuse_serve(fd);
	close(fd);
	return pid;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One line from @fd (the children's reports) within @until, or "". */
static void read_line(int fd, char *buf, size_t len, double until)
{
	size_t n = 0;

	buf[0] = 0;
	while (n + 1 < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = (int)((until - now_s()) * 1000);

		if (ms <= 0 || poll(&p, 1, ms) != 1 || read(fd, buf + n, 1) != 1)
			break;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = 0;
}

static bool step_ok(const char *line)
{
	int v;

	if (!strncmp(line, "vcpu0", 5) || sscanf(line, "%*s %d", &v) != 1)
		return false;
	return strncmp(line, "vcpu1", 5) ? v == 0 : v == PFVMM_EXIT_HLT;
}

static int t_blocked(enum scenario sc)
{
	const char *name = scenario_names[sc];
	double t0 = now_s(), tb, until;
	char line[256], live[256];
	bool blocked = false, done = false;
	int p[2], st = 0, steps = 0, bad_steps = 0;
	pid_t child, server = -1;

	usc = sc;
	if (sc == UFFD_PV) {
		int fd = syscall(SYS_userfaultfd, O_CLOEXEC);

		if (fd < 0 && errno == ENOSYS) {
			printf("skipped %s: this kernel has no userfaultfd (CONFIG_USERFAULTFD)\n",
			       name);
			return 0;
		}
		close(fd);
	}
	if (pipe(p) || pipe(go_fd))
		die("pipe");
	report_fd = p[1];
	if (sc != UFFD_PV)
		server = fuse_start();
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(p[0]);
		close(go_fd[1]);
		vm_child();
	}
	close(p[1]);
	close(go_fd[0]);
	read_line(p[0], line, sizeof(line), t0 + WAIT_S + 30);
	if (!strcmp(line, "vcpu0 blocked")) {
		blocked = true;
		ok("blocked_vcpu0", "%s: in %.1f s", name, now_s() - t0);
		if (write(go_fd[1], "g", 1) != 1)
			die("write");
	} else {
		not_ok("blocked_vcpu0", "%s: the VM said '%s'", name, line);
	}
	tb = now_s();
	until = tb + WAIT_S;
	while (blocked && !done) {
		read_line(p[0], line, sizeof(line), until);
		if (!line[0])
			break;
		if (!strcmp(line, "other-done")) {
			done = true;
			break;
		}
		steps++;
		printf("# %s\n", line);
		bad_steps += !step_ok(line);
	}
	if (done && !bad_steps)
		ok("blocked_others_go_on", "%s: vCPU 1's run, GET_VM_STATS, closing vCPU 1, the VM and vCPU 0 took %.1f s while vCPU 0 waited",
		   name, now_s() - tb);
	else if (blocked)
		not_ok("blocked_others_go_on", "%s: %d of 5 steps done in %d s, %d wrong (the others wait for a lock vCPU 0 holds)",
		       name, steps, WAIT_S, bad_steps);
	/* Long enough for khungtaskd to see any task stuck in D state. */
	while (now_s() < tb + HOLD_S)
		usleep(200000);
	kill(child, SIGKILL);
	tb = now_s();
	/* A FUSE read already sent is waited out: the server's end aborts it. */
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	alarm(60);
	if (waitpid(child, &st, 0) == child && WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGKILL)
		ok("blocked_killed", "%s: the VM process ended %.1f s after SIGKILL",
		   name, now_s() - tb);
	else
		not_ok("blocked_killed", "%s: status %#x", name, st);
	alarm(0);
	close(p[0]);
	close(go_fd[1]);
	if (server > 0)
		umount2(FUSE_MNT, MNT_DETACH);
	until = now_s() + 10;
	while (!live_zero(live, sizeof(live)) && now_s() < until)
		usleep(200000);
	if (live_zero(live, sizeof(live)))
		ok("blocked_live_counters_zero", "%s: %s", name, live);
	else
		not_ok("blocked_live_counters_zero", "%s: %s", name, live);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "frames"))
		t_frames();
	else if (argc == 3 && !strcmp(argv[1], "memcg"))
		t_memcg(argv[2]);
	else if (argc == 2 && !strcmp(argv[1], "memlock"))
		t_memlock();
	else if (argc == 2 && !strcmp(argv[1], "vmpin"))
		t_vmpin(false);
	else if (argc == 3 && !strcmp(argv[1], "vmpin") && !strcmp(argv[2], "huge"))
		t_vmpin(true);
	else if (argc == 3 && !strcmp(argv[1], "file"))
		t_file(argv[2]);
	else if (argc == 2 && !strcmp(argv[1], "uffd"))
		t_blocked(UFFD_PV);
	else if (argc == 3 && !strcmp(argv[1], "fuse") &&
		 (!strcmp(argv[2], "native") || !strcmp(argv[2], "pv")))
		t_blocked(strcmp(argv[2], "pv") ? FUSE_NATIVE : FUSE_PV);
	else {
		fprintf(stderr, "usage: guestmem frames|memcg CGDIR|memlock|vmpin [huge]|file PATH|uffd|fuse native|pv\n");
		return 2;
	}
	return failed > 100 ? 100 : failed;
}
