// SPDX-License-Identifier: GPL-2.0
/*
 * 'pfvmm run [OPTIONS] GUEST.elf [-- ARGS...]' and 'pfvmm run [OPTIONS]
 * --kernel BZIMAGE': check the options (the NUMA node too) and the guest
 * file or the Linux kernel (linux-guest.c), build a VM around it, run it
 * to the end and report: with --stats the command line that reproduces
 * the run and the VM's counters.  The command line and its table are in
 * options.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "builtin.h"
#include "linux-guest.h"
#include "numa.h"
#include "options.h"
#include "pc.h"
#include "stats.h"
#include "vmm.h"

/* "command: pfvmm run ...": how to get this run again (absolute paths). */
static void run_print_command(const struct run_options *opts)
{
	char line[RUN_CMDLINE_MAX];
	struct run_options abs = *opts;
	char *guest = opts->guest ? realpath(opts->guest, NULL) : NULL;
	char *kernel = opts->kernel ? realpath(opts->kernel, NULL) : NULL;
	char *initrd = opts->initrd ? realpath(opts->initrd, NULL) : NULL;

	abs.kernel = kernel ?: opts->kernel;
	abs.initrd = initrd ?: opts->initrd;
	if (run_options_format(&abs, guest ?: opts->guest, line, sizeof(line)))
		snprintf(line, sizeof(line), "(too long to print)");
	printf("command: %s\n", line);
	free(guest);
	free(kernel);
	free(initrd);
}

static void run_print_stats(struct vm *vm)
{
	fflush(stdout);
	vm_print_milestone(vm, stdout);
	vm_print_stats(vm, stdout);
	/* Whichever backend: the host side of --hugepages. */
	if (vm->hugepages)
		printf("host_huge_pages %ld\n", vm_host_huge_pages(vm));
	fflush(stdout);
}

/* A Linux guest's run: its PC around the run loop, stdin for COM1. */
static int run_machine(struct vm *vm, const struct run_options *opts)
{
	struct pc pc;
	int status;

	pc_init(&pc, &dev_clock_host, STDIN_FILENO, opts->debug_ports ? stderr : NULL);
	vm->pc = &pc;
	status = pc_kick_start() ? PFVMM_STATUS_HOST_ERROR : vcpu_run_loop(&vm->vcpu);
	pc_kick_stop();
	pc_exit(&pc);
	vm->pc = NULL;
	return status;
}

/* The guest ELF @gf, or with --kernel the Linux guest @lg, into @vm. */
static int run_load(struct vm *vm, const struct run_options *opts,
		    const struct guest_file *gf, const struct linux_guest *lg)
{
	return lg ? vm_load_linux(vm, lg) : vm_load_guest(vm, gf, opts->cmdline);
}

static int run_guest(const struct run_options *opts, const struct guest_file *gf,
		     const struct linux_guest *lg)
{
	int mmu_mode = run_mode_is_pv(opts->mode) ? PFVMM_MMU_PV :
		       opts->mode == RUN_MODE_NATIVE ? PFVMM_MMU_NATIVE : -1;
	const struct vmm_backend *backend = opts->backend == RUN_BACKEND_KVM ?
					    &kvm_dev_backend : &pfvmm_dev_backend;
	struct vm vm;
	int status;

	if (opts->numa_node >= 0 && host_node_pin_thread(opts->numa_node))
		return PFVMM_STATUS_HOST_ERROR;
	if (vm_init_on_node(&vm, backend, opts->mem_size, mmu_mode,
			    run_mode_offload(opts->mode), opts->numa_node,
			    opts->hugepages))
		return PFVMM_STATUS_HOST_ERROR;
	if (run_load(&vm, opts, gf, lg)) {
		status = PFVMM_STATUS_HOST_ERROR;
		goto out_exit_vm;
	}
	run_loop_install_signals();
	status = lg ? run_machine(&vm, opts) : vcpu_run_loop(&vm.vcpu);
	if (opts->stats) {
		fflush(stdout);
		run_print_command(opts);
		run_print_stats(&vm);
	}
out_exit_vm:
	vm_exit(&vm);
	return status;
}

/* 'run --kernel': the Linux guest checked before any VMM call. */
static int run_linux(const struct run_options *opts)
{
	struct linux_guest lg;
	int status;

	if (linux_guest_read(&lg, opts))
		return PFVMM_STATUS_USAGE;
	status = run_guest(opts, NULL, &lg);
	linux_guest_free(&lg);
	return status;
}

/** cmd_run() - the 'run' subcommand; returns the process exit status */
int cmd_run(int argc, char *const argv[])
{
	char err[OPTIONS_ERR_MAX];
	struct run_options opts;
	struct guest_file gf;
	int status;

	if (run_options_parse(argc, argv, &opts, err, sizeof(err)))
		return cli_usage_error(&run_cli, err);
	if (opts.help) {
		cli_usage(&run_cli, stdout);
		return 0;
	}
	if (opts.numa_node >= 0 && host_node_check(opts.numa_node))
		return PFVMM_STATUS_USAGE;
	if (opts.kernel)
		return run_linux(&opts);
	if (guest_file_read(&gf, opts.guest, opts.mem_size))
		return PFVMM_STATUS_USAGE;
	status = run_guest(&opts, &gf, NULL);
	guest_file_free(&gf);
	return status;
}
