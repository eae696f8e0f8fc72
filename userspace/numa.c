// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA placement for 'pfvmm run --numa-node N' (libnuma).  The guest's
 * memory is bound to node N with mbind() right after it is mapped, before
 * the first page is touched or pinned by the module, and the vCPU thread
 * (the launcher's only thread) runs on node N's CPUs.
 */
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <string.h>

#include "numa.h"

/* The nodes that have memory, e.g. "0" or "0-1", for messages. */
static void host_nodes_text(char *buf, size_t len)
{
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (n = 0; n <= numa_max_node() && used + 12 < len; n++)
		if (numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned int)n))
			used += (size_t)snprintf(buf + used, len - used, "%s%d",
						 used ? "," : "", n);
}

/**
 * host_node_check() - is @node a NUMA node with memory on this host?
 *
 * Return: 0, or -1 after printing what is wrong and what exists.
 */
int host_node_check(int node)
{
	char nodes[128];

	if (numa_available() < 0) {
		fprintf(stderr, "pfvmm run: --numa-node %d: this kernel has no NUMA "
			"support (get_mempolicy failed); run without --numa-node\n", node);
		return -1;
	}
	if (node > numa_max_node() ||
	    !numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned int)node)) {
		host_nodes_text(nodes, sizeof(nodes));
		fprintf(stderr, "pfvmm run: --numa-node %d: no such NUMA node with "
			"memory on this host (nodes: %s; see numactl --hardware)\n",
			node, nodes);
		return -1;
	}
	return 0;
}

/**
 * host_node_bind_memory() - place [@mem, @mem + @size) on @node (MPOL_BIND)
 *
 * Return: 0, or -errno after printing why.
 */
int host_node_bind_memory(void *mem, size_t size, int node)
{
	struct bitmask *mask = numa_allocate_nodemask();
	int ret = 0;

	if (!mask) {
		fprintf(stderr, "pfvmm: --numa-node: out of memory\n");
		return -ENOMEM;
	}
	numa_bitmask_setbit(mask, (unsigned int)node);
	if (mbind(mem, size, MPOL_BIND, mask->maskp, mask->size + 1, 0)) {
		ret = -errno;
		fprintf(stderr, "pfvmm: --numa-node %d: mbind of guest memory: %s\n",
			node, strerror(errno));
	}
	numa_free_nodemask(mask);
	return ret;
}

/**
 * host_node_pin_thread() - run the calling (vCPU) thread on @node's CPUs
 *
 * Return: 0, or -errno after printing why.
 */
int host_node_pin_thread(int node)
{
	if (numa_run_on_node(node)) {
		int err = errno;

		fprintf(stderr, "pfvmm: --numa-node %d: cannot run on the node's "
			"CPUs: %s\n", node, strerror(err));
		return -err;
	}
	return 0;
}
