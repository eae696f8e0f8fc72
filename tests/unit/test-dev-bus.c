// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the I/O port bus (userspace/ioport.c) and the i8042
 * (userspace/dev-i8042.c): unclaimed ports read all ones at every size
 * and drop writes, logged only with --debug-ports; port 0x80's sink; word
 * accesses split into byte accesses of consecutive ports; overlapping
 * claims refused; and the i8042's self-test, command byte, IRQ 1 and the
 * resets Linux's reboot=k and others use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dev-test.h"
#include "test.h"

/* A device that records its byte accesses. */
struct recorder {
	char log[128];
	size_t n;
};

static uint8_t rec_in(void *dev, uint16_t port)
{
	struct recorder *r = dev;

	r->n += (size_t)snprintf(r->log + r->n, sizeof(r->log) - r->n, "i%x ", port);
	return (uint8_t)port;
}

static void rec_out(void *dev, uint16_t port, uint8_t v)
{
	struct recorder *r = dev;

	r->n += (size_t)snprintf(r->log + r->n, sizeof(r->log) - r->n, "o%x=%x ", port, v);
}

static void test_bus_unclaimed_and_split(struct test_ctx *t)
{
	struct recorder rec = { "", 0 };
	const struct ioport_range r = { "rec", 0x510, 4, rec_in, rec_out, &rec };
	struct ioport_bus bus;
	char logged[512] = "";
	FILE *log = tmpfile();
	size_t n;

	ioport_bus_init(&bus, log);
	ioport_sink_attach(&bus, "post", 0x80);
	CHECK_EQ(t, ioport_bus_add(&bus, &r), 0);
	CHECK_EQ(t, ioport_bus_add(&bus, &(struct ioport_range){ .name = "x", .base = 0x513, .count = 2 }), -EBUSY);
	CHECK_EQ(t, ioport_bus_in(&bus, 0x1234, 1), 0xff);
	CHECK_EQ(t, ioport_bus_in(&bus, 0x1234, 2), 0xffff);
	CHECK_EQ(t, ioport_bus_in(&bus, 0xcf8, 4), 0xffffffff);
	ioport_bus_out(&bus, 0x1234, 2, 0xbeef);
	ioport_bus_out(&bus, 0x80, 1, 0x42);		/* claimed: not logged */
	CHECK_EQ(t, ioport_bus_in(&bus, 0x80, 1), 0xff);
	CHECK_EQ(t, ioport_bus_in(&bus, 0x511, 2), 0x1211);
	ioport_bus_out(&bus, 0x512, 2, 0xa1b2);
	CHECK(t, !strcmp(rec.log, "i511 i512 o512=b2 o513=a1 "), "accesses '%s'", rec.log);
	/* a word across the end of the range: the last byte is nobody's */
	CHECK_EQ(t, ioport_bus_in(&bus, 0x513, 2), 0xff13);
	rewind(log);
	n = fread(logged, 1, sizeof(logged) - 1, log);
	logged[n] = '\0';
	fclose(log);
	CHECK(t, strstr(logged, "inb 0x1234: no device (0xff)\n") &&
	      strstr(logged, "inl 0x0cf8: no device (0xffffffff)\n") &&
	      strstr(logged, "outw 0x1234, 0xbeef: no device\n") &&
	      !strstr(logged, "0x0080") && !strstr(logged, "0x0513"), "log '%s'", logged);
}

static void test_bus_full(struct test_ctx *t)
{
	struct ioport_bus bus;
	unsigned int i;

	ioport_bus_init(&bus, NULL);
	for (i = 0; i < IOPORT_RANGES_MAX; i++)
		CHECK_EQ(t, ioport_bus_add(&bus, &(struct ioport_range){
			.name = "r", .base = (uint16_t)i, .count = 1 }), 0);
	CHECK_EQ(t, ioport_bus_add(&bus, &(struct ioport_range){
		.name = "r", .base = 0x100, .count = 1 }), -ENOSPC);
	/* unclaimed and no log: quietly all ones */
	CHECK_EQ(t, ioport_bus_in(&bus, 0x300, 1), 0xff);
}

struct kbc_rig {
	struct irq_log irqs;
	struct ioport_bus bus;
	struct i8042 kbc;
	unsigned int resets;
};

static void rig_reset(void *ctx)
{
	((struct kbc_rig *)ctx)->resets++;
}

static void rig_init(struct kbc_rig *r)
{
	memset(r, 0, sizeof(*r));
	ioport_bus_init(&r->bus, NULL);
	i8042_init(&r->kbc, irq_log_line(&r->irqs, 1), rig_reset, r);
	i8042_attach(&r->kbc, &r->bus);
}

static void test_i8042_commands(struct test_ctx *t)
{
	struct kbc_rig r;

	rig_init(&r);
	CHECK_EQ(t, bus_inb(&r.bus, 0x64) & 0x03, 0x00);	/* both buffers empty */
	bus_outb(&r.bus, 0x64, 0xaa);
	CHECK_EQ(t, bus_inb(&r.bus, 0x64) & 0x0d, 0x0d);	/* OBF, SYS, command */
	CHECK_EQ(t, bus_inb(&r.bus, 0x60), 0x55);
	CHECK_EQ(t, bus_inb(&r.bus, 0x64) & 0x01, 0x00);
	bus_outb(&r.bus, 0x64, 0x20);
	CHECK_EQ(t, bus_inb(&r.bus, 0x60), 0x64);		/* XLATE, SYS, no mouse */
	bus_outb(&r.bus, 0x64, 0x60);
	bus_outb(&r.bus, 0x60, 0x45);				/* KBD_INT on */
	CHECK_EQ(t, bus_inb(&r.bus, 0x64) & 0x08, 0x00);	/* the last was data */
	bus_outb(&r.bus, 0x64, 0x20);
	CHECK_EQ(t, r.irqs.edges[1], 1);
	CHECK_EQ(t, bus_inb(&r.bus, 0x60), 0x45);
	bus_outb(&r.bus, 0x64, 0xd2);				/* echo as keyboard data */
	bus_outb(&r.bus, 0x60, 0xfa);
	CHECK_EQ(t, bus_inb(&r.bus, 0x60), 0xfa);
	CHECK_EQ(t, r.irqs.edges[1], 2);
	bus_outb(&r.bus, 0x60, 0xf2);				/* to the keyboard: nobody */
	CHECK_EQ(t, bus_inb(&r.bus, 0x64) & 0x01, 0x00);
	CHECK_EQ(t, r.resets, 0);
}

static void test_i8042_reset(struct test_ctx *t)
{
	struct kbc_rig r;

	rig_init(&r);
	bus_outb(&r.bus, 0x64, 0xff);				/* pulses nothing */
	CHECK_EQ(t, r.resets, 0);
	bus_outb(&r.bus, 0x64, 0xfe);				/* reboot=k */
	CHECK_EQ(t, r.resets, 1);
	bus_outb(&r.bus, 0x64, 0xd1);				/* the output port */
	bus_outb(&r.bus, 0x60, 0xdf);
	CHECK_EQ(t, r.resets, 1);
	bus_outb(&r.bus, 0x64, 0xd0);
	CHECK_EQ(t, bus_inb(&r.bus, 0x60), 0xdf);
	bus_outb(&r.bus, 0x64, 0xd1);
	bus_outb(&r.bus, 0x60, 0xde);				/* reset line low */
	CHECK_EQ(t, r.resets, 2);
}

void run_dev_bus_tests(void)
{
	RUN_TEST(test_bus_unclaimed_and_split);
	RUN_TEST(test_bus_full);
	RUN_TEST(test_i8042_commands);
	RUN_TEST(test_i8042_reset);
}
