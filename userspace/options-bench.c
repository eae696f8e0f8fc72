// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of 'pfvmm bench': its option table (cli.h) and the
 * value types of the matrix: the -w/-p/-m lists (each item checked as it
 * is parsed), the repetition count and --max-mem.  Whether the guest file
 * can be read is builtin-bench.c's to check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

/* Copy @value into @l and split it at spaces and commas; -1: no items. */
static int bench_list_set(struct bench_list *l, const char *value)
{
	char *save = NULL, *tok;

	if (strlen(value) >= sizeof(l->text))
		return -1;
	snprintf(l->text, sizeof(l->text), "%s", value);
	l->n = 0;
	for (tok = strtok_r(l->text, " ,", &save); tok;
	     tok = strtok_r(NULL, " ,", &save)) {
		if (l->n == BENCH_LIST_MAX)
			return -1;
		l->item[l->n++] = tok;
	}
	return l->n ? 0 : -1;
}

static int workloads_parse(const struct cli_option *opt, const char *spelled,
			   const char *value, void *field, char *err, size_t errlen)
{
	(void)spelled;
	if (bench_list_set(field, value))
		return cli_fail(err, errlen, "bad list for --%s", opt->long_name);
	return 0;
}

static int pages_parse(const struct cli_option *opt, const char *spelled,
		       const char *value, void *field, char *err, size_t errlen)
{
	const struct bench_list *l = field;
	char *end;
	int i;

	if (workloads_parse(opt, spelled, value, field, err, errlen))
		return -1;
	for (i = 0; i < l->n; i++) {
		unsigned long v = strtoul(l->item[i], &end, 10);

		if (*end || !v || v > BENCH_PAGES_MAX)
			return cli_fail(err, errlen, "%s: bad page count '%s' (1 to %lu)",
					spelled, l->item[i], BENCH_PAGES_MAX);
	}
	return 0;
}

static bool bench_is_mode(const char *m)
{
	return !strcmp(m, "native") || !strcmp(m, "forward") ||
	       !strcmp(m, "offload") || !strcmp(m, "kvm");
}

/*
 * A list each of whose items @valid accepts, else "SPELLED: @what 'ITEM'
 * (@allowed)".
 */
static int list_parse_checked(const struct cli_option *opt, const char *spelled,
			      const char *value, void *field, char *err,
			      size_t errlen, bool (*valid)(const char *),
			      const char *what, const char *allowed)
{
	const struct bench_list *l = field;
	int i;

	if (workloads_parse(opt, spelled, value, field, err, errlen))
		return -1;
	for (i = 0; i < l->n; i++)
		if (!valid(l->item[i]))
			return cli_fail(err, errlen, "%s: %s '%s' (%s)", spelled,
					what, l->item[i], allowed);
	return 0;
}

static int modes_parse(const struct cli_option *opt, const char *spelled,
		       const char *value, void *field, char *err, size_t errlen)
{
	return list_parse_checked(opt, spelled, value, field, err, errlen,
				  bench_is_mode, "unknown mode",
				  "native, forward, offload, kvm");
}

/* --hugepages: each item 0 (4 KiB host pages) or 1 (--hugepages). */
static bool bench_is_hugepages(const char *h)
{
	return !strcmp(h, "0") || !strcmp(h, "1");
}

static int hugepages_parse(const struct cli_option *opt, const char *spelled,
			   const char *value, void *field, char *err, size_t errlen)
{
	return list_parse_checked(opt, spelled, value, field, err, errlen,
				  bench_is_hugepages, "bad value", "0 or 1");
}

/* A list written back: its items joined with commas. */
static bool list_format(const struct cli_option *opt, const void *field,
			char *out, size_t len)
{
	const struct bench_list *l = field;
	size_t used = 0;
	int i;

	(void)opt;
	out[0] = '\0';
	for (i = 0; i < l->n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
					 i ? "," : "", l->item[i]);
	return true;
}

static const struct cli_type workloads_type = { workloads_parse, list_format };
static const struct cli_type hugepages_type = { hugepages_parse, list_format };
static const struct cli_type pages_type = { pages_parse, list_format };
static const struct cli_type modes_type = { modes_parse, list_format };

static int reps_parse(const struct cli_option *opt, const char *spelled,
		      const char *value, void *field, char *err, size_t errlen)
{
	char *end;
	long reps = strtol(value, &end, 10);

	(void)opt;
	if (end == value || *end || reps < 1 || reps > BENCH_REPS_MAX)
		return cli_fail(err, errlen, "%s: bad repetition count '%s' (1 to %d)",
				spelled, value, BENCH_REPS_MAX);
	*(int *)field = (int)reps;
	return 0;
}

static bool reps_format(const struct cli_option *opt, const void *field,
			char *out, size_t len)
{
	(void)opt;
	snprintf(out, len, "%d", *(const int *)field);
	return true;
}

static const struct cli_type reps_type = { reps_parse, reps_format };

static int max_mem_parse(const struct cli_option *opt, const char *spelled,
			 const char *value, void *field, char *err, size_t errlen)
{
	char *end;
	unsigned long mb = strtoul(value, &end, 10);

	(void)opt;
	if (end == value || *end || mb < 4)
		return cli_fail(err, errlen, "bad %s '%s' (MiB, at least 4)",
				spelled, value);
	*(unsigned long *)field = mb;
	return 0;
}

static bool max_mem_format(const struct cli_option *opt, const void *field,
			   char *out, size_t len)
{
	(void)opt;
	snprintf(out, len, "%lu", *(const unsigned long *)field);
	return true;
}

static const struct cli_type max_mem_type = { max_mem_parse, max_mem_format };

static int bench_set_guest(void *opts, const char *arg, char *err, size_t errlen)
{
	struct bench_options *o = opts;

	if (o->guest)
		return cli_fail(err, errlen, "one guest only ('%s' is extra)", arg);
	o->guest = arg;
	return 0;
}

static const struct cli_option bench_option_table[] = {
	OPT_GROUP("Matrix (lists: space- or comma-separated):"),
	OPT_VALUE('w', "workloads", struct bench_options, workloads, "L",
		  &workloads_type, NULL,
		  "default: touch cow remap sparse reaccess exit"),
	OPT_VALUE('p', "pages", struct bench_options, pages, "L", &pages_type, NULL,
		  "default: 1024 4096"),
	OPT_VALUE('m', "modes", struct bench_options, modes, "L", &modes_type, NULL,
		  "native forward offload kvm (default: all; kvm needs /dev/kvm and "
		  "runs the native guest under the kernel's KVM: load kvm_intel first)"),
	OPT_VALUE('H', "hugepages", struct bench_options, hugepages, "L",
		  &hugepages_type, NULL,
		  "0: guest memory in 4 KiB host pages; 1: 'pfvmm run --hugepages' "
		  "(THP, 2 MiB EPT leaves in both backends); default: 0 1"),
	OPT_VALUE('r', "reps", struct bench_options, reps, "N", &reps_type, NULL,
		  "repetitions of every run (default 1)"),
	OPT_GROUP("Limits and output:"),
	OPT_VALUE(0, "max-mem", struct bench_options, max_mem_mb, "MB",
		  &max_mem_type, NULL,
		  "skip runs needing more guest memory (default 1024)"),
	OPT_STRING('o', "output", struct bench_options, output, "FILE",
		   "a file name", "write the BENCH lines to FILE"),
	OPT_HELP(struct bench_options, help),
	OPT_END(),
};

const struct cli_command bench_cli = {
	.name = "bench",
	.summary = "run the fault benchmark matrix",
	.synopsis = "[OPTIONS] GUEST.elf",
	.description =
		"Run the fault benchmark matrix with the pvkernel guest\n"
		"(guest/kernel/pvkernel.elf): every workload at every size in\n"
		"every mode, with and without huge pages, each run a child\n"
		"'pfvmm run --stats'.  One line per\n"
		"run on stdout (or --output):\n"
		"  BENCH workload=W pages=N mode=M hugepages=H rep=R status=S mem=SIZE\n"
		"        faults=F data=ok cycles=C fault_cycles=C exits_total=E\n"
		"        hc_total=H exit_REASON=N hc_NAME=N kvm_vcpu_NAME=N ...\n"
		"and 'bench: run i/n ...' progress on stderr.  bench/report.py\n"
		"turns the lines into results.csv/json/md and a plot.\n",
	.footer =
		"Cycles are the guest's rdtsc: real cycles on a real host, emulated\n"
		"cycles (path lengths) under Bochs.  Exit status: the number of\n"
		"failed runs (at most 100); 1 when no run was possible; 2 on a\n"
		"usage error.\n"
		"Environment: PFVMM_DEVICE (default /dev/pfvmm); PFVMM_BENCH_RUNNER\n"
		"(a program run instead of 'pfvmm run', for tests).\n",
	.options = bench_option_table,
	.operand = bench_set_guest,
};

/**
 * bench_options_parse() - parse the arguments of 'pfvmm bench'
 * @o: filled with the defaults (the whole matrix), then the arguments
 *
 * Return: 0, or -1 with a message in @err.
 */
int bench_options_parse(int argc, char *const argv[], struct bench_options *o,
			char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->reps = 1;
	o->max_mem_mb = 1024;
	bench_list_set(&o->workloads, "touch cow remap sparse reaccess exit");
	bench_list_set(&o->pages, "1024 4096");
	bench_list_set(&o->modes, "native forward offload kvm");
	bench_list_set(&o->hugepages, "0 1");
	if (cli_parse(&bench_cli, o, argc, argv, err, errlen))
		return -1;
	if (!o->help && !o->guest)
		return cli_fail(err, errlen,
				"no guest given (e.g. guest/kernel/pvkernel.elf)");
	return 0;
}
