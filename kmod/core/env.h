/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment of pfvmm's portable core: the files under kmod/core/
 * compile into the module and into the userspace unit tests and fuzzers.
 * They use only what this header provides.
 */
#ifndef PFVMM_CORE_ENV_H
#define PFVMM_CORE_ENV_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;
#define BIT_ULL(n)	(1ULL << (n))
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#endif

#endif /* PFVMM_CORE_ENV_H */
