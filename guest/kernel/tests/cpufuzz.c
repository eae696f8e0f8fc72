// SPDX-License-Identifier: GPL-2.0
/*
 * probe=cpufuzz seed=S calls=N: a seeded random mix of the instructions
 * that reach CPU state a guest shares with its host, at CPL0 and at CPL3:
 * MOV CR8, SWAPGS, SYSCALL, SYSENTER, RDMSR/WRMSR over the MSR ranges,
 * MOV DR, XSETBV, RDPMC, WBINVD, INVD, VMX instructions, CLTS, LMSW, port
 * I/O to any port, INT n, odd segment, LDT and TR loads, and odd GDT/IDT
 * loads held across an exit.  The host-side checks are the test's
 * (tests/vm/t-host-state.sh under hostcheck: the launcher's registers after
 * every RUN, a neighbour task's, dmesg, rmmod); the guest checks what the
 * architecture promises: at CPL3 every privileged instruction faults.
 *
 * At CPL0 an instruction runs under PROBE() (a fault resumes after it); at
 * CPL3 each one is a trip to ring 3 (u_insn()), and a fault there ends the
 * trip through cpufuzz_user_fault().  Ends with "result probe=cpufuzz
 * failed=N", N the CPL3 instructions that did not fault.
 */
#include "probe.h"

enum insn {
	I_CR8_W, I_CR8_R, I_SWAPGS, I_SYSCALL, I_SYSENTER, I_RDMSR, I_WRMSR,
	I_DR7_R, I_DR0_W, I_DR6_R, I_XSETBV, I_RDPMC, I_WBINVD, I_INVD,
	I_VMXON, I_VMREAD, I_VMLAUNCH, I_INVEPT, I_CLTS, I_LMSW, I_INB,
	I_OUTW, I_INL, I_INT, I_SEG_DS, I_SEG_FS, I_LLDT, I_LTR, I_CLI_STI,
	I_HLT, I_LGDT_EXIT, I_LIDT_EXIT,
	I_COUNT,
};

/* The ones that do something at CPL3: segment loads and INT 0x80. */
#define CPL3_MAY_RUN(i)	((i) == I_SEG_DS || (i) == I_SEG_FS || (i) == I_INT)

static uint64_t rng;

static uint64_t next_random(void)
{
	rng ^= rng >> 12;	/* xorshift64* */
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

/* An MSR number: the architectural ranges mostly, sometimes anything. */
static uint32_t random_msr(uint64_t r)
{
	static const uint32_t bases[] = { 0, 0xc0000000, 0xc0010000, 0x40000000 };

	if (r % 8 == 0)
		return (uint32_t)(r >> 8);
	return bases[(r >> 3) % 4] + (uint32_t)((r >> 5) % 0x2000);
}

/*
 * Vectors INT n may raise at CPL0: none whose stub expects an error code
 * (the frame would be one word short), and three without a gate (#NP).
 */
static uint8_t random_vector(uint64_t r)
{
	static const uint8_t v[] = { 1, 2, 3, 4, 5, 6, 7, 9, 15, 16, 18, 19,
				     20, 33, 0x81, 0xfe };

	return v[r % sizeof(v)];
}

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* INT n needs an immediate: one PROBE per vector would be 256 of them. */
static long int_vector(uint8_t v)
{
	switch (v) {
	case 1: return PROBE("int $1", : : : "memory");
	case 2: return PROBE("int $2", : : : "memory");
	case 3: return PROBE("int3", : : : "memory");
	case 4: return PROBE("int $4", : : : "memory");
	case 5: return PROBE("int $5", : : : "memory");
	case 6: return PROBE("int $6", : : : "memory");
	case 7: return PROBE("int $7", : : : "memory");
	case 9: return PROBE("int $9", : : : "memory");
	case 15: return PROBE("int $15", : : : "memory");
	case 16: return PROBE("int $16", : : : "memory");
	case 18: return PROBE("int $18", : : : "memory");	/* a software #MC */
	case 19: return PROBE("int $19", : : : "memory");
	case 20: return PROBE("int $20", : : : "memory");
	case 33: return PROBE("int $33", : : : "memory");
	case 0x81: return PROBE("int $0x81", : : : "memory");
	default: return PROBE("int $0xfe", : : : "memory");	/* not present */
	}
}

/* Load a random GDT or IDT, take an exit with it loaded, put ours back. */
static long odd_table_across_exit(bool idt, uint64_t r)
{
	struct dtr odd = { (uint16_t)r, (r >> 16) & 0x7ffffffff000ull }, ours;
	uint32_t a = 0, b, c = 0, d;
	long vec;

	if (idt) {
		asm volatile("sidt %0" : "=m"(ours));
		vec = PROBE("lidt %[t]\n\tcpuid\n\tlidt %[o]",
			    : "+a"(a), "=b"(b), "+c"(c), "=d"(d)
			    : [t] "m"(odd), [o] "m"(ours) : "memory");
	} else {
		asm volatile("sgdt %0" : "=m"(ours));
		vec = PROBE("lgdt %[t]\n\tcpuid\n\tlgdt %[o]",
			    : "+a"(a), "=b"(b), "+c"(c), "=d"(d)
			    : [t] "m"(odd), [o] "m"(ours) : "memory");
	}
	return vec;
}

static long seg_load(bool fs, uint16_t sel)
{
	uint16_t data = KSEL_DATA, zero = 0;
	long vec;

	if (fs) {
		vec = PROBE("mov %0, %%fs", : : "r"(sel) : "memory");
		asm volatile("mov %0, %%fs" : : "r"(zero));
	} else {
		vec = PROBE("mov %0, %%ds", : : "r"(sel) : "memory");
		asm volatile("mov %0, %%ds\n\tmov %0, %%es" : : "r"(data));
	}
	return vec;
}

static long k_io(enum insn i, uint64_t r)
{
	uint16_t port = (uint16_t)r;
	uint32_t v = (uint32_t)(r >> 16);

	if (i == I_INB)
		return PROBE("inb %%dx, %%al", : "+a"(v) : "d"(port) : "memory");
	if (i == I_OUTW)
		return PROBE("outw %%ax, %%dx", : : "a"(v), "d"(port) : "memory");
	return PROBE("inl %%dx, %%eax", : "+a"(v) : "d"(port) : "memory");
}

static long k_vmx(enum insn i, uint64_t r)
{
	struct { uint64_t a, b; } desc = { r, 0 };
	uint64_t v = 0;

	switch (i) {
	case I_VMXON:
		return PROBE("vmxon %0", : : "m"(desc.a) : "cc", "memory");
	case I_VMREAD:
		return PROBE("vmread %1, %0", : "=r"(v) : "r"(r) : "cc", "memory");
	case I_VMLAUNCH:
		return PROBE("vmlaunch", : : : "cc", "memory");
	default:
		return PROBE("invept %0, %1", : : "m"(desc), "r"(r & 3)
			     : "cc", "memory");
	}
}

/* The MSR, debug-register, PMU and cache instructions, at CPL0. */
static long k_state(enum insn i, uint64_t r)
{
	uint32_t lo = (uint32_t)r, hi = (uint32_t)(r >> 32), msr = random_msr(r);
	uint64_t v = r;

	switch (i) {
	case I_RDMSR:
		return PROBE("rdmsr", : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	case I_WRMSR:
		return PROBE("wrmsr", : : "c"(msr), "a"(lo), "d"(hi) : "memory");
	case I_DR7_R:
		return PROBE("mov %%dr7, %0", : "=r"(v) : : "memory");
	case I_DR0_W:
		return PROBE("mov %0, %%dr0", : : "r"(v) : "memory");
	case I_DR6_R:
		return PROBE("mov %%dr6, %0", : "=r"(v) : : "memory");
	case I_XSETBV:
		return PROBE("xsetbv", : : "c"(lo & 1), "a"(lo), "d"(0) : "memory");
	case I_RDPMC:
		return PROBE("rdpmc", : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	case I_WBINVD:
		return PROBE("wbinvd", : : : "memory");
	default:
		return PROBE("invd", : : : "memory");
	}
}

/* One instruction at CPL0; returns the vector it raised, or -1. */
static long k_insn(enum insn i, uint64_t r)
{
	uint64_t v = r & 31;
	uint16_t sel = (uint16_t)r;

	switch (i) {
	case I_CR8_W:
		return PROBE("mov %0, %%cr8", : : "r"(v) : "memory");
	case I_CR8_R:
		return PROBE("mov %%cr8, %0", : "=r"(v) : : "memory");
	case I_SWAPGS:
		return PROBE("swapgs", : : : "memory");
	case I_SYSCALL:
		return PROBE("syscall", : : : "rcx", "r11", "memory");
	case I_SYSENTER:
		return PROBE("sysenter", : : : "memory");
	case I_CLTS:
		return PROBE("clts", : : : "memory");
	case I_LMSW:
		return PROBE("lmsw %0", : : "r"(sel) : "memory");
	case I_INT:
		return int_vector(random_vector(r));
	case I_SEG_DS:
	case I_SEG_FS:
		return seg_load(i == I_SEG_FS, sel);
	case I_LLDT:
		return PROBE("lldt %0", : : "r"(sel) : "memory");
	case I_LTR:
		return PROBE("ltr %0", : : "r"(sel) : "memory");
	case I_CLI_STI:
		return PROBE("cli\n\tsti", : : : "memory");
	case I_HLT:	/* would end the run at CPL0 (an exit to userspace) */
		return -1;
	case I_LGDT_EXIT:
	case I_LIDT_EXIT:
		return odd_table_across_exit(i == I_LIDT_EXIT, r);
	case I_INB:
	case I_OUTW:
	case I_INL:
		return k_io(i, r);
	case I_VMXON:
	case I_VMREAD:
	case I_VMLAUNCH:
	case I_INVEPT:
		return k_vmx(i, r);
	default:
		return k_state(i, r);
	}
}

/*
 * Ring 3: one instruction, then back through SYS_EXIT with 0.  Runs with
 * user privileges on the user stack: it touches no kernel data.
 */
__attribute__((noreturn, noinline)) void u_insn(uint64_t which, uint64_t r);
void u_insn(uint64_t which, uint64_t r)
{
	uint32_t lo = (uint32_t)r, msr = (uint32_t)(r >> 32);
	uint16_t sel = (uint16_t)r;
	uint64_t v = r;

	switch (which) {
	case I_CR8_W: asm volatile("mov %0, %%cr8" : : "r"(v)); break;
	case I_CR8_R: asm volatile("mov %%cr8, %0" : "=r"(v)); break;
	case I_SWAPGS: asm volatile("swapgs"); break;
	case I_SYSCALL: asm volatile("syscall" : : : "rcx", "r11"); break;
	case I_SYSENTER: asm volatile("sysenter"); break;
	case I_RDMSR: asm volatile("rdmsr" : "=a"(lo) : "c"(msr) : "rdx"); break;
	case I_WRMSR: asm volatile("wrmsr" : : "c"(msr), "a"(lo), "d"(0)); break;
	case I_DR7_R: asm volatile("mov %%dr7, %0" : "=r"(v)); break;
	case I_DR0_W: asm volatile("mov %0, %%dr0" : : "r"(v)); break;
	case I_DR6_R: asm volatile("mov %%dr6, %0" : "=r"(v)); break;
	case I_XSETBV: asm volatile("xsetbv" : : "c"(0), "a"(lo), "d"(0)); break;
	case I_RDPMC: asm volatile("rdpmc" : "=a"(lo) : "c"(msr) : "rdx"); break;
	case I_WBINVD: asm volatile("wbinvd"); break;
	case I_INVD: asm volatile("invd"); break;
	case I_VMXON: asm volatile("vmxon %0" : : "m"(v)); break;
	case I_VMREAD: asm volatile("vmread %1, %0" : "=r"(v) : "r"(r) : "cc"); break;
	case I_VMLAUNCH: asm volatile("vmlaunch" : : : "cc"); break;
	case I_INVEPT: asm volatile("invept %0, %1" : : "m"(v), "r"(r & 3)); break;
	case I_CLTS: asm volatile("clts"); break;
	case I_LMSW: asm volatile("lmsw %0" : : "r"(sel)); break;
	case I_INB: asm volatile("inb %%dx, %%al" : "+a"(lo) : "d"(sel)); break;
	case I_OUTW: asm volatile("outw %%ax, %%dx" : : "a"(lo), "d"(sel)); break;
	case I_INL: asm volatile("inl %%dx, %%eax" : "+a"(lo) : "d"(sel)); break;
	case I_INT: asm volatile("int $0x81"); break;
	case I_SEG_DS: asm volatile("mov %0, %%ds" : : "r"(sel)); break;
	case I_SEG_FS: asm volatile("mov %0, %%fs" : : "r"(sel)); break;
	case I_LLDT: asm volatile("lldt %0" : : "r"(sel)); break;
	case I_LTR: asm volatile("ltr %0" : : "r"(sel)); break;
	case I_CLI_STI: asm volatile("cli"); break;
	case I_HLT: asm volatile("hlt"); break;
	case I_LGDT_EXIT: asm volatile("lgdt %0" : : "m"(v)); break;
	default: asm volatile("lidt %0" : : "m"(v)); break;
	}
	asm volatile("int $0x80" : : "a"((uint64_t)SYS_EXIT), "D"(0ull));
	__builtin_unreachable();
}

static bool cpl3_active;

/**
 * cpufuzz_user_fault() - end a CPL3 trip that faulted
 * @tf: the trap frame
 *
 * Return: false if the trap is not a CPL3 instruction's; otherwise it
 * does not return: enter_user() returns 0x100 | vector.
 */
bool cpufuzz_user_fault(struct trapframe *tf)
{
	if (!cpl3_active || (tf->cs & 3) != 3 || tf->vector == SYSCALL_VECTOR)
		return false;
	cpl3_active = false;
	return_to_kernel(0x100 | tf->vector);
}

static uint64_t u_run(enum insn i, uint64_t r)
{
	uint64_t ret;

	cpl3_active = true;
	ret = enter_user((uint64_t)u_insn, user_stack_top(), i, r);
	cpl3_active = false;
	return ret;
}

/**
 * run_cpufuzz() - probe=cpufuzz
 * @seed: seed=S
 * @calls: calls=N, instructions in all (half at CPL0, half at CPL3)
 *
 * Return: 0 if every CPL3 instruction that must fault did, else 1.
 */
int run_cpufuzz(uint64_t seed, uint64_t calls)
{
	unsigned long faults0 = 0, faults3 = 0, ran3 = 0, bad = 0, n;

	rng = seed * 2 + 1;
	for (n = 0; n < calls; n++) {
		uint64_t r = next_random();
		enum insn i = (enum insn)(next_random() % I_COUNT);

		if (n % 2 == 0) {
			faults0 += k_insn(i, r) >= 0;
			continue;
		}
		if (u_run(i, r) & 0x100) {
			faults3++;
		} else if (!CPL3_MAY_RUN(i)) {
			printk("cpufuzz: instruction %d ran at CPL3 without a fault\n", i);
			bad++;
		} else {
			ran3++;
		}
		if (n % 512 == 1)
			printk("cpufuzz: %lu of %lu\n", n, (unsigned long)calls);
	}
	printk("cpufuzz: seed %lu: %lu instructions, CPL0 faults %lu, CPL3 faults %lu, CPL3 ran %lu\n",
	       (unsigned long)seed, n, faults0, faults3, ran3);
	printk("result probe=cpufuzz failed=%lu\n", bad);
	return bad ? 1 : 0;
}
