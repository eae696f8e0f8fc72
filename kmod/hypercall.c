// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls: VMCALL with the number in RAX, arguments in RDI, RSI, RDX,
 * R10, R8, and the result in RAX.  Only the guest kernel (CPL 0) may call;
 * an unknown number gets -PFVMM_ENOSYS.  hc_table[] holds every call with
 * the facts the dispatcher checks (arguments, pv only, allowed in a
 * MULTICALL, ends in userspace).  Every argument is checked here or in
 * the handler; a bad one is an error returned to the guest, never a
 * reason to trust it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/nospec.h>
#include "../include/pfvmm/hypercall.h"
#include "internal.h"
#include "vmx_ops.h"

/*
 * One entry per hypercall: what it takes and where it may be called.  The
 * handler returns what the guest gets in RAX (>= 0 or -PFVMM_E*); whether
 * the vCPU then goes to userspace follows from the entry (to_user, stops),
 * never from a magic return value.
 */
struct hc_desc {
	u8 nargs;
	bool pv_only;		/* a native guest owns its tables: -EPERM */
	bool batchable;		/* may be an op of a MULTICALL */
	bool to_user;		/* a result > 0 continues in userspace */
	bool stops;		/* the guest stops: userspace, whatever the result */
	bool no_memory;		/* touches no guest memory (no L1D flush) */
	union {
		long (*a0)(struct pfvmm_vcpu *vcpu);
		long (*a1)(struct pfvmm_vcpu *vcpu, u64 a0);
		long (*a2)(struct pfvmm_vcpu *vcpu, u64 a0, u64 a1);
		long (*a3)(struct pfvmm_vcpu *vcpu, u64 a0, u64 a1, u64 a2);
	} fn;
};

static long hc_console_write(struct pfvmm_vcpu *vcpu, u64 va, u64 len)
{
	struct pfvmm_run *run = vcpu->run;
	int err;

	BUILD_BUG_ON(PFVMM_CONSOLE_WRITE_MAX > PFVMM_CONSOLE_MAX);
	len = min_t(u64, len, PFVMM_CONSOLE_MAX);
	if (!len)
		return 0;	/* nothing to print: no exit (ABI) */
	err = pfvmm_gva_read(vcpu, va, run->console.buf, len);
	if (err)
		return err;
	run->console.len = len;
	run->exit_reason = PFVMM_EXIT_CONSOLE;
	return len;
}

static long hc_shutdown(struct pfvmm_vcpu *vcpu, u64 status)
{
	vcpu->run->exit_reason = PFVMM_EXIT_SHUTDOWN;
	vcpu->run->shutdown.status = status;
	return 0;
}

static long hc_nop(struct pfvmm_vcpu *vcpu)
{
	return 0;
}

/*
 * The guest's window on its vCPU's phase counters (phase.h): the first
 * call zeroes them (what came before, boot and setup, is not what the
 * guest measures); from then on they count only while it is open (1),
 * not while closed (0).
 */
static long hc_phase_window(struct pfvmm_vcpu *vcpu, u64 open)
{
	if (open > 1)
		return -PFVMM_EINVAL;
	if (!vcpu->phase_windowed) {
		memset(vcpu->stats.phase_cycles, 0,
		       sizeof(vcpu->stats.phase_cycles));
		memset(vcpu->stats.phase_count, 0,
		       sizeof(vcpu->stats.phase_count));
		vcpu->phase_windowed = true;
	}
	vcpu->phase_off = !open;
	return 0;
}

static long hc_multicall(struct pfvmm_vcpu *vcpu, u64 va, u64 count);

#define HC(nr, n, f, ...) \
	[nr] = { .nargs = n, .fn.a##n = f, __VA_ARGS__ }
#define PV_BATCH		.pv_only = true, .batchable = true

static const struct hc_desc hc_table[PFVMM_HC_COUNT] = {
	HC(PFVMM_HC_CONSOLE_WRITE, 2, hc_console_write, .to_user = true),
	HC(PFVMM_HC_SHUTDOWN, 1, hc_shutdown, .stops = true),
	HC(PFVMM_HC_NOP, 0, hc_nop, .batchable = true, .no_memory = true),
	HC(PFVMM_HC_MMU_UPDATE, 3, pfvmm_hc_mmu_update, PV_BATCH),
	HC(PFVMM_HC_UPDATE_VA_MAPPING, 3, pfvmm_hc_update_va_mapping, PV_BATCH),
	HC(PFVMM_HC_MMUEXT_OP, 3, pfvmm_hc_mmuext_op, PV_BATCH),
	HC(PFVMM_HC_MULTICALL, 2, hc_multicall, .pv_only = true),
	HC(PFVMM_HC_FAULT_REGION, 3, pfvmm_hc_fault_region, .pv_only = true),
	HC(PFVMM_HC_POOL_DONATE, 2, pfvmm_hc_pool_donate, .pv_only = true),
	HC(PFVMM_HC_POOL_RECLAIM, 2, pfvmm_hc_pool_reclaim, .pv_only = true),
	HC(PFVMM_HC_OFFLOAD_INFO, 1, pfvmm_hc_offload_info, .pv_only = true),
	HC(PFVMM_HC_PHASE_WINDOW, 1, hc_phase_window, .no_memory = true),
};

static long hc_call(struct pfvmm_vcpu *vcpu, const struct hc_desc *d,
		    const u64 *a)
{
	switch (d->nargs) {
	case 0:
		return d->fn.a0(vcpu);
	case 1:
		return d->fn.a1(vcpu, a[0]);
	case 2:
		return d->fn.a2(vcpu, a[0], a[1]);
	default:
		return d->fn.a3(vcpu, a[0], a[1], a[2]);
	}
}

/* The entry of a guest-supplied number, or NULL; bounded under speculation. */
static const struct hc_desc *hc_lookup(u64 nr)
{
	if (nr >= PFVMM_HC_COUNT)
		return NULL;
	nr = array_index_nospec(nr, PFVMM_HC_COUNT);
	return hc_table[nr].nargs || hc_table[nr].fn.a0 ? &hc_table[nr] : NULL;
}

/* A batch of MMU calls (and NOPs) in one exit; a multicall never nests. */
static long hc_multicall(struct pfvmm_vcpu *vcpu, u64 va, u64 count)
{
	struct pfvmm_multicall mc;
	const struct hc_desc *d;
	u64 i;

	if (count > PFVMM_MULTICALL_MAX)
		return -PFVMM_E2BIG;
	for (i = 0; i < count; i++, va += sizeof(mc)) {
		if (pfvmm_gva_read(vcpu, va, &mc, sizeof(mc)))
			return -PFVMM_EFAULT;
		d = hc_lookup(mc.op);
		mc.result = d && d->batchable ? hc_call(vcpu, d, mc.args) :
						-PFVMM_EINVAL;
		/* The result goes back where the guest may write. */
		if (pfvmm_gva_write(vcpu, va + offsetof(struct pfvmm_multicall,
							result),
				    &mc.result, sizeof(mc.result)))
			return -PFVMM_EFAULT;
	}
	return 0;
}

/* The guest's result of hypercall @nr with @args; *to_user on success. */
static long hc_dispatch(struct pfvmm_vcpu *vcpu, u64 nr, const u64 *args,
			bool *to_user)
{
	const struct hc_desc *d = hc_lookup(nr);
	long ret;

	if (vmx_guest_cpl() != 0)
		return -PFVMM_EPERM;
	if (!d)
		return -PFVMM_ENOSYS;
	if (d->pv_only && !pfvmm_vm_is_pv(vcpu->vm))
		return -PFVMM_EPERM;	/* a native guest owns its tables */
	vcpu->stats.hypercalls[d - hc_table]++;
	pfvmm_global_stat_inc(PFVMM_GSTAT_HYPERCALLS);
	/* Guest memory read and written: flush before the next entry (l1d.c). */
	if (!d->no_memory)
		vcpu->l1d_flush = true;
	ret = hc_call(vcpu, d, args);
	*to_user = d->stops || (d->to_user && ret > 0);
	return ret;
}

/**
 * pfvmm_handle_vmcall() - the VMCALL exit: run one hypercall
 * @vcpu: the calling vCPU
 *
 * Return: PFVMM_NEXT_USER when userspace must act first (console output,
 * shutdown), else PFVMM_NEXT_GUEST.
 */
enum pfvmm_next pfvmm_handle_vmcall(struct pfvmm_vcpu *vcpu)
{
	unsigned long *gpr = vcpu->regs.gpr;
	const u64 args[5] = {
		gpr[PFVMM_REG_RDI], gpr[PFVMM_REG_RSI], gpr[PFVMM_REG_RDX],
		gpr[PFVMM_REG_R10], gpr[PFVMM_REG_R8],
	};
	bool to_user = false;
	long ret;

	pfvmm_skip_instruction(vcpu);
	ret = hc_dispatch(vcpu, gpr[PFVMM_REG_RAX], args, &to_user);
	if (ret < 0)
		vcpu->stats.hypercall_errors++;
	gpr[PFVMM_REG_RAX] = ret;
	return to_user ? PFVMM_NEXT_USER : PFVMM_NEXT_GUEST;
}
