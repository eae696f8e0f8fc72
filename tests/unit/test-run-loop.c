// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the launcher's run loop (userspace/run-loop.c) and register
 * dump (userspace/dump.c) against a scripted mock backend: each scenario
 * is a list of exits the "module" returns; the loop runs in a child
 * process whose stdout/stderr are captured, and its exit status is the
 * loop's result.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm.h"
#include "x86-setup.h"
#include "test.h"

#define MOCK_MEM	(4u << 20)

struct mock_step {
	int ret;		/* what run() returns: 0 or -errno */
	uint32_t reason;	/* run->exit_reason when ret == 0 */
	uint64_t a, b, c;	/* reason-specific values, see mock_fill() */
	const char *text;
	int raise_sigint;	/* deliver SIGINT before returning; 2: right
				 * before "entering", as a kernel would see it */
};

static const struct mock_step *mock_steps;
static unsigned int mock_pos;
static int mock_io_in_bad;	/* an IN was not completed with all ones */
static struct pfvmm_run mock_run_page;

static void mock_fill(struct pfvmm_run *run, const struct mock_step *s)
{
	run->exit_reason = s->reason;
	switch (s->reason) {
	case PFVMM_EXIT_CONSOLE:
		run->console.len = (uint32_t)s->a;
		memset(run->console.buf, 'x', sizeof(run->console.buf));
		if (s->text)
			memcpy(run->console.buf, s->text, strlen(s->text));
		break;
	case PFVMM_EXIT_IO:
		run->io.in = (uint8_t)(s->a >> 16);
		run->io.size = (uint8_t)(s->a >> 24);
		run->io.port = (uint16_t)s->a;
		run->io.data = s->b;
		break;
	case PFVMM_EXIT_SHUTDOWN:
		run->shutdown.status = s->a;
		break;
	case PFVMM_EXIT_INTERNAL_ERROR:
		run->internal.suberror = (uint32_t)s->a;
		run->internal.hw_exit_reason = (uint32_t)s->b;
		run->internal.qualification = 0x181;
		run->internal.guest_rip = s->c;
		break;
	case PFVMM_EXIT_GUEST_ERROR:
		run->guest_error.guest_rip = s->b;
		run->guest_error.address = s->c;
		strcpy(run->guest_error.reason, s->text);
		break;
	}
}

/* An IN exit must come back with io.data = all ones for its size. */
static void mock_check_io_in(struct pfvmm_run *run)
{
	uint64_t want;

	if (run->exit_reason != PFVMM_EXIT_IO || !run->io.in)
		return;
	want = run->io.size == 4 ? 0xffffffffull : run->io.size == 2 ? 0xffff : 0xff;
	if (run->io.data != want)
		mock_io_in_bad = 1;
}

static int mock_run(struct vcpu *vcpu)
{
	const struct mock_step *s = &mock_steps[mock_pos++];

	mock_check_io_in(vcpu->run);
	/* As the module: immediate_exit set at entry returns -EINTR at once. */
	if (s->raise_sigint == 2) {
		raise(SIGINT);
		if (vcpu->immediate_exit && *vcpu->immediate_exit) {
			vcpu->run->exit_reason = PFVMM_EXIT_INTR;
			return -EINTR;
		}
	}
	if (s->raise_sigint == 1)
		raise(SIGINT);
	if (s->ret)
		return s->ret;
	mock_fill(vcpu->run, s);
	return 0;
}

static int mock_get_regs(struct vcpu *vcpu, struct pfvmm_regs *regs)
{
	(void)vcpu;
	x86_boot_regs(regs, 0x100000);
	regs->rax = 0x1234abcd;
	return 0;
}

static int mock_get_sregs(struct vcpu *vcpu, struct pfvmm_sregs *sregs)
{
	(void)vcpu;
	x86_boot_sregs(sregs);
	return 0;
}

static const struct vmm_backend mock_backend = {
	.name		= "mock",
	.get_regs	= mock_get_regs,
	.get_sregs	= mock_get_sregs,
	.run		= mock_run,
};

/* In the child: a VM whose memory holds the boot tables and some code. */
static int mock_child(const struct mock_step *steps)
{
	static const unsigned char code[] = { 0x0f, 0x01, 0xc1, 0xf4 };
	struct elf_image img = { 0x100000, 0x100000, 0x101000, 1 };
	struct vm vm = { .backend = &mock_backend };

	vm.mem = calloc(1, MOCK_MEM);
	vm.mem_size = MOCK_MEM;
	x86_boot_setup(vm.mem, MOCK_MEM, &img, "");
	memcpy((char *)vm.mem + 0x100000, code, sizeof(code));
	vm.vcpu.vm = &vm;
	vm.vcpu.run = &mock_run_page;
	vm.vcpu.immediate_exit = &mock_run_page.immediate_exit;
	mock_steps = steps;
	run_loop_install_signals();
	return vcpu_run_loop(&vm.vcpu) | (mock_io_in_bad ? 0x100 : 0);
}

static void read_file(FILE *f, char *out)
{
	size_t n;

	rewind(f);
	n = fread(out, 1, CHILD_OUT_MAX - 1, f);
	out[n] = '\0';
	fclose(f);
}

/**
 * child_capture() - @fn(@arg) in a child, its stdout and stderr captured
 *
 * The child exits with @fn's value (254 above 255); -1 in r->status when
 * it did not exit.  Shared with test-pc.c.
 */
void child_capture(int (*fn)(const void *arg), const void *arg,
		   struct child_result *r)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int st = -1;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(err), STDERR_FILENO);
		st = fn(arg);
		fflush(NULL);
		_exit(st > 255 ? 254 : st);
	}
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	read_file(out, r->out);
	read_file(err, r->err);
}

static int mock_child_of(const void *steps)
{
	return mock_child(steps);
}

static void mock_scenario(const struct mock_step *steps, struct child_result *r)
{
	child_capture(mock_child_of, steps, r);
}

#define CONSOLE(s)	{ 0, PFVMM_EXIT_CONSOLE, sizeof(s) - 1, 0, 0, s, 0 }
#define OUT8(port, v)	{ 0, PFVMM_EXIT_IO, (1u << 24) | (port), v, 0, NULL, 0 }
#define IN(port, size)	{ 0, PFVMM_EXIT_IO, ((size) << 24) | (1u << 16) | (port), 0, 0, NULL, 0 }
#define SHUTDOWN(n)	{ 0, PFVMM_EXIT_SHUTDOWN, n, 0, 0, NULL, 0 }
#define HLT		{ 0, PFVMM_EXIT_HLT, 0, 0, 0, NULL, 0 }

static void test_loop_console_shutdown(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		CONSOLE("hello "), CONSOLE("world\n"), SHUTDOWN(7),
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 7);
	CHECK(t, !strcmp(r.out, "hello world\n"), "stdout '%s'", r.out);
	CHECK(t, r.err[0] == '\0', "stderr '%s'", r.err);
}

/* Escape sequences and binary from the guest reach the terminal as \xNN. */
static void test_loop_console_escaped(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		CONSOLE("a\x1b[2Jb\tc\r\n"), OUT8(0xe9, 0x07), OUT8(0xe9, 0xff), OUT8(0xe9, 'z'),
		SHUTDOWN(0),
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 0);
	CHECK(t, !strcmp(r.out, "a\\x1b[2Jb\tc\\x0d\n\\x07\\xffz"), "stdout '%s'", r.out);
}

static void test_loop_shutdown_status_clamped(struct test_ctx *t)
{
	static const struct mock_step steps[] = { SHUTDOWN(300) };
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 255);
}

static void test_loop_console_len_clamped(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		{ 0, PFVMM_EXIT_CONSOLE, 100000, 0, 0, "abc", 0 }, SHUTDOWN(0),
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 0);
	CHECK_EQ(t, strlen(r.out), PFVMM_CONSOLE_MAX);
}

static void test_loop_port_io(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		OUT8(0xe9, 'A'), OUT8(0x80, 'B'), IN(0x60, 1), IN(0x61, 2), IN(0x62, 4),
		OUT8(0xe9, 'C'), HLT,
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK(t, r.status != 254, "an IN exit was not completed with all ones");
	CHECK_EQ(t, r.status, 0);
	CHECK(t, !strcmp(r.out, "AC"), "stdout '%s'", r.out);
	CHECK(t, strstr(r.err, "guest halted") != NULL, "stderr '%s'", r.err);
}

/* OUT to port 0xF4 ends the run with the value as the status (KVM guests). */
static void test_loop_exit_port(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		OUT8(0xe9, 'Z'), { 0, PFVMM_EXIT_IO, 0xf4 | (4u << 24), 7, 0, NULL, 0 },
		OUT8(0xe9, 'Y'), HLT,
	};
	static const struct mock_step big[] = {
		{ 0, PFVMM_EXIT_IO, 0xf4 | (4u << 24), 0x1234, 0, NULL, 0 },
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 7);
	CHECK(t, !strcmp(r.out, "Z"), "stdout '%s'", r.out);
	mock_scenario(big, &r);
	CHECK_EQ(t, r.status, 255);
}

static void test_loop_internal_error(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		{ 0, PFVMM_EXIT_INTERNAL_ERROR, PFVMM_INTERNAL_UNKNOWN_EXIT, 48, 0x100000,
		  NULL, 0 },
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 125);
	CHECK(t, strstr(r.err, "suberror 1 (unknown exit), hw exit reason 48 "
			"(EPT_VIOLATION), qualification 0x181, guest rip 0x100000"),
	      "stderr '%s'", r.err);
	CHECK(t, strstr(r.err, "rax 000000001234abcd") != NULL, "no register dump: %s", r.err);
	CHECK(t, strstr(r.err, "cr0 0000000080050033") != NULL, "no sregs dump: %s", r.err);
	CHECK(t, strstr(r.err, "code at rip: 0f 01 c1 f4 00") != NULL, "no code dump: %s",
	      r.err);
	/* The 16 bytes before the entry point are zero in the mock's memory. */
	CHECK(t, strstr(r.err, "code before rip: 00 00 00 00 00 00 00 00 00 00 00 00 "
			"00 00 00 00\n") != NULL, "no code-before dump: %s", r.err);
	CHECK(t, strstr(r.err, " stack ") != NULL, "no stack dump: %s", r.err);
}

static void test_loop_guest_error(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		{ 0, PFVMM_EXIT_GUEST_ERROR, 0, 0x100123, 0xdead000, "triple fault", 0 },
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 126);
	CHECK(t, strstr(r.err, "guest stopped: triple fault at rip=0x100123 addr=0xdead000\n"),
	      "stderr '%s'", r.err);
	CHECK(t, strstr(r.err, "registers:") != NULL, "no register dump: %s", r.err);
}

static void test_loop_eintr_without_stop(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		{ -EINTR, 0, 0, 0, 0, NULL, 0 },
		{ 0, PFVMM_EXIT_INTR, 0, 0, 0, NULL, 0 },
		CONSOLE("ok"), SHUTDOWN(3),
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 3);
	CHECK(t, !strcmp(r.out, "ok"), "stdout '%s'", r.out);
}

static void test_loop_sigint(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		CONSOLE("x"), { -EINTR, 0, 0, 0, 0, NULL, 1 }, SHUTDOWN(0),
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 130);
	CHECK(t, strstr(r.err, "interrupted") != NULL, "stderr '%s'", r.err);
}

/*
 * SIGINT after the loop's last check, just before the kernel would enter
 * the guest: the handler's immediate_exit makes that RUN return -EINTR, so
 * the guest (which would otherwise print "late" and spin) never runs.
 */
static void test_loop_sigint_before_entry(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		CONSOLE("x"), { 0, PFVMM_EXIT_CONSOLE, 4, 0, 0, "late", 2 },
		CONSOLE("spin"), CONSOLE("spin"), SHUTDOWN(0),
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 130);
	CHECK(t, strstr(r.out, "late") == NULL, "stdout '%s'", r.out);
}

/* SIGINT between two runs: the loop stops before entering the guest. */
static void test_loop_sigint_between_runs(struct test_ctx *t)
{
	static const struct mock_step steps[] = {
		{ 0, PFVMM_EXIT_CONSOLE, 1, 0, 0, "x", 1 }, SHUTDOWN(0),
	};
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 130);
}

static void test_loop_unknown_exit(struct test_ctx *t)
{
	static const struct mock_step steps[] = { { 0, 99, 0, 0, 0, NULL, 0 } };
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 125);
	CHECK(t, strstr(r.err, "unexpected exit reason 99") != NULL, "stderr '%s'", r.err);
}

static void test_loop_run_error(struct test_ctx *t)
{
	static const struct mock_step steps[] = { { -EFAULT, 0, 0, 0, 0, NULL, 0 } };
	struct child_result r;

	mock_scenario(steps, &r);
	CHECK_EQ(t, r.status, 1);
	CHECK(t, strstr(r.err, "PFVMM_RUN: Bad address") != NULL, "stderr '%s'", r.err);
}

void run_run_loop_tests(void)
{
	RUN_TEST(test_loop_console_shutdown);
	RUN_TEST(test_loop_console_escaped);
	RUN_TEST(test_loop_shutdown_status_clamped);
	RUN_TEST(test_loop_console_len_clamped);
	RUN_TEST(test_loop_port_io);
	RUN_TEST(test_loop_exit_port);
	RUN_TEST(test_loop_internal_error);
	RUN_TEST(test_loop_guest_error);
	RUN_TEST(test_loop_eintr_without_stop);
	RUN_TEST(test_loop_sigint);
	RUN_TEST(test_loop_sigint_between_runs);
	RUN_TEST(test_loop_sigint_before_entry);
	RUN_TEST(test_loop_unknown_exit);
	RUN_TEST(test_loop_run_error);
}
