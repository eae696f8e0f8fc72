// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS real-time clock, an MC146818 at 0x70 (index; bit 7 is the NMI
 * mask, ignored) and 0x71 (data), interrupting on IRQ 8.
 *
 * The clock is the host's CLOCK_REALTIME in UTC, plus whatever offset the
 * guest sets: time registers read in BCD or binary and in 24- or 12-hour
 * form as register B says; with B's SET bit the registers hold still and
 * take the guest's new time, which counts from the moment SET is cleared
 * (a write to a time register without SET also moves the clock).
 * Register A: UIP for the last 244 us of every second, the divider and
 * rate bits as written; B: as written (SET clears UIE); C: the interrupt
 * flags (periodic at A's rate while B enables it, alarm, update-ended;
 * IRQF when an enabled one is set), cleared by reading; D: VRT, the battery is good.  The
 * other 114 bytes are plain CMOS RAM.  rtc_poll() raises IRQ 8 when an
 * enabled flag comes up; rtc_next_irq_ns() says when that is next due.
 */
#include <string.h>
#include <time.h>

#include "devices.h"

#define NS		1000000000ll
#define UIP_NS		244000ll
#define REG_SEC		0x00
#define REG_SEC_ALARM	0x01
#define REG_MIN		0x02
#define REG_MIN_ALARM	0x03
#define REG_HOUR	0x04
#define REG_HOUR_ALARM	0x05
#define REG_WDAY	0x06
#define REG_MDAY	0x07
#define REG_MONTH	0x08
#define REG_YEAR	0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define REG_CENTURY	0x32
#define A_UIP		0x80
#define B_SET		0x80
#define B_PIE		0x40
#define B_AIE		0x20
#define B_UIE		0x10
#define B_BINARY	0x04
#define B_24H		0x02
#define C_IRQF		0x80
#define C_PF		0x40
#define C_AF		0x20
#define C_UF		0x10
#define D_VRT		0x80
#define HOUR_PM		0x80
#define ALARM_ANY	0xc0	/* an alarm byte 0xc0-0xff matches every value */

static int64_t guest_ns(const struct rtc *rtc)
{
	return rtc->clock->realtime_ns(rtc->clock->ctx) + rtc->offset_ns;
}

static bool is_binary(const struct rtc *rtc)
{
	return rtc->cmos[REG_B] & B_BINARY;
}

static uint8_t encode(const struct rtc *rtc, int v)
{
	return is_binary(rtc) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static int decode(const struct rtc *rtc, uint8_t v)
{
	return is_binary(rtc) ? v : (v >> 4) * 10 + (v & 15);
}

static uint8_t encode_hour(const struct rtc *rtc, int hour)
{
	if (rtc->cmos[REG_B] & B_24H)
		return encode(rtc, hour);
	return (uint8_t)(encode(rtc, (hour + 11) % 12 + 1) | (hour >= 12 ? HOUR_PM : 0));
}

static int decode_hour(const struct rtc *rtc, uint8_t v)
{
	if (rtc->cmos[REG_B] & B_24H)
		return decode(rtc, v);
	return decode(rtc, v & ~HOUR_PM) % 12 + (v & HOUR_PM ? 12 : 0);
}

/* The time registers from the clock (they hold still while SET is on). */
static void snapshot_time(struct rtc *rtc)
{
	time_t t = (time_t)(guest_ns(rtc) / NS);
	struct tm tm;

	gmtime_r(&t, &tm);
	rtc->cmos[REG_SEC] = encode(rtc, tm.tm_sec);
	rtc->cmos[REG_MIN] = encode(rtc, tm.tm_min);
	rtc->cmos[REG_HOUR] = encode_hour(rtc, tm.tm_hour);
	rtc->cmos[REG_WDAY] = encode(rtc, tm.tm_wday + 1);
	rtc->cmos[REG_MDAY] = encode(rtc, tm.tm_mday);
	rtc->cmos[REG_MONTH] = encode(rtc, tm.tm_mon + 1);
	rtc->cmos[REG_YEAR] = encode(rtc, tm.tm_year % 100);
	rtc->cmos[REG_CENTURY] = encode(rtc, (tm.tm_year + 1900) / 100);
}

/* The clock from the time registers: the guest's time starts now. */
static void commit_time(struct rtc *rtc)
{
	int century = decode(rtc, rtc->cmos[REG_CENTURY]);
	int year = decode(rtc, rtc->cmos[REG_YEAR]);
	struct tm tm = {
		.tm_sec = decode(rtc, rtc->cmos[REG_SEC]),
		.tm_min = decode(rtc, rtc->cmos[REG_MIN]),
		.tm_hour = decode_hour(rtc, rtc->cmos[REG_HOUR]),
		.tm_mday = decode(rtc, rtc->cmos[REG_MDAY]),
		.tm_mon = decode(rtc, rtc->cmos[REG_MONTH]) - 1,
	};

	if (century < 19 || century > 99)
		century = year < 70 ? 20 : 19;
	tm.tm_year = century * 100 + year - 1900;
	rtc->offset_ns = (int64_t)timegm(&tm) * NS -
			 rtc->clock->realtime_ns(rtc->clock->ctx);
	rtc->last_second = guest_ns(rtc) / NS;
}

static bool alarm_matches(const struct rtc *rtc)
{
	static const uint8_t pairs[3][2] = {
		{ REG_SEC_ALARM, REG_SEC }, { REG_MIN_ALARM, REG_MIN },
		{ REG_HOUR_ALARM, REG_HOUR },
	};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		uint8_t alarm = rtc->cmos[pairs[i][0]];

		if ((alarm & ALARM_ANY) != ALARM_ANY && alarm != rtc->cmos[pairs[i][1]])
			return false;
	}
	return true;
}

/* Register A's rate: the periodic interrupt's period, 0 when off. */
static int64_t period_ns(const struct rtc *rtc)
{
	unsigned int rate = rtc->cmos[REG_A] & 15;

	if (!rate)
		return 0;
	return (int64_t)((1ull << (rate < 3 ? rate + 6 : rate - 1)) * NS / 32768);
}

/* Set C's flags for what happened since the last update; IRQF if enabled. */
static void update_flags(struct rtc *rtc)
{
	int64_t now = guest_ns(rtc), period = period_ns(rtc);
	uint8_t before = rtc->cmos[REG_C], *c = &rtc->cmos[REG_C];

	if (!(rtc->cmos[REG_B] & B_SET) && now / NS != rtc->last_second) {
		rtc->last_second = now / NS;
		snapshot_time(rtc);
		*c |= C_UF | (alarm_matches(rtc) ? C_AF : 0);
	}
	if (period && (uint64_t)(now / period) != rtc->last_period) {
		rtc->last_period = (uint64_t)(now / period);
		if (rtc->cmos[REG_B] & B_PIE)
			*c |= C_PF;	/* as QEMU: the divider chain runs for PIE */
	}
	if (*c & rtc->cmos[REG_B] & (C_PF | C_AF | C_UF))
		*c |= C_IRQF;
	if ((*c & C_IRQF) && !(before & C_IRQF))
		irq_line_pulse(&rtc->irq);
}

/** rtc_poll() - raise IRQ 8 if an enabled interrupt came due */
void rtc_poll(struct rtc *rtc)
{
	update_flags(rtc);
}

/** rtc_next_irq_ns() - when an enabled interrupt is next due, or ~0 */
uint64_t rtc_next_irq_ns(struct rtc *rtc)
{
	int64_t now = guest_ns(rtc), period = period_ns(rtc), wait = INT64_MAX;
	uint8_t b = rtc->cmos[REG_B];

	if ((b & (B_UIE | B_AIE)) && !(b & B_SET))
		wait = NS - now % NS;
	if ((b & B_PIE) && period && period - now % period < wait)
		wait = period - now % period;
	if (wait == INT64_MAX)
		return UINT64_MAX;
	return rtc->clock->monotonic_ns(rtc->clock->ctx) + (uint64_t)wait;
}

static bool is_time_reg(uint8_t reg)
{
	return reg == REG_SEC || reg == REG_MIN || reg == REG_HOUR ||
	       (reg >= REG_WDAY && reg <= REG_YEAR) || reg == REG_CENTURY;
}

static uint8_t read_reg(struct rtc *rtc, uint8_t reg)
{
	uint8_t v;

	update_flags(rtc);
	if (is_time_reg(reg) && !(rtc->cmos[REG_B] & B_SET))
		snapshot_time(rtc);
	switch (reg) {
	case REG_A:
		return rtc->cmos[REG_A] | (guest_ns(rtc) % NS >= NS - UIP_NS ? A_UIP : 0);
	case REG_C:
		v = rtc->cmos[REG_C];
		rtc->cmos[REG_C] = 0;
		return v;
	case REG_D:
		return D_VRT;
	default:
		return rtc->cmos[reg];
	}
}

static void write_b(struct rtc *rtc, uint8_t v)
{
	uint8_t old = rtc->cmos[REG_B];

	if ((v & B_SET) && !(old & B_SET))
		snapshot_time(rtc);
	rtc->cmos[REG_B] = (v & B_SET) ? v & ~B_UIE : v;
	if (!(v & B_SET) && (old & B_SET))
		commit_time(rtc);
}

static void write_reg(struct rtc *rtc, uint8_t reg, uint8_t v)
{
	if (reg == REG_B) {
		write_b(rtc, v);
	} else if (is_time_reg(reg)) {
		if (!(rtc->cmos[REG_B] & B_SET))
			snapshot_time(rtc);
		rtc->cmos[reg] = v;
		if (!(rtc->cmos[REG_B] & B_SET))
			commit_time(rtc);
	} else if (reg == REG_A) {
		rtc->cmos[REG_A] = v & ~A_UIP;
	} else if (reg != REG_C && reg != REG_D) {
		rtc->cmos[reg] = v;
	}
}

static uint8_t rtc_in(void *dev, uint16_t port)
{
	struct rtc *rtc = dev;

	return port == 0x70 ? 0xff : read_reg(rtc, rtc->index);
}

static void rtc_out(void *dev, uint16_t port, uint8_t v)
{
	struct rtc *rtc = dev;

	if (port == 0x70)
		rtc->index = v & 0x7f;
	else
		write_reg(rtc, rtc->index, v);
}

/** rtc_init() - 24-hour BCD, 32.768 kHz divider, 1024 Hz rate, no interrupts */
void rtc_init(struct rtc *rtc, const struct dev_clock *clock, struct irq_line irq)
{
	int64_t now;

	memset(rtc, 0, sizeof(*rtc));
	rtc->clock = clock;
	rtc->irq = irq;
	rtc->cmos[REG_A] = 0x26;
	rtc->cmos[REG_B] = B_24H;
	now = guest_ns(rtc);
	rtc->last_second = now / NS;
	rtc->last_period = (uint64_t)(now / period_ns(rtc));
	snapshot_time(rtc);
}

void rtc_attach(struct rtc *rtc, struct ioport_bus *bus)
{
	const struct ioport_range r = { "rtc", 0x70, 2, rtc_in, rtc_out, rtc };

	ioport_bus_add(bus, &r);
}
