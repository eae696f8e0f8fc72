/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tiny runtime shared by every pfvmm test guest: hypercalls (VMCALL,
 * number in RAX, arguments in RDI, RSI, RDX, R10, R8, result in RAX),
 * console output, a small printk and shutdown.
 *
 * The same guests also run under KVM (pfvmm run --backend kvm), which
 * handles VMCALL itself and knows none of pfvmm's hypercalls.  The runtime
 * tells the two apart by the CPUID 0x40000000 signature and under KVM
 * writes the console to port 0xE9 and the shutdown status to port 0xF4
 * (32-bit OUT), which the launcher's KVM backend turns into the same
 * output and exit status.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <pfvmm/bootinfo.h>
#include <pfvmm/hypercall.h>

static inline long hypercall0(unsigned long nr)
{
	long ret;

	asm volatile("vmcall" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static inline long hypercall1(unsigned long nr, unsigned long a0)
{
	long ret;

	asm volatile("vmcall" : "=a"(ret) : "a"(nr), "D"(a0) : "memory");
	return ret;
}

static inline long hypercall2(unsigned long nr, unsigned long a0,
			      unsigned long a1)
{
	long ret;

	asm volatile("vmcall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1) : "memory");
	return ret;
}

static inline long hypercall3(unsigned long nr, unsigned long a0,
			      unsigned long a1, unsigned long a2)
{
	long ret;

	asm volatile("vmcall" : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(a2) : "memory");
	return ret;
}

static inline long hypercall4(unsigned long nr, unsigned long a0,
			      unsigned long a1, unsigned long a2,
			      unsigned long a3)
{
	register unsigned long r10 asm("r10") = a3;
	long ret;

	asm volatile("vmcall" : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10) : "memory");
	return ret;
}

static inline long hypercall5(unsigned long nr, unsigned long a0,
			      unsigned long a1, unsigned long a2,
			      unsigned long a3, unsigned long a4)
{
	register unsigned long r10 asm("r10") = a3;
	register unsigned long r8 asm("r8") = a4;
	long ret;

	asm volatile("vmcall" : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
		     : "memory");
	return ret;
}

static inline void cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx,
			 uint32_t *ecx, uint32_t *edx)
{
	asm volatile("cpuid" : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
		     : "a"(leaf), "c"(0));
}

static inline void outb(uint16_t port, uint8_t val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t val)
{
	asm volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	asm volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

/* KVM's CPUID 0x40000000 signature, "KVMKVMKVM\0\0\0". */
#define KVM_CPUID_SIG_EBX	0x4b4d564bu	/* "KVMK" */
#define KVM_CPUID_SIG_ECX	0x564b4d56u	/* "VMKV" */
#define KVM_CPUID_SIG_EDX	0x0000004du	/* "M\0\0\0" */

/* Ports the launcher understands (both backends). */
#define GUEST_PORT_CONSOLE	0xe9	/* OUT: one console byte */
#define GUEST_PORT_EXIT		0xf4	/* OUT (32-bit): shutdown status */

/*
 * A hypercall number KVM does not know (KVM's own are small numbers):
 * VMCALL with it still exits to KVM and returns -KVM_ENOSYS.
 */
#define GUEST_KVM_UNKNOWN_HC	0x70666e6full
#define GUEST_KVM_ENOSYS	1000		/* KVM's -KVM_ENOSYS */

enum guest_hv {
	GUEST_HV_OTHER = 0,	/* no known signature: assume pfvmm's hypercalls */
	GUEST_HV_PFVMM,
	GUEST_HV_KVM,
};

/* lib/runtime.c */
enum guest_hv guest_hypervisor(void);	/* detected once, by CPUID */
const char *guest_hypervisor_name(void);
long console_write(const char *buf, size_t len);
void puts(const char *s);		/* s and a newline, as libc's */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
__attribute__((noreturn)) void shutdown(int status);

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

int main(struct pfvmm_bootinfo *bi);

#endif /* GUEST_H */
