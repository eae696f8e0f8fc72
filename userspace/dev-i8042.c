// SPDX-License-Identifier: GPL-2.0
/*
 * The i8042 keyboard controller at 0x60 (data) and 0x64 (status and
 * command), just enough for Linux: its driver finds a controller that
 * passes the self-test and answers the command byte, with no keyboard
 * and no mouse behind it (writes to the keyboard are dropped), and
 * 'reboot=k' (command 0xfe, or any pulse of output line 0, or output
 * port bit 0 cleared with command 0xd1) resets the machine through the
 * reset callback.  A byte placed in the output buffer raises IRQ 1 when
 * the command byte enables it.
 */
#include <string.h>

#include "devices.h"

#define STATUS_OBF	0x01
#define STATUS_SYS	0x04	/* the self-test passed */
#define STATUS_CMD	0x08	/* the last write was to 0x64 */
#define STATUS_UNLOCKED	0x10
#define CTR_KBD_INT	0x01
#define CTR_SYS		0x04
#define CTR_KBD_OFF	0x10
#define CTR_AUX_OFF	0x20
#define CTR_XLATE	0x40
#define OUT_RESET	0x01	/* output port bit 0: the CPU reset line, active low */

enum {
	CMD_READ_CTR = 0x20, CMD_WRITE_CTR = 0x60, CMD_AUX_OFF = 0xa7,
	CMD_AUX_ON = 0xa8, CMD_AUX_TEST = 0xa9, CMD_SELF_TEST = 0xaa,
	CMD_KBD_TEST = 0xab, CMD_KBD_OFF = 0xad, CMD_KBD_ON = 0xae,
	CMD_READ_INPUT = 0xc0, CMD_READ_OUT = 0xd0, CMD_WRITE_OUT = 0xd1,
	CMD_WRITE_KBD_OBUF = 0xd2, CMD_WRITE_AUX_OBUF = 0xd3, CMD_WRITE_AUX = 0xd4,
	CMD_PULSE = 0xf0,	/* 0xf0-0xff: pulse the output lines whose bit is 0 */
};

static void queue_byte(struct i8042 *kbc, uint8_t byte)
{
	if (kbc->count == I8042_QUEUE)
		return;
	kbc->queue[(kbc->head + kbc->count++) % I8042_QUEUE] = byte;
	if (kbc->ctr & CTR_KBD_INT)
		irq_line_pulse(&kbc->irq1);
}

static void reset_machine(struct i8042 *kbc)
{
	if (kbc->reset)
		kbc->reset(kbc->reset_ctx);
}

static void run_command(struct i8042 *kbc, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_CTR:	queue_byte(kbc, kbc->ctr);		break;
	case CMD_AUX_OFF:	kbc->ctr |= CTR_AUX_OFF;		break;
	case CMD_AUX_ON:	kbc->ctr &= ~CTR_AUX_OFF;		break;
	case CMD_AUX_TEST:	queue_byte(kbc, 0xff);	/* no mouse port */ break;
	case CMD_SELF_TEST:	queue_byte(kbc, 0x55);			break;
	case CMD_KBD_TEST:	queue_byte(kbc, 0x00);			break;
	case CMD_KBD_OFF:	kbc->ctr |= CTR_KBD_OFF;		break;
	case CMD_KBD_ON:	kbc->ctr &= ~CTR_KBD_OFF;		break;
	case CMD_READ_INPUT:	queue_byte(kbc, 0x80);	/* not inhibited */ break;
	case CMD_READ_OUT:	queue_byte(kbc, kbc->out_port);		break;
	case CMD_WRITE_CTR: case CMD_WRITE_OUT: case CMD_WRITE_KBD_OBUF:
	case CMD_WRITE_AUX_OBUF: case CMD_WRITE_AUX:
		kbc->pending = cmd;	/* the data byte follows at 0x60 */
		break;
	default:
		if (cmd >= CMD_PULSE && !(cmd & OUT_RESET))
			reset_machine(kbc);
		break;
	}
}

/* A byte to 0x60: the data of a pending command, or for the keyboard. */
static void write_data(struct i8042 *kbc, uint8_t v)
{
	uint8_t cmd = kbc->pending;

	kbc->pending = 0;
	switch (cmd) {
	case CMD_WRITE_CTR:
		kbc->ctr = v;
		break;
	case CMD_WRITE_OUT:
		kbc->out_port = v;
		if (!(v & OUT_RESET))
			reset_machine(kbc);
		break;
	case CMD_WRITE_KBD_OBUF:
	case CMD_WRITE_AUX_OBUF:
		queue_byte(kbc, v);
		break;
	default:
		break;		/* no keyboard, no mouse: nobody answers */
	}
}

static uint8_t read_status(const struct i8042 *kbc)
{
	return (uint8_t)((kbc->count ? STATUS_OBF : 0) | STATUS_UNLOCKED |
			 (kbc->ctr & CTR_SYS ? STATUS_SYS : 0) |
			 (kbc->last_was_command ? STATUS_CMD : 0));
}

static uint8_t read_data(struct i8042 *kbc)
{
	uint8_t byte;

	if (!kbc->count)
		return 0;	/* the last byte again on hardware; nothing here */
	byte = kbc->queue[kbc->head];
	kbc->head = (kbc->head + 1) % I8042_QUEUE;
	kbc->count--;
	return byte;
}

static uint8_t i8042_in(void *dev, uint16_t port)
{
	struct i8042 *kbc = dev;

	return port == 0x64 ? read_status(kbc) : read_data(kbc);
}

static void i8042_out(void *dev, uint16_t port, uint8_t v)
{
	struct i8042 *kbc = dev;

	kbc->last_was_command = port == 0x64;
	if (port == 0x64)
		run_command(kbc, v);
	else
		write_data(kbc, v);
}

/** i8042_init() - after the BIOS: translated, interrupts off, self-tested */
void i8042_init(struct i8042 *kbc, struct irq_line irq1,
		void (*reset)(void *ctx), void *reset_ctx)
{
	memset(kbc, 0, sizeof(*kbc));
	kbc->ctr = CTR_XLATE | CTR_SYS | CTR_AUX_OFF;
	kbc->out_port = 0xcf;	/* reset line high, A20 on, buffers empty */
	kbc->irq1 = irq1;
	kbc->reset = reset;
	kbc->reset_ctx = reset_ctx;
}

void i8042_attach(struct i8042 *kbc, struct ioport_bus *bus)
{
	const struct ioport_range data = { "i8042", 0x60, 1, i8042_in, i8042_out, kbc };
	const struct ioport_range cmd = { "i8042", 0x64, 1, i8042_in, i8042_out, kbc };

	ioport_bus_add(bus, &data);
	ioport_bus_add(bus, &cmd);
}
