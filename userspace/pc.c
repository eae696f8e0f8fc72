// SPDX-License-Identifier: GPL-2.0
/*
 * The PC of 'pfvmm run --kernel': the 8259A pair, the 8254 and port 0x61,
 * COM1 on the host console, the CMOS RTC, the i8042 and the port 0x80
 * sink on one port bus, and the run loop's side of them (the same for
 * both backends):
 *   - at an I/O exit, the access goes through the bus; a reset by the
 *     i8042 ends the run with status 0 (3 if the guest kernel panicked
 *     first: see below); the first write to the milestone port 0x100
 *     notes the cycles and the --stats counters so far (the boot figures
 *     of a guest whose /init writes it);
 *   - before each entry the devices catch up with the clock (the PIT's
 *     and RTC's interrupts, stdin into COM1, output older than 5 ms out),
 *     Ctrl-A x ends the run with status 0, and the PIC's interrupt goes in
 *     through the backend's interrupt() when the vCPU can take it (or
 *     the backend is asked for an exit as soon as it can);
 *   - at HLT with interrupts off the guest is done (status 0); with them
 *     on, the loop waits for the next device event, stdin or SIGINT/SIGTERM;
 *   - SIGALRM every 2 ms brings the vCPU out of a guest that makes no
 *     exits, so the devices keep time and Ctrl-A x is seen.
 * A panic and a reboot end the same way (Linux's panic=-1 resets through
 * the i8042 like reboot does), so COM1's output is watched for "Kernel
 * panic - not syncing": once it came, any end of the run is status
 * PFVMM_STATUS_GUEST_PANIC (3).
 * A backend without interrupt() (pfvmm's, until the module injects)
 * leaves device interrupts pending in the PIC: a HLT then only waits for
 * the next device event and goes on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "pc.h"
#include "stats.h"

#define RFLAGS_IF	0x200
#define WAIT_MAX_NS	100000000ull

static uint64_t pc_now(const struct pc *pc)
{
	return pc->clock->monotonic_ns(pc->clock->ctx);
}

/* PC_PANIC_TEXT in the output? (Its 'K' comes only first: no backtracking.) */
static void pc_watch_panic(struct pc *pc, uint8_t byte)
{
	static const char text[] = PC_PANIC_TEXT;

	if (byte == (uint8_t)text[pc->panic_match])
		pc->panic_match++;
	else
		pc->panic_match = byte == (uint8_t)text[0];
	if (pc->panic_match == sizeof(text) - 1) {
		pc->panicked = true;
		pc->panic_match = 0;
	}
}

static void pc_tx(void *ctx, uint8_t byte)
{
	struct pc *pc = ctx;

	pc_watch_panic(pc, byte);
	if (!pc->con.out_len)
		pc->out_since = pc_now(pc);
	host_console_put(&pc->con, byte);
}

static void pc_reset(void *ctx)
{
	((struct pc *)ctx)->reset = true;
}

static void pc_milestone_out(void *dev, uint16_t port, uint8_t value)
{
	(void)port;
	(void)value;
	((struct pc *)dev)->milestone = true;
}

/* The first milestone: cycles since VM creation and the counters now. */
static void pc_note_milestone(struct vm *vm)
{
	size_t len;
	FILE *f;

	if (vm->milestone_stats)
		return;
	vm->milestone_cycles = __builtin_ia32_rdtsc() - vm->created_tsc;
	f = open_memstream(&vm->milestone_stats, &len);
	if (!f)
		return;
	vm_print_stats(vm, f);
	fclose(f);
}

/**
 * pc_init() - the machine, its input from @in_fd (-1: none)
 * @debug_ports: where accesses to unclaimed ports are logged, or NULL
 */
void pc_init(struct pc *pc, const struct dev_clock *clock, int in_fd,
	     FILE *debug_ports)
{
	memset(pc, 0, sizeof(*pc));
	pc->clock = clock;
	ioport_bus_init(&pc->bus, debug_ports);
	pic_init(&pc->pic);
	pic_attach(&pc->pic, &pc->bus);
	pit_init(&pc->pit, clock, pic_irq_line(&pc->pic, PC_IRQ_PIT));
	pit_attach(&pc->pit, &pc->bus);
	uart_init(&pc->com1, pic_irq_line(&pc->pic, PC_IRQ_COM1), pc_tx, pc);
	uart_attach(&pc->com1, &pc->bus, PC_COM1);
	rtc_init(&pc->rtc, clock, pic_irq_line(&pc->pic, PC_IRQ_RTC));
	rtc_attach(&pc->rtc, &pc->bus);
	i8042_init(&pc->kbc, pic_irq_line(&pc->pic, PC_IRQ_KBD), pc_reset, pc);
	i8042_attach(&pc->kbc, &pc->bus);
	ioport_sink_attach(&pc->bus, "post", 0x80);
	ioport_bus_add(&pc->bus, &(const struct ioport_range){ "milestone",
		       PC_MILESTONE_PORT, 1, NULL, pc_milestone_out, pc });
	host_console_open(&pc->con, in_fd);
}

/** pc_exit() - the guest's last output out, the terminal given back */
void pc_exit(struct pc *pc)
{
	host_console_close(&pc->con);
}

/** pc_poll() - the devices catch up with the clock and with stdin */
void pc_poll(struct pc *pc)
{
	uint8_t buf[UART_FIFO];
	size_t n;

	pit_poll(&pc->pit);
	rtc_poll(&pc->rtc);
	n = host_console_read(&pc->con, buf, uart_rx_room(&pc->com1));
	if (n)
		uart_receive(&pc->com1, buf, n);
	if (pc->con.out_len && pc_now(pc) - pc->out_since >= PC_FLUSH_NS)
		host_console_flush(&pc->con);
}

/** pc_next_event_ns() - when a device interrupt is due next, or ~0 */
uint64_t pc_next_event_ns(struct pc *pc)
{
	uint64_t pit = pit_next_irq_ns(&pc->pit), rtc = rtc_next_irq_ns(&pc->rtc);

	return pit < rtc ? pit : rtc;
}

/* 0, or 3 after a panic on the console (said on stderr). */
static int pc_end_status(const struct pc *pc)
{
	if (!pc->panicked)
		return 0;
	fprintf(stderr, "pfvmm: the guest kernel panicked (its console said so): "
		"status %d\n", PFVMM_STATUS_GUEST_PANIC);
	return PFVMM_STATUS_GUEST_PANIC;
}

/* The run's end if the guest reset the machine or Ctrl-A x came. */
static int pc_stop_status(struct pc *pc)
{
	if (!pc->reset && !pc->con.quit)
		return VCPU_RUN_AGAIN;
	host_console_flush(&pc->con);
	fprintf(stderr, pc->reset ? "pfvmm: the guest reset the machine\n" :
		"pfvmm: Ctrl-A x: stopped\n");
	return pc_end_status(pc);
}

/** pc_vcpu_io() - the I/O exit in vcpu->run, through the port bus */
int pc_vcpu_io(struct vcpu *vcpu)
{
	struct pfvmm_run *run = vcpu->run;
	struct pc *pc = vcpu->vm->pc;

	if (run->io.in)
		run->io.data = ioport_bus_in(&pc->bus, run->io.port, run->io.size);
	else
		ioport_bus_out(&pc->bus, run->io.port, run->io.size,
			       (uint32_t)run->io.data);
	if (pc->milestone)
		pc_note_milestone(vcpu->vm);
	return pc_stop_status(pc);
}

/* The PIC's interrupt into the guest, now or at the next window. */
static void pc_inject(struct vcpu *vcpu, struct pc *pc)
{
	const struct vmm_backend *b = vcpu->vm->backend;
	bool pending = pic_interrupt_pending(&pc->pic);

	if (!b->interrupt)
		return;
	if (pending && b->interrupt_ready(vcpu))
		b->interrupt(vcpu, (uint8_t)pic_interrupt_ack(&pc->pic));
	else
		b->request_interrupt_window(vcpu, pending);
}

/** pc_vcpu_enter() - before each entry: devices, Ctrl-A x, interrupts */
int pc_vcpu_enter(struct vcpu *vcpu)
{
	struct pc *pc = vcpu->vm->pc;
	int status;

	pc_poll(pc);
	status = pc_stop_status(pc);
	if (status == VCPU_RUN_AGAIN)
		pc_inject(vcpu, pc);
	return status;
}

/* Sleep until the next device event or input; false: a signal came. */
static bool pc_sleep(struct pc *pc)
{
	struct pollfd pfd = { pc->con.in_fd, POLLIN, 0 };
	uint64_t now = pc_now(pc), next = pc_next_event_ns(pc), wait = WAIT_MAX_NS;
	bool input = !pc->con.eof && uart_rx_room(&pc->com1);

	if (next <= now)
		return true;
	if (next - now < wait)
		wait = next - now;
	host_console_flush(&pc->con);
	return poll(&pfd, input ? 1 : 0, (int)((wait + 999999) / 1000000)) >= 0 ||
	       errno != EINTR;
}

/**
 * pc_vcpu_halt() - the guest executed HLT
 *
 * Return: 0 (the guest is done) with interrupts off; otherwise
 * VCPU_RUN_AGAIN once an interrupt is pending (or, for a backend that
 * cannot inject, once the next device event came), or a stop status.
 */
int pc_vcpu_halt(struct vcpu *vcpu)
{
	struct pc *pc = vcpu->vm->pc;
	bool can_inject = vcpu->vm->backend->interrupt != NULL;
	struct pfvmm_regs regs;
	int status, sleeps = 0;

	if (!vcpu->vm->backend->get_regs(vcpu, &regs) && !(regs.rflags & RFLAGS_IF)) {
		host_console_flush(&pc->con);
		fprintf(stderr, "pfvmm: guest halted with interrupts off\n");
		return pc_end_status(pc);
	}
	for (;;) {
		pc_poll(pc);
		status = pc_stop_status(pc);
		if (status != VCPU_RUN_AGAIN || (can_inject && pic_interrupt_pending(&pc->pic)) ||
		    (!can_inject && sleeps))
			return status;
		if (!pc_sleep(pc) && run_loop_stopping())
			return VCPU_RUN_AGAIN;	/* the loop stops */
		sleeps++;
	}
}

static void on_kick(int sig)
{
	(void)sig;	/* RUN returns -EINTR: that is all */
}

/** pc_kick_start() - SIGALRM every PC_KICK_NS while the guest runs */
int pc_kick_start(void)
{
	struct itimerval it = { { 0, PC_KICK_NS / 1000 }, { 0, PC_KICK_NS / 1000 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;	/* RUN still returns -EINTR; read() does not */
	sa.sa_handler = on_kick;
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL)) {
		fprintf(stderr, "pfvmm: cannot start the device timer: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

void pc_kick_stop(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_IGN);
}
