/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC a Linux guest runs on ('pfvmm run --kernel', pc.c): the devices
 * of devices.h on one port bus, COM1 on the host console, and what the
 * vCPU loop does with them at I/O exits, at HLT and before each entry.
 */
#ifndef PFVMM_PC_H
#define PFVMM_PC_H

#include <stdio.h>

#include "devices.h"
#include "host-console.h"
#include "vmm.h"

#define PC_COM1		0x3f8
#define PC_IRQ_PIT	0
#define PC_IRQ_KBD	1
#define PC_IRQ_COM1	4
#define PC_IRQ_RTC	8
#define PC_MILESTONE_PORT 0x100	/* a write: the guest reached its milestone */
#define PC_PANIC_TEXT	"Kernel panic - not syncing"
#define PC_KICK_NS	2000000ull	/* the longest the guest runs unpolled */
#define PC_FLUSH_NS	5000000ull	/* the longest guest output waits */

struct pc {
	struct ioport_bus bus;
	struct pic pic;
	struct pit pit;
	struct uart com1;
	struct rtc rtc;
	struct i8042 kbc;
	struct host_console con;
	const struct dev_clock *clock;
	uint64_t out_since;	/* when the oldest unwritten output came */
	bool reset;		/* the guest reset the machine */
	bool milestone;		/* the milestone port was written */
	bool panicked;		/* PC_PANIC_TEXT came out of COM1 */
	size_t panic_match;	/* how much of PC_PANIC_TEXT came last */
};

void pc_init(struct pc *pc, const struct dev_clock *clock, int in_fd,
	     FILE *debug_ports);
void pc_exit(struct pc *pc);
void pc_poll(struct pc *pc);
uint64_t pc_next_event_ns(struct pc *pc);
int pc_vcpu_io(struct vcpu *vcpu);
int pc_vcpu_halt(struct vcpu *vcpu);
int pc_vcpu_enter(struct vcpu *vcpu);
int pc_kick_start(void);
void pc_kick_stop(void);

#endif /* PFVMM_PC_H */
