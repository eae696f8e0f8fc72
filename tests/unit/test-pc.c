// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of a Linux guest's PC in the run loop (userspace/pc.c,
 * host-console.c) against a scripted backend: I/O exits reach the devices
 * (COM1's output on stdout, CR LF as LF, escaped; an unclaimed port reads
 * all ones, logged with --debug-ports; piped stdin in COM1's receiver),
 * the i8042 reset ends the run with 0, HLT with interrupts off ends it,
 * HLT with them on waits for the PIT, whose IRQ 0 goes in through the
 * backend's interrupt() once the vCPU is ready (after an interrupt window
 * when it is not) or, for a backend without interrupt(), stays pending;
 * the Ctrl-A commands of a terminal; "Kernel panic - not syncing" on
 * COM1 turns the end of the run into status 3; the first write to the
 * milestone port notes the counters of that moment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev-test.h"
#include "pc.h"
#include "test.h"
#include "util.h"

struct pc_step {
	uint32_t reason;	/* PFVMM_EXIT_*; 0: RUN gives -EINTR */
	uint16_t port;
	uint8_t in;		/* 1: IN */
	uint32_t data;		/* OUT: the byte; SHUTDOWN: the status */
	bool if_on;		/* RFLAGS.IF at this exit */
};

struct pc_scenario {
	const struct pc_step *steps;
	bool can_inject;
	bool debug_ports;
	const char *input;	/* piped to stdin, or NULL */
};

static const struct pc_step *steps;
static unsigned int pos, nr_injected, nr_windows;
static uint8_t injected[8];
static uint32_t in_data[16];
static unsigned int nr_in;
static bool ready;
static struct pfvmm_run run_page;
static struct fake_clock fc;

/* Time moves on with every look at it: the guest runs meanwhile. */
static uint64_t ticking_mono(void *ctx)
{
	(void)ctx;
	return fc.mono += 50000;
}

static const struct dev_clock ticking_clock = { ticking_mono, fake_real, &fc };

static int mock_run(struct vcpu *vcpu)
{
	const struct pc_step *s = &steps[pos++];
	struct pfvmm_run *run = vcpu->run;

	if (pos > 1 && steps[pos - 2].reason == PFVMM_EXIT_IO && steps[pos - 2].in &&
	    nr_in < 16)
		in_data[nr_in++] = (uint32_t)run->io.data;
	if (!s->reason) {
		run->exit_reason = PFVMM_EXIT_INTR;
		return -EINTR;
	}
	run->exit_reason = s->reason;
	if (s->reason == PFVMM_EXIT_SHUTDOWN)
		run->shutdown.status = s->data;
	if (s->reason != PFVMM_EXIT_IO)
		return 0;
	run->io.in = s->in;
	run->io.size = 1;
	run->io.port = s->port;
	run->io.data = s->in ? 0 : s->data;
	return 0;
}

static int mock_get_regs(struct vcpu *vcpu, struct pfvmm_regs *regs)
{
	(void)vcpu;
	memset(regs, 0, sizeof(*regs));
	regs->rflags = steps[pos - 1].if_on ? 0x202 : 0x2;
	return 0;
}

/* The counters: how many exits the scenario made so far. */
static void mock_print_stats(struct vm *vm, FILE *f)
{
	(void)vm;
	fprintf(f, "exits %u\n", pos);
}

static bool mock_ready(struct vcpu *vcpu)
{
	(void)vcpu;
	return ready;
}

static int mock_interrupt(struct vcpu *vcpu, uint8_t vector)
{
	(void)vcpu;
	if (nr_injected < sizeof(injected))
		injected[nr_injected++] = vector;
	ready = false;
	return 0;
}

static void mock_window(struct vcpu *vcpu, bool on)
{
	(void)vcpu;
	if (on) {
		nr_windows++;
		ready = true;	/* the window opens at the next exit */
	}
}

static const struct vmm_backend inject_backend = {
	.name = "mock", .run = mock_run, .get_regs = mock_get_regs,
	.interrupt_ready = mock_ready, .interrupt = mock_interrupt,
	.request_interrupt_window = mock_window, .print_stats = mock_print_stats,
};

static const struct vmm_backend plain_backend = {
	.name = "mock", .run = mock_run, .get_regs = mock_get_regs,
};

static int stdin_of(const char *input)
{
	int fds[2];

	if (!input || pipe(fds))
		return -1;
	if (write(fds[1], input, strlen(input)) < 0)
		return -1;
	close(fds[1]);
	return fds[0];
}

/* In the child: the scenario's run, with the injections as extra output. */
static int pc_child(const void *arg)
{
	const struct pc_scenario *sc = arg;
	struct vm vm = { .backend = sc->can_inject ? &inject_backend : &plain_backend };
	struct pc pc;
	unsigned int i;
	int status;

	steps = sc->steps;
	pos = nr_injected = nr_windows = nr_in = 0;
	ready = false;
	fc = (struct fake_clock){ 1000 * MS, 1795664312ll * 1000000000ll };
	pc_init(&pc, &ticking_clock, stdin_of(sc->input), sc->debug_ports ? stderr : NULL);
	vm.pc = &pc;
	vm.vcpu.vm = &vm;
	vm.vcpu.run = &run_page;
	status = vcpu_run_loop(&vm.vcpu);
	pc_exit(&pc);
	if (vm.milestone_stats)
		fprintf(stderr, "milestone at %s", vm.milestone_stats);
	free(vm.milestone_stats);
	fprintf(stderr, "windows %u injected", nr_windows);
	for (i = 0; i < nr_injected; i++)
		fprintf(stderr, " 0x%02x", injected[i]);
	fprintf(stderr, "\nin");
	for (i = 0; i < nr_in; i++)
		fprintf(stderr, " 0x%x", in_data[i]);
	fprintf(stderr, "\n");
	return status;
}

#define OUT(p, v)	{ PFVMM_EXIT_IO, p, 0, v, true }
#define IN(p)		{ PFVMM_EXIT_IO, p, 1, 0, true }
#define HLT(ifl)	{ PFVMM_EXIT_HLT, 0, 0, 0, ifl }
#define RESET		OUT(0x64, 0xfe)
#define SHUTDOWN(n)	{ PFVMM_EXIT_SHUTDOWN, 0, 0, n, true }
#define WINDOW		{ PFVMM_EXIT_IRQ_WINDOW_OPEN, 0, 0, 0, true }

static void test_pc_serial_and_reset(struct test_ctx *t)
{
	static const struct pc_step s[] = {
		OUT(0x3f8, 'h'), OUT(0x3f8, 'i'), OUT(0x3f8, '\r'), OUT(0x3f8, '\n'),
		OUT(0x3f8, 0x1b), OUT(0x3f8, '\r'), OUT(0x3f8, '!'), IN(0x3fd), IN(0x1234),
		IN(0x80), RESET, SHUTDOWN(9),
	};
	const struct pc_scenario sc = { s, true, true, NULL };
	struct child_result r;

	child_capture(pc_child, &sc, &r);
	CHECK_EQ(t, r.status, 0);
	CHECK(t, !strcmp(r.out, "hi\n\\x1b\\x0d!"), "stdout '%s'", r.out);
	CHECK(t, strstr(r.err, "pfvmm: the guest reset the machine\n") != NULL, "'%s'", r.err);
	CHECK(t, strstr(r.err, "in 0x60 0xff 0xff\n") != NULL, "IN results: '%s'", r.err);
	CHECK(t, strstr(r.err, "inb 0x1234: no device") && !strstr(r.err, "0x0080"),
	      "--debug-ports log: '%s'", r.err);
}

static void test_pc_stdin_to_com1(struct test_ctx *t)
{
	static const struct pc_step s[] = {
		IN(0x3fd), IN(0x3f8), IN(0x3f8), IN(0x3f8), IN(0x3fd), IN(0x3f8), RESET,
	};
	const struct pc_scenario sc = { s, true, false, "ls\n" };
	struct child_result r;

	child_capture(pc_child, &sc, &r);
	CHECK_EQ(t, r.status, 0);
	CHECK(t, strstr(r.err, "in 0x61 0x6c 0x73 0xa 0x60 0x0\n") != NULL, "'%s'", r.err);
}

/* PIC and PIT as Linux sets them up, then HLT: IRQ 0 goes in. */
#define PC_TIMER_SETUP							\
	OUT(0x20, 0x11), OUT(0x21, 0x30), OUT(0x21, 0x04), OUT(0x21, 0x01),	\
	OUT(0xa0, 0x11), OUT(0xa1, 0x38), OUT(0xa1, 0x02), OUT(0xa1, 0x01),	\
	OUT(0x21, 0xfe), OUT(0xa1, 0xff),				\
	OUT(0x43, 0x34), OUT(0x40, 0xa9), OUT(0x40, 0x04)

static void test_pc_timer_interrupt(struct test_ctx *t)
{
	static const struct pc_step s[] = {
		PC_TIMER_SETUP, HLT(true), WINDOW, OUT(0x20, 0x20), RESET,
	};
	const struct pc_scenario sc = { s, true, false, NULL };
	struct child_result r;

	child_capture(pc_child, &sc, &r);
	CHECK_EQ(t, r.status, 0);
	/* one window at least; IRQ 0, maybe again after the EOI */
	CHECK(t, strstr(r.err, " injected 0x30") && !strstr(r.err, "windows 0") &&
	      !strstr(r.err, "injected\n"), "'%s'", r.err);
}

static void test_pc_halt(struct test_ctx *t)
{
	static const struct pc_step off[] = { HLT(false), SHUTDOWN(9) };
	static const struct pc_step on[] = { PC_TIMER_SETUP, HLT(true), SHUTDOWN(5) };
	const struct pc_scenario sc_off = { off, true, false, NULL };
	const struct pc_scenario sc_on = { on, false, false, NULL };
	struct child_result r;

	child_capture(pc_child, &sc_off, &r);
	CHECK_EQ(t, r.status, 0);
	CHECK(t, strstr(r.err, "guest halted with interrupts off") != NULL, "'%s'", r.err);
	/* no interrupt(): the HLT waits for the PIT, then the guest goes on */
	child_capture(pc_child, &sc_on, &r);
	CHECK_EQ(t, r.status, 5);
	CHECK(t, strstr(r.err, "windows 0 injected\n") != NULL, "'%s'", r.err);
}

/* @text written to COM1, then OUT(0x100) if @mark, then the i8042 reset. */
static void run_text(const char *text, bool mark, struct child_result *r)
{
	static struct pc_step s[128];
	const struct pc_scenario sc = { s, true, false, NULL };
	unsigned int n = 0;

	for (; *text && n < ARRAY_SIZE(s) - 3; text++)
		s[n++] = (struct pc_step)OUT(0x3f8, (uint8_t)*text);
	if (mark)
		s[n++] = (struct pc_step)OUT(PC_MILESTONE_PORT, 1);
	s[n++] = (struct pc_step)OUT(0x3f8, '.');
	s[n] = (struct pc_step)RESET;
	child_capture(pc_child, &sc, r);
}

static void test_pc_panic_status(struct test_ctx *t)
{
	struct child_result r;

	run_text("[ 1.0] Kernel panic - not syncing: No working init found.\n", false, &r);
	CHECK_EQ(t, r.status, PFVMM_STATUS_GUEST_PANIC);
	CHECK(t, strstr(r.err, "pfvmm: the guest reset the machine\n") &&
	      strstr(r.err, "pfvmm: the guest kernel panicked"), "'%s'", r.err);
	/* KKernel...: the match starts again at the second K */
	run_text("KKernel panic - not syncing", false, &r);
	CHECK_EQ(t, r.status, PFVMM_STATUS_GUEST_PANIC);
	run_text("Kernel panic - not syncin\nKernel panic - not", false, &r);
	CHECK_EQ(t, r.status, 0);
	CHECK(t, !strstr(r.err, "panicked"), "'%s'", r.err);
}

static void test_pc_milestone(struct test_ctx *t)
{
	struct child_result r;

	run_text("abc", true, &r);
	CHECK_EQ(t, r.status, 0);
	/* three bytes to COM1, then the milestone: the 4th exit, only once */
	CHECK(t, strstr(r.err, "milestone at exits 4\n") != NULL, "'%s'", r.err);
	run_text("abc", false, &r);
	CHECK(t, strstr(r.err, "milestone") == NULL, "'%s'", r.err);
}

static void test_host_console_ctrl_a(struct test_ctx *t)
{
	struct host_console hc;
	uint8_t b1[] = "ab\001\001c\001qd", b2[] = "x\001", b3[] = "xyz";
	size_t n;

	host_console_open(&hc, -1);
	n = host_console_filter(&hc, b1, sizeof(b1) - 1);
	CHECK(t, n == 5 && !memcmp(b1, "ab\001cd", 5) && !hc.quit, "kept %zu", n);
	/* the command may come in the next read */
	n = host_console_filter(&hc, b2, 2);
	CHECK(t, n == 1 && b2[0] == 'x' && hc.saw_ctrl_a, "kept %zu", n);
	n = host_console_filter(&hc, b3, 3);
	CHECK(t, n == 0 && hc.quit, "Ctrl-A x: kept %zu, quit %d", n, hc.quit);
}

void run_pc_tests(void)
{
	RUN_TEST(test_pc_serial_and_reset);
	RUN_TEST(test_pc_stdin_to_com1);
	RUN_TEST(test_pc_timer_interrupt);
	RUN_TEST(test_pc_halt);
	RUN_TEST(test_pc_panic_status);
	RUN_TEST(test_pc_milestone);
	RUN_TEST(test_host_console_ctrl_a);
}
