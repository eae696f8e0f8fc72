// SPDX-License-Identifier: GPL-2.0
/*
 * bad.elf: a guest that misbehaves on request, to exercise the launcher's
 * and the module's error paths.  The first word of the command line
 * ('pfvmm run bad.elf -- MODE [N]') picks the behaviour:
 *
 *   triple (default)  load an empty IDT and execute int3: a triple fault,
 *                     which the VMM must turn into a guest error
 *   hlt               cli; hlt: the launcher ends with status 0
 *   io                print through port 0xE9, check IN returns all ones
 *   badhc             an unknown hypercall number must return -ENOSYS
 *   badptr            console_write from an unmapped address must fail
 *   exit N            shutdown(N)
 */
#include "guest.h"

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void triple_fault(void)
{
	static const struct idt_ptr empty = { 0, 0 };

	puts("bad: empty IDT, then int3: expect a triple fault");
	asm volatile("lidt %0; int3" : : "m"(empty));
	puts("bad: still alive after the triple fault?");
	shutdown(3);
}

static void halt(void)
{
	puts("bad: hlt");
	asm volatile("cli; hlt");
	puts("bad: resumed after hlt?");
	shutdown(3);
}

static int port_io(void)
{
	const char *msg = "bad: hello through port 0xe9\n";
	uint8_t in;

	while (*msg)
		outb(0xe9, (uint8_t)*msg++);
	in = inb(0x80);
	printk("bad: inb(0x80) = 0x%x\n", in);
	return in == 0xff ? 0 : 1;
}

static int bad_hypercall(void)
{
	long ret = hypercall0(9999);

	printk("bad: hypercall 9999 returned %ld\n", ret);
	return ret == -PFVMM_ENOSYS ? 0 : 1;
}

static int bad_pointer(const struct pfvmm_bootinfo *bi)
{
	unsigned long va = (unsigned long)bi->mem_size + 0x100000;
	long ret = hypercall2(PFVMM_HC_CONSOLE_WRITE, va, 16);

	printk("bad: console_write from unmapped 0x%lx returned %ld\n", va, ret);
	return ret < 0 ? 0 : 1;
}

static int parse_uint(const char *s)
{
	int v = 0;

	while (*s == ' ')
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Does the command line start with the word @word? */
static int mode_is(const char *cmdline, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(cmdline, word, n) && (cmdline[n] == '\0' || cmdline[n] == ' ');
}

int main(struct pfvmm_bootinfo *bi)
{
	const char *cmd = bi->cmdline;

	if (!cmd[0] || mode_is(cmd, "triple"))
		triple_fault();
	if (mode_is(cmd, "hlt"))
		halt();
	if (mode_is(cmd, "io"))
		return port_io();
	if (mode_is(cmd, "badhc"))
		return bad_hypercall();
	if (mode_is(cmd, "badptr"))
		return bad_pointer(bi);
	if (mode_is(cmd, "exit"))
		return parse_uint(cmd + 4);
	printk("bad: unknown mode '%s'\n", cmd);
	return 2;
}
