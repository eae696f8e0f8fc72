// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of a Linux guest's serial console: what COM1 sends goes
 * to stdout through the run loop's escaping of guest text (a CR before a
 * LF is dropped, the terminal's ONLCR puts it back), and stdin feeds
 * COM1's receiver, no faster than its FIFO takes.  A terminal on stdin
 * is put in raw mode for the run (restored after): every key, Ctrl-C
 * included, goes to the guest, and as in QEMU Ctrl-A starts a command:
 * Ctrl-A x stops the launcher, Ctrl-A Ctrl-A sends a Ctrl-A, Ctrl-A h
 * lists them.  Piped input is passed on as it is, until its end.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "host-console.h"
#include "vmm.h"

#define CTRL_A	0x01
#define CR	'\r'

/** host_console_open() - read the guest's input from @in_fd (-1: none) */
void host_console_open(struct host_console *hc, int in_fd)
{
	struct termios raw;

	memset(hc, 0, sizeof(*hc));
	hc->in_fd = in_fd;
	hc->eof = in_fd < 0;
	if (in_fd < 0 || !isatty(in_fd) || tcgetattr(in_fd, &hc->saved))
		return;
	raw = hc->saved;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR;	/* the guest's LF still starts a line */
	hc->tty = !tcsetattr(in_fd, TCSAFLUSH, &raw);
}

/** host_console_close() - flush the output, give the terminal back */
void host_console_close(struct host_console *hc)
{
	host_console_flush(hc);
	if (hc->tty)
		tcsetattr(hc->in_fd, TCSAFLUSH, &hc->saved);
	hc->tty = false;
}

void host_console_flush(struct host_console *hc)
{
	if (hc->out_len)
		guest_text_write(hc->out, hc->out_len);
	hc->out_len = 0;
}

static void out_byte(struct host_console *hc, char c)
{
	if (hc->out_len == sizeof(hc->out))
		host_console_flush(hc);
	hc->out[hc->out_len++] = c;
}

/** host_console_put() - a byte the guest sent; lines go out as they end */
void host_console_put(struct host_console *hc, uint8_t byte)
{
	if (hc->cr_pending && byte != '\n')
		out_byte(hc, CR);
	hc->cr_pending = byte == CR;
	if (byte != CR)
		out_byte(hc, (char)byte);
	if (byte == '\n')
		host_console_flush(hc);
}

static void print_help(void)
{
	static const char help[] = "\r\npfvmm: Ctrl-A x  stop the guest and exit\r\n"
				   "pfvmm: Ctrl-A Ctrl-A  send Ctrl-A\r\n"
				   "pfvmm: Ctrl-A h  this help\r\n";

	if (write(STDERR_FILENO, help, sizeof(help) - 1) < 0)
		return;
}

/* One byte after Ctrl-A: kept (>= 0) or taken as a command (-1). */
static int escape_command(struct host_console *hc, uint8_t c)
{
	switch (c) {
	case CTRL_A:
		return CTRL_A;
	case 'x': case 'X':
		hc->quit = true;
		return -1;
	case 'h': case 'H': case '?':
		print_help();
		return -1;
	default:
		return -1;	/* unknown: dropped, as QEMU does */
	}
}

/**
 * host_console_filter() - the Ctrl-A commands of a terminal, in place
 * @buf, @n: bytes read from the terminal
 *
 * Return: how many of them are for the guest (at the start of @buf).
 */
size_t host_console_filter(struct host_console *hc, uint8_t *buf, size_t n)
{
	size_t i, kept = 0;

	for (i = 0; i < n && !hc->quit; i++) {
		int c = buf[i];

		if (hc->saw_ctrl_a) {
			hc->saw_ctrl_a = false;
			c = escape_command(hc, (uint8_t)c);
		} else if (c == CTRL_A) {
			hc->saw_ctrl_a = true;
			c = -1;
		}
		if (c >= 0)
			buf[kept++] = (uint8_t)c;
	}
	return kept;
}

/**
 * host_console_read() - what stdin has for the guest now, without waiting
 * @len: at most this many (the room in the UART's FIFO)
 *
 * Return: the bytes in @buf (0: nothing now, or the input ended).
 */
size_t host_console_read(struct host_console *hc, uint8_t *buf, size_t len)
{
	struct pollfd pfd = { hc->in_fd, POLLIN, 0 };
	ssize_t n;

	if (hc->eof || !len || poll(&pfd, 1, 0) != 1)
		return 0;
	n = read(hc->in_fd, buf, len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		hc->eof = true;
		return 0;
	}
	return hc->tty ? host_console_filter(hc, buf, (size_t)n) : (size_t)n;
}
