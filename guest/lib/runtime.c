// SPDX-License-Identifier: GPL-2.0
/*
 * The guest runtime: console output through the console hypercall (port
 * 0xE9 under KVM), a
 * printk that knows %s %c %d %i %u %x %p %% (with l/ll/z, a width and
 * zero padding), shutdown, and the few string functions the compiler may
 * call on its own.
 */
#include "guest.h"

#define PRINTK_BUF	128

static int hv_detected = -1;

/** guest_hypervisor() - which hypervisor runs us (CPUID 0x40000000) */
enum guest_hv guest_hypervisor(void)
{
	uint32_t eax, ebx, ecx, edx;

	if (hv_detected >= 0)
		return (enum guest_hv)hv_detected;
	cpuid(PFVMM_CPUID_LEAF_BASE, &eax, &ebx, &ecx, &edx);
	if (ebx == PFVMM_CPUID_SIG_EBX && ecx == PFVMM_CPUID_SIG_ECX &&
	    edx == PFVMM_CPUID_SIG_EDX)
		hv_detected = GUEST_HV_PFVMM;
	else if (ebx == KVM_CPUID_SIG_EBX && ecx == KVM_CPUID_SIG_ECX &&
		 edx == KVM_CPUID_SIG_EDX)
		hv_detected = GUEST_HV_KVM;
	else
		hv_detected = GUEST_HV_OTHER;
	return (enum guest_hv)hv_detected;
}

const char *guest_hypervisor_name(void)
{
	switch (guest_hypervisor()) {
	case GUEST_HV_PFVMM:	return "pfvmm";
	case GUEST_HV_KVM:	return "kvm";
	default:		return "unknown";
	}
}

/** console_write() - write all of @buf; returns bytes written or < 0 */
long console_write(const char *buf, size_t len)
{
	size_t done = 0;

	if (guest_hypervisor() == GUEST_HV_KVM) {
		for (; done < len; done++)
			outb(GUEST_PORT_CONSOLE, (uint8_t)buf[done]);
		return (long)done;
	}
	while (done < len) {
		long n = hypercall2(PFVMM_HC_CONSOLE_WRITE,
				    (unsigned long)(buf + done), len - done);

		if (n <= 0)
			return done ? (long)done : n;
		done += (size_t)n;
	}
	return (long)done;
}

void puts(const char *s)
{
	console_write(s, strlen(s));
	console_write("\n", 1);
}

__attribute__((noreturn)) void shutdown(int status)
{
	if (guest_hypervisor() == GUEST_HV_KVM)
		outl(GUEST_PORT_EXIT, (uint32_t)status);
	else
		hypercall1(PFVMM_HC_SHUTDOWN, (unsigned long)status);
	for (;;)
		asm volatile("cli; hlt");
}

/* printk's output buffer: flushed when full and at the end. */
struct pbuf {
	char buf[PRINTK_BUF];
	size_t len;
};

static void pbuf_putc(struct pbuf *pb, char c)
{
	if (pb->len == sizeof(pb->buf)) {
		console_write(pb->buf, pb->len);
		pb->len = 0;
	}
	pb->buf[pb->len++] = c;
}

static void pbuf_puts(struct pbuf *pb, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		pbuf_putc(pb, *s++);
}

/* One number, in base 10 or 16, at least @width digits wide. */
static void pbuf_number(struct pbuf *pb, unsigned long long v, unsigned int base,
			int negative, int width, char pad)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative)
		digits[n++] = '-';
	while (width-- > n)
		pbuf_putc(pb, pad);
	while (n)
		pbuf_putc(pb, digits[--n]);
}

/* The integer argument of a conversion with @lmod 'l's (z counts as 1). */
static unsigned long long arg_unsigned(va_list *ap, int lmod)
{
	if (lmod >= 2)
		return va_arg(*ap, unsigned long long);
	if (lmod == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long arg_signed(va_list *ap, int lmod)
{
	if (lmod >= 2)
		return va_arg(*ap, long long);
	if (lmod == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void pbuf_conversion(struct pbuf *pb, char conv, int lmod, int width,
			    char pad, va_list *ap)
{
	long long s;

	switch (conv) {
	case 'd':
	case 'i':
		s = arg_signed(ap, lmod);
		pbuf_number(pb, s < 0 ? 0ull - (unsigned long long)s : (unsigned long long)s,
			    10, s < 0, width, pad);
		break;
	case 'u':
		pbuf_number(pb, arg_unsigned(ap, lmod), 10, 0, width, pad);
		break;
	case 'x':
		pbuf_number(pb, arg_unsigned(ap, lmod), 16, 0, width, pad);
		break;
	case 'p':
		pbuf_puts(pb, "0x");
		pbuf_number(pb, (unsigned long)va_arg(*ap, void *), 16, 0, width, pad);
		break;
	case 's':
		pbuf_puts(pb, va_arg(*ap, const char *));
		break;
	case 'c':
		pbuf_putc(pb, (char)va_arg(*ap, int));
		break;
	default:
		pbuf_putc(pb, '%');
		pbuf_putc(pb, conv);
	}
}

void vprintk(const char *fmt, va_list ap)
{
	struct pbuf pb = { .len = 0 };
	va_list aq;

	va_copy(aq, ap);
	for (; *fmt; fmt++) {
		int lmod = 0, width = 0;
		char pad = ' ';

		if (*fmt != '%' || fmt[1] == '%') {
			fmt += *fmt == '%';
			pbuf_putc(&pb, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lmod++;
		if (!*fmt)
			break;
		pbuf_conversion(&pb, *fmt, lmod, width, pad, &aq);
	}
	va_end(aq);
	console_write(pb.buf, pb.len);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
