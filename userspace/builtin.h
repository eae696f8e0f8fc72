/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands of the pfvmm launcher (kvmtool's builtin-*.c pattern). */
#ifndef PFVMM_BUILTIN_H
#define PFVMM_BUILTIN_H

#include <stdio.h>

#define PFVMM_VERSION	"0.1"

int cmd_run(int argc, char *const argv[]);
void cmd_run_usage(FILE *f);
int cmd_bench(int argc, char *const argv[]);
void cmd_bench_usage(FILE *f);
int cmd_stat(int argc, char *const argv[]);
void cmd_stat_usage(FILE *f);

#endif /* PFVMM_BUILTIN_H */
