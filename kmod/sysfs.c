// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/pfvmm/: the offload switch and global counters, one value
 * per file (Documentation in docs/sysfs-pfvmm.txt).  The counters add up
 * every VM since the module was loaded; the *_live, pages_pinned,
 * ept_tables and pool_frames files count what exists now (0 when no VM
 * does: a leak check).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

bool pfvmm_offload_global;
atomic64_t pfvmm_global_stats[PFVMM_GSTAT_COUNT];
atomic64_t pfvmm_live[PFVMM_LIVE_COUNT];
static struct kobject *pfvmm_kobj;

static ssize_t offload_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(pfvmm_offload_global));
}

static ssize_t offload_store(struct kobject *kobj,
			     struct kobj_attribute *attr, const char *buf,
			     size_t count)
{
	bool on;
	int err = kstrtobool(buf, &on);

	if (err)
		return err;
	WRITE_ONCE(pfvmm_offload_global, on);
	return count;
}

static struct kobj_attribute offload_attr = __ATTR_RW(offload);

struct gstat_attr {
	struct kobj_attribute attr;
	int index;
};

static ssize_t gstat_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct gstat_attr *g = container_of(attr, struct gstat_attr, attr);

	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&pfvmm_global_stats[g->index]));
}

#define GSTAT(name, idx) \
	static struct gstat_attr name##_attr = { __ATTR(name, 0444, gstat_show, NULL), idx }

GSTAT(vm_exits, PFVMM_GSTAT_EXITS);
GSTAT(hypercalls, PFVMM_GSTAT_HYPERCALLS);
GSTAT(faults_offloaded, PFVMM_GSTAT_OFFLOADED);
GSTAT(faults_forwarded, PFVMM_GSTAT_FORWARDED);
GSTAT(fallbacks, PFVMM_GSTAT_FALLBACK);
GSTAT(pool_frames_used, PFVMM_GSTAT_POOL_USED);
GSTAT(vms_created, PFVMM_GSTAT_VMS);

static ssize_t live_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct gstat_attr *g = container_of(attr, struct gstat_attr, attr);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&pfvmm_live[g->index]));
}

#define LIVE(name, idx) \
	static struct gstat_attr name##_attr = { __ATTR(name, 0444, live_show, NULL), idx }

LIVE(vms_live, PFVMM_LIVE_VMS);
LIVE(vcpus_live, PFVMM_LIVE_VCPUS);
LIVE(pages_pinned, PFVMM_LIVE_PAGES_PINNED);
LIVE(ept_tables, PFVMM_LIVE_EPT_TABLES);
LIVE(pool_frames, PFVMM_LIVE_POOL_FRAMES);

static ssize_t mitigations_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return pfvmm_mitigations_show(buf);
}

static struct kobj_attribute mitigations_attr = __ATTR_RO(mitigations);

static struct attribute *pfvmm_attrs[] = {
	&offload_attr.attr,
	&mitigations_attr.attr,
	&vm_exits_attr.attr.attr,
	&hypercalls_attr.attr.attr,
	&faults_offloaded_attr.attr.attr,
	&faults_forwarded_attr.attr.attr,
	&fallbacks_attr.attr.attr,
	&pool_frames_used_attr.attr.attr,
	&vms_created_attr.attr.attr,
	&vms_live_attr.attr.attr,
	&vcpus_live_attr.attr.attr,
	&pages_pinned_attr.attr.attr,
	&ept_tables_attr.attr.attr,
	&pool_frames_attr.attr.attr,
	NULL,
};

static const struct attribute_group pfvmm_group = {
	.attrs = pfvmm_attrs,
};

int pfvmm_sysfs_init(void)
{
	int err;

	pfvmm_kobj = kobject_create_and_add("pfvmm", kernel_kobj);
	if (!pfvmm_kobj)
		return -ENOMEM;
	err = sysfs_create_group(pfvmm_kobj, &pfvmm_group);
	if (err)
		kobject_put(pfvmm_kobj);
	return err;
}

void pfvmm_sysfs_exit(void)
{
	kobject_put(pfvmm_kobj);
}
