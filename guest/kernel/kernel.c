// SPDX-License-Identifier: GPL-2.0
/*
 * pvkernel: a small paravirtual guest kernel for pfvmm.  This file is the
 * boot: main() brings the pieces up in order and runs the one thing the
 * command line picked.
 *
 * How to read the tree (each file starts with what it is for, and owns
 * its state: no file writes another's variables; pvkernel.h lists what
 * each file lets the others call):
 *
 *   kernel.c     boot order, the choice of what runs, hc_check()
 *   config.c     the command line: one table of keys -> struct boot_config,
 *                which main() hands down as a parameter
 *   traps.c      GDT, IDT, TSS, the trap dispatcher, system calls
 *   entry.S      trap stubs, enter_user() to ring 3, return_to_kernel()
 *   frames.c     the frame allocator
 *   mmu.c        page tables, the native and pv MMU back-ends, #PF handler
 *   work.c       the ring-3 workloads and their result lines
 *   offload.c    fault regions and the donated pool (offload=1)
 *   tests/       the test modes, linked into the same image: hostile=
 *                (hostile.c, hostile-offload.c), fuzz= (fuzz.c), probe=
 *                (probe.c, cpufuzz.c); tests.h is what the kernel calls
 *
 * Read kernel.c, then config.c's table (the whole command-line syntax),
 * then traps.c and mmu.c; work.c is the benchmark proper.
 *
 * Shutdown status: 0 ok; 1 data mismatch or a failed test; 2 bad command
 * line (or an unknown workload, hostile or probe name); 3 unexpected
 * exception; 4 a hypercall failed; 5 a page fault the kernel cannot
 * resolve; 6 out of memory or a hostile test that did not stop the guest.
 */
#include "pvkernel.h"
#include "tests/tests.h"

void hc_check(const char *what, long ret)
{
	if (ret >= 0)
		return;
	printk("pvkernel: hypercall %s failed: errno %ld\n", what, -ret);
	shutdown(4);
}

/* What the command line picked, on the kernel's own tables. */
static int run(const struct boot_config *cfg)
{
	if (cfg->fuzz != CFG_UNSET)
		return run_fuzz(cfg);
	if (cfg->probe)
		return run_probe(cfg);
	if (cfg->hostile)
		return run_hostile(cfg);
	return run_workload(cfg);
}

int main(struct pfvmm_bootinfo *bi)
{
	struct boot_config cfg;
	bool pv;

	if (bi->magic != PFVMM_BOOTINFO_MAGIC) {
		printk("pvkernel: bad boot info\n");
		return 2;
	}
	traps_init();
	if (config_parse(&cfg, bi->cmdline))
		return 2;
	pv = cfg.mode == MODE_PV;
	frames_init(bi);
	mmu_init(pv);
	if (pv)
		mmu_pin_all();
	if (cfg.hostile)
		run_hostile_early(&cfg);	/* returns for most modes */
	mmu_switch();
	return run(&cfg);
}
