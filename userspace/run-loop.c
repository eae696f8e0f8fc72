// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU run loop.
 *
 * The launcher enters the guest with the backend's run operation and gets
 * control back only when the module needs userspace: console output, port
 * I/O, the guest halting or shutting down, or something going wrong.  Each
 * exit reason has one handler in a table; a handler either returns
 * RUN_AGAIN to re-enter the guest or the launcher's final exit status.
 *
 * A Linux guest (--kernel) has a PC's devices (pc.c): its I/O exits go
 * to them, its HLT waits for them, and they are polled before each entry.
 *
 * Signals: SIGINT and SIGTERM set a flag and make RUN return -EINTR.  A
 * signal that lands after the flag check but before the kernel is entered
 * would otherwise be missed until the guest's next exit (never, for a
 * spinning guest), so the handler also sets the run page's immediate_exit
 * (pfvmm's and KVM's): the RUN that follows returns -EINTR at once.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pc.h"
#include "stats.h"
#include "util.h"
#include "vmm.h"

#define RUN_AGAIN	VCPU_RUN_AGAIN
#define DEBUG_PORT	0xe9	/* Bochs/qemu debug console port */
#define EXIT_PORT	0xf4	/* qemu's isa-debug-exit: OUT of the status */

static volatile sig_atomic_t stop_requested;
static volatile uint8_t *volatile running_immediate_exit;

static void on_stop_signal(int sig)
{
	volatile uint8_t *kick = running_immediate_exit;

	(void)sig;
	stop_requested = 1;
	if (kick)
		*kick = 1;
}

/** run_loop_install_signals() - SIGINT/SIGTERM interrupt the guest */
void run_loop_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: RUN must return -EINTR */
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/** run_loop_stopping() - did SIGINT or SIGTERM ask the loop to stop? */
bool run_loop_stopping(void)
{
	return stop_requested;
}

static void write_stdout(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* stdout is gone: drop the output */
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * The guest's text as it comes, but control and non-ASCII bytes (a
 * terminal escape sequence, say) as \xNN: a guest cannot drive the
 * terminal of whoever runs it or write binary into their logs.  Also
 * the way out of a Linux guest's serial console (host-console.c).
 */
void guest_text_write(const char *buf, size_t len)
{
	char out[1024];
	size_t n = 0, i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (n + 5 > sizeof(out)) {
			write_stdout(out, n);
			n = 0;
		}
		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, 5, "\\x%02x", c);
	}
	write_stdout(out, n);
}

static int handle_console(struct vcpu *vcpu)
{
	uint32_t len = vcpu->run->console.len;

	if (len > PFVMM_CONSOLE_MAX)
		len = PFVMM_CONSOLE_MAX;
	guest_text_write(vcpu->run->console.buf, len);
	return RUN_AGAIN;
}

/*
 * OUT to the debug port prints a byte; OUT to the exit port stops the guest
 * with the value written as its status (how a guest shuts down where the
 * shutdown hypercall does not exist, e.g. under KVM); other ports are
 * absent (reads ~0).
 */
static int handle_io(struct vcpu *vcpu)
{
	struct pfvmm_run *run = vcpu->run;
	unsigned int size = run->io.size;

	if (vcpu->vm->pc)
		return pc_vcpu_io(vcpu);	/* a Linux guest's devices */

	if (run->io.in) {
		run->io.data = size >= 1 && size < 8 ? (1ull << (size * 8)) - 1 : ~0ull;
		return RUN_AGAIN;
	}
	if (run->io.port == DEBUG_PORT) {
		char c = (char)(run->io.data & 0xff);

		guest_text_write(&c, 1);
	}
	if (run->io.port == EXIT_PORT) {
		uint64_t status = run->io.data;

		return status > 255 ? 255 : (int)status;
	}
	return RUN_AGAIN;
}

static int handle_hlt(struct vcpu *vcpu)
{
	if (vcpu->vm->pc)
		return pc_vcpu_halt(vcpu);	/* a Linux guest idles */
	fprintf(stderr, "pfvmm: guest halted\n");
	return 0;
}

static int handle_shutdown(struct vcpu *vcpu)
{
	uint64_t status = vcpu->run->shutdown.status;

	return status > 255 ? 255 : (int)status;
}

static const char *internal_suberror_name(uint32_t sub)
{
	switch (sub) {
	case PFVMM_INTERNAL_UNKNOWN_EXIT:	return "unknown exit";
	case PFVMM_INTERNAL_ENTRY_FAILED:	return "VM entry failed";
	case PFVMM_INTERNAL_UNSUPPORTED:	return "unsupported exit";
	default:				return "unknown suberror";
	}
}

static int handle_internal_error(struct vcpu *vcpu)
{
	struct pfvmm_run *run = vcpu->run;
	unsigned int i;

	fprintf(stderr, "pfvmm: internal error: suberror %u (%s), hw exit reason "
		"%u (%s), qualification 0x%" PRIx64 ", guest rip 0x%" PRIx64 "\n",
		run->internal.suberror,
		vcpu->vm->backend->suberror_name ?
		vcpu->vm->backend->suberror_name(run->internal.suberror) :
		internal_suberror_name(run->internal.suberror),
		run->internal.hw_exit_reason & 0xffff,
		vmx_exit_name(run->internal.hw_exit_reason & 0xffff),
		(uint64_t)run->internal.qualification, (uint64_t)run->internal.guest_rip);
	fprintf(stderr, "pfvmm: raw exit reason 0x%08x, data", run->internal.hw_exit_reason);
	for (i = 0; i < 4; i++)
		fprintf(stderr, " 0x%" PRIx64, (uint64_t)run->internal.data[i]);
	fprintf(stderr, "\n");
	vcpu_dump(vcpu);
	return PFVMM_STATUS_INTERNAL;
}

static int handle_guest_error(struct vcpu *vcpu)
{
	struct pfvmm_run *run = vcpu->run;
	const char *reason = run->guest_error.reason;

	fprintf(stderr, "pfvmm: guest stopped: %.*s at rip=0x%" PRIx64
		" addr=0x%" PRIx64 "\n",
		(int)strnlen(reason, PFVMM_REASON_MAX), reason,
		(uint64_t)run->guest_error.guest_rip,
		(uint64_t)run->guest_error.address);
	vcpu_dump(vcpu);
	return PFVMM_STATUS_GUEST_ERROR;
}

/* A signal came in while the guest ran: stop if it was ours. */
static int handle_intr(struct vcpu *vcpu)
{
	(void)vcpu;
	if (!stop_requested)
		return RUN_AGAIN;
	fprintf(stderr, "pfvmm: interrupted\n");
	return PFVMM_STATUS_INTERRUPTED;
}

static int handle_unexpected(struct vcpu *vcpu)
{
	fprintf(stderr, "pfvmm: unexpected exit reason %u from the module\n",
		vcpu->run->exit_reason);
	vcpu_dump(vcpu);
	return PFVMM_STATUS_INTERNAL;
}

/* The window a Linux guest's PC asked for: the next entry injects. */
static int handle_irq_window(struct vcpu *vcpu)
{
	return vcpu->vm->pc ? RUN_AGAIN : handle_unexpected(vcpu);
}

typedef int (*exit_handler_t)(struct vcpu *vcpu);

static const exit_handler_t exit_handlers[] = {
	[PFVMM_EXIT_IO]			= handle_io,
	[PFVMM_EXIT_CONSOLE]		= handle_console,
	[PFVMM_EXIT_HLT]		= handle_hlt,
	[PFVMM_EXIT_SHUTDOWN]		= handle_shutdown,
	[PFVMM_EXIT_INTERNAL_ERROR]	= handle_internal_error,
	[PFVMM_EXIT_INTR]		= handle_intr,
	[PFVMM_EXIT_GUEST_ERROR]	= handle_guest_error,
	[PFVMM_EXIT_IRQ_WINDOW_OPEN]	= handle_irq_window,
};

static int handle_exit(struct vcpu *vcpu)
{
	uint32_t reason = vcpu->run->exit_reason;

	if (reason < ARRAY_SIZE(exit_handlers) && exit_handlers[reason])
		return exit_handlers[reason](vcpu);
	return handle_unexpected(vcpu);
}

static int run_until_stop(struct vcpu *vcpu)
{
	int status = RUN_AGAIN;

	while (status == RUN_AGAIN) {
		int ret;

		if (vcpu->vm->pc) {
			status = pc_vcpu_enter(vcpu);
			if (status != RUN_AGAIN)
				return status;
		}
		if (stop_requested)
			return handle_intr(vcpu);
		ret = vcpu->vm->backend->run(vcpu);
		if (ret && ret != -EINTR) {
			fprintf(stderr, "pfvmm: %s: %s\n",
				vcpu->vm->backend->run_name ?: "PFVMM_RUN",
				strerror(-ret));
			return PFVMM_STATUS_HOST_ERROR;
		}
		status = ret ? handle_intr(vcpu) : handle_exit(vcpu);
	}
	return status;
}

/**
 * vcpu_run_loop() - run the guest until it stops
 *
 * Return: the launcher's exit status: the guest's shutdown status, 0 for
 * HLT, or one of the PFVMM_STATUS_* codes.
 */
int vcpu_run_loop(struct vcpu *vcpu)
{
	int status;

	running_immediate_exit = vcpu->immediate_exit;
	status = run_until_stop(vcpu);
	running_immediate_exit = NULL;	/* the page may go away next */
	return status;
}
