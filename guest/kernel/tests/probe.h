/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe modes' way to run an instruction that may fault (probe.c,
 * cpufuzz.c): PROBE(insn, asm operands) runs @insn at CPL0 and evaluates
 * to the vector of the fault it raised, or -1; probe.c's probe_fixup()
 * (the trap hook while a probe runs) resumes after the instruction.  The
 * operands must include the "memory" clobber.  The two variables are
 * probe.c's: the macro is the only other place that writes them.  Also
 * what probe.c calls in cpufuzz.c.
 */
#ifndef PVKERNEL_PROBE_H
#define PVKERNEL_PROBE_H

#include "tests.h"

/* Where a fault in the probed instruction resumes; 0: no probe running. */
extern uint64_t probe_resume_rip;
extern volatile long probe_fault;

#define PROBE(insn, ...)						\
	({								\
		probe_fault = -1;					\
		asm volatile("movq $1f, probe_resume_rip(%%rip)\n\t"	\
			     insn "\n"					\
			     "1:\tmovq $0, probe_resume_rip(%%rip)"	\
			     __VA_ARGS__);				\
		probe_fault;						\
	})

/* cpufuzz.c: probe=cpufuzz */
int run_cpufuzz(uint64_t seed, uint64_t calls);
bool cpufuzz_user_fault(struct trapframe *tf);	/* a CPL3 probe faulted */

#endif /* PVKERNEL_PROBE_H */
