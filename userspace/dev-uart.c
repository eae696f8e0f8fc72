// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART: COM1 at 0x3f8 on IRQ 4, the guest's console.
 *
 * Registers: RBR/THR and IER (the divisor latch DLL/DLM while LCR.DLAB
 * is set), IIR/FCR, LCR, MCR, LSR, MSR, SCR.  A byte written to THR goes
 * out at once through the tx callback (to stdout, escaped, in the
 * machine), so THR and the transmitter are always empty again by the
 * next read of LSR; input comes in through uart_receive() into the 16-byte
 * receive FIFO, as much as uart_rx_room() says.  Interrupts by IIR
 * priority: receiver line status, received data (the timeout code while
 * the FIFO holds less than its trigger level), THR empty (pending until
 * IIR reports it or THR is written, set again as each byte goes out) and
 * modem status.  On a PC the interrupt reaches the PIC only with MCR.OUT2
 * set, and not in loopback mode, where THR feeds the receiver and MCR's
 * outputs come back as MSR's inputs.  The line settings (divisor, LCR)
 * are kept for the guest to read back and otherwise ignored.
 */
#include <string.h>

#include "devices.h"

#define REG_DATA	0	/* RBR / THR; DLL */
#define REG_IER		1	/* DLM */
#define REG_IIR		2	/* FCR on write */
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define REG_MSR		6
#define REG_SCR		7

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_RLSI	0x04
#define IER_MSI		0x08
#define IIR_NONE	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_TIMEOUT	0x0c
#define IIR_MSI		0x00
#define IIR_FIFO	0xc0
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define LCR_DLAB	0x80
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_ERRORS	0x1e
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define MSR_DELTAS	0x0f
#define MSR_NO_LOOP	0xb0	/* DCD, DSR, CTS: a cable and a ready host */

static const uint8_t fifo_trigger[4] = { 1, 4, 8, 14 };

/* The highest-priority interrupt condition, as IIR's low bits. */
static uint8_t pending_iir(const struct uart *u)
{
	if ((u->ier & IER_RLSI) && (u->lsr & LSR_ERRORS))
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count)
		return (u->fcr & FCR_ENABLE) && u->rx_count < fifo_trigger[u->fcr >> 6] ?
		       IIR_TIMEOUT : IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && (u->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NONE;
}

static void update_irq(struct uart *u)
{
	irq_line_set(&u->irq, pending_iir(u) != IIR_NONE && (u->mcr & MCR_OUT2) &&
			      !(u->mcr & MCR_LOOP));
}

static void rx_push(struct uart *u, uint8_t byte)
{
	if (u->rx_count == UART_FIFO) {
		u->lsr |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count++) % UART_FIFO] = byte;
	u->lsr |= LSR_DR;
}

static uint8_t rx_pop(struct uart *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO;
	if (!--u->rx_count)
		u->lsr &= ~LSR_DR;
	return byte;
}

/** uart_rx_room() - how many bytes the receive FIFO takes now */
size_t uart_rx_room(const struct uart *u)
{
	return (u->mcr & MCR_LOOP) ? 0 : UART_FIFO - u->rx_count;
}

/** uart_receive() - bytes from the host side; returns how many it took */
size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n = uart_rx_room(u) < len ? uart_rx_room(u) : len, i;

	for (i = 0; i < n; i++)
		rx_push(u, buf[i]);
	update_irq(u);
	return n;
}

static void transmit(struct uart *u, uint8_t byte)
{
	u->thre_pending = false;
	update_irq(u);		/* a new THRE interrupt is a new edge */
	if (u->mcr & MCR_LOOP)
		rx_push(u, byte);
	else if (u->tx)
		u->tx(u->tx_ctx, byte);
	u->lsr |= LSR_THRE | LSR_TEMT;
	u->thre_pending = true;
}

/* In loopback, MCR's DTR, RTS, OUT1, OUT2 are MSR's DSR, CTS, RI, DCD. */
static uint8_t modem_inputs(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_NO_LOOP;
	return (uint8_t)((m & 0x02) << 3 | (m & 0x01) << 5 | (m & 0x04) << 4 |
			 (m & 0x08) << 4);
}

static void write_mcr(struct uart *u, uint8_t v)
{
	uint8_t before = u->msr >> 4, after;

	u->mcr = v & 0x1f;
	after = modem_inputs(u) >> 4;
	/* delta CTS, DSR, DCD on any change; trailing edge of RI */
	u->msr = (uint8_t)(after << 4 | (u->msr & MSR_DELTAS) |
			   ((before ^ after) & 0x0b) | ((before & ~after) & 0x04));
}

static void write_fcr(struct uart *u, uint8_t v)
{
	if ((v ^ u->fcr) & FCR_ENABLE || (v & FCR_CLEAR_RX)) {
		u->rx_count = 0;
		u->lsr &= ~LSR_DR;
	}
	u->fcr = (v & FCR_ENABLE) ? v & 0xc9 : 0;	/* enable, DMA mode, trigger */
}

static void write_ier(struct uart *u, uint8_t v)
{
	bool thri_on = (v & IER_THRI) && !(u->ier & IER_THRI);

	u->ier = v & 0x0f;
	if (thri_on && (u->lsr & LSR_THRE))
		u->thre_pending = true;		/* THR is empty: say so now */
}

static void uart_out(void *dev, uint16_t port, uint8_t v)
{
	struct uart *u = dev;
	unsigned int n = port & 7;

	if ((u->lcr & LCR_DLAB) && n <= REG_IER) {
		*(n == REG_DATA ? &u->dll : &u->dlm) = v;
		return;
	}
	switch (n) {
	case REG_DATA:	transmit(u, v);		break;
	case REG_IER:	write_ier(u, v);	break;
	case REG_IIR:	write_fcr(u, v);	break;
	case REG_LCR:	u->lcr = v;		break;
	case REG_MCR:	write_mcr(u, v);	break;
	case REG_SCR:	u->scr = v;		break;
	default:	break;	/* LSR and MSR are read-only */
	}
	update_irq(u);
}

static uint8_t read_iir(struct uart *u)
{
	uint8_t iir = pending_iir(u);

	if (iir == IIR_THRI)
		u->thre_pending = false;	/* reading it clears it */
	return iir | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0);
}

static uint8_t read_and_clear(uint8_t *reg, uint8_t clear)
{
	uint8_t v = *reg;

	*reg &= (uint8_t)~clear;
	return v;
}

static uint8_t uart_in(void *dev, uint16_t port)
{
	struct uart *u = dev;
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v;

	switch (port & 7) {
	case REG_DATA:	v = dlab ? u->dll : rx_pop(u);			break;
	case REG_IER:	v = dlab ? u->dlm : u->ier;			break;
	case REG_IIR:	v = read_iir(u);				break;
	case REG_LCR:	v = u->lcr;					break;
	case REG_MCR:	v = u->mcr;					break;
	case REG_LSR:	v = read_and_clear(&u->lsr, LSR_OE | LSR_ERRORS); break;
	case REG_MSR:	v = read_and_clear(&u->msr, MSR_DELTAS);	break;
	default:	v = u->scr;					break;
	}
	update_irq(u);
	return v;
}

/**
 * uart_init() - a UART after reset, its interrupt on @irq
 * @tx: called with each byte the guest sends (not in loopback)
 */
void uart_init(struct uart *u, struct irq_line irq,
	       void (*tx)(void *ctx, uint8_t byte), void *tx_ctx)
{
	memset(u, 0, sizeof(*u));
	u->lsr = LSR_THRE | LSR_TEMT;
	u->msr = MSR_NO_LOOP;
	u->dll = 12;		/* 9600 baud, as after a BIOS */
	u->lcr = 0x03;		/* 8N1 */
	u->irq = irq;
	u->tx = tx;
	u->tx_ctx = tx_ctx;
}

void uart_attach(struct uart *u, struct ioport_bus *bus, uint16_t base)
{
	const struct ioport_range r = { "uart", base, 8, uart_in, uart_out, u };

	ioport_bus_add(bus, &r);
}
