/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the launcher's files. */
#ifndef PFVMM_UTIL_H
#define PFVMM_UTIL_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* PFVMM_UTIL_H */
