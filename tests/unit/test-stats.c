// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the --stats report (userspace/stats.c): SDM exit-reason names
 * and the exact text printed for a set of counters.
 */
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "test.h"

static void test_exit_names(struct test_ctx *t)
{
	static const struct { unsigned int nr; const char *name; } names[] = {
		{ 0, "EXCEPTION_NMI" }, { 1, "EXTERNAL_INTERRUPT" }, { 2, "TRIPLE_FAULT" },
		{ 3, "INIT" }, { 10, "CPUID" }, { 12, "HLT" }, { 18, "VMCALL" },
		{ 28, "CR_ACCESS" }, { 30, "IO_INSTRUCTION" }, { 31, "MSR_READ" },
		{ 32, "MSR_WRITE" }, { 48, "EPT_VIOLATION" }, { 49, "EPT_MISCONFIG" },
		{ 52, "PREEMPTION_TIMER" }, { 55, "XSETBV" }, { 35, "UNKNOWN" },
		{ 79, "UNKNOWN" }, { 1000, "UNKNOWN" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK(t, !strcmp(vmx_exit_name(names[i].nr), names[i].name),
		      "exit %u is '%s', want '%s'", names[i].nr,
		      vmx_exit_name(names[i].nr), names[i].name);
	CHECK(t, !strcmp(hypercall_name(0), "console_write"), "hc 0");
	CHECK(t, !strcmp(hypercall_name(6), "multicall"), "hc 6");
	CHECK(t, !strcmp(hypercall_name(31), "unknown"), "hc 31");
}

static void test_stats_print(struct test_ctx *t)
{
	static const char want[] =
		"exits_total 7\n"
		"exit HLT 1\n"
		"exit VMCALL 3\n"
		"exit EPT_VIOLATION 2\n"
		"exit UNKNOWN_79 1\n"
		"hypercall console_write 2\n"
		"hypercall shutdown 1\n"
		"hypercall hc_20 4\n"
		"pages_pinned 5\n"
		"pool_frames_used 9\n"
		"tables_pinned 3\n"
		"phase_walk_cycles 700\n"
		"phase_walk_count 7\n"
		"phase_ept_count 1\n"
		"phase_l1d_cycles 4300\n";
	struct pfvmm_vm_stats st;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	memset(&st, 0, sizeof(st));
	st.exits_total = 7;
	st.exits[12] = 1;
	st.exits[18] = 3;
	st.exits[48] = 2;
	st.exits[79] = 1;
	st.hypercalls[0] = 2;
	st.hypercalls[1] = 1;
	st.hypercalls[20] = 4;
	st.pages_pinned = 5;
	st.pool_frames_used = 9;
	st.tables_pinned = 3;
	st.phase_cycles[PFVMM_PHASE_WALK] = 700;
	st.phase_count[PFVMM_PHASE_WALK] = 7;
	st.phase_count[PFVMM_PHASE_EPT] = 1;
	st.phase_cycles[PFVMM_PHASE_L1D] = 4300;
	f = open_memstream(&out, &len);
	stats_print(f, &st);
	fclose(f);
	CHECK(t, out && !strcmp(out, want), "printed:\n%s", out);
	free(out);
}

void run_stats_tests(void)
{
	RUN_TEST(test_exit_names);
	RUN_TEST(test_stats_print);
}
