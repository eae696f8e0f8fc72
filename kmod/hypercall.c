// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls: VMCALL with the number in RAX, arguments in RDI, RSI, RDX,
 * R10, R8, and the result in RAX.  Only the guest kernel (CPL 0) may call;
 * an unknown number gets -PFVMM_ENOSYS.  Every argument is checked here or in
 * the handler; a bad one is an error returned to the guest, never a
 * reason to trust it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/nospec.h>
#include "../include/pfvmm/hypercall.h"
#include "internal.h"
#include "vmx_ops.h"

struct hc_args {
	u64 a[5];
};

/* Returns >= 0 or -errno for the guest, or PFVMM_HC_TO_USER. */
#define PFVMM_HC_TO_USER	1000
typedef long (*pfvmm_hc_handler)(struct pfvmm_vcpu *vcpu,
				 const struct hc_args *args);

static long hc_console_write(struct pfvmm_vcpu *vcpu,
			     const struct hc_args *args)
{
	struct pfvmm_run *run = vcpu->run;
	u64 len = min_t(u64, args->a[1], PFVMM_CONSOLE_MAX);
	int err;

	BUILD_BUG_ON(PFVMM_CONSOLE_WRITE_MAX > PFVMM_CONSOLE_MAX);
	if (!len)
		return 0;
	err = pfvmm_gva_read(vcpu, args->a[0], run->console.buf, len);
	if (err)
		return err;
	run->console.len = len;
	run->exit_reason = PFVMM_EXIT_CONSOLE;
	vcpu->regs.gpr[PFVMM_REG_RAX] = len;
	return PFVMM_HC_TO_USER;
}

static long hc_shutdown(struct pfvmm_vcpu *vcpu, const struct hc_args *args)
{
	vcpu->run->exit_reason = PFVMM_EXIT_SHUTDOWN;
	vcpu->run->shutdown.status = args->a[0];
	vcpu->regs.gpr[PFVMM_REG_RAX] = 0;
	return PFVMM_HC_TO_USER;
}

static long hc_nop(struct pfvmm_vcpu *vcpu, const struct hc_args *args)
{
	return 0;
}

static long hc_mmu_update(struct pfvmm_vcpu *vcpu, const struct hc_args *args)
{
	return pfvmm_hc_mmu_update(vcpu, args->a[0], args->a[1], args->a[2]);
}

static long hc_update_va_mapping(struct pfvmm_vcpu *vcpu,
				 const struct hc_args *args)
{
	return pfvmm_hc_update_va_mapping(vcpu, args->a[0], args->a[1],
					  args->a[2]);
}

static long hc_mmuext_op(struct pfvmm_vcpu *vcpu, const struct hc_args *args)
{
	return pfvmm_hc_mmuext_op(vcpu, args->a[0], args->a[1], args->a[2]);
}

static long hc_fault_region(struct pfvmm_vcpu *vcpu,
			    const struct hc_args *args)
{
	return pfvmm_hc_fault_region(vcpu, args->a[0], args->a[1], args->a[2]);
}

static long hc_pool_donate(struct pfvmm_vcpu *vcpu, const struct hc_args *args)
{
	return pfvmm_hc_pool_donate(vcpu, args->a[0], args->a[1]);
}

static long hc_pool_reclaim(struct pfvmm_vcpu *vcpu,
			    const struct hc_args *args)
{
	return pfvmm_hc_pool_reclaim(vcpu, args->a[0], args->a[1]);
}

static long hc_offload_info(struct pfvmm_vcpu *vcpu,
			    const struct hc_args *args)
{
	return pfvmm_hc_offload_info(vcpu, args->a[0]);
}

static long hc_multicall(struct pfvmm_vcpu *vcpu, const struct hc_args *args);

static const pfvmm_hc_handler hc_handlers[PFVMM_HC_COUNT] = {
	[PFVMM_HC_CONSOLE_WRITE]	= hc_console_write,
	[PFVMM_HC_SHUTDOWN]		= hc_shutdown,
	[PFVMM_HC_NOP]			= hc_nop,
	[PFVMM_HC_MMU_UPDATE]		= hc_mmu_update,
	[PFVMM_HC_UPDATE_VA_MAPPING]	= hc_update_va_mapping,
	[PFVMM_HC_MMUEXT_OP]		= hc_mmuext_op,
	[PFVMM_HC_MULTICALL]		= hc_multicall,
	[PFVMM_HC_FAULT_REGION]		= hc_fault_region,
	[PFVMM_HC_POOL_DONATE]		= hc_pool_donate,
	[PFVMM_HC_POOL_RECLAIM]		= hc_pool_reclaim,
	[PFVMM_HC_OFFLOAD_INFO]		= hc_offload_info,
};

static bool hc_is_mmu(u64 nr)
{
	return nr >= PFVMM_HC_MMU_UPDATE && nr < PFVMM_HC_COUNT;
}

/* Only MMU calls and NOP may be batched; a multicall never nests. */
static bool hc_batchable(u64 op)
{
	return op == PFVMM_HC_NOP || (op >= PFVMM_HC_MMU_UPDATE &&
				      op <= PFVMM_HC_MMUEXT_OP);
}

static long hc_multicall(struct pfvmm_vcpu *vcpu, const struct hc_args *args)
{
	struct pfvmm_multicall mc;
	u64 va = args->a[0], count = args->a[1], i;

	if (count > PFVMM_MULTICALL_MAX)
		return -PFVMM_E2BIG;
	for (i = 0; i < count; i++, va += sizeof(mc)) {
		struct hc_args sub;

		if (pfvmm_gva_read(vcpu, va, &mc, sizeof(mc)))
			return -PFVMM_EFAULT;
		if (!hc_batchable(mc.op)) {
			mc.result = -PFVMM_EINVAL;
		} else {
			memcpy(sub.a, mc.args, sizeof(sub.a));
			mc.result = hc_handlers[mc.op](vcpu, &sub);
		}
		/* The result goes back where the guest may write. */
		if (pfvmm_gva_write(vcpu, va + offsetof(struct pfvmm_multicall,
							result),
				    &mc.result, sizeof(mc.result)))
			return -PFVMM_EFAULT;
	}
	return 0;
}

static unsigned int guest_cpl(void)
{
	return (vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3;
}

/**
 * pfvmm_handle_vmcall() - the VMCALL exit: run one hypercall
 * @vcpu: the calling vCPU
 *
 * Return: 1 to resume the guest, 0 when userspace must act first.
 */
int pfvmm_handle_vmcall(struct pfvmm_vcpu *vcpu)
{
	unsigned long *gpr = vcpu->regs.gpr;
	u64 nr = gpr[PFVMM_REG_RAX];
	struct hc_args args = { {
		gpr[PFVMM_REG_RDI], gpr[PFVMM_REG_RSI], gpr[PFVMM_REG_RDX],
		gpr[PFVMM_REG_R10], gpr[PFVMM_REG_R8],
	} };
	long ret;

	pfvmm_skip_instruction(vcpu);
	if (guest_cpl() != 0) {
		ret = -EPERM;
	} else if (nr >= PFVMM_HC_COUNT || !hc_handlers[nr]) {
		ret = -PFVMM_ENOSYS;
	} else if (hc_is_mmu(nr) && !pfvmm_vm_is_pv(vcpu->vm)) {
		ret = -PFVMM_EPERM;	/* a native guest owns its tables */
	} else {
		nr = array_index_nospec(nr, PFVMM_HC_COUNT);
		vcpu->stats.hypercalls[nr]++;
		pfvmm_global_stat_inc(PFVMM_GSTAT_HYPERCALLS);
		ret = hc_handlers[nr](vcpu, &args);
		if (ret == PFVMM_HC_TO_USER)
			return 0;
	}
	if (ret < 0)
		vcpu->stats.hypercall_errors++;
	gpr[PFVMM_REG_RAX] = ret;
	return 1;
}
