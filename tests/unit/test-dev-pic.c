// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the 8259A pair (userspace/dev-pic.c) through its ports, as
 * Linux's i8259.c drives it: the ICW1-4 sequence and the IMR probe,
 * masking, priority and nesting, specific and non-specific EOI, rotation,
 * the cascade through IRQ 2, poll mode, auto-EOI, special mask mode,
 * edge triggering and the spurious IRQ 7.
 */
#include "dev-test.h"
#include "test.h"

struct pic_rig {
	struct ioport_bus bus;
	struct pic pic;
};

/* Linux's init_8259A(): vectors 0x30 and 0x38, all masked, then @mask. */
static void rig_init(struct pic_rig *r, uint16_t mask, uint8_t icw4)
{
	ioport_bus_init(&r->bus, NULL);
	pic_init(&r->pic);
	pic_attach(&r->pic, &r->bus);
	bus_outb(&r->bus, 0x21, 0xff);
	bus_outb(&r->bus, 0xa1, 0xff);
	bus_outb(&r->bus, 0x20, 0x11);
	bus_outb(&r->bus, 0x21, 0x30);
	bus_outb(&r->bus, 0x21, 0x04);
	bus_outb(&r->bus, 0x21, icw4);
	bus_outb(&r->bus, 0xa0, 0x11);
	bus_outb(&r->bus, 0xa1, 0x38);
	bus_outb(&r->bus, 0xa1, 0x02);
	bus_outb(&r->bus, 0xa1, icw4);
	bus_outb(&r->bus, 0x21, (uint8_t)mask);
	bus_outb(&r->bus, 0xa1, (uint8_t)(mask >> 8));
}

static void pulse(struct pic_rig *r, unsigned int irq)
{
	pic_set_irq(&r->pic, irq, true);
	pic_set_irq(&r->pic, irq, false);
}

static uint8_t read_isr(struct pic_rig *r, uint16_t cmd)
{
	uint8_t isr;

	bus_outb(&r->bus, cmd, 0x0b);
	isr = bus_inb(&r->bus, cmd);
	bus_outb(&r->bus, cmd, 0x0a);
	return isr;
}

static void test_pic_init_and_mask(struct test_ctx *t)
{
	struct pic_rig r;

	rig_init(&r, 0xffff, 0x01);
	/* probe_8259A(): the mask reads back */
	bus_outb(&r.bus, 0x21, 0xa5);
	CHECK_EQ(t, bus_inb(&r.bus, 0x21), 0xa5);
	bus_outb(&r.bus, 0x21, 0xff);
	pulse(&r, 0);
	CHECK(t, !pic_interrupt_pending(&r.pic), "a masked IRQ 0 is pending");
	CHECK_EQ(t, bus_inb(&r.bus, 0x20), 0x01);	/* IRR has it all the same */
	bus_outb(&r.bus, 0x21, 0xfe);
	CHECK(t, pic_interrupt_pending(&r.pic), "unmasked IRQ 0 not pending");
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x30);
	CHECK(t, !pic_interrupt_pending(&r.pic), "pending after the acknowledge");
	CHECK_EQ(t, bus_inb(&r.bus, 0x20), 0x00);
	CHECK_EQ(t, read_isr(&r, 0x20), 0x01);
	bus_outb(&r.bus, 0x20, 0x20);			/* non-specific EOI */
	CHECK_EQ(t, read_isr(&r, 0x20), 0x00);
}

static void test_pic_priority_and_eoi(struct test_ctx *t)
{
	struct pic_rig r;

	rig_init(&r, 0xfff0, 0x01);
	pulse(&r, 3);
	pulse(&r, 1);
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x31);
	/* IRQ 3 waits behind IRQ 1 in service; IRQ 0 nests above it */
	CHECK(t, !pic_interrupt_pending(&r.pic), "IRQ 3 got past IRQ 1 in service");
	pulse(&r, 0);
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x30);
	CHECK_EQ(t, read_isr(&r, 0x20), 0x03);
	bus_outb(&r.bus, 0x20, 0x20);			/* ends IRQ 0, the highest */
	CHECK_EQ(t, read_isr(&r, 0x20), 0x02);
	CHECK(t, !pic_interrupt_pending(&r.pic), "IRQ 3 got past IRQ 1 in service");
	bus_outb(&r.bus, 0x20, 0x61);			/* specific EOI, IRQ 1 */
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x33);
	bus_outb(&r.bus, 0x20, 0x63);
	CHECK_EQ(t, read_isr(&r, 0x20), 0x00);
	/* OCW2 "set priority": IRQ 2 lowest, so IRQ 3 beats IRQ 1 */
	bus_outb(&r.bus, 0x20, 0xc2);
	pulse(&r, 1);
	pulse(&r, 3);
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x33);
	/* rotate on non-specific EOI: IRQ 3 becomes the lowest */
	bus_outb(&r.bus, 0x20, 0xa0);
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x31);
}

static void test_pic_cascade(struct test_ctx *t)
{
	struct pic_rig r;

	rig_init(&r, 0xfbfb, 0x01);			/* IRQ 2 and 10 open */
	pulse(&r, 10);
	CHECK(t, pic_interrupt_pending(&r.pic), "IRQ 10 does not reach the CPU");
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x3a);
	CHECK_EQ(t, read_isr(&r, 0x20), 0x04);
	CHECK_EQ(t, read_isr(&r, 0xa0), 0x04);
	/* a second slave interrupt waits for the master's IRQ 2 to end */
	bus_outb(&r.bus, 0xa1, 0xfa);			/* IRQ 8 too */
	pulse(&r, 8);
	CHECK(t, !pic_interrupt_pending(&r.pic), "IRQ 8 nested past the master's IRQ 2");
	bus_outb(&r.bus, 0xa0, 0x62);			/* Linux: the slave, then the master */
	bus_outb(&r.bus, 0x20, 0x62);
	CHECK(t, pic_interrupt_pending(&r.pic), "IRQ 8 lost behind IRQ 10");
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x38);
	/* the slave masked: nothing reaches the master */
	bus_outb(&r.bus, 0xa0, 0x20);
	bus_outb(&r.bus, 0x20, 0x20);
	bus_outb(&r.bus, 0xa1, 0xff);
	pulse(&r, 12);
	CHECK(t, !pic_interrupt_pending(&r.pic), "masked IRQ 12 pending");
}

static void test_pic_edge_and_spurious(struct test_ctx *t)
{
	struct pic_rig r;

	rig_init(&r, 0xfffe, 0x01);
	pic_set_irq(&r.pic, 0, true);
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x30);
	bus_outb(&r.bus, 0x20, 0x20);
	CHECK(t, !pic_interrupt_pending(&r.pic), "a held level fired twice");
	pic_set_irq(&r.pic, 0, false);
	pic_set_irq(&r.pic, 0, true);
	CHECK(t, pic_interrupt_pending(&r.pic), "a new edge was lost");
	pic_set_irq(&r.pic, 0, false);
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x30);
	bus_outb(&r.bus, 0x20, 0x20);
	/* nothing requested: the acknowledge is the spurious IRQ 7 */
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x37);
	CHECK_EQ(t, read_isr(&r, 0x20), 0x00);
}

static void test_pic_poll_auto_eoi_smm(struct test_ctx *t)
{
	struct pic_rig r;

	rig_init(&r, 0xffc0, 0x01);
	pulse(&r, 4);
	bus_outb(&r.bus, 0x20, 0x0c);			/* OCW3 poll */
	CHECK_EQ(t, bus_inb(&r.bus, 0x20), 0x84);
	CHECK_EQ(t, read_isr(&r, 0x20), 0x10);
	bus_outb(&r.bus, 0x20, 0x0c);
	CHECK_EQ(t, bus_inb(&r.bus, 0x20), 0x00);	/* nothing more */
	/* special mask mode: masking IRQ 4 in service lets IRQ 5 through */
	pulse(&r, 5);
	CHECK(t, !pic_interrupt_pending(&r.pic), "IRQ 5 past IRQ 4 in service");
	bus_outb(&r.bus, 0x20, 0x68);			/* set special mask */
	bus_outb(&r.bus, 0x21, 0xd0);
	CHECK(t, pic_interrupt_pending(&r.pic), "special mask mode ignored");
	/* auto-EOI (ICW4 0x03): nothing stays in service */
	rig_init(&r, 0xfffe, 0x03);
	pulse(&r, 0);
	CHECK_EQ(t, pic_interrupt_ack(&r.pic), 0x30);
	CHECK_EQ(t, read_isr(&r, 0x20), 0x00);
	pulse(&r, 0);
	CHECK(t, pic_interrupt_pending(&r.pic), "auto-EOI left IRQ 0 in service");
}

void run_dev_pic_tests(void)
{
	RUN_TEST(test_pic_init_and_mask);
	RUN_TEST(test_pic_priority_and_eoi);
	RUN_TEST(test_pic_cascade);
	RUN_TEST(test_pic_edge_and_spurious);
	RUN_TEST(test_pic_poll_auto_eoi_smm);
}
