/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands of the pfvmm launcher (kvmtool's builtin-*.c pattern):
 * each takes the arguments after its name and returns the exit status.
 * Their command lines (cli.h tables) are declared in options.h.
 */
#ifndef PFVMM_BUILTIN_H
#define PFVMM_BUILTIN_H

#define PFVMM_VERSION	"0.1"

int cmd_run(int argc, char *const argv[]);
int cmd_bench(int argc, char *const argv[]);
int cmd_stat(int argc, char *const argv[]);

#endif /* PFVMM_BUILTIN_H */
