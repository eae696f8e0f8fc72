// SPDX-License-Identifier: GPL-2.0
/*
 * L1TF: a guest PTE with P = 0 and any frame number can read host data
 * from the L1 data cache speculatively, EPT or not.  On a CPU with the
 * bug (and without ARCH_CAPABILITIES' "skip the flush at VM entry"), and
 * unless the kernel was told l1tf=off, the L1D is flushed before a VM
 * entry that follows host work which may have pulled secrets into it:
 * KVM's "cond" policy, its default.  That is: the first entry of each
 * PFVMM_RUN (userspace ran), the first after the thread was scheduled in
 * (another task ran), any after an interrupt on this CPU (the kernel's
 * interrupt entry sets irq_stat's flag, as for KVM), any after a pv page
 * fault the module tried to resolve (offload walked and wrote guest
 * tables: KVM's kvm_handle_page_fault() for a shadow-MMU #PF) and any
 * after a hypercall that touches guest memory (as KVM's emulation and
 * kvm_write_guest_virt_system()).  A #PF that is only forwarded (injected
 * back, nothing read but the VMCS), EPT violations, CPUID and the like do
 * not: they touch no host data a guest should not see, and KVM with EPT
 * injects such a #PF without a flush (kvm_fixup_and_inject_pf_error()).
 * docs/host-safety.md has the table, event by event.
 *
 * The flush is MSR_IA32_FLUSH_CMD where the CPU has it, else a software
 * sequence that fills the L1D from a 64 KiB buffer of its own (two passes:
 * the TLB first, then every cache line), as KVM's vmx_l1d_flush() does.
 *
 * The policy is the vmentry_l1d_flush parameter, with kvm_intel's values:
 * "auto" (the default: "cond" where the kernel wants a flush), "cond",
 * "always" (before every entry) or "never" (the administrator trusts the
 * guests, or runs them without SMT; KVM offers the same).  Root may change
 * it while guests run; each entry reads it once.  Where the kernel wants
 * no flush (no L1TF, or l1tf=off) nothing is flushed whatever it says.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/hardirq.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include "internal.h"

#define L1D_FLUSH_ORDER	4	/* 16 pages: more than any L1D */

enum l1d_policy { L1D_AUTO, L1D_NEVER, L1D_COND, L1D_ALWAYS };
static const char * const l1d_policy_names[] = {
	[L1D_AUTO] = "auto", [L1D_NEVER] = "never",
	[L1D_COND] = "cond", [L1D_ALWAYS] = "always",
};

static int l1d_policy = L1D_AUTO;
static bool l1d_wanted;		/* by the kernel: set by pfvmm_l1d_init() */

bool pfvmm_l1d_flush_on;
bool pfvmm_l1d_flush_always;
static void *l1d_flush_pages;

/* The policy in force, from the parameter and the kernel's decision. */
static void l1d_apply_policy(void)
{
	int policy = READ_ONCE(l1d_policy);

	WRITE_ONCE(pfvmm_l1d_flush_always, l1d_wanted && policy == L1D_ALWAYS);
	WRITE_ONCE(pfvmm_l1d_flush_on, l1d_wanted && policy != L1D_NEVER);
}

static int l1d_policy_set(const char *val, const struct kernel_param *kp)
{
	int policy = sysfs_match_string(l1d_policy_names, val);

	if (policy < 0)
		return -EINVAL;
	WRITE_ONCE(l1d_policy, policy);
	l1d_apply_policy();
	return 0;
}

static int l1d_policy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", l1d_policy_names[READ_ONCE(l1d_policy)]);
}

static const struct kernel_param_ops l1d_policy_ops = {
	.set = l1d_policy_set,
	.get = l1d_policy_get,
};
module_param_cb(vmentry_l1d_flush, &l1d_policy_ops, NULL, 0644);
MODULE_PARM_DESC(vmentry_l1d_flush,
		 "L1D flush before VM entry (L1TF): auto (default), cond, always, never");

/**
 * pfvmm_l1d_policy_name() - the flush in force, for the mitigations line
 *
 * Return: "always", "cond", or NULL when nothing is flushed.
 */
const char *pfvmm_l1d_policy_name(void)
{
	if (!READ_ONCE(pfvmm_l1d_flush_on))
		return NULL;
	return READ_ONCE(pfvmm_l1d_flush_always) ? "always" : "cond";
}

static bool l1d_flush_wanted_by_kernel(void)
{
	u64 cap = 0;

	if (!boot_cpu_has_bug(X86_BUG_L1TF) ||
	    l1tf_mitigation == L1TF_MITIGATION_OFF)
		return false;
	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl_safe(MSR_IA32_ARCH_CAPABILITIES, &cap);
	return !(cap & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
}

/**
 * pfvmm_l1d_init() - decide on the flush and allocate what it needs
 *
 * Return: 0 or -ENOMEM.
 */
int pfvmm_l1d_init(void)
{
	bool wanted = l1d_flush_wanted_by_kernel();

	/* The buffer first: a policy change may turn the flush on any time. */
	if (wanted && !boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		l1d_flush_pages = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
							   L1D_FLUSH_ORDER);
		if (!l1d_flush_pages)
			return -ENOMEM;
	}
	l1d_wanted = wanted;
	l1d_apply_policy();
	return 0;
}

void pfvmm_l1d_exit(void)
{
	l1d_wanted = false;
	l1d_apply_policy();
	free_pages((unsigned long)l1d_flush_pages, L1D_FLUSH_ORDER);
	l1d_flush_pages = NULL;
}

static void l1d_flush_software(void)
{
	unsigned int size = PAGE_SIZE << L1D_FLUSH_ORDER;

	asm volatile("xorl %%eax, %%eax\n"
		     "1:\tmovzbl (%[p], %%rax), %%ecx\n\t"
		     "addl $4096, %%eax\n\t"
		     "cmpl %%eax, %[size]\n\t"
		     "jne 1b\n\t"
		     "xorl %%eax, %%eax\n\t"
		     "cpuid\n\t"
		     "xorl %%eax, %%eax\n"
		     "2:\tmovzbl (%[p], %%rax), %%ecx\n\t"
		     "addl $64, %%eax\n\t"
		     "cmpl %%eax, %[size]\n\t"
		     "jne 2b\n\t"
		     "lfence"
		     : : [p] "r"(l1d_flush_pages), [size] "r"(size)
		     : "eax", "ebx", "ecx", "edx", "memory");
}

/**
 * pfvmm_l1d_flush() - right before VM entry: flush the L1D if host work since
 * the last entry may have left something there
 * @vcpu: the vCPU; interrupts off
 */
void pfvmm_l1d_flush(struct pfvmm_vcpu *vcpu)
{
	bool flush = vcpu->l1d_flush || kvm_get_cpu_l1tf_flush_l1d() ||
		     READ_ONCE(pfvmm_l1d_flush_always);

	vcpu->l1d_flush = false;
	kvm_clear_cpu_l1tf_flush_l1d();
	if (!flush)
		return;
	vcpu->stats.l1d_flushes++;
	if (boot_cpu_has(X86_FEATURE_FLUSH_L1D))
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	else
		l1d_flush_software();
}
