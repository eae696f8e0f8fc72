// SPDX-License-Identifier: GPL-2.0
/*
 * pfvmm: the launcher for the pfvmm hypervisor.  git/kvmtool-style
 * subcommands from a table: 'pfvmm run', 'pfvmm bench', 'pfvmm stat',
 * 'pfvmm version', 'pfvmm help', each with its option table (cli.h), which
 * gives its --help too.
 */
#include <stdio.h>
#include <string.h>

#include <uapi/pfvmm.h>

#include "builtin.h"
#include "cli.h"
#include "options.h"
#include "util.h"
#include "vmm.h"

struct version_options {
	bool help;
};

struct help_options {
	const char *command;	/* the subcommand to show, or NULL: all */
	bool help;
};

static int cmd_version(int argc, char *const argv[]);
static int cmd_help(int argc, char *const argv[]);

static const struct cli_option version_option_table[] = {
	OPT_HELP(struct version_options, help),
	OPT_END(),
};

static const struct cli_command version_cli = {
	.name = "version",
	.summary = "print the launcher version",
	.synopsis = "",
	.description = "Print the launcher version and the module API version it speaks.\n",
	.options = version_option_table,
};

static int help_set_command(void *opts, const char *arg, char *err, size_t errlen)
{
	struct help_options *o = opts;

	if (o->command)
		return cli_fail(err, errlen, "unexpected argument '%s' (one command only)", arg);
	o->command = arg;
	return 0;
}

static const struct cli_option help_option_table[] = {
	OPT_HELP(struct help_options, help),
	OPT_END(),
};

static const struct cli_command help_cli = {
	.name = "help",
	.summary = "show help for a subcommand",
	.synopsis = "[COMMAND]",
	.description = "Show the commands, or the help of one command.\n",
	.options = help_option_table,
	.operand = help_set_command,
};

struct subcommand {
	const struct cli_command *cli;	/* name, summary, options, --help */
	int (*fn)(int argc, char *const argv[]);
};

static const struct subcommand subcommands[] = {
	{ &run_cli,	cmd_run },
	{ &bench_cli,	cmd_bench },
	{ &stat_cli,	cmd_stat },
	{ &version_cli,	cmd_version },
	{ &help_cli,	cmd_help },
};

#define NR_SUBCOMMANDS ARRAY_SIZE(subcommands)

static const struct subcommand *subcommand_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_SUBCOMMANDS; i++)
		if (!strcmp(subcommands[i].cli->name, name))
			return &subcommands[i];
	return NULL;
}

static void main_usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: pfvmm COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].cli->name,
			subcommands[i].cli->summary);
	fprintf(f, "\n'pfvmm help COMMAND' or 'pfvmm COMMAND --help' for details.\n");
}

static int is_help_flag(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static int cmd_version(int argc, char *const argv[])
{
	char err[CLI_ERR_MAX];
	struct version_options o = { 0 };

	if (cli_parse(&version_cli, &o, argc, argv, err, sizeof(err)))
		return cli_usage_error(&version_cli, err);
	if (o.help) {
		cli_usage(&version_cli, stdout);
		return 0;
	}
	printf("pfvmm %s (API version %d)\n", PFVMM_VERSION, PFVMM_API_VERSION);
	return 0;
}

static int cmd_help(int argc, char *const argv[])
{
	char err[CLI_ERR_MAX];
	struct help_options o = { 0 };
	const struct subcommand *sc;

	if (cli_parse(&help_cli, &o, argc, argv, err, sizeof(err)))
		return cli_usage_error(&help_cli, err);
	if (o.help) {
		cli_usage(&help_cli, stdout);
		return 0;
	}
	if (!o.command) {
		main_usage(stdout);
		return 0;
	}
	sc = subcommand_find(o.command);
	if (!sc) {
		fprintf(stderr, "pfvmm help: unknown command '%s'\n", o.command);
		return PFVMM_STATUS_USAGE;
	}
	cli_usage(sc->cli, stdout);
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
