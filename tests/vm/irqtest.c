// SPDX-License-Identifier: GPL-2.0
/*
 * irqtest: interrupt injection from userspace (PFVMM_INTERRUPT,
 * request_interrupt_window, ready_for_interrupt_injection), driven through
 * guest/irq.elf, which asks for each step with an OUT to port 0x81:
 *
 *   step 1 (guest IF = 0): ready_for_interrupt_injection and if_flag are
 *          0; bad PFVMM_INTERRUPT arguments get EINVAL; vector 0x30 is
 *          queued (0), a second one gets EEXIST; the guest checks that it
 *          arrives only after its STI
 *   step 2 (IF = 1): request_interrupt_window; the very next exit must be
 *          IRQ_WINDOW_OPEN, with ready_for_interrupt_injection 1; inject
 *   step 3 (IF = 0): request_interrupt_window again; IRQ_WINDOW_OPEN may
 *          come only after the guest's STI (console exits before it are
 *          fine); inject
 * and outside any step no IRQ_WINDOW_OPEN exit.  Prints a line per check
 * ("irqtest: NAME ok" or "irqtest: NAME FAILED: ..."), the guest's console,
 * and exits 0 when every check and the guest (status 0) agree.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "testvm.h"

#define GUEST_MEM	(16u << 20)
#define STEP_PORT	0x81
#define VECTOR		0x30

static int nr_failed;
static int window_expected;	/* 0 no, 1 at the next exit, 2 after STI */

static void check(const char *name, int ok, const char *why)
{
	printf("irqtest: %s %s%s\n", name, ok ? "ok" : "FAILED: ", ok ? "" : why);
	nr_failed += !ok;
}

static int interrupt(struct testvm *t, unsigned int irq, unsigned int pad)
{
	struct pfvmm_interrupt i = { .irq = irq, .pad = pad };

	return ioctl(t->vcpu, PFVMM_INTERRUPT, &i) ? errno : 0;
}

static void step_one(struct testvm *t)
{
	check("step1_not_ready_with_if0", !t->run->ready_for_interrupt_injection &&
	      !t->run->if_flag, "ready_for_interrupt_injection or if_flag set");
	check("interrupt_vector_256_einval", interrupt(t, 256, 0) == EINVAL,
	      "not EINVAL");
	check("interrupt_pad_einval", interrupt(t, VECTOR, 1) == EINVAL,
	      "not EINVAL");
	check("interrupt_queued", interrupt(t, VECTOR, 0) == 0, "refused");
	check("interrupt_second_eexist", interrupt(t, VECTOR, 0) == EEXIST,
	      "not EEXIST");
}

/* An exit to userspace; returns -1 to go on, else the guest's status. */
static int on_exit(struct testvm *t)
{
	struct pfvmm_run *run = t->run;

	switch (run->exit_reason) {
	case PFVMM_EXIT_CONSOLE:
		fwrite(run->console.buf, 1, run->console.len, stdout);
		if (window_expected == 1) {
			check("window_at_next_exit", 0, "a console exit came first");
			window_expected = 0;
		}
		return -1;
	case PFVMM_EXIT_IO:
		if (run->io.port != STEP_PORT || run->io.in)
			return -1;
		if (run->io.data == 1)
			step_one(t);
		run->request_interrupt_window = run->io.data >= 2;
		window_expected = run->io.data == 2 ? 1 : run->io.data == 3 ? 2 : 0;
		return -1;
	case PFVMM_EXIT_IRQ_WINDOW_OPEN:
		check(window_expected == 1 ? "window_open_at_once" : "window_after_sti",
		      window_expected && run->ready_for_interrupt_injection &&
		      run->if_flag, "unexpected, or not ready");
		window_expected = 0;
		run->request_interrupt_window = 0;
		check("interrupt_in_window", interrupt(t, VECTOR, 0) == 0, "refused");
		return -1;
	case PFVMM_EXIT_SHUTDOWN:
		return (int)(run->shutdown.status & 0xff);
	default:
		printf("irqtest: exit reason %u\n", run->exit_reason);
		return 125;
	}
}

int main(int argc, char **argv)
{
	struct testvm t;
	int st = -1;

	if (argc != 2) {
		fprintf(stderr, "usage: irqtest IRQ.ELF\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	testvm_open(&t, argv[1], "", GUEST_MEM);
	while (st < 0) {
		if (ioctl(t.vcpu, PFVMM_RUN, 0) && errno != EINTR)
			testvm_die("RUN");
		st = on_exit(&t);
	}
	check("guest_status_0", st == 0, "the guest's own checks failed");
	printf("irqtest: %d failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
