// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the 16550A (userspace/dev-uart.c) through its eight ports at
 * 0x3f8: the divisor latch behind LCR.DLAB, bytes out of THR into a
 * buffer, LSR's bits, the THR-empty interrupt and its IIR code, received
 * bytes with their interrupt (data available, or the FIFO timeout code
 * below the trigger level), the 16-byte FIFO's room, loopback with MSR
 * following MCR, overrun, MCR.OUT2 gating IRQ 4, and the scratch register.
 */
#include <string.h>

#include "dev-test.h"
#include "test.h"

#define COM1	0x3f8

struct uart_rig {
	struct irq_log irqs;
	struct ioport_bus bus;
	struct uart uart;
	char out[64];
	size_t n;
};

static void rig_tx(void *ctx, uint8_t byte)
{
	struct uart_rig *r = ctx;

	if (r->n < sizeof(r->out) - 1)
		r->out[r->n++] = (char)byte;
}

static void rig_init(struct uart_rig *r)
{
	memset(r, 0, sizeof(*r));
	ioport_bus_init(&r->bus, NULL);
	uart_init(&r->uart, irq_log_line(&r->irqs, 4), rig_tx, r);
	uart_attach(&r->uart, &r->bus, COM1);
}

static uint8_t reg(struct uart_rig *r, unsigned int n)
{
	return bus_inb(&r->bus, (uint16_t)(COM1 + n));
}

static void set(struct uart_rig *r, unsigned int n, uint8_t v)
{
	bus_outb(&r->bus, (uint16_t)(COM1 + n), v);
}

static void test_uart_divisor_and_tx(struct test_ctx *t)
{
	struct uart_rig r;

	rig_init(&r);
	set(&r, 3, 0x83);			/* DLAB, 8N1 */
	set(&r, 0, 0x01);			/* 115200 baud */
	set(&r, 1, 0x00);
	CHECK_EQ(t, reg(&r, 0), 0x01);
	CHECK_EQ(t, reg(&r, 1), 0x00);
	set(&r, 3, 0x03);
	CHECK_EQ(t, reg(&r, 3), 0x03);
	CHECK_EQ(t, reg(&r, 1), 0x00);		/* IER, not DLM */
	set(&r, 0, 'o');
	set(&r, 0, 'k');
	CHECK(t, r.n == 2 && !memcmp(r.out, "ok", 2), "sent '%.*s'", (int)r.n, r.out);
	CHECK_EQ(t, reg(&r, 5), 0x60);		/* THRE, TEMT, no data */
	set(&r, 3, 0x83);
	CHECK_EQ(t, reg(&r, 0), 0x01);		/* the divisor is still there */
	set(&r, 7, 0x5a);
	CHECK_EQ(t, reg(&r, 7), 0x5a);
}

static void test_uart_thre_interrupt(struct test_ctx *t)
{
	struct uart_rig r;

	rig_init(&r);
	set(&r, 4, 0x0b);			/* DTR, RTS, OUT2 */
	CHECK_EQ(t, reg(&r, 2), 0x01);		/* nothing pending */
	set(&r, 1, 0x02);			/* THRI */
	CHECK_EQ(t, r.irqs.edges[4], 1);
	CHECK_EQ(t, reg(&r, 2), 0x02);		/* THR empty; the read clears it */
	CHECK_EQ(t, reg(&r, 2), 0x01);
	CHECK(t, !r.irqs.level[4], "IRQ 4 still up");
	set(&r, 0, 'x');			/* sent: THR empty again */
	CHECK_EQ(t, r.irqs.edges[4], 2);
	CHECK_EQ(t, reg(&r, 2), 0x02);
	/* without OUT2 the interrupt does not reach the PIC */
	set(&r, 4, 0x03);
	set(&r, 0, 'y');
	CHECK_EQ(t, r.irqs.edges[4], 2);
	CHECK_EQ(t, reg(&r, 2), 0x02);		/* but IIR says so */
}

static void test_uart_receive(struct test_ctx *t)
{
	struct uart_rig r;
	uint8_t many[20];

	rig_init(&r);
	set(&r, 4, 0x08);
	set(&r, 2, 0x01);			/* FIFO on, trigger 1 */
	set(&r, 1, 0x01);			/* RDI */
	CHECK_EQ(t, reg(&r, 2), 0xc1);
	CHECK_EQ(t, uart_receive(&r.uart, (const uint8_t *)"ab", 2), 2);
	CHECK_EQ(t, r.irqs.edges[4], 1);
	CHECK_EQ(t, reg(&r, 2), 0xc4);		/* data available */
	CHECK_EQ(t, reg(&r, 5) & 0x01, 0x01);
	CHECK_EQ(t, reg(&r, 0), 'a');
	CHECK_EQ(t, reg(&r, 0), 'b');
	CHECK_EQ(t, reg(&r, 5) & 0x01, 0);
	CHECK_EQ(t, reg(&r, 2), 0xc1);
	CHECK(t, !r.irqs.level[4], "IRQ 4 up with the FIFO empty");
	/* trigger level 4: two bytes give the timeout code */
	set(&r, 2, 0x41);
	uart_receive(&r.uart, (const uint8_t *)"cd", 2);
	CHECK_EQ(t, reg(&r, 2), 0xcc);
	/* the FIFO takes 16 */
	memset(many, 'z', sizeof(many));
	CHECK_EQ(t, uart_rx_room(&r.uart), 14);
	CHECK_EQ(t, uart_receive(&r.uart, many, sizeof(many)), 14);
	CHECK_EQ(t, uart_rx_room(&r.uart), 0);
	CHECK_EQ(t, reg(&r, 2), 0xc4);
	set(&r, 2, 0x03);			/* clear the receive FIFO */
	CHECK_EQ(t, uart_rx_room(&r.uart), 16);
	CHECK_EQ(t, reg(&r, 5), 0x60);
}

static void test_uart_loopback(struct test_ctx *t)
{
	struct uart_rig r;
	unsigned int i;

	rig_init(&r);
	set(&r, 4, 0x1a);			/* LOOP, RTS, OUT2: Linux's test */
	CHECK_EQ(t, reg(&r, 6) & 0xf0, 0x90);	/* CTS, DCD */
	set(&r, 4, 0x1f);
	CHECK_EQ(t, reg(&r, 6), 0xf0 | 0x02);	/* all four, delta DSR */
	CHECK_EQ(t, reg(&r, 6), 0xf0);		/* deltas cleared by the read */
	set(&r, 1, 0x0f);
	set(&r, 0, 'L');
	CHECK_EQ(t, r.n, 0);			/* not sent out */
	CHECK_EQ(t, reg(&r, 0), 'L');
	CHECK_EQ(t, uart_rx_room(&r.uart), 0);	/* the host does not send in */
	CHECK_EQ(t, r.irqs.edges[4], 0);	/* no IRQ in loopback on a PC */
	for (i = 0; i < 17; i++)
		set(&r, 0, 'o');
	CHECK_EQ(t, reg(&r, 5) & 0x03, 0x03);	/* data, overrun */
	CHECK_EQ(t, reg(&r, 5) & 0x02, 0);	/* cleared by the read */
	set(&r, 4, 0x08);
	CHECK_EQ(t, reg(&r, 6) & 0xf0, 0xb0);	/* a cable again */
}

void run_dev_uart_tests(void)
{
	RUN_TEST(test_uart_divisor_and_tx);
	RUN_TEST(test_uart_thre_interrupt);
	RUN_TEST(test_uart_receive);
	RUN_TEST(test_uart_loopback);
}
