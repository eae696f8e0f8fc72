// SPDX-License-Identifier: GPL-2.0
/*
 * A pair of 8259A interrupt controllers as on every PC: the master at
 * 0x20/0x21 takes IRQ 0-7, the slave at 0xa0/0xa1 IRQ 8-15 and drives the
 * master's IRQ 2.  Edge-triggered inputs (the ISA default; LTIM is not
 * modelled), the initialization sequence ICW1-ICW4, the mask (OCW1), EOI
 * and priority rotation (OCW2), reading IRR or ISR and poll mode (OCW3),
 * special mask mode, special fully nested mode and auto-EOI.
 *
 * The vCPU loop asks pic_interrupt_pending() whether the INTR line to the
 * CPU is up and, when the guest can take the interrupt, runs the
 * acknowledge cycle with pic_interrupt_ack(), which returns the vector
 * (the cascade through IRQ 2 included; a spurious IRQ 7 or 15 when the
 * request went away).  The logic follows the datasheet and QEMU's i8259.
 */
#include <string.h>

#include "devices.h"

#define PIC_MASTER	0
#define PIC_SLAVE	1
#define PIC_CASCADE	2	/* the master's input the slave drives */
#define NO_IRQ		8

#define ICW1		0x10
#define ICW1_ICW4	0x01
#define ICW1_SINGLE	0x02
#define OCW3		0x08
#define OCW3_POLL	0x04
#define OCW3_READ	0x02
#define OCW3_SMM	0x40
#define ICW4_AEOI	0x02
#define ICW4_SFNM	0x10

/* The priority (0: highest) of the highest input in @mask; NO_IRQ: none. */
static unsigned int highest(const struct pic_chip *c, uint8_t mask)
{
	unsigned int prio;

	for (prio = 0; prio < 8; prio++)
		if (mask & (1u << ((prio + c->lowest + 1) & 7)))
			return prio;
	return NO_IRQ;
}

static unsigned int prio_irq(const struct pic_chip *c, unsigned int prio)
{
	return (prio + c->lowest + 1) & 7;
}

/* The input this chip would raise INTR for now, or NO_IRQ. */
static unsigned int chip_request(const struct pic_chip *c, bool master)
{
	unsigned int want = highest(c, c->irr & ~c->imr), busy;
	uint8_t in_service = c->isr;

	if (want == NO_IRQ)
		return NO_IRQ;
	if (c->special_mask)
		in_service &= ~c->imr;
	/* special fully nested mode: the slave's own priorities count */
	if (master && c->sfnm)
		in_service &= ~(1u << PIC_CASCADE);
	busy = highest(c, in_service);
	return want < busy ? prio_irq(c, want) : NO_IRQ;
}

static void chip_set_input(struct pic_chip *c, unsigned int irq, bool level)
{
	uint8_t bit = (uint8_t)(1u << irq);

	if (level && !(c->level & bit))
		c->irr |= bit;		/* a rising edge */
	if (level)
		c->level |= bit;
	else
		c->level &= ~bit;
}

/*
 * The slave's INTR output is the master's IRQ 2 input: while the slave
 * requests, each update is an edge there (as in QEMU), so the next slave
 * interrupt gets through once the first one is acknowledged.
 */
static void update_cascade(struct pic *pic)
{
	struct pic_chip *m = &pic->chip[PIC_MASTER];

	chip_set_input(m, PIC_CASCADE, chip_request(&pic->chip[PIC_SLAVE], false) != NO_IRQ);
	chip_set_input(m, PIC_CASCADE, false);
}

/** pic_set_irq() - drive input @irq (0-15) to @level */
void pic_set_irq(struct pic *pic, unsigned int irq, bool level)
{
	if (irq >= 16)
		return;
	chip_set_input(&pic->chip[irq >> 3], irq & 7, level);
	update_cascade(pic);
}

static void irq_line_to_pic(void *chip, unsigned int line, bool level)
{
	pic_set_irq(chip, line, level);
}

struct irq_line pic_irq_line(struct pic *pic, unsigned int irq)
{
	return (struct irq_line){ irq_line_to_pic, pic, irq };
}

/** pic_interrupt_pending() - is the INTR line to the CPU up? */
bool pic_interrupt_pending(const struct pic *pic)
{
	return chip_request(&pic->chip[PIC_MASTER], true) != NO_IRQ;
}

/* The acknowledge of @irq: into service (unless auto-EOI), out of IRR. */
static void chip_ack(struct pic_chip *c, unsigned int irq)
{
	if (c->auto_eoi) {
		if (c->rotate_auto_eoi)
			c->lowest = (uint8_t)irq;
	} else {
		c->isr |= (uint8_t)(1u << irq);
	}
	c->irr &= (uint8_t)~(1u << irq);
}

/* The slave's part of an acknowledge through IRQ 2: its vector. */
static int slave_ack(struct pic *pic)
{
	struct pic_chip *s = &pic->chip[PIC_SLAVE];
	unsigned int irq = chip_request(s, false);

	if (irq == NO_IRQ)
		irq = 7;		/* spurious */
	else
		chip_ack(s, irq);
	return s->vector_base + (int)irq;
}

/**
 * pic_interrupt_ack() - the CPU's interrupt acknowledge cycle
 *
 * Return: the vector to deliver (the master's or, through IRQ 2, the
 * slave's); the spurious IRQ 7 vector when nothing is requested.
 */
int pic_interrupt_ack(struct pic *pic)
{
	struct pic_chip *m = &pic->chip[PIC_MASTER];
	unsigned int irq = chip_request(m, true);
	int vector;

	if (irq == NO_IRQ)
		return m->vector_base + 7;
	chip_ack(m, irq);
	vector = irq == PIC_CASCADE && !m->single ? slave_ack(pic) :
		 m->vector_base + (int)irq;
	update_cascade(pic);
	return vector;
}

static void chip_reset(struct pic_chip *c)
{
	uint8_t level = c->level;

	memset(c, 0, sizeof(*c));
	c->level = level;
	c->lowest = 7;		/* IRQ 0 has the highest priority */
}

void pic_init(struct pic *pic)
{
	memset(pic, 0, sizeof(*pic));
	chip_reset(&pic->chip[PIC_MASTER]);
	chip_reset(&pic->chip[PIC_SLAVE]);
}

/* OCW2: the EOIs and the priority commands. */
static void chip_ocw2(struct pic_chip *c, uint8_t v)
{
	unsigned int cmd = v >> 5, irq = v & 7, prio;

	switch (cmd) {
	case 0: case 4:		/* rotate in auto-EOI mode: clear, set */
		c->rotate_auto_eoi = cmd == 4;
		break;
	case 1: case 5:		/* non-specific EOI, and rotate */
		prio = highest(c, c->isr);
		if (prio == NO_IRQ)
			break;
		irq = prio_irq(c, prio);
		c->isr &= (uint8_t)~(1u << irq);
		if (cmd == 5)
			c->lowest = (uint8_t)irq;
		break;
	case 3: case 7:		/* specific EOI, and rotate */
		c->isr &= (uint8_t)~(1u << irq);
		if (cmd == 7)
			c->lowest = (uint8_t)irq;
		break;
	case 6:			/* set priority: @irq lowest */
		c->lowest = (uint8_t)irq;
		break;
	}
}

static void chip_write_command(struct pic_chip *c, uint8_t v)
{
	if (v & ICW1) {
		chip_reset(c);
		c->init_step = 1;
		c->icw4 = v & ICW1_ICW4;
		c->single = v & ICW1_SINGLE;
	} else if (v & OCW3) {
		if (v & OCW3_POLL)
			c->poll = true;
		if (v & OCW3_READ)
			c->read_isr = v & 1;
		if (v & OCW3_SMM)
			c->special_mask = (v >> 5) & 1;
	} else {
		chip_ocw2(c, v);
	}
}

static void chip_write_data(struct pic_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case 0:			/* OCW1 */
		c->imr = v;
		break;
	case 1:			/* ICW2 */
		c->vector_base = v & 0xf8;
		c->init_step = c->single ? (c->icw4 ? 3 : 0) : 2;
		break;
	case 2:			/* ICW3: the cascade wiring, fixed here */
		c->init_step = c->icw4 ? 3 : 0;
		break;
	default:		/* ICW4 */
		c->auto_eoi = v & ICW4_AEOI;
		c->sfnm = v & ICW4_SFNM;
		c->init_step = 0;
		break;
	}
}

/* Poll mode: the read is the acknowledge; 0x80 | IRQ, or 0. */
static uint8_t chip_poll(struct pic *pic, unsigned int which)
{
	struct pic_chip *c = &pic->chip[which];
	unsigned int irq = chip_request(c, which == PIC_MASTER);

	c->poll = false;
	if (irq == NO_IRQ)
		return 0;
	chip_ack(c, irq);
	update_cascade(pic);
	return (uint8_t)(0x80 | irq);
}

static uint8_t pic_in(void *dev, uint16_t port)
{
	struct pic *pic = dev;
	unsigned int which = port >= 0xa0 ? PIC_SLAVE : PIC_MASTER;
	struct pic_chip *c = &pic->chip[which];

	if (c->poll)
		return chip_poll(pic, which);
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

static void pic_out(void *dev, uint16_t port, uint8_t value)
{
	struct pic *pic = dev;
	struct pic_chip *c = &pic->chip[port >= 0xa0 ? PIC_SLAVE : PIC_MASTER];

	if (port & 1)
		chip_write_data(c, value);
	else
		chip_write_command(c, value);
	update_cascade(pic);
}

void pic_attach(struct pic *pic, struct ioport_bus *bus)
{
	const struct ioport_range master = { "pic1", 0x20, 2, pic_in, pic_out, pic };
	const struct ioport_range slave = { "pic2", 0xa0, 2, pic_in, pic_out, pic };

	ioport_bus_add(bus, &master);
	ioport_bus_add(bus, &slave);
}
