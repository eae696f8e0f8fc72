// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl-fuzz: a seeded fuzzer of /dev/pfvmm from userspace, run inside the
 * emulated VT-x machine with the module loaded.
 *
 *   ioctl-fuzz [-s SEED] [-n OPS] [-t THREADS] [-T SECONDS]
 *
 * THREADS threads (default 2) share one table of fds (the device, VMs in
 * every state: empty, with memory, pv, with vCPUs, with the spin guest
 * loaded; vCPU fds; /dev/null; closed numbers) and each does OPS random
 * operations (default 2000) from its own seeded generator:
 *   - ioctls: every real command, the same numbers with other sizes and
 *     directions, random numbers of the pfvmm magic, on every kind of fd;
 *     arguments NULL, small numbers, unmapped, kernel and non-canonical
 *     addresses, a scratch buffer of random bytes, or valid-looking
 *     structures (memory regions over a private arena, VM configs, regs);
 *   - RUN with a 20 ms interval timer pending (RUN ends with EINTR);
 *   - mmap of a vCPU fd with random offsets, lengths, protections and
 *     flags, a touch of what was mapped, mremap to a bigger size, munmap;
 *   - closing and re-creating table entries (also while the other thread
 *     uses them), and fork: the child's ioctls on inherited fds get EIO.
 * Every error must be one the API documents (docs/api.md); the program
 * prints the errno histogram and "ioctl-fuzz: seed S ops N unexpected U";
 * exit status 0 when U is 0.  The kernel log and the module's live
 * counters are checked by the calling script (tests/vm/s-fuzz.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
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

#include "elf-loader.h"
#include "x86-setup.h"

#define PAGE		4096ul
#define MiB		(1ul << 20)
#define NFDS		16
#define ARENA_SIZE	(8 * MiB)
#define SPIN_MEM	(2 * MiB)
#define MAX_THREADS	4

extern const unsigned char spin_elf_start[];
extern const uint64_t spin_elf_size;

static atomic_int fds[NFDS];		/* -1: empty */
static char *arena;			/* the only memory guests may get */
static atomic_ulong n_ops, n_unexpected, n_ok, n_run, n_mmap_ok, n_fork;
static atomic_ulong errs[140];
static int seconds_max = 120;
static time_t t_start;

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool allowed_errno(int e)
{
	switch (e) {
	case ENOTTY: case EINVAL: case EFAULT: case EBADF: case EEXIST:
	case EBUSY: case E2BIG: case ENOSPC: case ENOMEM: case EINTR: case EIO:
		return true;
	}
	return false;
}

static void note(long ret, int e, const char *what, unsigned long cmd)
{
	atomic_fetch_add(&n_ops, 1);
	if (ret >= 0) {
		atomic_fetch_add(&n_ok, 1);
		return;
	}
	if (e >= 0 && e < 140)
		atomic_fetch_add(&errs[e], 1);
	if (!allowed_errno(e) && atomic_fetch_add(&n_unexpected, 1) < 20)
		printf("unexpected: %s cmd 0x%lx: %s\n", what, cmd, strerror(e));
}

/* ---- fd table ---- */

static int pick_fd(struct rng *r)
{
	switch (below(r, 12)) {
	case 0: return -1;
	case 1: return 1000 + (int)below(r, 10);	/* never open */
	default: return atomic_load(&fds[below(r, NFDS)]);
	}
}

static void put_fd(struct rng *r, int fd)
{
	int old = atomic_exchange(&fds[below(r, NFDS - 1) + 1], fd);

	if (old >= 0)
		close(old);
}

static int spin_setup(int vm, int vcpu)
{
	struct elf_target tgt;
	struct pfvmm_memory_region reg = { 0 };
	char msg[ELF_MSG_MAX];
	struct pfvmm_sregs sregs;
	struct pfvmm_regs regs;
	struct elf_image img;
	char *mem = mmap(NULL, SPIN_MEM, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return -1;
	tgt = (struct elf_target){ mem, SPIN_MEM, PFVMM_BOOT_LOW_END };
	reg.memory_size = SPIN_MEM;
	reg.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, PFVMM_SET_MEMORY_REGION, &reg) ||
	    elf_load(spin_elf_start, (size_t)spin_elf_size, &tgt, &img, msg,
		     sizeof(msg)) ||
	    x86_boot_setup(mem, SPIN_MEM, &img, ""))
		return -1;	/* the mapping stays: a VM may still use it */
	x86_boot_sregs(&sregs);
	x86_boot_regs(&regs, img.entry);
	if (ioctl(vcpu, PFVMM_SET_SREGS, &sregs) || ioctl(vcpu, PFVMM_SET_REGS, &regs))
		return -1;
	return 0;
}

/* A fresh object in some state, stored in the table. */
static void create_something(struct rng *r)
{
	int sys = atomic_load(&fds[0]), vm, vcpu;
	struct pfvmm_vm_config cfg = { 0 };
	struct pfvmm_memory_region reg = { 0 };

	switch (below(r, 6)) {
	case 0:
		put_fd(r, open("/dev/null", O_RDWR | O_CLOEXEC));
		return;
	case 1:
		put_fd(r, open("/dev/pfvmm", O_RDWR | O_CLOEXEC));
		return;
	}
	vm = ioctl(sys, PFVMM_CREATE_VM, 0);
	note(vm, errno, "create_vm", PFVMM_CREATE_VM);
	if (vm < 0)
		return;
	if (below(r, 2)) {
		cfg.mmu_mode = below(r, 2);
		cfg.offload = (int)below(r, 3) - 1;
		ioctl(vm, PFVMM_SET_VM_CONFIG, &cfg);
	}
	if (below(r, 3)) {
		reg.slot = below(r, 2);
		reg.guest_phys_addr = below(r, 4) * 2 * MiB;
		reg.memory_size = (1 + below(r, 2)) * MiB;
		reg.userspace_addr = (uintptr_t)arena + below(r, 4) * MiB;
		ioctl(vm, PFVMM_SET_MEMORY_REGION, &reg);
	}
	if (below(r, 3)) {
		vcpu = ioctl(vm, PFVMM_CREATE_VCPU, below(r, 5));
		if (vcpu >= 0) {
			if (cfg.mmu_mode == PFVMM_MMU_NATIVE && !reg.memory_size &&
			    below(r, 2))
				spin_setup(vm, vcpu);
			put_fd(r, vcpu);
		}
	}
	if (below(r, 4))
		put_fd(r, vm);
	else
		close(vm);	/* the vCPU, if any, keeps it alive */
}

/* ---- arguments ---- */

static unsigned long pick_cmd(struct rng *r)
{
	static const unsigned long cmds[] = {
		PFVMM_GET_API_VERSION, PFVMM_CHECK_EXTENSION, PFVMM_CREATE_VM,
		PFVMM_GET_VCPU_MMAP_SIZE, PFVMM_SET_MEMORY_REGION,
		PFVMM_CREATE_VCPU, PFVMM_GET_VM_STATS, PFVMM_SET_VM_CONFIG,
		PFVMM_RUN, PFVMM_GET_REGS, PFVMM_SET_REGS, PFVMM_GET_SREGS,
		PFVMM_SET_SREGS, PFVMM_INTERRUPT,
	};
	unsigned long c = cmds[below(r, sizeof(cmds) / sizeof(cmds[0]))];

	switch (below(r, 8)) {
	case 0:		/* same number, another size */
		return _IOC(_IOC_DIR(c), _IOC_TYPE(c), _IOC_NR(c),
			    below(r, 1 << 14));
	case 1:		/* same number, another direction */
		return _IOC(below(r, 4), _IOC_TYPE(c), _IOC_NR(c), _IOC_SIZE(c));
	case 2:		/* any number of the magic */
		return _IOC(below(r, 4), PFVMMIO, below(r, 256), below(r, 1 << 14));
	case 3:
		return (unsigned long)rnd(r);
	default:
		return c;
	}
}

static void fill_random(struct rng *r, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = (uint8_t)rnd(r);
}

/* A valid-looking argument for @cmd in @buf (at least a page). */
static void fill_struct(struct rng *r, unsigned long cmd, void *buf)
{
	struct pfvmm_memory_region *reg = buf;
	struct pfvmm_vm_config *cfg = buf;
	struct pfvmm_sregs *sregs = buf;

	memset(buf, 0, PAGE);
	switch (cmd) {
	case PFVMM_SET_MEMORY_REGION:
		reg->slot = below(r, 10);
		reg->guest_phys_addr = below(r, 8) ? below(r, 64) * MiB : rnd(r);
		reg->memory_size = below(r, 8) ? (1 + below(r, 8)) * MiB :
			rnd(r) & ~(PAGE - 1);
		reg->userspace_addr = below(r, 8) ?
			(uintptr_t)arena + below(r, 8) * MiB :
			rnd(r) & ~(PAGE - 1);
		if (!below(r, 8))
			reg->flags = 1;
		if (!below(r, 8))
			reg->reserved[below(r, 4)] = 1;
		return;
	case PFVMM_SET_VM_CONFIG:
		cfg->mmu_mode = below(r, 4);
		cfg->offload = (int)below(r, 4) - 2;
		if (!below(r, 8))
			cfg->reserved[below(r, 7)] = rnd(r);
		return;
	case PFVMM_SET_SREGS:
		x86_boot_sregs(sregs);
		if (below(r, 2))
			((uint64_t *)sregs)[below(r, sizeof(*sregs) / 8)] = rnd(r);
		return;
	default:
		fill_random(r, buf, PAGE);
	}
}

static unsigned long pick_arg(struct rng *r, unsigned long cmd, void *buf)
{
	switch (below(r, 9)) {
	case 0: return 0;
	case 1: return below(r, 8);
	case 2: return 0x20000000000ul + below(r, 1 << 20) * PAGE;	/* unmapped */
	case 3: return 0xffff800000000000ul + below(r, 1 << 20) * PAGE;
	case 4: return 0x8000000000000000ul | rnd(r);
	case 5: return (unsigned long)buf + PAGE * 2 - below(r, 64);	/* runs off */
	case 6: fill_random(r, buf, PAGE); return (unsigned long)buf;
	default: fill_struct(r, cmd, buf); return (unsigned long)buf;
	}
}

/* ---- operations ---- */

static sigjmp_buf *volatile touch_jmp;

static void on_signal(int sig)
{
	if (sig == SIGBUS || sig == SIGSEGV) {
		if (touch_jmp)
			siglongjmp(*touch_jmp, 1);
		_exit(3);
	}
}

/*
 * This thread's own timer (SIGALRM to this thread only), every 20 ms
 * while RUN is in progress: a signal that lands between two guest entries
 * is followed by another one.
 */
static __thread timer_t run_timer;

static void do_run(struct rng *r, int fd)
{
	struct itimerspec it = { { 0, 20000000 }, { 0, 20000000 } };
	long ret;

	timer_settime(run_timer, 0, &it, NULL);
	ret = ioctl(fd, PFVMM_RUN, below(r, 8) ? 0 : rnd(r));
	note(ret, errno, "run", PFVMM_RUN);
	memset(&it, 0, sizeof(it));
	timer_settime(run_timer, 0, &it, NULL);
	atomic_fetch_add(&n_run, 1);
}

static void do_mmap(struct rng *r, int fd)
{
	static const size_t lens[] = { 0, 1, PAGE, PAGE, 2 * PAGE, 1ul << 40 };
	static const off_t offs[] = { 0, 0, 0, PAGE, 1, 1l << 40 };
	volatile int prot = below(r, 2) ? PROT_READ | PROT_WRITE : (int)below(r, 8);
	int flags = below(r, 3) ? MAP_SHARED : MAP_PRIVATE;
	volatile size_t len = lens[below(r, 6)];
	sigjmp_buf jb;
	char *volatile p;

	p = mmap(NULL, len, prot, flags, fd, offs[below(r, 6)]);
	atomic_fetch_add(&n_ops, 1);
	if (p == MAP_FAILED)
		return;
	atomic_fetch_add(&n_mmap_ok, 1);
	/* Touch it; a SIGBUS or SIGSEGV here is fine (bad prot, gone fd). */
	if (!sigsetjmp(jb, 1)) {
		touch_jmp = &jb;
		if (prot & PROT_READ)
			(void)*(volatile char *)p;
		if ((prot & PROT_WRITE) && below(r, 2))
			*(volatile char *)p = 0;
		if (below(r, 3) == 0) {
			char *q = mremap(p, len, 2 * PAGE, MREMAP_MAYMOVE);

			if (q != MAP_FAILED) {
				p = q;
				len = 2 * PAGE;
				if (prot & PROT_READ)
					(void)*(volatile char *)(p + PAGE);
			}
		}
	}
	touch_jmp = NULL;
	munmap(p, len);
}

/* A child of fork: its ioctls on the parent's fds are EIO (other mm). */
static void do_fork(struct rng *r)
{
	pid_t pid = fork();
	int st, i, fd;

	if (pid < 0)
		return;
	if (pid == 0) {
		for (i = 0; i < 8; i++) {
			fd = pick_fd(r);
			ioctl(fd, below(r, 2) ? PFVMM_RUN : PFVMM_GET_VM_STATS, 0);
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	atomic_fetch_add(&n_fork, 1);
}

static void one_op(struct rng *r, void *buf)
{
	unsigned long cmd, arg;
	int fd, i;
	long ret;

	switch (below(r, 40)) {
	case 0: case 1: case 2:
		create_something(r);
		return;
	case 3:
		i = (int)below(r, NFDS - 1) + 1;
		fd = atomic_exchange(&fds[i], -1);
		if (fd >= 0)
			close(fd);
		return;
	case 4: case 5:
		do_run(r, pick_fd(r));
		return;
	case 6: case 7:
		do_mmap(r, pick_fd(r));
		return;
	case 8:
		if (below(r, 8) == 0)
			do_fork(r);
		return;
	}
	fd = pick_fd(r);
	cmd = pick_cmd(r);
	if (cmd == PFVMM_RUN) {
		do_run(r, fd);
		return;
	}
	arg = pick_arg(r, cmd, buf);
	ret = ioctl(fd, cmd, arg);
	note(ret, errno, "ioctl", cmd);
	/* A new fd from CREATE_VM / CREATE_VCPU goes into the table. */
	if (ret > 2 && (cmd == PFVMM_CREATE_VM || cmd == PFVMM_CREATE_VCPU))
		put_fd(r, (int)ret);
}

struct thread_arg {
	uint64_t seed;
	unsigned long ops;
};

static void *fuzz_thread(void *p)
{
	struct thread_arg *a = p;
	struct rng r = { a->seed * 0x9e3779b97f4a7c15ull + 1 };
	struct sigevent sev = { 0 };
	char *buf = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long i;

	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev._sigev_un._tid = gettid();	/* sigev_notify_thread_id */
	if (buf == MAP_FAILED || timer_create(CLOCK_MONOTONIC, &sev, &run_timer)) {
		printf("ioctl-fuzz: thread setup failed: %s\n", strerror(errno));
		atomic_fetch_add(&n_unexpected, 1);
		return NULL;
	}
	munmap(buf + 2 * PAGE, PAGE);	/* a hole right after the buffer */
	for (i = 0; i < a->ops; i++) {
		if (time(NULL) - t_start > seconds_max) {
			printf("ioctl-fuzz: time budget of %d s reached after %lu ops\n",
			       seconds_max, i);
			break;
		}
		one_op(&r, buf);
	}
	return NULL;
}

static void install(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
	struct thread_arg ta[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	unsigned long ops = 2000;
	uint64_t seed = 1;
	int nthreads = 2, c, i;

	while ((c = getopt(argc, argv, "s:n:t:T:")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': ops = strtoul(optarg, NULL, 0); break;
		case 't': nthreads = atoi(optarg); break;
		case 'T': seconds_max = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: ioctl-fuzz [-s SEED] [-n OPS] [-t THREADS] [-T SECONDS]\n");
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	install(SIGALRM);
	install(SIGBUS);
	install(SIGSEGV);
	signal(SIGPIPE, SIG_IGN);
	arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		return 2;
	for (i = 0; i < NFDS; i++)
		atomic_store(&fds[i], -1);
	atomic_store(&fds[0], open("/dev/pfvmm", O_RDWR | O_CLOEXEC));
	if (atomic_load(&fds[0]) < 0) {
		perror("ioctl-fuzz: /dev/pfvmm");
		return 2;
	}
	t_start = time(NULL);
	printf("ioctl-fuzz: seed %llu, %d threads x %lu ops, budget %d s\n",
	       (unsigned long long)seed, nthreads, ops, seconds_max);
	for (i = 0; i < nthreads; i++) {
		ta[i].seed = seed + (uint64_t)i * 1000003;
		ta[i].ops = ops;
		pthread_create(&th[i], NULL, fuzz_thread, &ta[i]);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NFDS; i++)
		if (atomic_load(&fds[i]) >= 0)
			close(atomic_load(&fds[i]));
	printf("ioctl-fuzz: errno histogram:");
	for (i = 0; i < 140; i++)
		if (atomic_load(&errs[i]))
			printf(" %s=%lu", strerrorname_np(i) ? strerrorname_np(i) : "?",
			       atomic_load(&errs[i]));
	printf("\n");
	printf("ioctl-fuzz: seed %llu ops %lu ok %lu runs %lu mmaps %lu forks %lu unexpected %lu (%ld s)\n",
	       (unsigned long long)seed, atomic_load(&n_ops), atomic_load(&n_ok),
	       atomic_load(&n_run), atomic_load(&n_mmap_ok), atomic_load(&n_fork),
	       atomic_load(&n_unexpected), (long)(time(NULL) - t_start));
	return atomic_load(&n_unexpected) ? 1 : 0;
}
