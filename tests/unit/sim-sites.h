/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sensitive-instruction table of the guest simulator: every instruction
 * of a guest ELF whose behaviour in ring 3 depends on the host (its CPU,
 * its kernel, the hypervisor the host itself runs under), found at its real
 * instruction boundaries by objdump, so that test-guest-sim.c can patch each
 * one to int3 before the image runs and emulate it from the trap.
 */
#ifndef PFVMM_SIM_SITES_H
#define PFVMM_SIM_SITES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum site_kind {
	SITE_NONE = 0,		/* not sensitive: runs natively */
	SITE_HYPERCALL,		/* vmcall, vmmcall */
	SITE_CPUID,
	SITE_HLT,
	SITE_CLI,
	SITE_STI,
	SITE_IO,		/* in, out (not the string forms) */
	SITE_LIDT,
	SITE_RDTSC,
	SITE_RDTSCP,
	SITE_OTHER,		/* sensitive, not emulated: the sim stops */
	SITE_KINDS
};

#define SITE_INSN_MAX	15
#define SITE_NAME_MAX	16

struct sim_site {
	uint64_t addr;
	uint8_t len;
	uint8_t kind;			/* enum site_kind */
	uint8_t bytes[SITE_INSN_MAX];	/* the original instruction */
	char name[SITE_NAME_MAX];	/* its mnemonic, as objdump prints it */
};

struct sim_sites {
	struct sim_site *site;		/* sorted by address */
	size_t n, cap;
	size_t nr_insns;		/* instructions objdump decoded */
	uint64_t code_lo, code_hi;	/* the disassembled bytes: [lo, hi) */
	char err[256];
};

enum site_kind site_classify(const char *insn, char *name, size_t namelen);
const char *site_kind_name(enum site_kind kind);

/* objdump -d -w of an ELF held in memory; NULL and @err on failure. */
FILE *sites_objdump(const void *file, size_t size, pid_t *pid, char *err, size_t errlen);
int sites_objdump_close(FILE *f, pid_t pid);

int sites_parse(FILE *listing, struct sim_sites *tab);
int sites_scan(const void *file, size_t size, struct sim_sites *tab);
void sites_free(struct sim_sites *tab);

/* @mem holds the guest's bytes from guest address @base on. */
const struct sim_site *sites_find(const struct sim_sites *tab, uint64_t addr);
const struct sim_site *sites_mismatch(const struct sim_sites *tab,
				      const unsigned char *mem, uint64_t base);
size_t sites_patch(const struct sim_sites *tab, unsigned char *mem, uint64_t base,
		   uint64_t skip);
const struct sim_site *sites_unpatched(const struct sim_sites *tab,
				       const unsigned char *mem, uint64_t base);

#endif /* PFVMM_SIM_SITES_H */
