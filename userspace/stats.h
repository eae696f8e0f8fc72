/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names for VMX exit reasons and pfvmm hypercalls, and the --stats report.
 */
#ifndef PFVMM_STATS_H
#define PFVMM_STATS_H

#include <stdio.h>

#include <uapi/pfvmm.h>

const char *vmx_exit_name(unsigned int reason);
const char *hypercall_name(unsigned int nr);
void stats_print(FILE *f, const struct pfvmm_vm_stats *stats);

struct vm;
void vm_print_stats(struct vm *vm, FILE *f);
void vm_print_milestone(const struct vm *vm, FILE *f);

#endif /* PFVMM_STATS_H */
