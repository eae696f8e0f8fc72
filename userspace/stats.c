// SPDX-License-Identifier: GPL-2.0
/*
 * The --stats report: every non-zero counter of struct pfvmm_vm_stats, one
 * per line ("exit HLT 1", "hypercall console_write 2", "pages_pinned 5"),
 * so that scripts can grep it.  Exit-reason names follow the basic exit
 * reasons of the Intel SDM, vol. 3, appendix C (the names Linux uses).
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <pfvmm/hypercall.h>

#include "stats.h"
#include "util.h"
#include "vmm.h"

static const char *const vmx_exit_names[] = {
	[0]  = "EXCEPTION_NMI",
	[1]  = "EXTERNAL_INTERRUPT",
	[2]  = "TRIPLE_FAULT",
	[3]  = "INIT",
	[4]  = "SIPI",
	[5]  = "IO_SMI",
	[6]  = "OTHER_SMI",
	[7]  = "INTERRUPT_WINDOW",
	[8]  = "NMI_WINDOW",
	[9]  = "TASK_SWITCH",
	[10] = "CPUID",
	[11] = "GETSEC",
	[12] = "HLT",
	[13] = "INVD",
	[14] = "INVLPG",
	[15] = "RDPMC",
	[16] = "RDTSC",
	[17] = "RSM",
	[18] = "VMCALL",
	[19] = "VMCLEAR",
	[20] = "VMLAUNCH",
	[21] = "VMPTRLD",
	[22] = "VMPTRST",
	[23] = "VMREAD",
	[24] = "VMRESUME",
	[25] = "VMWRITE",
	[26] = "VMOFF",
	[27] = "VMON",
	[28] = "CR_ACCESS",
	[29] = "DR_ACCESS",
	[30] = "IO_INSTRUCTION",
	[31] = "MSR_READ",
	[32] = "MSR_WRITE",
	[33] = "INVALID_STATE",
	[34] = "MSR_LOAD_FAIL",
	[36] = "MWAIT_INSTRUCTION",
	[37] = "MONITOR_TRAP_FLAG",
	[39] = "MONITOR_INSTRUCTION",
	[40] = "PAUSE_INSTRUCTION",
	[41] = "MCE_DURING_VMENTRY",
	[43] = "TPR_BELOW_THRESHOLD",
	[44] = "APIC_ACCESS",
	[45] = "EOI_INDUCED",
	[46] = "GDTR_IDTR",
	[47] = "LDTR_TR",
	[48] = "EPT_VIOLATION",
	[49] = "EPT_MISCONFIG",
	[50] = "INVEPT",
	[51] = "RDTSCP",
	[52] = "PREEMPTION_TIMER",
	[53] = "INVVPID",
	[54] = "WBINVD",
	[55] = "XSETBV",
	[56] = "APIC_WRITE",
	[57] = "RDRAND",
	[58] = "INVPCID",
	[59] = "VMFUNC",
	[60] = "ENCLS",
	[61] = "RDSEED",
	[62] = "PML_FULL",
	[63] = "XSAVES",
	[64] = "XRSTORS",
	[66] = "SPP",
	[67] = "UMWAIT",
	[68] = "TPAUSE",
	[69] = "LOADIWKEY",
	[70] = "ENCLV",
	[72] = "ENQCMD_PASID_FAIL",
	[73] = "ENQCMDS_PASID_FAIL",
	[74] = "BUS_LOCK",
	[75] = "NOTIFY",
	[76] = "SEAMCALL",
	[77] = "TDCALL",
};

static const char *const hypercall_names[] = {
	[PFVMM_HC_CONSOLE_WRITE]	= "console_write",
	[PFVMM_HC_SHUTDOWN]		= "shutdown",
	[PFVMM_HC_NOP]			= "nop",
	[PFVMM_HC_MMU_UPDATE]		= "mmu_update",
	[PFVMM_HC_UPDATE_VA_MAPPING]	= "update_va_mapping",
	[PFVMM_HC_MMUEXT_OP]		= "mmuext_op",
	[PFVMM_HC_MULTICALL]		= "multicall",
	[PFVMM_HC_FAULT_REGION]		= "fault_region",
	[PFVMM_HC_POOL_DONATE]		= "pool_donate",
	[PFVMM_HC_POOL_RECLAIM]		= "pool_reclaim",
	[PFVMM_HC_OFFLOAD_INFO]		= "offload_info",
	[PFVMM_HC_PHASE_WINDOW]		= "phase_window",
};

/* The name of entry @i of a sparse name table, or NULL. */
static const char *name_lookup(const char *const *names, size_t n, unsigned int i)
{
	return i < n ? names[i] : NULL;
}

static const char *exit_name_or_null(unsigned int reason)
{
	return name_lookup(vmx_exit_names, ARRAY_SIZE(vmx_exit_names), reason);
}

static const char *hypercall_name_or_null(unsigned int nr)
{
	return name_lookup(hypercall_names, ARRAY_SIZE(hypercall_names), nr);
}

/** vmx_exit_name() - the SDM name of a basic exit reason, or "UNKNOWN" */
const char *vmx_exit_name(unsigned int reason)
{
	return exit_name_or_null(reason) ?: "UNKNOWN";
}

/** hypercall_name() - the name of a PFVMM_HC_* number, or "unknown" */
const char *hypercall_name(unsigned int nr)
{
	return hypercall_name_or_null(nr) ?: "unknown";
}

static void stats_print_exits(FILE *f, const struct pfvmm_vm_stats *st)
{
	unsigned int i;

	for (i = 0; i < PFVMM_STAT_EXIT_REASONS; i++) {
		if (!st->exits[i])
			continue;
		if (exit_name_or_null(i))
			fprintf(f, "exit %s %" PRIu64 "\n", exit_name_or_null(i),
				(uint64_t)st->exits[i]);
		else
			fprintf(f, "exit UNKNOWN_%u %" PRIu64 "\n", i,
				(uint64_t)st->exits[i]);
	}
}

static void stats_print_hypercalls(FILE *f, const struct pfvmm_vm_stats *st)
{
	unsigned int i;

	for (i = 0; i < PFVMM_STAT_HYPERCALLS; i++) {
		if (!st->hypercalls[i])
			continue;
		if (hypercall_name_or_null(i))
			fprintf(f, "hypercall %s %" PRIu64 "\n",
				hypercall_name_or_null(i), (uint64_t)st->hypercalls[i]);
		else
			fprintf(f, "hypercall hc_%u %" PRIu64 "\n", i,
				(uint64_t)st->hypercalls[i]);
	}
}

static void stats_print_one(FILE *f, const char *name, uint64_t value)
{
	if (value)
		fprintf(f, "%s %" PRIu64 "\n", name, value);
}

static const char *const phase_names[PFVMM_NR_PHASES] = {
	[PFVMM_PHASE_WALK]	= "walk",
	[PFVMM_PHASE_POOL]	= "pool",
	[PFVMM_PHASE_ZERO]	= "zero",
	[PFVMM_PHASE_PTE]	= "pte",
	[PFVMM_PHASE_PIN]	= "pin",
	[PFVMM_PHASE_FLUSH]	= "flush",
	[PFVMM_PHASE_EPT]	= "ept",
	[PFVMM_PHASE_EXIT]	= "exit",
	[PFVMM_PHASE_DISPATCH]	= "dispatch",
	[PFVMM_PHASE_HANDLER]	= "handler",
	[PFVMM_PHASE_RESUME]	= "resume",
	[PFVMM_PHASE_L1D]	= "l1d",
};

/* "phase_walk_cycles 123", "phase_walk_count 4": the host's time by phase */
static void stats_print_phases(FILE *f, const struct pfvmm_vm_stats *st)
{
	char name[48];
	unsigned int i;

	for (i = 0; i < PFVMM_NR_PHASES; i++) {
		snprintf(name, sizeof(name), "phase_%s_cycles", phase_names[i]);
		stats_print_one(f, name, st->phase_cycles[i]);
		if (i >= PFVMM_NR_PHASES_COUNTED)
			continue;
		snprintf(name, sizeof(name), "phase_%s_count", phase_names[i]);
		stats_print_one(f, name, st->phase_count[i]);
	}
}

/** stats_print() - print the non-zero counters of @stats, one per line */
void stats_print(FILE *f, const struct pfvmm_vm_stats *stats)
{
	stats_print_one(f, "exits_total", stats->exits_total);
	stats_print_exits(f, stats);
	stats_print_hypercalls(f, stats);
	stats_print_one(f, "hypercall_errors", stats->hypercall_errors);
	stats_print_one(f, "pages_pinned", stats->pages_pinned);
	stats_print_one(f, "ept_tables", stats->ept_tables);
	stats_print_one(f, "ept_leaves_2m", stats->ept_leaves_2m);
	stats_print_one(f, "ept_splits", stats->ept_splits);
	stats_print_one(f, "pf_forwarded", stats->pf_forwarded);
	stats_print_one(f, "pf_offloaded", stats->pf_offloaded);
	stats_print_one(f, "pf_fallback", stats->pf_fallback);
	stats_print_one(f, "pool_frames_used", stats->pool_frames_used);
	stats_print_one(f, "mmu_requests", stats->mmu_requests);
	stats_print_one(f, "tables_pinned", stats->tables_pinned);
	stats_print_one(f, "l1d_flushes", stats->l1d_flushes);
	stats_print_phases(f, stats);
}

/**
 * vm_print_stats() - the VM's counters as --stats prints them
 *
 * The backend's own report if it has one (KVM's), else pfvmm's struct
 * pfvmm_vm_stats through stats_print().
 */
void vm_print_stats(struct vm *vm, FILE *f)
{
	struct pfvmm_vm_stats stats;

	if (vm->backend->print_stats) {
		vm->backend->print_stats(vm, f);
		return;
	}
	if (vm->backend->get_stats && !vm->backend->get_stats(vm, &stats))
		stats_print(f, &stats);
}

/**
 * vm_print_milestone() - the boot milestone of a Linux guest (pc.c), if any
 *
 * "milestone_cycles N" (the launcher's rdtsc from VM creation to the
 * guest's first write to the milestone port), then every line that
 * vm_print_stats() printed at that moment, prefixed "milestone ".
 */
void vm_print_milestone(const struct vm *vm, FILE *f)
{
	const char *line = vm->milestone_stats, *end;

	if (!line)
		return;
	fprintf(f, "milestone_cycles %" PRIu64 "\n", vm->milestone_cycles);
	for (; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		fprintf(f, "milestone %.*s\n", (int)(end - line), line);
	}
}
