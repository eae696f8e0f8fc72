// SPDX-License-Identifier: GPL-2.0
/*
 * VMX operation: what the CPU offers (from the capability MSRs), entering
 * and leaving VMX operation on every CPU, and where each vCPU's VMCS is
 * loaded.
 *
 * VMX is entered when the first VM is created and left when the last one
 * goes, as KVM does, so pfvmm and kvm_intel can take turns.  CPU hotplug
 * follows: a CPU coming online while VMs exist enters VMX, a CPU going
 * offline first clears every VMCS it holds and then leaves.  A reboot or
 * kexec takes every CPU out of VMX first, suspend the boot CPU (the others
 * are offline by then) and resume puts it back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/perf_event.h>
#include <linux/reboot.h>
#include <linux/syscore_ops.h>
#include <asm/tlbflush.h>
#include "internal.h"
#include "vmx_ops.h"

struct pfvmm_vmx_caps pfvmm_caps;

struct pfvmm_cpu {
	void *vmxon_region;
	bool in_vmx;
	struct list_head loaded;	/* vCPUs whose VMCS this CPU holds */
	void *current_vmcs;		/* the one VMPTRLD made current, or NULL */
};

static DEFINE_PER_CPU(struct pfvmm_cpu, pfvmm_cpus);
static DEFINE_MUTEX(vmx_users_lock);
static unsigned int vmx_users;
static enum cpuhp_state hp_state;

#define PFVMM_MAX_VPID	1024
static DECLARE_BITMAP(vpid_used, PFVMM_MAX_VPID);
static DEFINE_SPINLOCK(vpid_lock);

/* Set (for good) by the reboot notifier: VMX instructions may fault. */
bool pfvmm_rebooting;

/**
 * pfvmm_vmx_insn_failed() - a VMX instruction failed or faulted
 * @insn: its name
 * @field: the VMCS field or INVEPT/INVVPID type involved
 * @status: VMX_FAILED (VMfail) or VMX_FAULTED (the fixup skipped it)
 */
void pfvmm_vmx_insn_failed(const char *insn, unsigned long field, u8 status)
{
	if (status == VMX_FAILED) {
		pr_err_ratelimited("%s failed for field 0x%lx\n", insn, field);
		return;
	}
	/*
	 * VMX was turned off under us: expected only while rebooting.
	 * Otherwise someone else left VMX operation; reads give 0, writes
	 * are lost and the next entry fails, so RUN reports an error.
	 */
	if (READ_ONCE(pfvmm_rebooting))
		return;
	WARN_ONCE(1, "pfvmm: %s faulted (field 0x%lx): VMX is off on this CPU\n",
		  insn, field);
}

/*
 * A control we want must be allowed-1; a control the CPU requires
 * (allowed-0 is 1) is turned on whatever we want.
 */
static int adjust_controls(const char *name, u32 want, u32 optional,
			   u32 msr, u32 *out)
{
	u32 allowed0, allowed1, ctl;

	rdmsr(msr, allowed0, allowed1);
	ctl = (want | (optional & allowed1)) | allowed0;
	if ((want & allowed1) != want) {
		pr_err("VT-x lacks %s controls 0x%x (allowed 0x%x)\n",
		       name, want & ~allowed1, allowed1);
		return -EOPNOTSUPP;
	}
	*out = ctl & allowed1;
	return 0;
}

static int probe_controls(u64 basic)
{
	bool true_msrs = basic & VMX_BASIC_TRUE_CTLS;
	u32 pin_msr = true_msrs ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
				  MSR_IA32_VMX_PINBASED_CTLS;
	u32 proc_msr = true_msrs ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				   MSR_IA32_VMX_PROCBASED_CTLS;
	u32 exit_msr = true_msrs ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				   MSR_IA32_VMX_EXIT_CTLS;
	u32 entry_msr = true_msrs ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				    MSR_IA32_VMX_ENTRY_CTLS;
	struct pfvmm_vmx_caps *c = &pfvmm_caps;
	int err;

	err = adjust_controls("pin-based",
			      PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
			      PIN_BASED_VMX_PREEMPTION_TIMER, pin_msr, &c->pin);
	err = err ?: adjust_controls("processor-based",
			      CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			      CPU_BASED_MOV_DR_EXITING | CPU_BASED_MWAIT_EXITING |
			      CPU_BASED_MONITOR_EXITING |
			      CPU_BASED_CR8_LOAD_EXITING |
			      CPU_BASED_CR8_STORE_EXITING |
			      CPU_BASED_RDPMC_EXITING |
			      CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
			      0, proc_msr, &c->proc);
	err = err ?: adjust_controls("secondary", SECONDARY_EXEC_ENABLE_EPT,
			      SECONDARY_EXEC_ENABLE_VPID |
			      SECONDARY_EXEC_UNRESTRICTED_GUEST |
			      SECONDARY_EXEC_WBINVD_EXITING,
			      MSR_IA32_VMX_PROCBASED_CTLS2, &c->proc2);
	err = err ?: adjust_controls("VM-exit",
			      VM_EXIT_HOST_ADDR_SPACE_SIZE |
			      VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER |
			      VM_EXIT_ACK_INTR_ON_EXIT |
			      VM_EXIT_SAVE_DEBUG_CONTROLS,
			      0, exit_msr, &c->exit);
	err = err ?: adjust_controls("VM-entry", VM_ENTRY_LOAD_IA32_EFER |
			      VM_ENTRY_LOAD_DEBUG_CONTROLS,
			      0, entry_msr, &c->entry);
	if (err)
		return err;
	/* IA-32e guest mode is set per vCPU from its EFER. */
	c->entry &= ~VM_ENTRY_IA32E_MODE;
	c->vpid = c->proc2 & SECONDARY_EXEC_ENABLE_VPID;
	c->unrestricted = c->proc2 & SECONDARY_EXEC_UNRESTRICTED_GUEST;
	return 0;
}

static int probe_ept(void)
{
	u32 ept_cap, vpid_cap;

	rdmsr(MSR_IA32_VMX_EPT_VPID_CAP, ept_cap, vpid_cap);
	if (!(ept_cap & VMX_EPT_PAGE_WALK_4_BIT) ||
	    !(ept_cap & VMX_EPTP_WB_BIT)) {
		pr_err("EPT lacks 4-level walks or write-back tables\n");
		return -EOPNOTSUPP;
	}
	if (!(ept_cap & VMX_EPT_INVEPT_BIT) ||
	    !(ept_cap & VMX_EPT_EXTENT_CONTEXT_BIT)) {
		pr_err("EPT lacks single-context INVEPT\n");
		return -EOPNOTSUPP;
	}
	pfvmm_caps.invept_global = ept_cap & VMX_EPT_EXTENT_GLOBAL_BIT;
	pfvmm_caps.ept_2m = ept_cap & VMX_EPT_2MB_PAGE_BIT;
	/* The high half of the MSR: bit 0 INVVPID, bit 9 single-context. */
	if (!(vpid_cap & VMX_VPID_INVVPID_BIT) ||
	    !(vpid_cap & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT))
		pfvmm_caps.vpid = false;
	if (!pfvmm_caps.vpid)
		pfvmm_caps.proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	return 0;
}

static int probe_feature_control(void)
{
	u64 fc;

	rdmsrl(MSR_IA32_FEAT_CTL, fc);
	if (!(fc & FEAT_CTL_LOCKED) ||
	    !(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("VT-x is disabled by the firmware (IA32_FEATURE_CONTROL=0x%llx)\n",
		       fc);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * The transient-execution mitigations around entry and exit, each applied
 * exactly when the kernel's own decision (its X86_FEATURE_* bits, set by
 * arch/x86/kernel/cpu/bugs.c) asks for it; the asm in entry.S is patched
 * by the same ALTERNATIVEs; the L1D flush is l1d.c's.  Reported in
 * /sys/kernel/pfvmm/mitigations.
 */
struct pfvmm_mitigation {
	const char *name;
	int feature;
};

static const struct pfvmm_mitigation pfvmm_mitigations[] = {
	{ "verw", X86_FEATURE_CLEAR_CPU_BUF },		/* before entry */
	{ "rsb-fill", X86_FEATURE_RSB_VMEXIT },		/* after exit */
	{ "rsb-fill-lite", X86_FEATURE_RSB_VMEXIT_LITE },
	{ "spec-ctrl-ibrs", X86_FEATURE_KERNEL_IBRS },	/* after exit */
	{ "bhb-clear", X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT },
	{ "ibpb-vmcs", X86_FEATURE_USE_IBPB },		/* VMCS switch */
	{ "ibpb-exit-to-user", X86_FEATURE_IBPB_EXIT_TO_USER },	/* VMSCAPE */
};

/**
 * pfvmm_mitigations_show() - the mitigations in force, one line
 * @buf: a sysfs page
 *
 * Return: the length written.
 */
ssize_t pfvmm_mitigations_show(char *buf)
{
	const char *l1d = pfvmm_l1d_policy_name();
	unsigned int i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(pfvmm_mitigations); i++)
		if (boot_cpu_has(pfvmm_mitigations[i].feature))
			n += sysfs_emit_at(buf, n, "%s ",
					   pfvmm_mitigations[i].name);
	if (l1d)
		n += sysfs_emit_at(buf, n, "l1d-flush-%s ", l1d);
	if (n)
		n--;	/* the last space */
	return n + sysfs_emit_at(buf, n, "\n");
}

/*
 * What pfvmm's decisions rest on, per CPU: the controls and fixed bits come
 * from the boot CPU, so every CPU must report the same (KVM's
 * vmx_check_processor_compat()), firmware locks included.
 */
static const u32 vmx_compat_msrs[] = {
	MSR_IA32_FEAT_CTL, MSR_IA32_VMX_BASIC, MSR_IA32_VMX_PINBASED_CTLS,
	MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_PROCBASED_CTLS2,
	MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_ENTRY_CTLS,
	MSR_IA32_VMX_TRUE_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
	MSR_IA32_VMX_TRUE_EXIT_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
	MSR_IA32_VMX_EPT_VPID_CAP, MSR_IA32_VMX_CR0_FIXED0,
	MSR_IA32_VMX_CR0_FIXED1, MSR_IA32_VMX_CR4_FIXED0,
	MSR_IA32_VMX_CR4_FIXED1,
};

struct vmx_compat {
	u64 boot[ARRAY_SIZE(vmx_compat_msrs)];
	atomic_t differs;	/* CPUs whose MSRs are not the boot CPU's */
	int first;		/* one of them, for the message */
};

/* The boot CPU's values, read at load: a CPU onlined later must match. */
static u64 vmx_compat_boot[ARRAY_SIZE(vmx_compat_msrs)];

static void read_compat_msrs(u64 *v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmx_compat_msrs); i++)
		if (rdmsrl_safe(vmx_compat_msrs[i], &v[i]))
			v[i] = 0;	/* no TRUE MSRs on this CPU: 0 everywhere */
}

static void compare_compat_msrs(void *arg)
{
	struct vmx_compat *c = arg;
	u64 v[ARRAY_SIZE(vmx_compat_msrs)];

	read_compat_msrs(v);
	if (memcmp(v, c->boot, sizeof(v)) && atomic_inc_return(&c->differs) == 1)
		c->first = smp_processor_id();
}

static int check_cpus_alike(void)
{
	struct vmx_compat *c = kzalloc(sizeof(*c), GFP_KERNEL);
	int err = 0;

	if (!c)
		return -ENOMEM;
	cpus_read_lock();
	read_compat_msrs(c->boot);
	memcpy(vmx_compat_boot, c->boot, sizeof(vmx_compat_boot));
	on_each_cpu(compare_compat_msrs, c, 1);
	cpus_read_unlock();
	if (atomic_read(&c->differs)) {
		pr_err("CPU %d's VT-x capabilities or IA32_FEATURE_CONTROL differ from the boot CPU's (%d CPUs differ)\n",
		       c->first, atomic_read(&c->differs));
		err = -EOPNOTSUPP;
	}
	kfree(c);
	return err;
}

/**
 * pfvmm_vmx_probe() - check that this CPU offers what pfvmm needs
 *
 * Return: 0, or -ENODEV when there is no VT-x, -EOPNOTSUPP when a needed
 * feature is missing or disabled; a one-line reason is logged.
 */
int pfvmm_vmx_probe(void)
{
	struct pfvmm_vmx_caps *c = &pfvmm_caps;
	u64 basic;
	int err;

	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err("VT-x (VMX) is not supported by this CPU\n");
		return -ENODEV;
	}
	err = probe_feature_control();
	if (err)
		return err;
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	c->vmcs_revision = basic & 0x7fffffff;
	c->vmcs_size = (basic >> VMX_BASIC_VMCS_SIZE_SHIFT) & 0x1fff;
	if (c->vmcs_size > PAGE_SIZE ||
	    ((basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT) !=
	    VMX_BASIC_MEM_TYPE_WB) {
		pr_err("unsupported VMCS layout (IA32_VMX_BASIC=0x%llx)\n",
		       basic);
		return -EOPNOTSUPP;
	}
	err = probe_controls(basic);
	if (err)
		return err;
	err = probe_ept();
	if (err)
		return err;
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, c->cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, c->cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, c->cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, c->cr4_fixed1);
	rdmsrl(MSR_EFER, c->host_efer);
	err = check_cpus_alike();
	if (err)
		return err;
	pr_info("VT-x with EPT found: VPID %s, unrestricted guest %s\n",
		c->vpid ? "yes" : "no", c->unrestricted ? "yes" : "no");
	return 0;
}

void *pfvmm_vmcs_alloc(void)
{
	u32 *vmcs = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (vmcs)
		vmcs[0] = pfvmm_caps.vmcs_revision;
	return vmcs;
}

void pfvmm_vmcs_free(void *vmcs)
{
	free_page((unsigned long)vmcs);
}

/* ---- per-CPU VMX on/off; called with preemption off, on that CPU ---- */

static void clear_loaded_vmcss(struct pfvmm_cpu *pc)
{
	struct pfvmm_vcpu *vcpu, *tmp;

	pc->current_vmcs = NULL;
	list_for_each_entry_safe(vcpu, tmp, &pc->loaded, loaded_link) {
		vmx_vmclear(__pa(vcpu->vmcs));
		vcpu->launched = false;
		list_del_init(&vcpu->loaded_link);
		/* Off the list before cpu = -1: pairs with the loader's smp_rmb(). */
		smp_wmb();
		WRITE_ONCE(vcpu->cpu, -1);
	}
}

static int cpu_vmx_enable(void)
{
	struct pfvmm_cpu *pc = this_cpu_ptr(&pfvmm_cpus);
	unsigned long cr4 = __read_cr4();
	unsigned long cr0 = read_cr0();

	if (pc->in_vmx)
		return 0;
	if (cr4 & X86_CR4_VMXE) {
		pr_err_ratelimited("CPU %d: VT-x is in use by another hypervisor (CR4.VMXE set; is kvm_intel loaded?)\n",
				   smp_processor_id());
		return -EBUSY;
	}
	if ((cr0 & pfvmm_caps.cr0_fixed0) != pfvmm_caps.cr0_fixed0 ||
	    (cr4 & pfvmm_caps.cr4_fixed0 & ~X86_CR4_VMXE) !=
	    (pfvmm_caps.cr4_fixed0 & ~X86_CR4_VMXE)) {
		pr_err_ratelimited("CPU %d: host CR0/CR4 do not meet VMX fixed bits\n",
				   smp_processor_id());
		return -EOPNOTSUPP;
	}
	cr4_set_bits(X86_CR4_VMXE);
	/* Intel PT cannot trace in VMX operation on older CPUs: it stops. */
	intel_pt_handle_vmx(1);
	if (!vmx_vmxon(__pa(pc->vmxon_region))) {
		intel_pt_handle_vmx(0);
		cr4_clear_bits(X86_CR4_VMXE);
		pr_err_ratelimited("CPU %d: VMXON failed\n",
				   smp_processor_id());
		return -EBUSY;
	}
	pc->in_vmx = true;
	pc->current_vmcs = NULL;
	/* Nothing cached from an earlier user of these EPT/VPID tags. */
	if (pfvmm_caps.invept_global)
		vmx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	return 0;
}

static void cpu_vmx_disable(void)
{
	struct pfvmm_cpu *pc = this_cpu_ptr(&pfvmm_cpus);

	if (!pc->in_vmx)
		return;
	clear_loaded_vmcss(pc);
	vmx_vmxoff();
	intel_pt_handle_vmx(0);
	cr4_clear_bits(X86_CR4_VMXE);
	pc->in_vmx = false;
}

static void cpu_vmx_enable_ipi(void *failed)
{
	if (cpu_vmx_enable())
		atomic_inc(failed);
}

static void cpu_vmx_disable_ipi(void *unused)
{
	cpu_vmx_disable();
}

/**
 * pfvmm_vmx_get() - make sure every online CPU is in VMX operation
 *
 * Return: 0, or -EBUSY if VT-x is held by someone else on any CPU; then
 * no CPU is left in VMX operation by us.
 */
int pfvmm_vmx_get(void)
{
	atomic_t failed = ATOMIC_INIT(0);
	int err = 0;

	cpus_read_lock();
	mutex_lock(&vmx_users_lock);
	if (vmx_users++ == 0) {
		on_each_cpu(cpu_vmx_enable_ipi, &failed, 1);
		if (atomic_read(&failed)) {
			on_each_cpu(cpu_vmx_disable_ipi, NULL, 1);
			vmx_users = 0;
			err = -EBUSY;
		}
	}
	mutex_unlock(&vmx_users_lock);
	cpus_read_unlock();
	return err;
}

void pfvmm_vmx_put(void)
{
	cpus_read_lock();
	mutex_lock(&vmx_users_lock);
	if (!WARN_ON(!vmx_users) && --vmx_users == 0)
		on_each_cpu(cpu_vmx_disable_ipi, NULL, 1);
	mutex_unlock(&vmx_users_lock);
	cpus_read_unlock();
}

/*
 * A CPU coming online must look like the ones checked at load, VMs or
 * not (KVM 6.1 checks only at load; later kernels fail the onlining too):
 * -EOPNOTSUPP keeps it offline.
 */
static int check_onlined_cpu(unsigned int cpu)
{
	u64 v[ARRAY_SIZE(vmx_compat_msrs)];

	read_compat_msrs(v);
	if (!memcmp(v, vmx_compat_boot, sizeof(v)))
		return 0;
	pr_err("CPU %u's VT-x capabilities or IA32_FEATURE_CONTROL differ from the boot CPU's: it stays offline while pfvmm is loaded\n",
	       cpu);
	return -EOPNOTSUPP;
}

static int cpu_online_cb(unsigned int cpu)
{
	int err = check_onlined_cpu(cpu);

	if (err)
		return err;
	mutex_lock(&vmx_users_lock);
	if (vmx_users) {
		preempt_disable();
		err = cpu_vmx_enable();
		preempt_enable();
	}
	mutex_unlock(&vmx_users_lock);
	return err;
}

static int cpu_offline_cb(unsigned int cpu)
{
	unsigned long flags;

	/* No VMCLEAR IPI may walk the list while it is being emptied. */
	local_irq_save(flags);
	cpu_vmx_disable();
	local_irq_restore(flags);
	return 0;
}

/*
 * Reboot and kexec: leave VMX so that the next kernel can use it, every
 * VMCS cleared first.  vCPUs may be running: from now on a VMX instruction
 * may fault (vmx_ops.h), and the run loop refuses to enter (-EIO).  The
 * kernel's emergency path (panic, crash kexec) does not turn VMX off by
 * itself in 6.1: it calls one registered callback, and that slot belongs
 * to kvm_intel (docs/host-safety.md says what this means for kdump).
 */
static int vmx_reboot_notify(struct notifier_block *nb, unsigned long code,
			     void *unused)
{
	WRITE_ONCE(pfvmm_rebooting, true);
	on_each_cpu(cpu_vmx_disable_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block vmx_reboot_nb = {
	.notifier_call = vmx_reboot_notify,
};

/*
 * Suspend to RAM and hibernation: the other CPUs are offline by now (the
 * hotplug callbacks took them out of VMX), tasks are frozen and interrupts
 * are off; the boot CPU leaves VMX here and enters it again on resume, as
 * KVM's kvm_suspend()/kvm_resume() do.  vmx_users cannot change meanwhile.
 */
static int vmx_suspend(void)
{
	if (vmx_users)
		cpu_vmx_disable();
	return 0;
}

static void vmx_resume(void)
{
	if (vmx_users)
		WARN_ON(cpu_vmx_enable());
}

static struct syscore_ops vmx_syscore_ops = {
	.suspend	= vmx_suspend,
	.resume		= vmx_resume,
};

/* ---- where a vCPU's VMCS lives ---- */

static void vmclear_on_this_cpu(void *arg)
{
	struct pfvmm_vcpu *vcpu = arg;

	struct pfvmm_cpu *pc = this_cpu_ptr(&pfvmm_cpus);

	if (vcpu->cpu != smp_processor_id())
		return;	/* it moved, or this CPU went offline meanwhile */
	if (pc->current_vmcs == vcpu->vmcs)
		pc->current_vmcs = NULL;
	vmx_vmclear(__pa(vcpu->vmcs));
	vcpu->launched = false;
	list_del_init(&vcpu->loaded_link);
	smp_wmb();	/* pairs with the loader's smp_rmb() */
	WRITE_ONCE(vcpu->cpu, -1);
}

/**
 * pfvmm_vcpu_clear() - VMCLEAR a vCPU's VMCS wherever it is loaded
 * @vcpu: the vCPU; its VMCS is current on no CPU afterwards
 */
void pfvmm_vcpu_clear(struct pfvmm_vcpu *vcpu)
{
	int cpu = READ_ONCE(vcpu->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmclear_on_this_cpu, vcpu, 1);
}

/**
 * pfvmm_vcpu_load_on_cpu() - make a vCPU's VMCS current on this CPU
 * @vcpu: the vCPU
 * @cpu: this CPU; preemption is off
 *
 * A VMCS may be active on one CPU only: if it was on another, it is
 * cleared there first.  The caller refreshes per-CPU host state.
 */
void pfvmm_vcpu_load_on_cpu(struct pfvmm_vcpu *vcpu, int cpu)
{
	struct pfvmm_cpu *pc = this_cpu_ptr(&pfvmm_cpus);
	unsigned long flags;

	if (READ_ONCE(vcpu->cpu) != cpu) {
		pfvmm_vcpu_clear(vcpu);
		local_irq_save(flags);
		/*
		 * cpu read as -1 before the node is reused: the old CPU's
		 * list_del_init() is done (its smp_wmb()), as in KVM.
		 */
		smp_rmb();
		list_add(&vcpu->loaded_link, &pc->loaded);
		WRITE_ONCE(vcpu->cpu, cpu);
		local_irq_restore(flags);
	}
	if (pc->current_vmcs == vcpu->vmcs)
		return;
	pc->current_vmcs = vcpu->vmcs;
	vmx_vmptrld(__pa(vcpu->vmcs));
	/*
	 * Another vCPU's (maybe another VM's) branch predictions must not
	 * steer this one: IBPB on every change of the current VMCS, where
	 * the kernel uses IBPB at all, as KVM's vmx_vcpu_load_vmcs().
	 */
	indirect_branch_prediction_barrier();
}

static void invept_ipi(void *eptp)
{
	if (this_cpu_ptr(&pfvmm_cpus)->in_vmx)
		vmx_invept(VMX_EPT_EXTENT_CONTEXT, *(u64 *)eptp);
}

/**
 * pfvmm_flush_ept_all_cpus() - drop every cached translation of an EPT
 * @eptp: the EPT pointer; needed when mappings are removed or reduced
 */
void pfvmm_flush_ept_all_cpus(u64 eptp)
{
	on_each_cpu(invept_ipi, &eptp, 1);
}

u16 pfvmm_vpid_alloc(void)
{
	unsigned long vpid;

	if (!pfvmm_caps.vpid)
		return 0;
	spin_lock(&vpid_lock);
	vpid = find_next_zero_bit(vpid_used, PFVMM_MAX_VPID, 1);
	if (vpid < PFVMM_MAX_VPID)
		__set_bit(vpid, vpid_used);
	else
		vpid = 0;	/* share VPID 0 with the host: flushes on exit */
	spin_unlock(&vpid_lock);
	return vpid;
}

static void invvpid_ipi(void *vpid)
{
	if (this_cpu_ptr(&pfvmm_cpus)->in_vmx)
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, *(u16 *)vpid);
}

void pfvmm_vpid_free(u16 vpid)
{
	if (!vpid)
		return;
	on_each_cpu(invvpid_ipi, &vpid, 1);
	spin_lock(&vpid_lock);
	__clear_bit(vpid, vpid_used);
	spin_unlock(&vpid_lock);
}

static void free_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct pfvmm_cpu *pc = per_cpu_ptr(&pfvmm_cpus, cpu);

		pfvmm_vmcs_free(pc->vmxon_region);
		pc->vmxon_region = NULL;
	}
}

/**
 * pfvmm_vmx_init() - allocate VMXON regions and register for hotplug
 *
 * Return: 0 or a negative errno; nothing is left registered on failure.
 */
int pfvmm_vmx_init(void)
{
	int cpu, err;

	err = pfvmm_l1d_init();
	if (err)
		return err;
	for_each_possible_cpu(cpu) {
		struct pfvmm_cpu *pc = per_cpu_ptr(&pfvmm_cpus, cpu);

		INIT_LIST_HEAD(&pc->loaded);
		pc->vmxon_region = pfvmm_vmcs_alloc();
		if (!pc->vmxon_region) {
			free_vmxon_regions();
			pfvmm_l1d_exit();
			return -ENOMEM;
		}
	}
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "pfvmm:online",
					cpu_online_cb, cpu_offline_cb);
	if (err < 0) {
		free_vmxon_regions();
		pfvmm_l1d_exit();
		return err;
	}
	hp_state = err;
	register_reboot_notifier(&vmx_reboot_nb);
	register_syscore_ops(&vmx_syscore_ops);
	return 0;
}

void pfvmm_vmx_exit_module(void)
{
	unregister_syscore_ops(&vmx_syscore_ops);
	unregister_reboot_notifier(&vmx_reboot_nb);
	cpuhp_remove_state_nocalls(hp_state);
	/* Every VM is gone (the fds pin the module), so VMX is off. */
	WARN_ON(vmx_users);
	free_vmxon_regions();
	pfvmm_l1d_exit();
}
