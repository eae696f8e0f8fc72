// SPDX-License-Identifier: GPL-2.0
/*
 * syscall.elf: a guest with SYSCALL of its own (tests/vm/t-host-state.sh
 * runs it under hostcheck).  It sets EFER.SCE, STAR and LSTAR with WRMSR,
 * reads LSTAR back, and makes SYSCALLs at CPL0 before and after exits to
 * userspace: each must land at its own entry point, never at the host's.
 * (If the host's LSTAR were left to the guest, or the guest's left on the
 * host, hostcheck's own next system call would not come back.)  Prints
 * "result syscall count=N lstar=ok|bad" and shuts down with 0 when N is 2
 * and LSTAR read back right.
 */
#include "guest.h"

#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_SFMASK	0xc0000084
#define EFER_SCE	1ull

volatile unsigned long syscall_count;

/* The entry: count, then back to RCX with the flags SYSCALL saved in R11. */
asm(".text\n"
    ".globl syscall_entry\n"
    "syscall_entry:\n\t"
    "lock incq syscall_count(%rip)\n\t"
    "pushq %r11\n\t"
    "popfq\n\t"
    "jmp *%rcx\n");

void syscall_entry(void);

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

static void do_syscall(void)
{
	asm volatile("syscall" : : : "rcx", "r11", "memory");
}

int main(struct pfvmm_bootinfo *bi)
{
	uint64_t lstar;
	int ok;

	(void)bi;
	wrmsr(MSR_STAR, 0x08ull << 32);		/* CS 0x08, SS 0x10 */
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	do_syscall();
	lstar = rdmsr(MSR_LSTAR);
	printk("syscall: LSTAR reads 0x%lx, entry 0x%lx, %lu syscall(s)\n",
	       (unsigned long)lstar, (unsigned long)syscall_entry, syscall_count);
	do_syscall();	/* after an exit to userspace */
	ok = lstar == (uint64_t)syscall_entry;
	printk("result syscall count=%lu lstar=%s\n", syscall_count,
	       ok ? "ok" : "bad");
	return ok && syscall_count == 2 ? 0 : 1;
}
