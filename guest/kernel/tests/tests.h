/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test modes of pvkernel: what kernel.c calls (one entry point per
 * command-line key, each given the boot configuration), and what the
 * files of tests/ share.  They use the kernel proper only through
 * pvkernel.h, as a workload would.
 */
#ifndef PVKERNEL_TESTS_H
#define PVKERNEL_TESTS_H

#include "pvkernel.h"

/* hostile.c: hostile=NAME (mode=pv) */
void run_hostile_early(const struct boot_config *cfg);	/* before mmu_switch() */
int run_hostile(const struct boot_config *cfg);
/* One check's line "hostile NAME got=G want=W PASS|FAIL"; 1 if it failed. */
int hostile_check(const char *name, long got, long want);
/* MMUEXT pin of the table at @pa as level @level, unpin: the result. */
long hostile_pin(uint64_t pa, int level);
long hostile_unpin(uint64_t pa);

/* hostile-offload.c: hostile=offload */
int run_hostile_offload(void);

/* twobase.c: hostile=twobase (with tests/vm/pvbase.c as the launcher) */
int run_hostile_twobase(void);

/* longcall.c: hostile=longcall */
int run_hostile_longcall(void);

/* fuzz.c: fuzz=SEED calls=N */
int run_fuzz(const struct boot_config *cfg);

/* probe.c: probe=NAME [calls=N] [seed=S] */
int run_probe(const struct boot_config *cfg);

#endif /* PVKERNEL_TESTS_H */
