/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the device tests (test-dev-*.c) share: a clock the test moves by
 * hand, an interrupt controller that counts the edges on each line, and
 * byte and word accesses through a device's port bus, as the guest's
 * IN and OUT instructions reach it.
 */
#ifndef PFVMM_DEV_TEST_H
#define PFVMM_DEV_TEST_H

#include "devices.h"

#define MS	1000000ull	/* nanoseconds */

struct fake_clock {
	uint64_t mono;		/* CLOCK_MONOTONIC, ns */
	int64_t real;		/* CLOCK_REALTIME, ns */
};

static inline uint64_t fake_mono(void *ctx)
{
	return ((struct fake_clock *)ctx)->mono;
}

static inline int64_t fake_real(void *ctx)
{
	return ((struct fake_clock *)ctx)->real;
}

static inline struct dev_clock fake_dev_clock(struct fake_clock *fc)
{
	return (struct dev_clock){ fake_mono, fake_real, fc };
}

/* Both clocks forward by @ns. */
static inline void fake_advance(struct fake_clock *fc, uint64_t ns)
{
	fc->mono += ns;
	fc->real += (int64_t)ns;
}

struct irq_log {
	unsigned int edges[16];	/* rising edges seen */
	bool level[16];
};

static inline void irq_log_set(void *chip, unsigned int line, bool level)
{
	struct irq_log *log = chip;

	if (level && !log->level[line])
		log->edges[line]++;
	log->level[line] = level;
}

static inline struct irq_line irq_log_line(struct irq_log *log, unsigned int line)
{
	return (struct irq_line){ irq_log_set, log, line };
}

static inline uint8_t bus_inb(struct ioport_bus *bus, uint16_t port)
{
	return (uint8_t)ioport_bus_in(bus, port, 1);
}

static inline void bus_outb(struct ioport_bus *bus, uint16_t port, uint8_t v)
{
	ioport_bus_out(bus, port, 1, v);
}

#endif /* PFVMM_DEV_TEST_H */
