// SPDX-License-Identifier: GPL-2.0
/*
 * pfvmm: the launcher for the pfvmm hypervisor.  git/kvmtool-style
 * subcommands from a table: 'pfvmm run', 'pfvmm stat', 'pfvmm version',
 * 'pfvmm help'.
 */
#include <stdio.h>
#include <string.h>

#include <uapi/pfvmm.h>

#include "builtin.h"
#include "util.h"
#include "vmm.h"

struct subcommand {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char *const argv[]);
	void (*usage)(FILE *f);
};

static int cmd_version(int argc, char *const argv[]);
static int cmd_help(int argc, char *const argv[]);
static void cmd_version_usage(FILE *f);
static void cmd_help_usage(FILE *f);

static const struct subcommand subcommands[] = {
	{ "run",	"run a guest ELF",		cmd_run,	cmd_run_usage },
	{ "bench",	"run the fault benchmark matrix", cmd_bench,	cmd_bench_usage },
	{ "stat",	"print the module's counters (/sys/kernel/pfvmm)", cmd_stat, cmd_stat_usage },
	{ "version",	"print the launcher version",	cmd_version,	cmd_version_usage },
	{ "help",	"show help for a subcommand",	cmd_help,	cmd_help_usage },
};

#define NR_SUBCOMMANDS ARRAY_SIZE(subcommands)

static const struct subcommand *subcommand_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_SUBCOMMANDS; i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

static void main_usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: pfvmm COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\n'pfvmm help COMMAND' or 'pfvmm COMMAND --help' for details.\n");
}

static int is_help_flag(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static void cmd_version_usage(FILE *f)
{
	fprintf(f, "usage: pfvmm version\n\nPrint the launcher version and the "
		"module API version it speaks.\n");
}

static int cmd_version(int argc, char *const argv[])
{
	if (argc > 0 && is_help_flag(argv[0])) {
		cmd_version_usage(stdout);
		return 0;
	}
	if (argc > 0) {
		fprintf(stderr, "pfvmm version: unexpected argument '%s'\n", argv[0]);
		return PFVMM_STATUS_USAGE;
	}
	printf("pfvmm %s (API version %d)\n", PFVMM_VERSION, PFVMM_API_VERSION);
	return 0;
}

static void cmd_help_usage(FILE *f)
{
	fprintf(f, "usage: pfvmm help [COMMAND]\n\nShow the commands, or the "
		"help of one command.\n");
}

static int cmd_help(int argc, char *const argv[])
{
	const struct subcommand *sc;

	if (argc == 0) {
		main_usage(stdout);
		return 0;
	}
	if (is_help_flag(argv[0])) {
		cmd_help_usage(stdout);
		return 0;
	}
	sc = subcommand_find(argv[0]);
	if (!sc) {
		fprintf(stderr, "pfvmm help: unknown command '%s'\n", argv[0]);
		return PFVMM_STATUS_USAGE;
	}
	sc->usage(stdout);
	return 0;
}

int main(int argc, char *argv[])
{
	const struct subcommand *sc;

	if (argc < 2) {
		main_usage(stderr);
		return PFVMM_STATUS_USAGE;
	}
	if (is_help_flag(argv[1])) {
		main_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);
	sc = subcommand_find(argv[1]);
	if (!sc) {
		fprintf(stderr, "pfvmm: unknown command '%s'\n", argv[1]);
		main_usage(stderr);
		return PFVMM_STATUS_USAGE;
	}
	return sc->fn(argc - 2, argv + 2);
}
