// SPDX-License-Identifier: GPL-2.0
/*
 * irq.elf: the guest side of the interrupt-injection test
 * (tests/vm/irqtest.c drives it; tests/vm/t-irq.sh runs it).  It asks its
 * launcher for each step with an OUT to port 0x81 (the byte is the step),
 * and counts the interrupts that reach vector 0x30 of its own IDT:
 *
 *   1  with IF = 0 the launcher queues vector 0x30: it must not arrive
 *      through several exits, then arrives right after STI
 *   2  with IF = 1 the launcher asks for an interrupt window: the next
 *      entry exits at once (IRQ_WINDOW_OPEN) and it injects then
 *   3  with IF = 0 it asks for a window again: the exit comes only once
 *      the guest executes STI
 *
 * Any other vector ends the guest with status 3.  Prints "result irq
 * count=N steps=ok|bad" and shuts down with 0 when every count was right.
 */
#include "guest.h"

#define IRQ_TEST_VECTOR	0x30
#define STEP_PORT	0x81

struct idt_gate {
	uint64_t lo, hi;
};

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
volatile unsigned long irq_count;

void irq_unexpected(void);
void irq_unexpected(void)
{
	puts("irq: an interrupt or exception on a vector other than 0x30");
	shutdown(3);
}

/* The two entry points: the test vector counts and returns, others stop. */
asm(".text\n"
    ".globl irq_test_entry\n"
    "irq_test_entry:\n\t"
    "lock incq irq_count(%rip)\n\t"
    "iretq\n"
    ".globl irq_other_entry\n"
    "irq_other_entry:\n\t"
    "andq $-16, %rsp\n\t"
    "call irq_unexpected\n");

void irq_test_entry(void);
void irq_other_entry(void);

static void gate_set(unsigned int v, void (*fn)(void))
{
	uint64_t a = (uint64_t)fn;

	idt[v].lo = (a & 0xffff) | (0x08ull << 16) | (0x8eull << 40) |
		    (((a >> 16) & 0xffff) << 48);
	idt[v].hi = a >> 32;
}

static void idt_load(void)
{
	struct idt_ptr p = { sizeof(idt) - 1, (uint64_t)idt };
	unsigned int v;

	for (v = 0; v < 256; v++)
		gate_set(v, irq_other_entry);
	gate_set(IRQ_TEST_VECTOR, irq_test_entry);
	asm volatile("lidt %0" : : "m"(p) : "memory");
}

/* A few exits (CPUID) while the interrupt must stay queued. */
static void some_exits(void)
{
	uint32_t a, b, c, d;
	int i;

	for (i = 0; i < 8; i++)
		cpuid(0, &a, &b, &c, &d);
}

static int expect_count(const char *when, unsigned long want)
{
	unsigned long got = irq_count;

	printk("irq: %s: %lu interrupt(s), want %lu\n", when, got, want);
	return got == want ? 0 : 1;
}

int main(struct pfvmm_bootinfo *bi)
{
	int bad = 0;

	(void)bi;
	idt_load();
	asm volatile("cli");
	outb(STEP_PORT, 1);
	some_exits();
	bad += expect_count("step 1, IF=0, queued", 0);
	asm volatile("sti; nop; cli" : : : "memory");
	bad += expect_count("step 1, after STI", 1);

	asm volatile("sti" : : : "memory");
	outb(STEP_PORT, 2);
	some_exits();
	asm volatile("cli" : : : "memory");
	bad += expect_count("step 2, window with IF=1", 2);

	outb(STEP_PORT, 3);
	some_exits();
	bad += expect_count("step 3, window requested, IF=0", 2);
	asm volatile("sti; nop; cli" : : : "memory");
	bad += expect_count("step 3, after STI", 3);

	printk("result irq count=%lu steps=%s\n", irq_count, bad ? "bad" : "ok");
	return bad ? 1 : 0;
}
