// SPDX-License-Identifier: GPL-2.0
/*
 * The test guests, run without VT-x: the real guest/ELF images are loaded
 * by the launcher's ELF loader and executed natively in a child process,
 * at their link address (0x100000, identity as in the VM).  Everything a
 * guest does that needs the VMM traps in user mode and is emulated here:
 *   vmcall  (#UD -> SIGILL)    hypercalls: console_write, shutdown, nop
 *   cpuid   (patched to ud2)   leaf 0x40000000 returns pfvmm's signature
 *   in/out  (#GP -> SIGSEGV)   port 0xE9 prints, IN returns all ones
 *   cli;hlt (#GP -> SIGSEGV)   the HLT exit (cli and sti alone are skipped)
 *   lidt + int3                the triple fault of bad.elf
 * With sim_kvm set, the child plays KVM instead: leaf 0x40000000 returns
 * "KVMKVMKVM", every vmcall returns -1000 (KVM_ENOSYS), and a 32-bit OUT
 * to port 0xF4 ends the guest with that status (the kvm backend's view).
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
#include <ucontext.h>
#include <unistd.h>

#include <pfvmm/bootinfo.h>
#include <pfvmm/hypercall.h>

#include "elf-loader.h"
#include "x86-setup.h"
#include "test.h"

#define SIM_MEM		(4u << 20)	/* the image area ends at 0x400000 */
#define SIM_HLT		200		/* child exit codes for VMM exits */
#define SIM_TRIPLE	201
#define SIM_CRASH	202
#define SIM_OUT_MAX	4096

static struct pfvmm_bootinfo sim_bootinfo;
static int sim_idt_empty;
static int sim_kvm;		/* play KVM instead of pfvmm */

static void sim_out(const void *buf, size_t len)
{
	if (write(STDOUT_FILENO, buf, len) < 0)
		_exit(SIM_CRASH);
}

static void sim_crash(const char *what, uint64_t rip)
{
	static const char hex[] = "0123456789abcdef";
	char line[64] = "sim: ", *p = line + 5;
	int i;

	while (*what)
		*p++ = *what++;
	*p++ = ' ';
	for (i = 60; i >= 0; i -= 4)
		*p++ = hex[(rip >> i) & 0xf];
	*p++ = '\n';
	sim_out(line, (size_t)(p - line));
	_exit(SIM_CRASH);
}

static void sim_hypercall(greg_t *g)
{
	if (sim_kvm) {
		g[REG_RAX] = -1000;	/* KVM: -KVM_ENOSYS for unknown numbers */
		g[REG_RIP] += 3;
		return;
	}
	switch (g[REG_RAX]) {
	case PFVMM_HC_CONSOLE_WRITE: {
		size_t len = (size_t)g[REG_RSI];

		if (len > PFVMM_CONSOLE_WRITE_MAX)
			len = PFVMM_CONSOLE_WRITE_MAX;
		sim_out((const void *)g[REG_RDI], len);
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
	g[REG_RIP] += 3;
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
	g[REG_RIP] += 2;
}

/* SIGILL: vmcall (0f 01 c1) or a patched cpuid (0f 0b). */
static void on_sigill(int sig, siginfo_t *si, void *ctx)
{
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	const unsigned char *ip = (const unsigned char *)g[REG_RIP];

	(void)sig;
	(void)si;
	if (ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xc1)
		sim_hypercall(g);
	else if (ip[0] == 0x0f && ip[1] == 0x0b)
		sim_cpuid(g);
	else
		sim_crash("illegal instruction at", (uint64_t)g[REG_RIP]);
}

static int sim_port_io(greg_t *g, const unsigned char *ip)
{
	char c = (char)g[REG_RAX];

	switch (ip[0]) {
	case 0xe6:	/* out imm8, al */
		if (ip[1] == 0xe9)
			sim_out(&c, 1);
		return 2;
	case 0xee:	/* out dx, al */
		if ((g[REG_RDX] & 0xffff) == 0xe9)
			sim_out(&c, 1);
		return 1;
	case 0xe7:	/* out imm8, eax */
		if (ip[1] == 0xf4 && sim_kvm)
			_exit((int)(g[REG_RAX] & 0xff));
		return 2;
	case 0xef:	/* out dx, eax */
		if ((g[REG_RDX] & 0xffff) == 0xf4 && sim_kvm)
			_exit((int)(g[REG_RAX] & 0xff));
		return 1;
	case 0xe4:	/* in al, imm8 */
		g[REG_RAX] |= 0xff;
		return 2;
	case 0xec:	/* in al, dx */
		g[REG_RAX] |= 0xff;
		return 1;
	}
	return 0;
}

/* SIGSEGV: privileged instructions (#GP in user mode). */
static void on_sigsegv(int sig, siginfo_t *si, void *ctx)
{
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	const unsigned char *ip = (const unsigned char *)g[REG_RIP];
	int len;

	(void)sig;
	if (si->si_code != SI_KERNEL)
		sim_crash("page fault at", (uint64_t)g[REG_RIP]);
	if (ip[0] == 0xf4 || (ip[0] == 0xfa && ip[1] == 0xf4))
		_exit(SIM_HLT);
	if (ip[0] == 0xfa || ip[0] == 0xfb) {	/* cli, sti */
		g[REG_RIP] += 1;
		return;
	}
	if (ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0x1d) {	/* lidt rip+disp32 */
		const unsigned char *desc = ip + 7 + *(const int32_t *)(ip + 3);

		sim_idt_empty = desc[0] == 0 && desc[1] == 0;
		g[REG_RIP] += 7;
		return;
	}
	len = sim_port_io(g, ip);
	if (!len)
		sim_crash("general protection at", (uint64_t)g[REG_RIP]);
	g[REG_RIP] += len;
}

/* SIGTRAP: int3 with an empty IDT is a triple fault. */
static void on_sigtrap(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	(void)ctx;
	_exit(sim_idt_empty ? SIM_TRIPLE : SIM_CRASH);
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

/* Replace cpuid (0f a2) by ud2 (0f 0b) in the loaded image. */
static void sim_patch_cpuid(unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (p[i] == 0x0f && p[i + 1] == 0xa2)
			p[i + 1] = 0x0b;
}

/* In the child: map the image at its address, then jump to it. */
static void sim_child(const unsigned char *mem, const struct elf_image *img,
		      const char *cmdline)
{
	static char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	void *at = (void *)PFVMM_BOOT_LOW_END;
	size_t size = SIM_MEM - PFVMM_BOOT_LOW_END;

	if (mmap(at, size, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != at)
		_exit(SIM_CRASH + 1);
	memcpy(at, mem + PFVMM_BOOT_LOW_END, size);
	sim_patch_cpuid((unsigned char *)img->start, img->end - img->start);
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
	_exit(SIM_CRASH + 2);
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

void run_guest_sim_tests(void)
{
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
}
