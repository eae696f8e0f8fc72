// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 programmable interval timer at 0x40-0x43, and port 0x61
 * (system control port B) with timer 2's gate and output.
 *
 * Counters run at 1.193182 MHz in CLOCK_MONOTONIC time: nothing ticks in
 * the background, a counter's value and output are computed from the
 * time its count was loaded.  Channel 0 is Linux's clock event device:
 * periodic in modes 2 and 3 (an interrupt each period), one-shot in
 * modes 0 and 4 (one at terminal count), raised on IRQ 0 by pit_poll(),
 * which the vCPU loop calls; pit_next_irq_ns() says when the next one is
 * due.  Channel 2 with its gate (port 0x61 bit 0) and output (bit 5) is
 * what the kernel's TSC calibration uses.  Implemented: the control word,
 * LSB/MSB/word access, the counter latch and read-back commands, modes
 * 0-5 (6 and 7 are 2 and 3); BCD counting is not (a BCD count counts in
 * binary), nor are modes 1 and 5 on channel 0 (its gate is tied high:
 * they never trigger).
 */
#include <string.h>

#include "devices.h"

#define NS_PER_SEC	1000000000ull
#define RW_LATCH	0	/* the rw field of the counter latch command */
#define RW_LSB		1
#define RW_MSB		2
#define RW_WORD		3
#define REFRESH_NS	15085	/* port 0x61 bit 4 toggles at this period */
#define PORT61_GATE2	0x01
#define PORT61_WRITABLE	0x0f
#define PORT61_REFRESH	0x10
#define PORT61_OUT2	0x20

static uint64_t ticks_of(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * PIT_HZ / NS_PER_SEC);
}

/* The first time at or after which @ticks have been counted. */
static uint64_t ns_of(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ);
}

static bool counts(const struct pit_channel *c)
{
	return c->loaded && c->gate;
}

/* Input clocks counted since the count was loaded (held while gated off). */
static uint64_t elapsed(const struct pit_channel *c, uint64_t now)
{
	if (!c->loaded)
		return 0;
	if (!c->gate)
		return c->frozen_ticks;
	return now > c->start_ns ? ticks_of(now - c->start_ns) : 0;
}

static uint16_t counter_value(const struct pit_channel *c, uint64_t now)
{
	uint64_t t = elapsed(c, now);

	switch (c->mode) {
	case 2:
		return (uint16_t)(c->count - t % c->count);
	case 3:		/* counts down by two, twice per period */
		return (uint16_t)(c->count - (2 * t) % c->count);
	default:	/* 0, 1, 4, 5: on past terminal count, wrapping */
		return (uint16_t)(c->count - t);
	}
}

static bool output(const struct pit_channel *c, uint64_t now)
{
	uint64_t t = elapsed(c, now);

	if (!c->loaded)
		return c->mode != 0;
	switch (c->mode) {
	case 0:		/* low until terminal count */
		return t >= c->count;
	case 1:		/* low for the count after a trigger */
		return t >= c->count;
	case 2:		/* low for one clock at the end of each period */
		return !c->gate || t % c->count != c->count - 1;
	case 3:		/* high for the first half of each period */
		return !c->gate || t % c->count < (c->count + 1) / 2;
	default:	/* 4, 5: low for one clock at terminal count */
		return t != c->count;
	}
}

/* Channel 0's interrupts due by @now since the count was loaded. */
static uint64_t irqs_due(const struct pit_channel *c, uint64_t now)
{
	uint64_t t;

	if (!counts(c))
		return c->irqs;
	t = elapsed(c, now);
	switch (c->mode) {
	case 2: case 3:
		return t / c->count;
	case 0: case 4:
		return t >= c->count;
	default:
		return 0;
	}
}

/** pit_poll() - raise IRQ 0 if channel 0 fired since the last poll */
void pit_poll(struct pit *pit)
{
	struct pit_channel *c = &pit->ch[0];
	uint64_t due = irqs_due(c, pit->clock->monotonic_ns(pit->clock->ctx));

	if (due > c->irqs) {
		c->irqs = due;		/* missed periods coalesce into one */
		irq_line_pulse(&pit->irq0);
	}
}

/** pit_next_irq_ns() - when channel 0 fires next (CLOCK_MONOTONIC), or ~0 */
uint64_t pit_next_irq_ns(const struct pit *pit)
{
	const struct pit_channel *c = &pit->ch[0];

	if (!counts(c))
		return UINT64_MAX;
	if (c->mode == 2 || c->mode == 3)
		return c->start_ns + ns_of((c->irqs + 1) * c->count);
	if ((c->mode == 0 || c->mode == 4) && !c->irqs)
		return c->start_ns + ns_of(c->count);
	return UINT64_MAX;
}

static void load_count(struct pit_channel *c, uint32_t count, uint64_t now)
{
	c->count = count ? count : 0x10000;
	c->start_ns = now;
	c->frozen_ticks = 0;
	c->irqs = 0;
	c->loaded = true;
}

static void latch_count(struct pit_channel *c, uint64_t now)
{
	if (c->latched)
		return;		/* the first latch holds until it is read */
	c->latch = counter_value(c, now);
	c->latched = c->rw;
}

static void latch_status(struct pit_channel *c, uint64_t now)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)(output(c, now) << 7 | !c->loaded << 6 | c->rw << 4 |
			      c->mode << 1 | c->bcd);
	c->status_latched = true;
}

/* 0xc0 | flags: latch the count (bit 5 clear) and status (bit 4 clear). */
static void read_back(struct pit *pit, uint8_t v, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (!(v & (2u << i)))
			continue;
		if (!(v & 0x20))
			latch_count(&pit->ch[i], now);
		if (!(v & 0x10))
			latch_status(&pit->ch[i], now);
	}
}

static void write_control(struct pit *pit, uint8_t v, uint64_t now)
{
	struct pit_channel *c = &pit->ch[(v >> 6) & 3];
	unsigned int rw = (v >> 4) & 3;

	if ((v >> 6) == 3) {
		read_back(pit, v, now);
		return;
	}
	if (rw == RW_LATCH) {
		latch_count(c, now);
		return;
	}
	c->rw = (uint8_t)rw;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;
	c->bcd = v & 1;
	c->loaded = false;	/* waits for a count: no more interrupts */
	c->write_msb_next = c->read_msb_next = false;
}

static void write_counter(struct pit_channel *c, uint8_t v, uint64_t now)
{
	if (c->rw == RW_LSB) {
		load_count(c, v, now);
	} else if (c->rw == RW_MSB) {
		load_count(c, (uint32_t)v << 8, now);
	} else if (!c->write_msb_next) {
		c->write_lsb = v;
		c->write_msb_next = true;
	} else {
		load_count(c, c->write_lsb | (uint32_t)v << 8, now);
		c->write_msb_next = false;
	}
}

/* A latched byte if there is one: LSB first for a word. */
static uint8_t read_latched(struct pit_channel *c)
{
	uint8_t byte;

	if (c->latched == RW_MSB) {
		c->latched = RW_LATCH;
		return (uint8_t)(c->latch >> 8);
	}
	byte = (uint8_t)c->latch;
	c->latched = c->latched == RW_WORD ? RW_MSB : RW_LATCH;
	return byte;
}

static uint8_t read_counter(struct pit_channel *c, uint64_t now)
{
	uint16_t value;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latched)
		return read_latched(c);
	value = counter_value(c, now);
	msb = c->rw == RW_MSB || (c->rw == RW_WORD && c->read_msb_next);
	if (c->rw == RW_WORD)
		c->read_msb_next = !c->read_msb_next;
	return (uint8_t)(msb ? value >> 8 : value);
}

/* Channel 2's gate: low holds the count; a rising edge restarts modes 1-3, 5. */
static void set_gate(struct pit_channel *c, bool gate, uint64_t now)
{
	if (gate == c->gate)
		return;
	if (!gate) {
		c->frozen_ticks = elapsed(c, now);
	} else if (c->mode == 0 || c->mode == 4) {
		c->start_ns = now - ns_of(c->frozen_ticks);
	} else {
		c->start_ns = now;
		c->irqs = 0;
	}
	c->gate = gate;
}

static uint8_t pit_in(void *dev, uint16_t port)
{
	struct pit *pit = dev;
	uint64_t now = pit->clock->monotonic_ns(pit->clock->ctx);

	if (port == 0x43)
		return 0xff;	/* the control word is write-only */
	return read_counter(&pit->ch[port - 0x40], now);
}

static void pit_out(void *dev, uint16_t port, uint8_t v)
{
	struct pit *pit = dev;
	uint64_t now = pit->clock->monotonic_ns(pit->clock->ctx);

	if (port == 0x43)
		write_control(pit, v, now);
	else
		write_counter(&pit->ch[port - 0x40], v, now);
}

static uint8_t port61_in(void *dev, uint16_t port)
{
	struct pit *pit = dev;
	uint64_t now = pit->clock->monotonic_ns(pit->clock->ctx);

	(void)port;
	return (uint8_t)(pit->port61 | ((now / REFRESH_NS) & 1 ? PORT61_REFRESH : 0) |
			 (output(&pit->ch[2], now) ? PORT61_OUT2 : 0));
}

static void port61_out(void *dev, uint16_t port, uint8_t v)
{
	struct pit *pit = dev;

	(void)port;
	pit->port61 = v & PORT61_WRITABLE;
	set_gate(&pit->ch[2], v & PORT61_GATE2, pit->clock->monotonic_ns(pit->clock->ctx));
}

void pit_init(struct pit *pit, const struct dev_clock *clock, struct irq_line irq0)
{
	unsigned int i;

	memset(pit, 0, sizeof(*pit));
	pit->clock = clock;
	pit->irq0 = irq0;
	for (i = 0; i < 3; i++) {
		pit->ch[i].count = 0x10000;
		pit->ch[i].rw = RW_WORD;
		pit->ch[i].gate = i != 2;	/* channel 2: port 0x61 bit 0 */
	}
}

void pit_attach(struct pit *pit, struct ioport_bus *bus)
{
	const struct ioport_range timer = { "pit", 0x40, 4, pit_in, pit_out, pit };
	const struct ioport_range port61 = { "port61", 0x61, 1, port61_in, port61_out, pit };

	ioport_bus_add(bus, &timer);
	ioport_bus_add(bus, &port61);
}
