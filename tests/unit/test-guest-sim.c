// SPDX-License-Identifier: GPL-2.0
/*
 * The test guests, run without VT-x: the real guest/ELF images are loaded
 * by the launcher's ELF loader and executed natively in a child process,
 * at their link address (0x100000, identity as in the VM).
 *
 * Nothing whose ring-3 behaviour depends on the host runs natively: VMCALL
 * is #UD on one host, #GP on another, and on an Intel host that is itself
 * a KVM guest it silently returns -1.  So before the image runs, every
 * sensitive instruction objdump finds in its code (sim-sites.c: vmcall,
 * vmmcall, cpuid, hlt, cli, sti, in, out, lidt, rdtsc[p], and the rest of
 * the privileged and VMM instructions) gets int3 over its first byte, the
 * child checks that not one site was left out (or it refuses to run the
 * guest: SIM_UNPATCHED), and maps the code read+execute and everything
 * else non-executable, so nothing but the disassembled, patched code can
 * run.  Each int3 at a site is emulated from the site table:
 *   vmcall, vmmcall   hypercalls: console_write, shutdown, nop
 *   cpuid             leaf 0x40000000 returns pfvmm's signature
 *   in, out           port 0xE9 prints, IN returns all ones
 *   hlt               the HLT exit (cli and sti are skipped)
 *   lidt              noted; an int3 that is no site is the guest's own:
 *                     with an empty IDT, bad.elf's triple fault
 *   rdtsc, rdtscp     a monotonic nanosecond count
 *   anything else     the sim stops and names it
 * With sim_kvm set, the child plays KVM instead: leaf 0x40000000 returns
 * "KVMKVMKVM", every hypercall returns -1000 (KVM_ENOSYS), and a 32-bit
 * OUT to port 0xF4 ends the guest with that status (the kvm backend's view).
 * A page shared with the child counts the patched sites and the traps, so
 * the tests can check that every hypercall the guest made was trapped.
 *
 * This checks the guest runtime (_start, printk, console_write, shutdown),
 * the guests' logic, the hypercall register convention and the boot-info
 * handoff, none of which can otherwise run on a machine without VT-x.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <pfvmm/bootinfo.h>
#include <pfvmm/hypercall.h>

#include "elf-loader.h"
#include "sim-sites.h"
#include "x86-setup.h"
#include "test.h"

#define SIM_MEM		(4u << 20)	/* the image area ends at 0x400000 */
#define SIM_HLT		200		/* child exit codes for VMM exits */
#define SIM_TRIPLE	201
#define SIM_CRASH	202
#define SIM_UNPATCHED	203		/* a sensitive site left as it was */
#define SIM_DRY		204		/* sim_dry: patched, checked, not run */
#define SIM_OUT_MAX	4096
#define PAGE		4096ull

/* What the child did, in a page shared with the parent. */
struct sim_stats {
	unsigned long patched[SITE_KINDS];	/* sites patched before the run */
	unsigned long traps[SITE_KINDS];	/* sites trapped during it */
	unsigned long hc[PFVMM_HC_COUNT + 1];	/* by number; last: unknown */
	unsigned long console_bytes;		/* through trapped console_write */
};

static struct pfvmm_bootinfo sim_bootinfo;
static struct sim_sites sim_tab;	/* of the guest being run */
static struct sim_stats *sim_stats;
static int sim_idt_empty;
static int sim_kvm;		/* play KVM instead of pfvmm */
static int sim_dry;		/* patch and check, then exit SIM_DRY */
static uint64_t sim_skip;	/* self-test: leave the site here unpatched */

static void sim_out(const void *buf, size_t len)
{
	if (write(STDOUT_FILENO, buf, len) < 0)
		_exit(SIM_CRASH);
}

/* "sim: WHAT [NAME ]at RIP" and exit @code (async-signal-safe). */
static void sim_stop(int code, const char *what, const char *name, uint64_t rip)
{
	static const char hex[] = "0123456789abcdef";
	char line[128] = "sim: ", *p = line + 5;
	const char *w;
	int i;

	for (w = what; *w && p < line + 40; )
		*p++ = *w++;
	*p++ = ' ';
	for (w = name; *w && p < line + 60; )
		*p++ = *w++;
	if (*name)
		*p++ = ' ';
	for (w = "at "; *w; )
		*p++ = *w++;
	for (i = 60; i >= 0; i -= 4)
		*p++ = hex[(rip >> i) & 0xf];
	*p++ = '\n';
	sim_out(line, (size_t)(p - line));
	_exit(code);
}

static void sim_crash(const char *what, uint64_t rip)
{
	sim_stop(SIM_CRASH, what, "", rip);
}

static void sim_hypercall(greg_t *g)
{
	uint64_t nr = (uint64_t)g[REG_RAX];

	sim_stats->hc[nr < PFVMM_HC_COUNT ? nr : PFVMM_HC_COUNT]++;
	if (sim_kvm) {
		g[REG_RAX] = -1000;	/* KVM: -KVM_ENOSYS for unknown numbers */
		return;
	}
	switch (nr) {
	case PFVMM_HC_CONSOLE_WRITE: {
		size_t len = (size_t)g[REG_RSI];

		if (len > PFVMM_CONSOLE_WRITE_MAX)
			len = PFVMM_CONSOLE_WRITE_MAX;
		sim_out((const void *)g[REG_RDI], len);
		sim_stats->console_bytes += len;
		g[REG_RAX] = (greg_t)len;
		break;
	}
	case PFVMM_HC_SHUTDOWN:
		_exit((int)(g[REG_RDI] & 0xff));
	case PFVMM_HC_NOP:
		g[REG_RAX] = 0;
		break;
	default:
		g[REG_RAX] = -PFVMM_ENOSYS;
	}
	/* The ABI: everything but RAX is preserved; scribble on nothing. */
}

static void sim_cpuid(greg_t *g)
{
	if ((uint32_t)g[REG_RAX] == PFVMM_CPUID_LEAF_BASE && sim_kvm) {
		g[REG_RAX] = PFVMM_CPUID_LEAF_BASE + 1;
		g[REG_RBX] = 0x4b4d564b;	/* "KVMKVMKVM\0\0\0" */
		g[REG_RCX] = 0x564b4d56;
		g[REG_RDX] = 0x4d;
	} else if ((uint32_t)g[REG_RAX] == PFVMM_CPUID_LEAF_BASE) {
		g[REG_RAX] = PFVMM_CPUID_LEAF_BASE + 1;	/* as the module */
		g[REG_RBX] = PFVMM_CPUID_SIG_EBX;
		g[REG_RCX] = PFVMM_CPUID_SIG_ECX;
		g[REG_RDX] = PFVMM_CPUID_SIG_EDX;
	} else {
		g[REG_RAX] = g[REG_RBX] = g[REG_RCX] = g[REG_RDX] = 0;
	}
}

static void sim_out_port(greg_t *g, unsigned int port, int width)
{
	char c = (char)g[REG_RAX];

	if (port == 0xe9 && width == 1)
		sim_out(&c, 1);
	if (port == 0xf4 && width == 4 && sim_kvm)
		_exit((int)(g[REG_RAX] & 0xff));
}

/* in/out from the site's bytes: [66] e4-e7 ib (port imm8), [66] ec-ef (dx). */
static void sim_port_io(greg_t *g, const struct sim_site *s)
{
	const uint8_t *b = s->bytes;
	int data16 = b[0] == 0x66, width;
	unsigned int port;
	uint8_t op;

	b += data16;
	op = b[0];
	if ((op & 0xf4) != 0xe4)
		sim_stop(SIM_CRASH, "unemulated", s->name, s->addr);
	port = op & 0x08 ? (unsigned int)(g[REG_RDX] & 0xffff) : b[1];
	width = !(op & 1) ? 1 : data16 ? 2 : 4;
	if (op & 0x02)
		sim_out_port(g, port, width);
	else if (width == 4)
		g[REG_RAX] = 0xffffffff;	/* a 32-bit write clears the top */
	else
		g[REG_RAX] |= width == 2 ? 0xffff : 0xff;
}

/* lidt disp32(%rip) (0f 01 /3, modrm 00 011 101): note an empty IDT. */
static void sim_lidt(const struct sim_site *s)
{
	const unsigned char *desc;
	int32_t disp;

	if (s->len != 7 || s->bytes[0] != 0x0f || s->bytes[2] != 0x1d)
		sim_stop(SIM_CRASH, "unemulated operand of", s->name, s->addr);
	memcpy(&disp, &s->bytes[3], sizeof(disp));
	desc = (const unsigned char *)(s->addr + s->len + (int64_t)disp);
	sim_idt_empty = desc[0] == 0 && desc[1] == 0;
}

static void sim_rdtsc(greg_t *g, int rdtscp)
{
	struct timespec ts;
	uint64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	g[REG_RAX] = (greg_t)(ns & 0xffffffff);
	g[REG_RDX] = (greg_t)(ns >> 32);
	if (rdtscp)
		g[REG_RCX] = 0;		/* TSC_AUX: CPU 0 */
}

static void sim_emulate(greg_t *g, const struct sim_site *s)
{
	switch (s->kind) {
	case SITE_HYPERCALL:
		sim_hypercall(g);
		break;
	case SITE_CPUID:
		sim_cpuid(g);
		break;
	case SITE_HLT:
		_exit(SIM_HLT);
	case SITE_CLI:
	case SITE_STI:
		break;		/* no interrupts come here anyway */
	case SITE_IO:
		sim_port_io(g, s);
		break;
	case SITE_LIDT:
		sim_lidt(s);
		break;
	case SITE_RDTSC:
	case SITE_RDTSCP:
		sim_rdtsc(g, s->kind == SITE_RDTSCP);
		break;
	default:
		sim_stop(SIM_CRASH, "unemulated", s->name, s->addr);
	}
}

/* SIGTRAP: a patched site (int3 over its first byte), or the guest's own int3. */
static void on_sigtrap(int sig, siginfo_t *si, void *ctx)
{
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	const struct sim_site *s = sites_find(&sim_tab, (uint64_t)g[REG_RIP] - 1);

	(void)sig;
	(void)si;
	if (!s)		/* int3 with an empty IDT is a triple fault */
		_exit(sim_idt_empty ? SIM_TRIPLE : SIM_CRASH);
	sim_stats->traps[s->kind]++;
	g[REG_RIP] = (greg_t)(s->addr + s->len);
	sim_emulate(g, s);
}

/* SIGILL: ud2 or an undefined opcode; no sensitive instruction is left. */
static void on_sigill(int sig, siginfo_t *si, void *ctx)
{
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;

	(void)sig;
	(void)si;
	sim_crash("illegal instruction", (uint64_t)g[REG_RIP]);
}

/* SIGSEGV: a page fault (code is not writable, data not executable), or #GP. */
static void on_sigsegv(int sig, siginfo_t *si, void *ctx)
{
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;

	(void)sig;
	sim_crash(si->si_code == SI_KERNEL ? "general protection" : "page fault",
		  (uint64_t)g[REG_RIP]);
}

static void sim_install(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Code pages read+execute, the rest of the image area read+write. */
static void sim_protect(void)
{
	uint64_t lo = sim_tab.code_lo & ~(PAGE - 1);
	uint64_t hi = (sim_tab.code_hi + PAGE - 1) & ~(PAGE - 1);

	if (lo < PFVMM_BOOT_LOW_END || hi > SIM_MEM || lo >= hi)
		sim_stop(SIM_CRASH, "code outside the image area", "", lo);
	if (mprotect((void *)PFVMM_BOOT_LOW_END, lo - PFVMM_BOOT_LOW_END,
		     PROT_READ | PROT_WRITE) ||
	    mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC) ||
	    mprotect((void *)hi, SIM_MEM - hi, PROT_READ | PROT_WRITE))
		sim_stop(SIM_CRASH, "mprotect failed", "", lo);
}

/* In the child, on the mapped image: every site patched, or no run. */
static void sim_patch_image(void)
{
	unsigned char *at = (unsigned char *)PFVMM_BOOT_LOW_END;
	const struct sim_site *s;
	size_t i;

	if (sim_tab.code_lo < PFVMM_BOOT_LOW_END || sim_tab.code_hi > SIM_MEM)
		sim_stop(SIM_CRASH, "code outside the image area", "", sim_tab.code_lo);
	s = sites_mismatch(&sim_tab, at, PFVMM_BOOT_LOW_END);
	if (s)
		sim_stop(SIM_CRASH, "objdump's bytes are not the image's for", s->name,
			 s->addr);
	sites_patch(&sim_tab, at, PFVMM_BOOT_LOW_END, sim_skip);
	s = sites_unpatched(&sim_tab, at, PFVMM_BOOT_LOW_END);
	if (s)
		sim_stop(SIM_UNPATCHED, "unpatched", s->name, s->addr);
	for (i = 0; i < sim_tab.n; i++)
		sim_stats->patched[sim_tab.site[i].kind]++;
	sim_protect();
	if (sim_dry)
		_exit(SIM_DRY);
}

/* In the child: map the image at its address, patch it, then jump to it. */
static void sim_child(const unsigned char *mem, const struct elf_image *img,
		      const char *cmdline)
{
	static char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	void *at = (void *)PFVMM_BOOT_LOW_END;
	size_t size = SIM_MEM - PFVMM_BOOT_LOW_END;

	if (mmap(at, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != at)
		_exit(SIM_CRASH + 10);
	memcpy(at, mem + PFVMM_BOOT_LOW_END, size);
	sim_patch_image();
	sim_bootinfo.magic = PFVMM_BOOTINFO_MAGIC;
	sim_bootinfo.version = PFVMM_BOOTINFO_VERSION;
	sim_bootinfo.size = sizeof(sim_bootinfo);
	sim_bootinfo.mem_size = SIM_MEM;
	sim_bootinfo.image_start = img->start;
	sim_bootinfo.image_end = img->end;
	strncpy(sim_bootinfo.cmdline, cmdline, sizeof(sim_bootinfo.cmdline) - 1);
	sigaltstack(&ss, NULL);
	sim_install(SIGILL, on_sigill);
	sim_install(SIGSEGV, on_sigsegv);
	sim_install(SIGTRAP, on_sigtrap);
	alarm(5);	/* spin.elf never ends: SIGALRM kills it */
	((void (*)(struct pfvmm_bootinfo *))img->entry)(&sim_bootinfo);
	_exit(SIM_CRASH + 11);
}

/* The stats page, zeroed for a new run; NULL if it cannot be mapped. */
static struct sim_stats *sim_stats_reset(void)
{
	if (!sim_stats) {
		void *p = mmap(NULL, sizeof(*sim_stats), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		sim_stats = p;
	}
	memset(sim_stats, 0, sizeof(*sim_stats));
	return sim_stats;
}

/* The site table of @path into sim_tab; non-zero (and SKIP or CHECK) if none. */
static int sim_scan(struct test_ctx *t, const char *path, const void *file, size_t size)
{
	int r = sites_scan(file, size, &sim_tab);

	if (r == 127)
		SKIP(t, "%s", sim_tab.err);
	else
		CHECK(t, !r, "%s: %s", path, sim_tab.err);
	return r;
}

/* Run guest @name with @cmdline; its console into @out.  Returns the wait status. */
static int sim_run(struct test_ctx *t, const char *name, const char *cmdline,
		   char *out)
{
	struct elf_target tgt = { NULL, SIM_MEM, PFVMM_BOOT_LOW_END };
	char path[4096], msg[ELF_MSG_MAX];
	struct elf_image img;
	int pipefd[2], status = -1;
	size_t size, len = 0;
	void *file;
	ssize_t n;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", guest_dir, name);
	if (elf_file_read(path, &file, &size)) {
		SKIP(t, "%s not built", path);
		return -1;
	}
	tgt.mem = calloc(1, SIM_MEM);
	if (elf_load(file, size, &tgt, &img, msg, sizeof(msg)) || pipe(pipefd)) {
		CHECK(t, 0, "%s: %s", path, msg);
		goto out_free;
	}
	if (sim_scan(t, path, file, size) || !sim_stats_reset()) {
		CHECK(t, t->skipped, "%s: no stats page", path);
		close(pipefd[0]);
		close(pipefd[1]);
		goto out_free;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		sim_child(tgt.mem, &img, cmdline);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + len, SIM_OUT_MAX - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
out_free:
	sites_free(&sim_tab);
	free(tgt.mem);
	free(file);
	return status;
}

static void sim_expect(struct test_ctx *t, const char *name, const char *cmdline,
		       int want_exit, const char *needle)
{
	static char out[SIM_OUT_MAX];
	int st = sim_run(t, name, cmdline, out);

	if (t->skipped || t->failed)
		return;
	CHECK(t, WIFEXITED(st) && WEXITSTATUS(st) == want_exit,
	      "%s -- %s: wait status 0x%x, want exit %d; output: %s", name, cmdline,
	      st, want_exit, out);
	CHECK(t, strstr(out, needle) != NULL, "%s -- %s: no '%s' in: %s", name,
	      cmdline, needle, out);
}

static void test_sim_hello(struct test_ctx *t)
{
	sim_expect(t, "hello.elf", "", 0, "Hello from pfvmm guest\n");
	sim_expect(t, "hello.elf", "", 0, "hypervisor signature 'PfVmmPfVmm', max leaf 0x40000001\n");
	sim_expect(t, "hello.elf", "", 0, "boot info: 4 MiB of memory, image 0x100000-0x");
}

/* The same guests under "KVM": console on port 0xE9, exit on port 0xF4. */
static void test_sim_kvm(struct test_ctx *t)
{
	sim_kvm = 1;
	sim_expect(t, "hello.elf", "", 0, "hypervisor signature 'KVMKVMKVM'");
	sim_expect(t, "hello.elf", "", 0, "running on KVM: console on port 0xE9");
	sim_expect(t, "hello.elf", "", 0, "Hello from pfvmm guest\n");
	sim_expect(t, "bad.elf", "exit 42", 42, "");
	/* not -ENOSYS (-38): bad.elf says so and exits 1 */
	sim_expect(t, "bad.elf", "badhc", 1, "hypercall 9999 returned -1000\n");
	sim_kvm = 0;
}

static void test_sim_hello_args(struct test_ctx *t)
{
	sim_expect(t, "hello.elf", "one two", 0, "args: one two\n");
}

static void test_sim_spin(struct test_ctx *t)
{
	static char out[SIM_OUT_MAX];
	int st = sim_run(t, "spin.elf", "", out);

	if (t->skipped || t->failed)
		return;
	CHECK(t, WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM,
	      "spin.elf ended by itself: wait status 0x%x; output: %s", st, out);
	CHECK(t, !strcmp(out, "spinning\n"), "output '%s'", out);
	if (t->failed)
		return;
	st = sim_run(t, "spin.elf", "sti", out);
	CHECK(t, WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM,
	      "spin.elf -- sti ended by itself: wait status 0x%x; output: %s", st, out);
	CHECK(t, !strcmp(out, "spinning with interrupts enabled\nspinning\n"),
	      "output '%s'", out);
}

static void test_sim_bad_modes(struct test_ctx *t)
{
	sim_expect(t, "bad.elf", "", SIM_TRIPLE, "expect a triple fault");
	sim_expect(t, "bad.elf", "triple", SIM_TRIPLE, "empty IDT");
	sim_expect(t, "bad.elf", "hlt", SIM_HLT, "bad: hlt\n");
	sim_expect(t, "bad.elf", "io", 0, "bad: hello through port 0xe9\nbad: inb(0x80) = 0xff\n");
	sim_expect(t, "bad.elf", "badhc", 0, "hypercall 9999 returned -38\n");
	sim_expect(t, "bad.elf", "exit 42", 42, "");
	sim_expect(t, "bad.elf", "exit 0", 0, "");
	sim_expect(t, "bad.elf", "frob", 2, "bad: unknown mode 'frob'\n");
}

/* printk formats, through bad.elf's messages and hello's numbers. */
static void test_sim_printk_long_output(struct test_ctx *t)
{
	static char cmd[256];

	/* 'exit' with a 200-character tail: printk's 128-byte buffer wraps. */
	memset(cmd, 'z', 200);
	memcpy(cmd, "zz", 2);
	sim_expect(t, "bad.elf", cmd, 2, "bad: unknown mode 'zzzzzzzzzzzzzzzzzzzzzzzzzzzz");
	if (!t->failed) {
		static char out[SIM_OUT_MAX];

		sim_run(t, "bad.elf", cmd, out);
		CHECK(t, strlen(out) == strlen("bad: unknown mode ''\n") + 200,
		      "output length %zu", strlen(out));
	}
}

/* ---- the site table: found at instruction boundaries, all patched ---- */

/* objdump -d -w of a few instructions, as binutils 2.40 prints them. */
static const char sites_listing[] =
	"\nx.elf:     file format elf64-x86-64\n\n\nDisassembly of section .text:\n\n"
	"0000000000100000 <_start>:\n"
	"  100000:\tb8 f4 fa ee 00       \tmov    $0xeefaf4,%eax\n"
	"  100005:\tc6 05 1b 00 00 00 e4 \tmovb   $0xe4,0x1b(%rip)        # 100027 <x>\n"
	"  10000c:\t0f 01 c1             \tvmcall\n"
	"  10000f:\t0f 01 d9             \tvmmcall\n"
	"  100012:\t66 ef                \tout    %ax,(%dx)\n"
	"  100014:\tf3 6c                \trep insb (%dx),%es:(%rdi)\n"
	"  100016:\t0f 20 c0             \tmov    %cr0,%rax\n"
	"  100019:\t2e 0f a2             \tcs cpuid\n"
	"  10001c:\tcc                   \tint3\n"
	"  10001d:\tf4                   \thlt\n"
	"\t...\n";

/* Sites only where an instruction starts, never inside an immediate. */
static void test_sim_sites_parse(struct test_ctx *t)
{
	static const struct { uint64_t addr; int len, kind; const char *name; } want[] = {
		{ 0x10000c, 3, SITE_HYPERCALL, "vmcall" },
		{ 0x10000f, 3, SITE_HYPERCALL, "vmmcall" },
		{ 0x100012, 2, SITE_IO, "out" },
		{ 0x100014, 2, SITE_OTHER, "insb" },
		{ 0x100016, 3, SITE_OTHER, "mov" },
		{ 0x100019, 3, SITE_CPUID, "cpuid" },
		{ 0x10001d, 1, SITE_HLT, "hlt" },
	};
	struct sim_sites tab = { 0 };
	FILE *f = fmemopen((void *)sites_listing, sizeof(sites_listing) - 1, "r");
	size_t i;

	CHECK(t, f && !sites_parse(f, &tab), "sites_parse: %s", tab.err);
	CHECK_EQ(t, tab.nr_insns, 10);
	CHECK_EQ(t, tab.code_lo, 0x100000);
	CHECK_EQ(t, tab.code_hi, 0x10001e);
	CHECK_EQ(t, tab.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; !t->failed && i < tab.n; i++) {
		CHECK_EQ(t, tab.site[i].addr, want[i].addr);
		CHECK_EQ(t, tab.site[i].len, want[i].len);
		CHECK_EQ(t, tab.site[i].kind, want[i].kind);
		CHECK(t, !strcmp(tab.site[i].name, want[i].name), "site %zu is '%s', want '%s'",
		      i, tab.site[i].name, want[i].name);
	}
	CHECK(t, !sites_find(&tab, 0x10001c) && sites_find(&tab, 0x10001d),
	      "int3 is no site, hlt is");
	if (f)
		fclose(f);
	sites_free(&tab);
}

/* Bytes objdump cannot decode: the sim cannot vouch for them, so refuses. */
static void test_sim_sites_undecodable(struct test_ctx *t)
{
	static const char *const listings[] = {
		"  100000:\t0f ff                \t(bad)\n",
		"  100000:\t0f                   \t.byte 0xf\n",
	};
	size_t i;

	for (i = 0; i < sizeof(listings) / sizeof(listings[0]); i++) {
		struct sim_sites tab = { 0 };
		FILE *f = fmemopen((void *)listings[i], strlen(listings[i]), "r");

		CHECK(t, f && sites_parse(f, &tab) < 0 && strstr(tab.err, "cannot decode"),
		      "listing %zu accepted: '%s'", i, tab.err);
		if (f)
			fclose(f);
		sites_free(&tab);
	}
}

/* Guest @name's bytes into @file/@size, or SKIP. */
static int sim_read(struct test_ctx *t, const char *name, void **file, size_t *size)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", guest_dir, name);
	if (!elf_file_read(path, file, size))
		return 0;
	SKIP(t, "%s not built", path);
	return -1;
}

/* vmcall/vmmcall lines of objdump's listing, counted apart from sim-sites.c. */
static long count_hypercall_lines(const void *file, size_t size)
{
	char line[1024], err[256];
	long n = 0;
	pid_t pid;
	FILE *f = sites_objdump(file, size, &pid, err, sizeof(err));

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "\tvmcall") || strstr(line, "\tvmmcall");
	return sites_objdump_close(f, pid) ? -1 : n;
}

/* Every guest: as many hypercall sites patched as objdump shows vmcalls. */
static void test_sim_sites_complete(struct test_ctx *t)
{
	static const char *const guests[] = { "hello.elf", "spin.elf", "bad.elf" };
	static char out[SIM_OUT_MAX];
	size_t i, size;
	void *file;
	long want;
	int st;

	for (i = 0; !t->failed && i < sizeof(guests) / sizeof(guests[0]); i++) {
		if (sim_read(t, guests[i], &file, &size))
			return;
		want = count_hypercall_lines(file, size);
		free(file);
		CHECK(t, want > 0, "%s: objdump shows %ld vmcall/vmmcall", guests[i], want);
		sim_dry = 1;
		st = sim_run(t, guests[i], "", out);
		sim_dry = 0;
		if (t->failed || t->skipped)
			return;
		CHECK(t, WIFEXITED(st) && WEXITSTATUS(st) == SIM_DRY,
		      "%s: wait status 0x%x, want exit %d; output: %s", guests[i], st,
		      SIM_DRY, out);
		CHECK(t, sim_stats->patched[SITE_HYPERCALL] == (unsigned long)want,
		      "%s: %lu hypercall sites patched, objdump shows %ld", guests[i],
		      sim_stats->patched[SITE_HYPERCALL], want);
	}
}

/*
 * The self-test of the check above: leave the first site of each kind in
 * hello.elf as it was.  The child must refuse to run the guest (exit
 * SIM_UNPATCHED, naming the site) whatever the host would have done with it.
 */
static void test_sim_unpatched_detected(struct test_ctx *t)
{
	static char out[SIM_OUT_MAX];
	struct sim_sites tab;
	char want[128];
	size_t size, i;
	int kinds = 0, seen[SITE_KINDS] = { 0 }, st;
	void *file;

	if (sim_read(t, "hello.elf", &file, &size))
		return;
	st = sites_scan(file, size, &tab);
	free(file);
	if (st) {
		CHECK(t, 0, "hello.elf: %s", tab.err);
		return;
	}
	for (i = 0; !t->failed && i < tab.n; i++) {
		if (seen[tab.site[i].kind]++)
			continue;
		kinds++;
		sim_skip = tab.site[i].addr;
		st = sim_run(t, "hello.elf", "", out);
		sim_skip = 0;
		snprintf(want, sizeof(want), "sim: unpatched %s at %016llx\n",
			 tab.site[i].name, (unsigned long long)tab.site[i].addr);
		CHECK(t, WIFEXITED(st) && WEXITSTATUS(st) == SIM_UNPATCHED && !strcmp(out, want),
		      "%s left at 0x%llx: wait status 0x%x, want exit %d; output '%s'",
		      tab.site[i].name, (unsigned long long)tab.site[i].addr, st,
		      SIM_UNPATCHED, out);
	}
	CHECK(t, seen[SITE_HYPERCALL], "no hypercall site in hello.elf (%d kinds)", kinds);
	sites_free(&tab);
}

/* All the guest printed came through trapped hypercalls; each IN/OUT trapped. */
static void test_sim_hypercalls_trapped(struct test_ctx *t)
{
	static const char io_out[] = "bad: hello through port 0xe9\n";
	static char out[SIM_OUT_MAX];
	unsigned long sum = 0;
	int i, st = sim_run(t, "hello.elf", "", out);

	if (t->failed || t->skipped)
		return;
	CHECK(t, WIFEXITED(st) && !WEXITSTATUS(st) && strstr(out, "Hello from pfvmm"),
	      "hello.elf: wait status 0x%x; output: %s", st, out);
	for (i = 0; i <= PFVMM_HC_COUNT; i++)
		sum += sim_stats->hc[i];
	CHECK(t, sim_stats->console_bytes == strlen(out),
	      "%lu bytes through console_write, %zu printed", sim_stats->console_bytes,
	      strlen(out));
	CHECK_EQ(t, sim_stats->hc[PFVMM_HC_SHUTDOWN], 1);
	CHECK_EQ(t, sim_stats->traps[SITE_HYPERCALL], sum);
	CHECK(t, sum >= 4, "only %lu hypercalls", sum);
	sim_expect(t, "bad.elf", "badhc", 0, "hypercall 9999 returned -38\n");
	CHECK_EQ(t, sim_stats->hc[PFVMM_HC_COUNT], 1);
	sim_expect(t, "bad.elf", "io", 0, io_out);
	CHECK_EQ(t, sim_stats->traps[SITE_IO], strlen(io_out) + 1);
}

void run_guest_sim_tests(void)
{
	RUN_TEST(test_sim_sites_parse);
	RUN_TEST(test_sim_sites_undecodable);
#ifdef __SANITIZE_ADDRESS__
	/* Guest code on its own stack confuses ASan: the sim runs unsanitized. */
	printf("SKIP test_sim_*: built with -fsanitize=address\n");
	return;
#endif
	RUN_TEST(test_sim_hello);
	RUN_TEST(test_sim_hello_args);
	RUN_TEST(test_sim_kvm);
	RUN_TEST(test_sim_spin);
	RUN_TEST(test_sim_bad_modes);
	RUN_TEST(test_sim_printk_long_output);
	RUN_TEST(test_sim_sites_complete);
	RUN_TEST(test_sim_unpatched_detected);
	RUN_TEST(test_sim_hypercalls_trapped);
}
