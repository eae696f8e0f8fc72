/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --numa-node: guest memory and the vCPU thread on one NUMA node of the
 * host, with libnuma.  The node is checked before anything touches
 * /dev/pfvmm.  (host_node_*, not numa_*: numa_* is libnuma's own.)
 */
#ifndef PFVMM_NUMA_H
#define PFVMM_NUMA_H

#include <stddef.h>

int host_node_check(int node);
int host_node_bind_memory(void *mem, size_t size, int node);
int host_node_pin_thread(int node);

#endif /* PFVMM_NUMA_H */
