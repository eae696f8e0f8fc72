// SPDX-License-Identifier: GPL-2.0
/*
 * The unit-test runner: runs every test of the launcher's portable core
 * (ELF loader, option parser, x86 boot state, stats) and of the launcher's
 * command line, and exits non-zero if any failed.
 *
 * usage: run-unit [GUEST_DIR [LAUNCHER]]
 */
#include <stdlib.h>

#include "test.h"

const char *guest_dir = "../../guest";
const char *launcher_path = "../../userspace/pfvmm";

static int nr_pass, nr_fail, nr_skip;

void run_test(const char *name, test_fn fn)
{
	struct test_ctx t = { .name = name };

	fn(&t);
	if (t.failed) {
		printf("FAIL %s: %s\n", name, t.why);
		nr_fail++;
	} else if (t.skipped) {
		printf("SKIP %s: %s\n", name, t.why);
		nr_skip++;
	} else {
		printf("PASS %s\n", name);
		nr_pass++;
	}
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	if (argc > 1)
		guest_dir = argv[1];
	if (argc > 2)
		launcher_path = argv[2];
	run_elf_tests();
	run_elf_fuzz_tests();
	run_options_tests();
	run_cli_table_tests();
	run_cli_command_tests();
	run_linux_options_tests();
	run_x86_tests();
	run_linux_boot_tests();
	run_dev_pic_tests();
	run_dev_pit_tests();
	run_dev_uart_tests();
	run_dev_rtc_tests();
	run_dev_bus_tests();
	run_kvm_convert_tests();
	run_stats_tests();
	run_cli_tests();
	run_ux_tests();
	run_bench_tests();
	run_guest_sim_tests();
	run_run_loop_tests();
	run_pc_tests();
	printf("%d passed, %d failed, %d skipped\n", nr_pass, nr_fail, nr_skip);
	return nr_fail ? EXIT_FAILURE : EXIT_SUCCESS;
}
