// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the option-table engine (userspace/cli.c) on a table with a
 * row of every kind: "--opt=X", "--opt X" and "-o X" alike; unknown
 * options, missing values and values given to flags refused with the
 * option named; --help stopping the parse; "--"; and the --help text
 * (every row of a table in it, wrapped within 79 columns), also for the
 * tables of run, bench and stat.  The tables themselves are tested in
 * test-cli-commands.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "test.h"

/* ---- a table of every kind of row ---- */

struct demo_options {
	bool flag, help;
	unsigned int number;
	int colour;
	const char *name;
	const char *word;
	int rest;		/* words after "--", or -1: no "--" */
};

static const char *const demo_colours[] = { NULL, "red", "green", "blue" };

static const struct cli_option demo_table[] = {
	OPT_GROUP("Demo:"),
	OPT_FLAG('f', "flag", struct demo_options, flag, "a flag"),
	OPT_UINT('n', "number", struct demo_options, number, "N", 1, 9,
		 "a number from 1 to 9, with a help text long enough that it has to "
		 "be wrapped onto a second line and then onto a third one, too"),
	OPT_CHOICE(0, "colour", struct demo_options, colour, "C", demo_colours,
		   "red, green or blue"),
	OPT_STRING('s', "name", struct demo_options, name, "NAME", "a name", "a name"),
	OPT_OPERAND("WORD", "one word"),
	OPT_HELP(struct demo_options, help),
	OPT_END(),
};

static int demo_word(void *opts, const char *arg, char *err, size_t errlen)
{
	struct demo_options *o = opts;

	if (o->word)
		return cli_fail(err, errlen, "one word only ('%s')", arg);
	o->word = arg;
	return 0;
}

static int demo_rest(void *opts, int argc, char *const argv[], char *err,
		     size_t errlen)
{
	(void)argv;
	(void)err;
	(void)errlen;
	((struct demo_options *)opts)->rest = argc;
	return 0;
}

static const struct cli_command demo_cli = {
	.name = "demo", .summary = "a demo", .synopsis = "[OPTIONS] WORD",
	.description = "A demo.\n", .footer = "The end.\n",
	.options = demo_table, .operand = demo_word, .rest = demo_rest,
};

/* The same table with no operands and no "--" handler. */
static const struct cli_command demo_bare_cli = {
	.name = "bare", .synopsis = "", .description = "", .options = demo_table,
};

static int count(const char *const *words)
{
	int n = 0;

	while (words[n])
		n++;
	return n;
}

static int demo_parse(const struct cli_command *cmd, const char *const *words,
		      struct demo_options *o, char *err)
{
	memset(o, 0, sizeof(*o));
	o->rest = -1;
	err[0] = '\0';
	return cli_parse(cmd, o, count(words), (char *const *)words, err, CLI_ERR_MAX);
}

static void test_cli_table_spellings(struct test_ctx *t)
{
	static const char *const forms[][4] = {
		{ "--number=7", "x", NULL }, { "--number", "7", "x", NULL },
		{ "-n", "7", "x", NULL }, { "x", "--number", "7", NULL },
	};
	static const char *const names[][3] = {
		{ "--name=a b", NULL }, { "--name", "a b", NULL }, { "-s", "a b", NULL },
	};
	char err[CLI_ERR_MAX];
	struct demo_options o;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		CHECK(t, !demo_parse(&demo_cli, forms[i], &o, err), "form %u: %s", i, err);
		CHECK(t, o.number == 7 && o.word && !strcmp(o.word, "x"),
		      "form %u: number %u word '%s'", i, o.number, o.word ?: "");
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		CHECK(t, !demo_parse(&demo_cli, names[i], &o, err), "name %u: %s", i, err);
		CHECK(t, o.name && !strcmp(o.name, "a b"), "name %u: '%s'", i, o.name ?: "");
	}
	CHECK(t, !demo_parse(&demo_cli, (const char *const[]){ "--colour=blue", "-f", NULL },
			     &o, err), "colour: %s", err);
	CHECK_EQ(t, o.colour, 3);
	CHECK_EQ(t, o.flag, 1);
	/* The word after an option that takes a value is its value. */
	CHECK(t, !demo_parse(&demo_cli, (const char *const[]){ "--name", "--flag", NULL },
			     &o, err), "name --flag: %s", err);
	CHECK(t, o.name && !strcmp(o.name, "--flag") && !o.flag, "name '%s'", o.name ?: "");
}

/* @words must be refused with a message containing @needle. */
static void expect_demo_error(struct test_ctx *t, const struct cli_command *cmd,
			      const char *const *words, const char *needle)
{
	char err[CLI_ERR_MAX];
	struct demo_options o;

	CHECK(t, demo_parse(cmd, words, &o, err) == -1, "'%s ...' accepted", words[0]);
	CHECK(t, strstr(err, needle) != NULL, "'%s ...': message '%s' lacks '%s'",
	      words[0], err, needle);
}

struct error_case {
	const char *words[4];
	const char *needle;
};

static const struct error_case demo_errors[] = {
	{ { "--nope" }, "unknown option '--nope'" },
	{ { "--nope=1" }, "unknown option '--nope=1'" },
	{ { "-z" }, "unknown option '-z'" },
	{ { "-fn" }, "unknown option '-fn'" },		/* no bundling */
	{ { "--fla" }, "unknown option '--fla'" },	/* no abbreviations */
	{ { "--flag=1" }, "--flag takes no value" },
	{ { "--help=1" }, "--help takes no value" },
	/* A missing value: the row's "needs", a choice's names, or the type's say. */
	{ { "--name" }, "--name needs a name" },
	{ { "-s" }, "-s needs a name" },
	{ { "--name=" }, "--name needs a name" },
	{ { "--colour" }, "--colour needs red, green or blue" },
	{ { "--colour=pink" }, "--colour 'pink': expected red, green or blue" },
	{ { "-n" }, "-n '': expected a number from 1 to 9" },
	{ { "--number=10" }, "--number '10': expected a number from 1 to 9" },
	{ { "--number", "3x" }, "--number '3x': expected a number" },
	{ { "a", "b" }, "one word only ('b')" },
};

/* A command without operands calls every word it does not know an argument. */
static const struct error_case bare_errors[] = {
	{ { "--nope" }, "unknown argument '--nope'" },
	{ { "word" }, "unknown argument 'word'" },
	{ { "--", "-f" }, "unknown argument '-f'" },
};

static void test_cli_table_errors(struct test_ctx *t)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(demo_errors); i++)
		expect_demo_error(t, &demo_cli, demo_errors[i].words, demo_errors[i].needle);
	for (i = 0; i < ARRAY_SIZE(bare_errors); i++)
		expect_demo_error(t, &demo_bare_cli, bare_errors[i].words,
				  bare_errors[i].needle);
}

static void test_cli_table_help_and_dashes(struct test_ctx *t)
{
	char err[CLI_ERR_MAX];
	struct demo_options o;

	/* --help stops parsing: what comes after it is not looked at. */
	CHECK(t, !demo_parse(&demo_cli, (const char *const[]){ "-h", "--nope", NULL }, &o, err),
	      "-h --nope: %s", err);
	CHECK_EQ(t, o.help, 1);
	/* "--" hands the rest over, options and all ... */
	CHECK(t, !demo_parse(&demo_cli, (const char *const[]){ "w", "--", "-f", "x", NULL },
			     &o, err), "--: %s", err);
	CHECK(t, o.rest == 2 && !o.flag, "rest %d flag %d", o.rest, o.flag);
	/* (without a handler it makes the words after it operands: bare_errors) */
	/* A lone "-" is an operand. */
	CHECK(t, !demo_parse(&demo_cli, (const char *const[]){ "-", NULL }, &o, err),
	      "-: %s", err);
	CHECK(t, o.word && !strcmp(o.word, "-"), "word '%s'", o.word ?: "");
}

/* cli_usage() of @cmd into @buf. */
static void usage_text(const struct cli_command *cmd, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (!f)
		return;
	cli_usage(cmd, f);
	fclose(f);
}

/* Every row is in the text, and no line is wider than 79 columns. */
static void check_usage(struct test_ctx *t, const struct cli_command *cmd)
{
	static char text[OUT_MAX];
	const struct cli_option *o;
	char want[80];
	const char *line;

	usage_text(cmd, text, sizeof(text));
	snprintf(want, sizeof(want), "usage: pfvmm %s", cmd->name);
	CHECK(t, !strncmp(text, want, strlen(want)), "%s: starts '%.40s'", cmd->name, text);
	for (o = cmd->options; o->kind != CLI_END; o++) {
		if (o->kind == CLI_GROUP || o->kind == CLI_OPERAND)
			snprintf(want, sizeof(want), "%s", o->kind == CLI_GROUP ?
				 o->help : o->metavar);
		else
			snprintf(want, sizeof(want), "--%s%s%s", o->long_name,
				 o->metavar ? " " : "", o->metavar ?: "");
		CHECK(t, strstr(text, want) != NULL, "%s --help lacks '%s'", cmd->name, want);
	}
	for (line = text; *line; line += strcspn(line, "\n") + !!line[strcspn(line, "\n")])
		CHECK(t, strcspn(line, "\n") <= 79, "%s --help: a line of %zu columns: %.60s",
		      cmd->name, strcspn(line, "\n"), line);
}

static void test_cli_table_usage(struct test_ctx *t)
{
	static char text[OUT_MAX];

	check_usage(t, &demo_cli);
	check_usage(t, &run_cli);
	check_usage(t, &bench_cli);
	check_usage(t, &stat_cli);
	usage_text(&demo_cli, text, sizeof(text));
	CHECK(t, strstr(text, "\nDemo:\n  -f, --flag       a flag\n"
			"  -n, --number N   a number from 1 to 9, with a help text long enough that it\n"
			"                   has to be wrapped onto a second line and then onto a third\n"
			"                   one, too\n"
			"      --colour C   red, green or blue\n") != NULL,
	      "demo usage:\n%s", text);
	CHECK(t, strstr(text, "  WORD             one word\n") != NULL, "operand:\n%s", text);
	CHECK(t, strstr(text, "\nThe end.\n") != NULL, "footer:\n%s", text);
}

void run_cli_table_tests(void)
{
	RUN_TEST(test_cli_table_spellings);
	RUN_TEST(test_cli_table_errors);
	RUN_TEST(test_cli_table_help_and_dashes);
	RUN_TEST(test_cli_table_usage);
}
