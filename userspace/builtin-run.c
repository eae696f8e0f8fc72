// SPDX-License-Identifier: GPL-2.0
/*
 * 'pfvmm run [OPTIONS] GUEST.elf [-- ARGS...]': check the options (the
 * NUMA node too) and the guest file, build a VM around it, run it to the
 * end and report: with --stats the command line that reproduces the run
 * and the VM's counters.
 */
#include <stdio.h>
#include <stdlib.h>

#include "builtin.h"
#include "numa.h"
#include "options.h"
#include "stats.h"
#include "vmm.h"

void cmd_run_usage(FILE *f)
{
	fprintf(f,
		"usage: pfvmm run [OPTIONS] GUEST.elf [-- ARGS...]\n"
		"\n"
		"Run a 64-bit ELF guest on /dev/pfvmm (or /dev/kvm) until it shuts down.\n"
		"\n"
		"Guest:\n"
		"  --mem SIZE        guest memory, e.g. 16M, 1G, 65536K (no suffix: MiB);\n"
		"                    4M to 1G, a multiple of 2M (default 32M)\n"
		"  -- ARGS           the guest's command line (boot info, %d bytes max)\n"
		"\n"
		"Hypervisor:\n"
		"  --backend B       pfvmm: the pfvmm module (default); kvm: the kernel's\n"
		"                    KVM (modprobe kvm_intel; pfvmm must not hold VT-x),\n"
		"                    native MMU only.  Under KVM the guest prints to\n"
		"                    port 0xE9 and shuts down with an OUT to port 0xF4\n"
		"  --mode M          native: the guest owns its page tables (EPT only);\n"
		"                    forward: pv MMU, offload off: guest page faults\n"
		"                    trapped and forwarded into the guest;\n"
		"                    offload: pv MMU, offload on: the VMM resolves\n"
		"                    faults in the guest's regions from its pool;\n"
		"                    pv: pv MMU, offload follows\n"
		"                    /sys/kernel/pfvmm/offload.  The guest's command\n"
		"                    line then starts with mode=native or mode=pv\n"
		"                    (offload and pv add offload=1)\n"
		"\n"
		"Placement:\n"
		"  --numa-node N     guest memory (mbind) and the vCPU thread on NUMA\n"
		"                    node N; checked before the device is opened\n"
		"\n"
		"Output:\n"
		"  --stats           after the run, print the command line that\n"
		"                    reproduces it ('command: pfvmm run ...') and the\n"
		"                    VM's non-zero exit and hypercall counters on stdout\n"
		"  -h, --help        this help\n"
		"\n"
		"Exit status: the guest's shutdown status (0 after HLT); 1 host error;\n"
		"2 usage or bad guest file; 125 VMM internal error; 126 guest stopped\n"
		"by the VMM; 130 interrupted by SIGINT/SIGTERM.\n"
		"Environment: PFVMM_DEVICE (default /dev/pfvmm).\n",
		PFVMM_BOOTINFO_CMDLINE_MAX - 1);
}

/* "command: pfvmm run ...": how to get this run again (absolute guest path). */
static void run_print_command(const struct run_options *opts)
{
	char line[RUN_CMDLINE_MAX];
	char *abs = realpath(opts->guest, NULL);

	if (run_options_format(opts, abs ?: opts->guest, line, sizeof(line)))
		snprintf(line, sizeof(line), "(too long to print)");
	printf("command: %s\n", line);
	free(abs);
}

static void run_print_stats(struct vm *vm)
{
	struct pfvmm_vm_stats stats;

	if (vm->backend->print_stats) {
		fflush(stdout);
		vm->backend->print_stats(vm, stdout);
		fflush(stdout);
		return;
	}
	if (vm->backend->get_stats(vm, &stats))
		return;
	fflush(stdout);
	stats__print(stdout, &stats);
	fflush(stdout);
}

static int run_guest(const struct run_options *opts, const struct guest_file *gf)
{
	int mmu_mode = run_mode_is_pv(opts->mode) ? PFVMM_MMU_PV :
		       opts->mode == RUN_MODE_NATIVE ? PFVMM_MMU_NATIVE : -1;
	const struct vmm_backend *backend = opts->backend == RUN_BACKEND_KVM ?
					    &kvm_dev_backend : &pfvmm_dev_backend;
	struct vm vm;
	int status;

	if (opts->numa_node >= 0 && numa__run_on_node(opts->numa_node))
		return PFVMM_STATUS_HOST_ERROR;
	if (vm__init_on_node(&vm, backend, opts->mem_size, mmu_mode,
			     run_mode_offload(opts->mode), opts->numa_node))
		return PFVMM_STATUS_HOST_ERROR;
	if (vm__load_guest(&vm, gf, opts->cmdline)) {
		status = PFVMM_STATUS_HOST_ERROR;
		goto out_exit_vm;
	}
	run_loop__install_signals();
	status = vcpu__run_loop(&vm.vcpu);
	if (opts->stats) {
		fflush(stdout);
		run_print_command(opts);
		run_print_stats(&vm);
	}
out_exit_vm:
	vm__exit(&vm);
	return status;
}

/** cmd_run() - the 'run' subcommand; returns the process exit status */
int cmd_run(int argc, char *const argv[])
{
	char err[OPTIONS_ERR_MAX];
	struct run_options opts;
	struct guest_file gf;
	int status;

	if (run_options_parse(argc, argv, &opts, err, sizeof(err))) {
		fprintf(stderr, "pfvmm run: %s\n", err);
		fprintf(stderr, "try 'pfvmm run --help'\n");
		return PFVMM_STATUS_USAGE;
	}
	if (opts.help) {
		cmd_run_usage(stdout);
		return 0;
	}
	if (opts.numa_node >= 0 && numa__check_node(opts.numa_node))
		return PFVMM_STATUS_USAGE;
	if (guest_file__read(&gf, opts.guest, opts.mem_size))
		return PFVMM_STATUS_USAGE;
	status = run_guest(&opts, &gf);
	guest_file__free(&gf);
	return status;
}
