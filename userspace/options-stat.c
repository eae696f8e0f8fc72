// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of 'pfvmm stat': its option table (cli.h), -i/--interval
 * and -n/--count, and the rule that a count needs an interval.
 */
#include <limits.h>
#include <string.h>

#include "options.h"

static const struct cli_option stat_option_table[] = {
	OPT_GROUP("Sampling:"),
	OPT_UINT('i', "interval", struct stat_options, interval, "SEC", 1,
		 STAT_INTERVAL_MAX,
		 "print a sample every SEC seconds (1-3600), as 'NAME VALUE DELTA' "
		 "lines after a '# sample N' line; DELTA is the change since the "
		 "last sample"),
	OPT_UINT('n', "count", struct stat_options, count, "N", 1, INT_MAX,
		 "stop after N samples (default: until interrupted)"),
	OPT_HELP(struct stat_options, help),
	OPT_END(),
};

const struct cli_command stat_cli = {
	.name = "stat",
	.summary = "print the module's counters (/sys/kernel/pfvmm)",
	.synopsis = "[-i SEC [-n COUNT]]",
	.description = "Print the pfvmm module's global counters (/sys/kernel/pfvmm/),\n"
		       "one 'NAME VALUE' line each, sorted by name.\n",
	.footer = "Exit status: 0; 1 when the module is not loaded or the counters\n"
		  "cannot be read; 2 usage.\n"
		  "Environment: PFVMM_SYSFS (default /sys/kernel/pfvmm).\n",
	.options = stat_option_table,
};

/**
 * stat_options_parse() - parse the arguments of 'pfvmm stat'
 *
 * Return: 0, or -1 with a message in @err.
 */
int stat_options_parse(int argc, char *const argv[], struct stat_options *o,
		       char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if (cli_parse(&stat_cli, o, argc, argv, err, errlen))
		return -1;
	if (o->count && !o->interval && !o->help)
		return cli_fail(err, errlen, "--count needs --interval");
	return 0;
}
