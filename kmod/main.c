// SPDX-License-Identifier: GPL-2.0
/*
 * pfvmm: a small VT-x/EPT hypervisor as a loadable module.
 *
 * This file is the front door: module load and unload, and /dev/pfvmm
 * with its system ioctls (API version, capabilities, VM creation).  The
 * module refuses to load, with one line in the log saying why, when the
 * CPU lacks VT-x or EPT or the firmware disabled it.  VMX operation itself
 * starts only with the first VM (see vmx.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include "internal.h"

struct device *pfvmm_dev;

static long check_extension(unsigned long cap)
{
	switch (cap) {
	case PFVMM_CAP_MAX_MEM_SLOTS:
		return PFVMM_MAX_SLOTS;
	case PFVMM_CAP_MAX_VCPUS:
		return PFVMM_MAX_VCPUS;
	case PFVMM_CAP_MAX_VMS:
		return PFVMM_MAX_VMS;
	case PFVMM_CAP_MAX_MEM_MB:
		return PFVMM_MAX_MEM_MB;
	case PFVMM_CAP_STATS:
		return 3;	/* with phases and the 2 MiB EPT counts */
	case PFVMM_CAP_MAX_POOL_FRAMES:
		return PFVMM_POOL_MAX((u64)PFVMM_MAX_MEM_MB << 20);
	default:
		return 0;
	}
}

static long pfvmm_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	switch (cmd) {
	case PFVMM_GET_API_VERSION:
		return arg ? -EINVAL : PFVMM_API_VERSION;
	case PFVMM_CHECK_EXTENSION:
		return check_extension(arg);
	case PFVMM_CREATE_VM:
		return pfvmm_vm_create(arg);
	case PFVMM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : PAGE_SIZE;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations pfvmm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= pfvmm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice pfvmm_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "pfvmm",
	.fops	= &pfvmm_dev_fops,
	.mode	= 0660,
};

static int __init pfvmm_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct pfvmm_run) > PAGE_SIZE);
	err = pfvmm_vmx_probe();
	if (err)
		return err;
	err = pfvmm_vmx_init();
	if (err)
		return err;
	err = pfvmm_sysfs_init();
	if (err)
		goto err_vmx_exit;
	err = misc_register(&pfvmm_misc);
	if (err) {
		pr_err("cannot register /dev/pfvmm: %d\n", err);
		goto err_sysfs_exit;
	}
	pfvmm_dev = pfvmm_misc.this_device;
	pr_info("ready: /dev/pfvmm\n");
	return 0;

err_sysfs_exit:
	pfvmm_sysfs_exit();
err_vmx_exit:
	pfvmm_vmx_exit_module();
	return err;
}

static void __exit pfvmm_exit(void)
{
	misc_deregister(&pfvmm_misc);
	pfvmm_sysfs_exit();
	pfvmm_vmx_exit_module();
	pr_info("unloaded\n");
}

module_init(pfvmm_init);
module_exit(pfvmm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pfvmm: VT-x/EPT hypervisor for page-fault offload experiments");
