// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the CMOS RTC (userspace/dev-rtc.c) through 0x70/0x71 on a
 * fake clock: the date and time in BCD and in binary, 24- and 12-hour
 * hours, registers A (UIP near the end of a second) to D, setting the
 * clock with B's SET bit as Linux's mc146818_set_time() does, the
 * update-ended, periodic and alarm flags in C with IRQ 8, and CMOS RAM.
 */
#include "dev-test.h"
#include "test.h"

#define SEC		1000000000ll
#define THU_0338	1795664312ll	/* 2026-11-26 03:38:32 UTC, a Thursday */

struct rtc_rig {
	struct fake_clock fc;
	struct dev_clock clock;
	struct irq_log irqs;
	struct ioport_bus bus;
	struct rtc rtc;
};

static void rig_init(struct rtc_rig *r, int64_t unix_time)
{
	r->fc = (struct fake_clock){ 1000 * MS, unix_time * SEC + SEC / 10 };
	r->clock = fake_dev_clock(&r->fc);
	r->irqs = (struct irq_log){ { 0 }, { 0 } };
	ioport_bus_init(&r->bus, NULL);
	rtc_init(&r->rtc, &r->clock, irq_log_line(&r->irqs, 8));
	rtc_attach(&r->rtc, &r->bus);
}

static uint8_t cmos(struct rtc_rig *r, uint8_t index)
{
	bus_outb(&r->bus, 0x70, index);
	return bus_inb(&r->bus, 0x71);
}

static void cmos_set(struct rtc_rig *r, uint8_t index, uint8_t v)
{
	bus_outb(&r->bus, 0x70, index);
	bus_outb(&r->bus, 0x71, v);
}

static void test_rtc_bcd_time(struct test_ctx *t)
{
	/* index, BCD value: 03:38:32, Thursday (Sunday is 1), 2026-11-26 */
	static const uint8_t want[][2] = {
		{ 0x00, 0x32 }, { 0x02, 0x38 }, { 0x04, 0x03 }, { 0x06, 0x05 },
		{ 0x07, 0x26 }, { 0x08, 0x11 }, { 0x09, 0x26 }, { 0x32, 0x20 },
		{ 0x80, 0x32 },		/* index bit 7 is the NMI mask */
	};
	struct rtc_rig r;
	unsigned int i;

	rig_init(&r, THU_0338);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(t, cmos(&r, want[i][0]) == want[i][1], "CMOS 0x%02x = 0x%02x, want 0x%02x",
		      want[i][0], cmos(&r, want[i][0]), want[i][1]);
	fake_advance(&r.fc, 28 * SEC);
	CHECK_EQ(t, cmos(&r, 0x00), 0x00);
	CHECK_EQ(t, cmos(&r, 0x02), 0x39);
	/* binary, 12-hour: 03:39 is 3 AM; 15:39 has the PM bit */
	cmos_set(&r, 0x0b, 0x04);
	CHECK_EQ(t, cmos(&r, 0x04), 3);
	CHECK_EQ(t, cmos(&r, 0x02), 39);
	fake_advance(&r.fc, 12 * 3600 * SEC);
	CHECK_EQ(t, cmos(&r, 0x04), 0x83);
	cmos_set(&r, 0x0b, 0x06);
	CHECK_EQ(t, cmos(&r, 0x04), 15);
}

static void test_rtc_registers_a_to_d(struct test_ctx *t)
{
	struct rtc_rig r;

	rig_init(&r, THU_0338);
	CHECK_EQ(t, cmos(&r, 0x0a), 0x26);
	CHECK_EQ(t, cmos(&r, 0x0b), 0x02);
	CHECK_EQ(t, cmos(&r, 0x0c), 0x00);
	CHECK_EQ(t, cmos(&r, 0x0d), 0x80);
	fake_advance(&r.fc, SEC - SEC / 10 - 100000);	/* 100 us before the tick */
	CHECK_EQ(t, cmos(&r, 0x0a), 0xa6);
	fake_advance(&r.fc, 200000);
	CHECK_EQ(t, cmos(&r, 0x0a), 0x26);
	cmos_set(&r, 0x0a, 0xa3);		/* UIP is read-only */
	CHECK_EQ(t, cmos(&r, 0x0a), 0x23);
	cmos_set(&r, 0x0d, 0x00);
	CHECK_EQ(t, cmos(&r, 0x0d), 0x80);
	cmos_set(&r, 0x40, 0x5a);		/* CMOS RAM */
	CHECK_EQ(t, cmos(&r, 0x40), 0x5a);
	CHECK_EQ(t, cmos(&r, 0x7f), 0x00);
}

/* mc146818_set_time(): SET, the new time, SET cleared; it counts on. */
static void test_rtc_set_time(struct test_ctx *t)
{
	static const uint8_t y2k[][2] = {
		{ 0x09, 0x00 }, { 0x08, 0x01 }, { 0x07, 0x01 }, { 0x04, 0x00 },
		{ 0x02, 0x00 }, { 0x00, 0x00 }, { 0x32, 0x20 },
	};
	struct rtc_rig r;
	unsigned int i;

	rig_init(&r, THU_0338);
	cmos_set(&r, 0x0b, 0x82);
	for (i = 0; i < sizeof(y2k) / sizeof(y2k[0]); i++)
		cmos_set(&r, y2k[i][0], y2k[i][1]);
	fake_advance(&r.fc, 5 * SEC);
	CHECK_EQ(t, cmos(&r, 0x00), 0x00);	/* held while SET */
	cmos_set(&r, 0x0b, 0x02);
	fake_advance(&r.fc, 2 * SEC + SEC / 2);
	CHECK_EQ(t, cmos(&r, 0x00), 0x02);
	CHECK_EQ(t, cmos(&r, 0x09), 0x00);
	CHECK_EQ(t, cmos(&r, 0x08), 0x01);
	CHECK_EQ(t, cmos(&r, 0x06), 0x07);	/* 2000-01-01 was a Saturday */
	/* one register without SET moves the clock too */
	cmos_set(&r, 0x02, 0x30);
	CHECK_EQ(t, cmos(&r, 0x02), 0x30);
	CHECK_EQ(t, cmos(&r, 0x00), 0x02);
}

static void test_rtc_interrupts(struct test_ctx *t)
{
	struct rtc_rig r;
	uint64_t next;

	rig_init(&r, THU_0338);
	cmos_set(&r, 0x0b, 0x12);		/* UIE */
	next = rtc_next_irq_ns(&r.rtc);
	CHECK_EQ(t, next, r.fc.mono + 900 * MS);
	fake_advance(&r.fc, 500 * MS);
	rtc_poll(&r.rtc);
	CHECK_EQ(t, r.irqs.edges[8], 0);
	fake_advance(&r.fc, 500 * MS);
	rtc_poll(&r.rtc);
	CHECK_EQ(t, r.irqs.edges[8], 1);
	CHECK_EQ(t, cmos(&r, 0x0c), 0x90);	/* IRQF, UF */
	CHECK_EQ(t, cmos(&r, 0x0c), 0x00);	/* cleared by the read */
	/* periodic at 1024 Hz (rate 6) */
	cmos_set(&r, 0x0b, 0x42);
	fake_advance(&r.fc, MS);
	rtc_poll(&r.rtc);
	CHECK_EQ(t, r.irqs.edges[8], 2);
	CHECK_EQ(t, cmos(&r, 0x0c) & 0xc0, 0xc0);
	CHECK(t, rtc_next_irq_ns(&r.rtc) <= r.fc.mono + 976563, "next periodic at %llu",
	      (unsigned long long)(rtc_next_irq_ns(&r.rtc) - r.fc.mono));
	/* the alarm, in two seconds: 03:38:35 */
	cmos_set(&r, 0x0b, 0x22);
	cmos_set(&r, 0x01, 0x35);
	cmos_set(&r, 0x03, 0x38);
	cmos_set(&r, 0x05, 0xc0);		/* any hour */
	cmos(&r, 0x0c);
	fake_advance(&r.fc, SEC);
	rtc_poll(&r.rtc);
	CHECK_EQ(t, cmos(&r, 0x0c) & 0xa0, 0x00);	/* 34: UF, no alarm */
	fake_advance(&r.fc, SEC);
	rtc_poll(&r.rtc);
	CHECK_EQ(t, r.irqs.edges[8], 3);
	CHECK_EQ(t, cmos(&r, 0x0c) & 0xa0, 0xa0);
}

void run_dev_rtc_tests(void)
{
	RUN_TEST(test_rtc_bcd_time);
	RUN_TEST(test_rtc_registers_a_to_d);
	RUN_TEST(test_rtc_set_time);
	RUN_TEST(test_rtc_interrupts);
}
