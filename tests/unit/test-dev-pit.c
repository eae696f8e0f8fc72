// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the 8254 (userspace/dev-pit.c) on a clock the test moves:
 * channel 0 counting in modes 2 and 3 with one IRQ 0 per period (missed
 * ones coalesced) and the next deadline, the one-shot modes 4 and 0 as
 * Linux's clock event uses them, the counter latch and read-back
 * commands, LSB-only access, and channel 2's gate and output through
 * port 0x61 as the kernel's PIT calibration of the TSC reads them.
 */
#include "dev-test.h"
#include "test.h"

struct pit_rig {
	struct fake_clock fc;
	struct dev_clock clock;
	struct irq_log irqs;
	struct ioport_bus bus;
	struct pit pit;
};

static void rig_init(struct pit_rig *r)
{
	r->fc = (struct fake_clock){ 5000 * MS, 0 };
	r->clock = fake_dev_clock(&r->fc);
	r->irqs = (struct irq_log){ { 0 }, { 0 } };
	ioport_bus_init(&r->bus, NULL);
	pit_init(&r->pit, &r->clock, irq_log_line(&r->irqs, 0));
	pit_attach(&r->pit, &r->bus);
}

static void program(struct pit_rig *r, uint8_t control, uint16_t port, uint16_t count)
{
	bus_outb(&r->bus, 0x43, control);
	bus_outb(&r->bus, port, (uint8_t)count);
	bus_outb(&r->bus, port, (uint8_t)(count >> 8));
}

/* Latch channel @ch (0 or 2) and read the count, LSB first. */
static unsigned int latched_count(struct pit_rig *r, unsigned int ch)
{
	unsigned int lsb;

	bus_outb(&r->bus, 0x43, (uint8_t)(ch << 6));
	lsb = bus_inb(&r->bus, (uint16_t)(0x40 + ch));
	return lsb | (unsigned int)bus_inb(&r->bus, (uint16_t)(0x40 + ch)) << 8;
}

static void advance_and_poll(struct pit_rig *r, uint64_t ns)
{
	fake_advance(&r->fc, ns);
	pit_poll(&r->pit);
}

static void test_pit_mode2_periodic(struct test_ctx *t)
{
	struct pit_rig r;
	uint64_t start;

	rig_init(&r);
	start = r.fc.mono;
	program(&r, 0x34, 0x40, 11932);			/* Linux's HZ=100 LATCH */
	CHECK_EQ(t, latched_count(&r, 0), 11932);
	advance_and_poll(&r, 5 * MS);			/* 5966 clocks */
	CHECK_EQ(t, latched_count(&r, 0), 11932 - 5965);
	CHECK_EQ(t, r.irqs.edges[0], 0);
	CHECK_EQ(t, pit_next_irq_ns(&r.pit), start + 10000151);
	advance_and_poll(&r, 5 * MS + 100000);
	CHECK_EQ(t, r.irqs.edges[0], 1);
	advance_and_poll(&r, 35 * MS);			/* 3.5 periods: one IRQ */
	CHECK_EQ(t, r.irqs.edges[0], 2);
	CHECK_EQ(t, pit_next_irq_ns(&r.pit), start + 50000755);
	advance_and_poll(&r, 10 * MS);
	CHECK_EQ(t, r.irqs.edges[0], 3);
}

static void test_pit_mode3_square_wave(struct test_ctx *t)
{
	struct pit_rig r;
	unsigned int c;

	rig_init(&r);
	program(&r, 0x36, 0x40, 1000);
	fake_advance(&r.fc, 100 * 1000);		/* 119 clocks: down by 2 each */
	c = latched_count(&r, 0);
	CHECK_EQ(t, c, 1000 - 238);
	advance_and_poll(&r, 800 * 1000);
	CHECK_EQ(t, r.irqs.edges[0], 1);
	advance_and_poll(&r, 900 * 1000);
	CHECK_EQ(t, r.irqs.edges[0], 2);
}

/* Linux's one-shot clock event: 0x38 once, then a count per event. */
static void test_pit_oneshot(struct test_ctx *t)
{
	struct pit_rig r;

	rig_init(&r);
	bus_outb(&r.bus, 0x43, 0x38);
	advance_and_poll(&r, 100 * MS);
	CHECK_EQ(t, r.irqs.edges[0], 0);		/* no count, no event */
	CHECK_EQ(t, pit_next_irq_ns(&r.pit), UINT64_MAX);
	bus_outb(&r.bus, 0x40, 0xa9);			/* 1193: 1 ms */
	bus_outb(&r.bus, 0x40, 0x04);
	advance_and_poll(&r, MS / 2);
	CHECK_EQ(t, r.irqs.edges[0], 0);
	advance_and_poll(&r, MS);
	CHECK_EQ(t, r.irqs.edges[0], 1);
	advance_and_poll(&r, 100 * MS);
	CHECK_EQ(t, r.irqs.edges[0], 1);		/* once only */
	CHECK_EQ(t, pit_next_irq_ns(&r.pit), UINT64_MAX);
	bus_outb(&r.bus, 0x40, 0xa9);
	bus_outb(&r.bus, 0x40, 0x04);
	advance_and_poll(&r, 2 * MS);
	CHECK_EQ(t, r.irqs.edges[0], 2);
	/* clockevent_i8253_disable(): mode 0, count 0, mode 0 again */
	program(&r, 0x30, 0x40, 0);
	bus_outb(&r.bus, 0x43, 0x30);
	advance_and_poll(&r, 200 * MS);
	CHECK_EQ(t, r.irqs.edges[0], 2);
}

static void test_pit_latch_and_read_back(struct test_ctx *t)
{
	struct pit_rig r;

	rig_init(&r);
	program(&r, 0x34, 0x40, 50000);
	fake_advance(&r.fc, 10 * MS);
	bus_outb(&r.bus, 0x43, 0x00);			/* latch */
	fake_advance(&r.fc, 10 * MS);
	bus_outb(&r.bus, 0x43, 0x00);			/* a second latch is ignored */
	CHECK_EQ(t, bus_inb(&r.bus, 0x40), (50000 - 11931) & 0xff);
	CHECK_EQ(t, bus_inb(&r.bus, 0x40), (50000 - 11931) >> 8);
	/* read-back: status of channel 0 (OUT high, word, mode 2) */
	bus_outb(&r.bus, 0x43, 0xe2);
	CHECK_EQ(t, bus_inb(&r.bus, 0x40), 0x80 | 0x30 | 0x04);
	/* LSB-only access: one byte loads the count */
	bus_outb(&r.bus, 0x43, 0x54);			/* channel 1, LSB, mode 2 */
	bus_outb(&r.bus, 0x41, 18);
	CHECK_EQ(t, bus_inb(&r.bus, 0x41), 18);
	fake_advance(&r.fc, 2000);			/* 2 clocks */
	CHECK_EQ(t, bus_inb(&r.bus, 0x41), 16);
	/* a control word: null count in the status until the count is written */
	bus_outb(&r.bus, 0x43, 0xb0);
	bus_outb(&r.bus, 0x43, 0xe8);
	CHECK_EQ(t, bus_inb(&r.bus, 0x42), 0x40 | 0x30);
}

/* pit_calibrate_tsc(): gate high, mode 0 on channel 2, poll 0x61 bit 5. */
static void test_pit_channel2_gate(struct test_ctx *t)
{
	struct pit_rig r;
	uint8_t before;

	rig_init(&r);
	bus_outb(&r.bus, 0x61, 0x00);
	program(&r, 0xb0, 0x42, 1193);
	fake_advance(&r.fc, 5 * MS);
	CHECK_EQ(t, latched_count(&r, 2), 1193);	/* gate low: held */
	CHECK_EQ(t, bus_inb(&r.bus, 0x61) & 0x20, 0);
	bus_outb(&r.bus, 0x61, (bus_inb(&r.bus, 0x61) & ~0x02) | 0x01);
	CHECK_EQ(t, bus_inb(&r.bus, 0x61) & 0x03, 0x01);
	fake_advance(&r.fc, MS / 2);
	CHECK_EQ(t, latched_count(&r, 2), 1193 - 596);
	CHECK_EQ(t, bus_inb(&r.bus, 0x61) & 0x20, 0);
	bus_outb(&r.bus, 0x61, 0x00);			/* gate low again: held */
	fake_advance(&r.fc, 10 * MS);
	CHECK_EQ(t, latched_count(&r, 2), 1193 - 596);
	bus_outb(&r.bus, 0x61, 0x01);
	fake_advance(&r.fc, MS / 2 + 1000);
	CHECK_EQ(t, bus_inb(&r.bus, 0x61) & 0x20, 0x20);	/* terminal count */
	/* bit 4 toggles with memory refresh */
	before = bus_inb(&r.bus, 0x61) & 0x10;
	fake_advance(&r.fc, 15085);
	CHECK(t, (bus_inb(&r.bus, 0x61) & 0x10) != before, "refresh bit stuck");
	/* mode 2 restarts on the gate's rising edge */
	program(&r, 0xb4, 0x42, 1000);
	fake_advance(&r.fc, 400 * 1000);
	bus_outb(&r.bus, 0x61, 0x00);
	bus_outb(&r.bus, 0x61, 0x01);
	CHECK_EQ(t, latched_count(&r, 2), 1000);
	CHECK_EQ(t, r.irqs.edges[0], 0);		/* channel 2 has no IRQ */
}

void run_dev_pit_tests(void)
{
	RUN_TEST(test_pit_mode2_periodic);
	RUN_TEST(test_pit_mode3_square_wave);
	RUN_TEST(test_pit_oneshot);
	RUN_TEST(test_pit_latch_and_read_back);
	RUN_TEST(test_pit_channel2_gate);
}
