/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment of pfvmm's portable core: the files under kmod/core/
 * compile into the module and into the userspace unit tests and fuzzers.
 * They use only what this header provides.
 */
#ifndef PFVMM_CORE_ENV_H
#define PFVMM_CORE_ENV_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#endif

#endif /* PFVMM_CORE_ENV_H */
