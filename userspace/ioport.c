// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O port bus of a Linux guest's PC: a small table of port ranges,
 * each with the byte handlers of the device that claims it.  A 16- or
 * 32-bit access is split into byte accesses of consecutive ports, as an
 * ISA bus does for 8-bit devices.  A port no device claims reads all ones
 * and drops writes, like an empty ISA slot; with --debug-ports each such
 * access is logged.  Also here: the host's clocks for the devices, the
 * interrupt lines they raise, and a sink for port 0x80 (POST codes,
 * the I/O delay of outb_p()).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "devices.h"

static uint64_t host_monotonic_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int64_t host_realtime_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

const struct dev_clock dev_clock_host = { host_monotonic_ns, host_realtime_ns, NULL };

void irq_line_set(const struct irq_line *irq, bool level)
{
	if (irq->set)
		irq->set(irq->chip, irq->line, level);
}

/* A rising edge and back: one interrupt on an edge-triggered input. */
void irq_line_pulse(const struct irq_line *irq)
{
	irq_line_set(irq, false);
	irq_line_set(irq, true);
	irq_line_set(irq, false);
}

void ioport_bus_init(struct ioport_bus *bus, FILE *log_unclaimed)
{
	memset(bus, 0, sizeof(*bus));
	bus->log_unclaimed = log_unclaimed;
}

/**
 * ioport_bus_add() - claim @range->count ports from @range->base
 *
 * Return: 0, -ENOSPC when the table is full, -EBUSY when a port of it is
 * claimed already.
 */
int ioport_bus_add(struct ioport_bus *bus, const struct ioport_range *range)
{
	unsigned int i;

	if (bus->nr == IOPORT_RANGES_MAX)
		return -ENOSPC;
	for (i = 0; i < bus->nr; i++) {
		const struct ioport_range *r = &bus->range[i];

		if (range->base < r->base + r->count && r->base < range->base + range->count)
			return -EBUSY;
	}
	bus->range[bus->nr++] = *range;
	return 0;
}

static const struct ioport_range *find_range(const struct ioport_bus *bus,
					     uint16_t port)
{
	unsigned int i;

	for (i = 0; i < bus->nr; i++)
		if (port >= bus->range[i].base &&
		    port - bus->range[i].base < bus->range[i].count)
			return &bus->range[i];
	return NULL;
}

static void log_unclaimed(const struct ioport_bus *bus, const char *what,
			  uint16_t port, unsigned int size, uint32_t value)
{
	if (!bus->log_unclaimed)
		return;
	if (*what == 'i')
		fprintf(bus->log_unclaimed, "pfvmm: io: in%c 0x%04x: no device (0x%x)\n",
			"?bw?l"[size & 7], port, value);
	else
		fprintf(bus->log_unclaimed, "pfvmm: io: out%c 0x%04x, 0x%x: no device\n",
			"?bw?l"[size & 7], port, value);
}

/** ioport_bus_in() - an IN of @size (1, 2 or 4) bytes from @port */
uint32_t ioport_bus_in(struct ioport_bus *bus, uint16_t port, unsigned int size)
{
	uint32_t value = 0;
	bool claimed = false;
	unsigned int i;

	for (i = 0; i < size && i < 4; i++) {
		uint16_t p = (uint16_t)(port + i);
		const struct ioport_range *r = find_range(bus, p);
		uint8_t byte = r && r->in ? r->in(r->dev, p) : 0xff;

		claimed |= r != NULL;
		value |= (uint32_t)byte << (8 * i);
	}
	if (!claimed)
		log_unclaimed(bus, "in", port, size, value);
	return value;
}

/** ioport_bus_out() - an OUT of the low @size bytes of @value to @port */
void ioport_bus_out(struct ioport_bus *bus, uint16_t port, unsigned int size,
		    uint32_t value)
{
	bool claimed = false;
	unsigned int i;

	for (i = 0; i < size && i < 4; i++) {
		uint16_t p = (uint16_t)(port + i);
		const struct ioport_range *r = find_range(bus, p);

		claimed |= r != NULL;
		if (r && r->out)
			r->out(r->dev, p, (uint8_t)(value >> (8 * i)));
	}
	if (!claimed)
		log_unclaimed(bus, "out", port, size, value);
}

/* A port that takes writes and reads all ones, claimed so it is not logged. */
void ioport_sink_attach(struct ioport_bus *bus, const char *name, uint16_t port)
{
	const struct ioport_range r = { name, port, 1, NULL, NULL, NULL };

	ioport_bus_add(bus, &r);
}
