/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --numa-node: guest memory and the vCPU thread on one NUMA node, with
 * libnuma.  The node is checked before anything touches /dev/pfvmm.
 */
#ifndef PFVMM_NUMA_H
#define PFVMM_NUMA_H

#include <stddef.h>

int numa__check_node(int node);
int numa__bind_memory(void *mem, size_t size, int node);
int numa__run_on_node(int node);

#endif /* PFVMM_NUMA_H */
