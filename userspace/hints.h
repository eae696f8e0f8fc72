/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error messages that name the problem and the fix: the module is not
 * loaded (and why it may not load: no VT-x), the device is not accessible
 * (the pfvmm group and its udev rule).  Paths can be overridden for tests.
 */
#ifndef PFVMM_HINTS_H
#define PFVMM_HINTS_H

#define PFVMM_DEV_DEFAULT	"/dev/pfvmm"
#define PFVMM_SYSFS_DEFAULT	"/sys/kernel/pfvmm"

const char *pfvmm_device_path(void);
const char *pfvmm_sysfs_path(void);
void hint_module_not_loaded(const char *who, const char *path);
void hint_no_access(const char *who, const char *path);
void hint_open_error(const char *who, const char *path, int err);

#endif /* PFVMM_HINTS_H */
