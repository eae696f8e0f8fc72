/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC devices of a Linux guest ('pfvmm run --kernel'), shared by both
 * backends.  Each device lives in its own file (dev-*.c) and is reached
 * only through the port handlers it registers on the I/O port bus
 * (ioport.c), which the run loop's I/O exit handler calls; a device takes
 * time from a struct dev_clock (the host's clocks, or a test's) and
 * raises its interrupt on a struct irq_line (a PIC input).  No VMM calls:
 * the unit tests drive every device through its ports.
 */
#ifndef PFVMM_DEVICES_H
#define PFVMM_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- time and interrupt lines ---- */

struct dev_clock {
	uint64_t (*monotonic_ns)(void *ctx);	/* CLOCK_MONOTONIC */
	int64_t (*realtime_ns)(void *ctx);	/* CLOCK_REALTIME */
	void *ctx;
};

extern const struct dev_clock dev_clock_host;

/* One interrupt input of an interrupt controller (unset: goes nowhere). */
struct irq_line {
	void (*set)(void *chip, unsigned int line, bool level);
	void *chip;
	unsigned int line;
};

void irq_line_set(const struct irq_line *irq, bool level);
void irq_line_pulse(const struct irq_line *irq);

/* ---- the I/O port bus ---- */

#define IOPORT_RANGES_MAX	16

/* A device's ports [base, base + count), accessed a byte at a time. */
struct ioport_range {
	const char *name;
	uint16_t base;
	uint16_t count;
	uint8_t (*in)(void *dev, uint16_t port);
	void (*out)(void *dev, uint16_t port, uint8_t value);
	void *dev;
};

struct ioport_bus {
	struct ioport_range range[IOPORT_RANGES_MAX];
	unsigned int nr;
	FILE *log_unclaimed;	/* --debug-ports: accesses no device claims */
};

void ioport_bus_init(struct ioport_bus *bus, FILE *log_unclaimed);
int ioport_bus_add(struct ioport_bus *bus, const struct ioport_range *range);
uint32_t ioport_bus_in(struct ioport_bus *bus, uint16_t port, unsigned int size);
void ioport_bus_out(struct ioport_bus *bus, uint16_t port, unsigned int size,
		    uint32_t value);
void ioport_sink_attach(struct ioport_bus *bus, const char *name, uint16_t port);

/* ---- 8259A pair: master 0x20/0x21 (IRQ 0-7), slave 0xa0/0xa1 (8-15) ---- */

struct pic_chip {
	uint8_t irr, imr, isr;
	uint8_t level;		/* the inputs as they are (edge detection) */
	uint8_t vector_base;	/* ICW2 */
	uint8_t lowest;		/* the lowest-priority input, rotated */
	uint8_t init_step;	/* 0: ready; 1-3: ICW2, ICW3, ICW4 next */
	bool icw4, single, auto_eoi, rotate_auto_eoi, special_mask, sfnm;
	bool read_isr, poll;
};

struct pic {
	struct pic_chip chip[2];	/* master, slave on the master's IRQ 2 */
};

void pic_init(struct pic *pic);
void pic_attach(struct pic *pic, struct ioport_bus *bus);
void pic_set_irq(struct pic *pic, unsigned int irq, bool level);
struct irq_line pic_irq_line(struct pic *pic, unsigned int irq);
bool pic_interrupt_pending(const struct pic *pic);
int pic_interrupt_ack(struct pic *pic);

/* ---- 8254 PIT at 0x40-0x43, port 0x61's timer 2 gate and output ---- */

#define PIT_HZ		1193182u

struct pit_channel {
	uint32_t count;		/* the count loaded, 1-0x10000 */
	uint64_t start_ns;	/* when counting from it began */
	uint64_t frozen_ticks;	/* ticks counted when the gate went low */
	uint64_t irqs;		/* channel 0: interrupts raised since the load */
	uint16_t latch;		/* a latched count */
	uint8_t latched;	/* bytes of it left to read, in rw order */
	uint8_t status;		/* a latched read-back status */
	bool status_latched;
	uint8_t mode, rw, bcd;
	uint8_t write_lsb;	/* the LSB of a count being written */
	bool write_msb_next, read_msb_next;
	bool loaded;		/* a count was written since the mode */
	bool gate;
};

struct pit {
	struct pit_channel ch[3];
	uint8_t port61;		/* speaker enable and the other writable bits */
	const struct dev_clock *clock;
	struct irq_line irq0;
};

void pit_init(struct pit *pit, const struct dev_clock *clock, struct irq_line irq0);
void pit_attach(struct pit *pit, struct ioport_bus *bus);
void pit_poll(struct pit *pit);
uint64_t pit_next_irq_ns(const struct pit *pit);

/* ---- 16550A UART (COM1: 0x3f8, IRQ 4) ---- */

#define UART_FIFO	16

struct uart {
	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
	uint8_t dll, dlm;	/* the divisor latch */
	bool thre_pending;	/* the THR-empty interrupt, until IIR is read */
	uint8_t rx[UART_FIFO];
	unsigned int rx_head, rx_count;
	struct irq_line irq;
	void (*tx)(void *ctx, uint8_t byte);	/* a byte sent */
	void *tx_ctx;
};

void uart_init(struct uart *u, struct irq_line irq,
	       void (*tx)(void *ctx, uint8_t byte), void *tx_ctx);
void uart_attach(struct uart *u, struct ioport_bus *bus, uint16_t base);
size_t uart_rx_room(const struct uart *u);
size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len);

/* ---- MC146818 CMOS RTC at 0x70 (index) / 0x71 (data), IRQ 8 ---- */

struct rtc {
	uint8_t index;
	uint8_t cmos[128];
	int64_t offset_ns;	/* guest time - host CLOCK_REALTIME */
	int64_t last_second;	/* of guest time, at the last update */
	uint64_t last_period;	/* periodic interrupts counted */
	const struct dev_clock *clock;
	struct irq_line irq;
};

void rtc_init(struct rtc *rtc, const struct dev_clock *clock, struct irq_line irq);
void rtc_attach(struct rtc *rtc, struct ioport_bus *bus);
void rtc_poll(struct rtc *rtc);
uint64_t rtc_next_irq_ns(struct rtc *rtc);

/* ---- i8042 keyboard controller at 0x60/0x64: no keyboard, reset ---- */

#define I8042_QUEUE	8

struct i8042 {
	uint8_t ctr;		/* the command byte */
	uint8_t out_port;
	uint8_t queue[I8042_QUEUE];	/* bytes for the output buffer */
	unsigned int head, count;
	uint8_t pending;	/* a command waiting for its data byte */
	bool last_was_command;
	struct irq_line irq1;
	void (*reset)(void *ctx);	/* the CPU's reset line pulsed */
	void *reset_ctx;
};

void i8042_init(struct i8042 *kbc, struct irq_line irq1,
		void (*reset)(void *ctx), void *reset_ctx);
void i8042_attach(struct i8042 *kbc, struct ioport_bus *bus);

#endif /* PFVMM_DEVICES_H */
