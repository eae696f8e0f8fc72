// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's explanations for the errors users hit first: no module,
 * no permission, no VT-x.  Each message names the problem and the fix.
 *
 * PFVMM_DEVICE and PFVMM_SYSFS override /dev/pfvmm and /sys/kernel/pfvmm,
 * PFVMM_CPUINFO overrides /proc/cpuinfo (for the tests of these messages;
 * documented in pfvmm(1)).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hints.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

/** pfvmm_device_path() - /dev/pfvmm, or $PFVMM_DEVICE */
const char *pfvmm_device_path(void)
{
	return env_or("PFVMM_DEVICE", PFVMM_DEV_DEFAULT);
}

/** pfvmm_sysfs_path() - /sys/kernel/pfvmm, or $PFVMM_SYSFS */
const char *pfvmm_sysfs_path(void)
{
	return env_or("PFVMM_SYSFS", PFVMM_SYSFS_DEFAULT);
}

/* 1: a "flags" line of cpuinfo lists vmx; 0: none does; -1: unreadable. */
static int cpu_has_vmx(void)
{
	FILE *f = fopen(env_or("PFVMM_CPUINFO", "/proc/cpuinfo"), "r");
	char line[4096];
	int seen_flags = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		seen_flags = 1;
		if (strstr(line, " vmx ") || strstr(line, " vmx\n")) {
			fclose(f);
			return 1;
		}
	}
	fclose(f);
	return seen_flags ? 0 : -1;
}

/** hint_module_not_loaded() - @path is missing: say to load the module */
void hint_module_not_loaded(const char *who, const char *path)
{
	fprintf(stderr, "%s: %s not found: module not loaded: run 'modprobe pfvmm' "
		"(needs VT-x; see dmesg)\n", who, path);
	if (cpu_has_vmx() == 0)
		fprintf(stderr, "%s: no VT-x on this CPU (no 'vmx' flag in "
			"/proc/cpuinfo: the CPU lacks it or the firmware disabled it): "
			"the module refuses to load here; use a VT-x host, or a VM "
			"with nested VT-x (see NOTES in pfvmm(1))\n", who);
}

/** hint_no_access() - @path exists but we may not open it */
void hint_no_access(const char *who, const char *path)
{
	fprintf(stderr, "%s: %s: permission denied: the device belongs to the "
		"'pfvmm' group (udev rule 60-pfvmm.rules, installed by 'make install'); "
		"add yourself with 'usermod -aG pfvmm $USER' and log in again, "
		"or run as root\n", who, path);
}

/** hint_open_error() - explain why open(@path) failed with errno @err */
void hint_open_error(const char *who, const char *path, int err)
{
	if (err == ENOENT || err == ENODEV || err == ENXIO)
		hint_module_not_loaded(who, path);
	else if (err == EACCES || err == EPERM)
		hint_no_access(who, path);
	else
		fprintf(stderr, "%s: cannot open %s: %s\n", who, path, strerror(err));
}
