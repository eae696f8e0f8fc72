/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host side of a Linux guest's serial console (host-console.c):
 * stdout for what the guest sends, stdin (raw when it is a terminal,
 * with QEMU's Ctrl-A commands) for what it receives.
 */
#ifndef PFVMM_HOST_CONSOLE_H
#define PFVMM_HOST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

struct host_console {
	int in_fd;
	bool tty;		/* in_fd is a terminal, now in raw mode */
	bool eof;		/* no more input */
	bool saw_ctrl_a;	/* the next byte is a command */
	bool quit;		/* Ctrl-A x */
	bool cr_pending;	/* a CR held back: CR LF goes out as LF */
	struct termios saved;
	char out[256];		/* guest output not written yet */
	size_t out_len;
};

void host_console_open(struct host_console *hc, int in_fd);
void host_console_close(struct host_console *hc);
void host_console_put(struct host_console *hc, uint8_t byte);
void host_console_flush(struct host_console *hc);
size_t host_console_filter(struct host_console *hc, uint8_t *buf, size_t n);
size_t host_console_read(struct host_console *hc, uint8_t *buf, size_t len);

#endif /* PFVMM_HOST_CONSOLE_H */
