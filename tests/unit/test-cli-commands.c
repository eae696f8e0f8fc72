// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the option tables of 'pfvmm run', 'bench' and 'stat'
 * (userspace/options*.c), walked row by row so that a new option is
 * covered as soon as it has a sample value here: every value option
 * spelled "--opt=X", "--opt X" and "-o X" gives the same options; an
 * unknown option and every missing value are refused with the option
 * named; and the command line written back from parsed options (the
 * reproducing line of run) parses to the same line again, quoting
 * included.
 */
#include <string.h>

#include "cli.h"
#include "options.h"
#include "test.h"

#define WORDS_MAX	32
#define LINE_MAX_	1024

union any_options {
	struct run_options run;
	struct bench_options bench;
	struct stat_options stat;
};

struct sample {
	const char *option;	/* long name */
	const char *value;	/* as the command line writes it back */
	const char *const *with;	/* the words instead of the case's extra */
};

struct command_case {
	const struct cli_command *cli;
	int (*parse)(int argc, char *const argv[], union any_options *o,
		     char *err, size_t errlen);
	/* The whole command line, operands included. */
	int (*format)(const union any_options *o, char *buf, size_t len);
	const char *const *extra;	/* words every parse starts with */
	const struct sample *samples;	/* a value for every value row */
};

static int parse_run(int argc, char *const argv[], union any_options *o,
		     char *err, size_t errlen)
{
	return run_options_parse(argc, argv, &o->run, err, errlen);
}

static int format_run(const union any_options *o, char *buf, size_t len)
{
	return run_options_format(&o->run, o->run.guest, buf, len);
}

static int parse_bench(int argc, char *const argv[], union any_options *o,
		       char *err, size_t errlen)
{
	return bench_options_parse(argc, argv, &o->bench, err, errlen);
}

/* cli_format() of @o, then @operand if any. */
static int format_options(const struct cli_command *cli, const void *o,
			  const char *operand, char *buf, size_t len)
{
	struct shell_line line;

	shell_line_init(&line, buf, len);
	cli_format(cli, o, &line);
	if (operand)
		shell_line_put_word(&line, operand);
	return shell_line_fits(&line) ? 0 : -1;
}

static int format_bench(const union any_options *o, char *buf, size_t len)
{
	return format_options(&bench_cli, &o->bench, o->bench.guest, buf, len);
}

static int parse_stat(int argc, char *const argv[], union any_options *o,
		      char *err, size_t errlen)
{
	return stat_options_parse(argc, argv, &o->stat, err, errlen);
}

static int format_stat(const union any_options *o, char *buf, size_t len)
{
	return format_options(&stat_cli, &o->stat, NULL, buf, len);
}

static const char *const no_words[] = { NULL };
static const char *const with_kernel[] = { "--kernel", "bzImage", NULL };

static const struct sample run_samples[] = {
	{ "backend", "kvm", NULL }, { "mode", "native", NULL },
	{ "mem", "64M", NULL }, { "numa-node", "1", NULL },
	{ "kernel", "bzImage", no_words }, { "initrd", "initrd.img", with_kernel },
	{ "append", "'console=ttyS0 quiet'", with_kernel }, { NULL, NULL, NULL },
};

static const struct sample bench_samples[] = {
	{ "workloads", "touch,cow", NULL }, { "pages", "8,16", NULL },
	{ "modes", "native,kvm", NULL }, { "hugepages", "1", NULL }, { "reps", "3", NULL },
	{ "max-mem", "64", NULL }, { "output", "out.txt", NULL },
	{ NULL, NULL, NULL },
};

static const struct sample stat_samples[] = {
	{ "interval", "5", NULL }, { "count", "2", NULL }, { NULL, NULL, NULL },
};

static const char *const guest_only[] = { "g.elf", NULL };
static const char *const stat_extra[] = { "-i", "1", NULL };	/* -n needs -i */

static const struct command_case cases[] = {
	{ &run_cli, parse_run, format_run, guest_only, run_samples },
	{ &bench_cli, parse_bench, format_bench, guest_only, bench_samples },
	{ &stat_cli, parse_stat, format_stat, stat_extra, stat_samples },
};

/* Parse @c->extra then @words (NULL-terminated); the written-back line. */
static int parse_words(const struct command_case *c, const char *const *words,
		       char *line, char *err)
{
	static union any_options o;
	const char *argv[WORDS_MAX];
	int argc = 0;

	for (; c->extra[argc]; argc++)
		argv[argc] = c->extra[argc];
	for (; *words && argc < WORDS_MAX; words++)
		argv[argc++] = *words;
	err[0] = line[0] = '\0';
	if (c->parse(argc, (char *const *)argv, &o, err, CLI_ERR_MAX))
		return -1;
	return c->format(&o, line, LINE_MAX_);
}

static const struct sample *sample_of(const struct command_case *c,
				      const char *option)
{
	const struct sample *s;

	for (s = c->samples; s->option; s++)
		if (!strcmp(s->option, option))
			return s;
	return NULL;
}

/* A sample's value as one argument: its shell quotes taken off. */
static const char *unquoted(const char *value, char *buf, size_t len)
{
	size_t n = strlen(value);

	if (n < 2 || value[0] != '\'' || value[n - 1] != '\'')
		return value;
	snprintf(buf, len, "%.*s", (int)(n - 2), value + 1);
	return buf;
}

/* "--opt=V", "--opt V" and "-o V" give one line, and it says "--opt V". */
static void check_spellings(struct test_ctx *t, const struct command_case *c,
			    const struct cli_option *row, const char *quoted)
{
	char eq[128], dashes[64], shorts[4], want[128], err[CLI_ERR_MAX];
	char first[LINE_MAX_], line[LINE_MAX_], bare[128];
	const char *value = unquoted(quoted, bare, sizeof(bare));

	snprintf(eq, sizeof(eq), "--%s=%s", row->long_name, value);
	snprintf(dashes, sizeof(dashes), "--%s", row->long_name);
	snprintf(shorts, sizeof(shorts), "-%c", row->short_name);
	snprintf(want, sizeof(want), " --%s %s", row->long_name, quoted);
	CHECK(t, !parse_words(c, (const char *const[]){ eq, NULL }, first, err),
	      "%s %s: %s", c->cli->name, eq, err);
	CHECK(t, strstr(first, want) != NULL, "%s %s wrote '%s'", c->cli->name, eq, first);
	CHECK(t, !parse_words(c, (const char *const[]){ dashes, value, NULL }, line, err),
	      "%s %s %s: %s", c->cli->name, dashes, value, err);
	CHECK(t, !strcmp(line, first), "%s %s %s wrote '%s', not '%s'", c->cli->name,
	      dashes, value, line, first);
	if (!row->short_name)
		return;
	CHECK(t, !parse_words(c, (const char *const[]){ shorts, value, NULL }, line, err),
	      "%s %s %s: %s", c->cli->name, shorts, value, err);
	CHECK(t, !strcmp(line, first), "%s %s %s wrote '%s', not '%s'", c->cli->name,
	      shorts, value, line, first);
}

static void test_cli_commands_spellings(struct test_ctx *t)
{
	const struct cli_option *row;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		for (row = cases[i].cli->options; row->kind != CLI_END; row++) {
			const struct sample *s = sample_of(&cases[i], row->long_name ?: "");
			struct command_case one = cases[i];

			if (row->kind != CLI_VALUE)
				continue;
			CHECK(t, s != NULL, "%s --%s: no sample value in this test",
			      cases[i].cli->name, row->long_name);
			if (!s)
				continue;
			if (s->with)
				one.extra = s->with;
			check_spellings(t, &one, row, s->value);
		}
}

/* An unknown option, and each value option without its value. */
static void test_cli_commands_errors(struct test_ctx *t)
{
	char err[CLI_ERR_MAX], line[LINE_MAX_], name[64];
	const struct cli_option *row;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *unknown = cases[i].cli->operand ? "unknown option '--nope'" :
				      "unknown argument '--nope'";

		CHECK(t, parse_words(&cases[i], (const char *const[]){ "--nope", NULL },
				     line, err) == -1, "%s --nope accepted", cases[i].cli->name);
		CHECK(t, strstr(err, unknown), "%s --nope: '%s'", cases[i].cli->name, err);
		for (row = cases[i].cli->options; row->kind != CLI_END; row++) {
			if (row->kind != CLI_VALUE)
				continue;
			snprintf(name, sizeof(name), "--%s", row->long_name);
			CHECK(t, parse_words(&cases[i], (const char *const[]){ name, NULL },
					     line, err) == -1, "%s %s (no value) accepted: '%s'",
			      cases[i].cli->name, name, line);
			CHECK(t, strstr(err, name), "%s %s (no value): '%s' does not name it",
			      cases[i].cli->name, name, err);
		}
	}
}

/* Split a line of plain, '...'-quoted and \-escaped words, as sh does. */
static int split_words(const char *line, char *store, const char **words)
{
	bool in_word = false, quoted = false;
	int n = 0;

	for (; *line; line++) {
		if (!quoted && *line == ' ') {
			if (in_word)
				*store++ = '\0';
			in_word = false;
			continue;
		}
		if (!in_word && n == WORDS_MAX - 1)
			return -1;
		if (!in_word)
			words[n++] = store;
		in_word = true;
		if (*line == '\'')
			quoted = !quoted;
		else if (!quoted && *line == '\\' && line[1])
			*store++ = *++line;
		else
			*store++ = *line;
	}
	*store = '\0';
	words[n] = NULL;
	return n;
}

/* @args parse to the line @want; that line, split, parses to it again. */
static void check_round_trip(struct test_ctx *t, const struct command_case *c,
			     const char *const *args, const char *want)
{
	static const char *const none[] = { NULL };
	const struct command_case plain = { c->cli, c->parse, c->format, none, NULL };
	char err[CLI_ERR_MAX], line[LINE_MAX_], again[LINE_MAX_], store[LINE_MAX_];
	const char *words[WORDS_MAX];
	int n;

	CHECK(t, !parse_words(&plain, args, line, err), "%s: %s", c->cli->name, err);
	CHECK(t, !strcmp(line, want), "%s wrote '%s', want '%s'", c->cli->name, line, want);
	n = split_words(line, store, words);
	CHECK(t, n > 2 && !strcmp(words[0], "pfvmm") && !strcmp(words[1], c->cli->name),
	      "'%s' split into %d words", line, n);
	if (n <= 2)
		return;
	CHECK(t, !parse_words(&plain, words + 2, again, err), "'%s': %s", line, err);
	CHECK(t, !strcmp(again, line), "'%s' wrote '%s' again", line, again);
}

static void test_cli_commands_round_trip(struct test_ctx *t)
{
	static const char *const run[] = { "--stats", "--mem=1G", "/a b/it's.elf",
					   "--mode", "offload", "--numa-node=0", "--hugepages", "--",
					   "workload=touch", "pages=8", NULL };
	static const char *const bench[] = { "-w", "touch cow", "--pages=8", "-m",
					     "native", "-H", "1", "--reps", "2", "--max-mem=64",
					     "-o", "o 1.txt", "g.elf", NULL };
	static const char *const stat[] = { "-n", "3", "--interval=2", NULL };
	static const char *const kernel[] = { "--debug-ports", "--append",
					     "console=ttyS0 root=/dev/ram0 it's",
					     "--initrd=/i n/rd", "--backend=kvm",
					     "--kernel", "/b/bzImage", NULL };

	check_round_trip(t, &cases[0], run,
			 "pfvmm run --backend pfvmm --mode offload --mem 1G --numa-node 0 "
			 "--hugepages --stats '/a b/it'\\''s.elf' -- workload=touch pages=8");
	check_round_trip(t, &cases[0], kernel,
			 "pfvmm run --backend kvm --mem 256M --kernel /b/bzImage --initrd "
			 "'/i n/rd' --append 'console=ttyS0 root=/dev/ram0 it'\\''s' "
			 "--debug-ports");
	check_round_trip(t, &cases[1], bench,
			 "pfvmm bench --workloads touch,cow --pages 8 --modes native "
			 "--hugepages 1 --reps 2 --max-mem 64 --output 'o 1.txt' g.elf");
	check_round_trip(t, &cases[2], stat, "pfvmm stat --interval 2 --count 3");
}

void run_cli_command_tests(void)
{
	RUN_TEST(test_cli_commands_spellings);
	RUN_TEST(test_cli_commands_errors);
	RUN_TEST(test_cli_commands_round_trip);
}
