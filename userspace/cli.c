// SPDX-License-Identifier: GPL-2.0
/*
 * The option-table engine of cli.h: parsing a subcommand's arguments
 * against its table, the --help text made from the same table, the
 * command line written back from a parsed options struct (shell-quoted),
 * and the value types most options need (a choice among names, a bounded
 * number, a string).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vmm.h"

#define USAGE_WIDTH		79	/* wrap the help text before this column */
#define USAGE_SPEC_MAX		20	/* a longer "-x, --opt V" gets a line of its own */

int cli_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void *field_of(const struct cli_option *opt, void *opts)
{
	return (char *)opts + opt->offset;
}

/* ---- parsing ---- */

/* The row for "--name" (@len bytes of @name) or "-c"; NULL if none. */
static const struct cli_option *find_long(const struct cli_option *t,
					  const char *name, size_t len)
{
	for (; t->kind != CLI_END; t++)
		if (t->long_name && strlen(t->long_name) == len &&
		    !strncmp(t->long_name, name, len))
			return t;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *t, char c)
{
	for (; t->kind != CLI_END; t++)
		if (t->short_name && t->short_name == c)
			return t;
	return NULL;
}

/* "native, forward, offload or pv": the names of a choice. */
static void choices_text(const struct cli_option *opt, char *buf, size_t len)
{
	size_t used = 0;
	long i, left = 0;

	for (i = 0; i < opt->max; i++)
		left += opt->choices[i] != NULL;
	buf[0] = '\0';
	for (i = 0; i < opt->max; i++) {
		if (!opt->choices[i])
			continue;
		left--;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 "%s%s", opt->choices[i],
					 left > 1 ? ", " : left == 1 ? " or " : "");
	}
}

/* The value of a CLI_VALUE row: "=VALUE", the next word, or missing. */
static int take_value(const struct cli_option *opt, const char *spelled,
		      const char *inline_value, int argc, char *const argv[],
		      int *i, const char **value, char *err, size_t errlen)
{
	char names[CLI_VALUE_MAX];

	if (inline_value) {
		*value = inline_value;
		return 0;
	}
	if (*i + 1 < argc) {
		*value = argv[++*i];
		return 0;
	}
	if (opt->needs)
		return cli_fail(err, errlen, "%s needs %s", spelled, opt->needs);
	if (opt->choices) {
		choices_text(opt, names, sizeof(names));
		return cli_fail(err, errlen, "%s needs %s", spelled, names);
	}
	*value = "";
	return 0;
}

/* argv[*i] starts with '-': find its row and apply it (1: --help). */
static int parse_option(const struct cli_command *cmd, void *opts, int argc,
			char *const argv[], int *i, char *err, size_t errlen)
{
	const char *arg = argv[*i], *eq = NULL, *value = NULL;
	const struct cli_option *opt = NULL;
	char spelled[64];

	if (arg[1] == '-') {
		eq = strchr(arg, '=');
		opt = find_long(cmd->options, arg + 2,
				eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
	} else if (arg[2] == '\0') {
		opt = find_short(cmd->options, arg[1]);
	}
	if (!opt)
		return cli_fail(err, errlen, "unknown %s '%s'",
				cmd->operand ? "option" : "argument", arg);
	snprintf(spelled, sizeof(spelled), "%.*s",
		 eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	if (opt->kind != CLI_VALUE) {
		if (eq)
			return cli_fail(err, errlen, "%s takes no value", spelled);
		*(bool *)field_of(opt, opts) = true;
		return opt->kind == CLI_HELP;
	}
	if (take_value(opt, spelled, eq ? eq + 1 : NULL, argc, argv, i, &value,
		       err, errlen))
		return -1;
	return opt->type->parse(opt, spelled, value, field_of(opt, opts), err,
				errlen);
}

static int parse_operand(const struct cli_command *cmd, void *opts,
			 const char *arg, char *err, size_t errlen)
{
	if (!cmd->operand)
		return cli_fail(err, errlen, "unknown argument '%s'", arg);
	return cmd->operand(opts, arg, err, errlen);
}

/**
 * cli_parse() - apply @argc words of @argv to @opts by @cmd's table
 * @opts: the options struct the table's offsets refer to, defaults set
 *
 * Options and operands may come in any order.  "--" hands the words after
 * it to cmd->rest, or (without one) makes them operands.  Parsing stops at
 * -h/--help (its bool is set).
 *
 * Return: 0, or -1 with a message in @err.
 */
int cli_parse(const struct cli_command *cmd, void *opts, int argc,
	      char *const argv[], char *err, size_t errlen)
{
	bool options_done = false;
	int i, ret;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (!options_done && !strcmp(arg, "--")) {
			if (cmd->rest)
				return cmd->rest(opts, argc - i - 1, argv + i + 1,
						 err, errlen);
			options_done = true;
			continue;
		}
		if (!options_done && arg[0] == '-' && arg[1] != '\0')
			ret = parse_option(cmd, opts, argc, argv, &i, err, errlen);
		else
			ret = parse_operand(cmd, opts, arg, err, errlen);
		if (ret)
			return ret < 0 ? -1 : 0;
	}
	return 0;
}

/* ---- the --help text ---- */

/* "-w, --workloads L", "    --max-mem MB" or "--mem SIZE" into @buf. */
static void option_spec(const struct cli_option *opt, bool shorts, char *buf,
			size_t len)
{
	char lead[8] = "";

	if (opt->kind == CLI_OPERAND) {
		snprintf(buf, len, "%s", opt->metavar);
		return;
	}
	if (opt->short_name)
		snprintf(lead, sizeof(lead), "-%c, ", opt->short_name);
	else if (shorts)
		snprintf(lead, sizeof(lead), "    ");
	snprintf(buf, len, "%s--%s%s%s", lead, opt->long_name,
		 opt->metavar ? " " : "", opt->metavar ? opt->metavar : "");
}

static bool is_listed(const struct cli_option *opt)
{
	return opt->kind != CLI_END && opt->kind != CLI_GROUP;
}

/* The column the help texts start at: two past the widest spec. */
static int help_column(const struct cli_option *t, bool shorts)
{
	char spec[CLI_VALUE_MAX];
	size_t widest = 0;

	for (; t->kind != CLI_END; t++) {
		if (!is_listed(t))
			continue;
		option_spec(t, shorts, spec, sizeof(spec));
		if (strlen(spec) <= USAGE_SPEC_MAX && strlen(spec) > widest)
			widest = strlen(spec);
	}
	return 2 + (int)widest + 2;
}

/* @text from column @col on, wrapped at word boundaries. */
static void print_wrapped(FILE *f, const char *text, int col)
{
	int at = col;
	bool first = true;

	while (*text) {
		size_t gap = strspn(text, " "), word;

		text += gap;
		word = strcspn(text, " ");
		if (!word)
			break;
		if (!first && at + (int)(gap + word) >= USAGE_WIDTH) {
			fprintf(f, "\n%*s", col, "");
			at = col;
			gap = 0;
		} else if (first) {
			gap = 0;
		}
		fprintf(f, "%*s%.*s", (int)gap, "", (int)word, text);
		at += (int)(gap + word);
		text += word;
		first = false;
	}
	fputc('\n', f);
}

static bool has_short_options(const struct cli_option *t)
{
	for (; t->kind != CLI_END; t++)
		if (t->short_name)
			return true;
	return false;
}

/* One row of the --help text: the spec, then the help from column @col. */
static void print_row(FILE *f, const struct cli_option *opt, bool shorts, int col)
{
	char spec[CLI_VALUE_MAX];

	option_spec(opt, shorts, spec, sizeof(spec));
	if ((int)strlen(spec) + 4 > col)
		fprintf(f, "  %s\n%*s", spec, col, "");
	else
		fprintf(f, "  %-*s", col - 2, spec);
	print_wrapped(f, opt->help, col);
}

/** cli_usage() - the --help text of @cmd, made from its table */
void cli_usage(const struct cli_command *cmd, FILE *f)
{
	const struct cli_option *t;
	bool shorts = has_short_options(cmd->options);
	int col = help_column(cmd->options, shorts);

	fprintf(f, "usage: pfvmm %s%s%s\n\n%s", cmd->name,
		*cmd->synopsis ? " " : "", cmd->synopsis, cmd->description);
	if (cmd->options->kind != CLI_GROUP)
		fputc('\n', f);
	for (t = cmd->options; t->kind != CLI_END; t++) {
		if (t->kind == CLI_GROUP)
			fprintf(f, "\n%s\n", t->help);
		else
			print_row(f, t, shorts, col);
	}
	if (cmd->footer && *cmd->footer)
		fprintf(f, "\n%s", cmd->footer);
}

/** cli_usage_error() - print @err for @cmd; returns the usage exit status */
int cli_usage_error(const struct cli_command *cmd, const char *err)
{
	fprintf(stderr, "pfvmm %s: %s\n", cmd->name, err);
	fprintf(stderr, "try 'pfvmm %s --help'\n", cmd->name);
	return PFVMM_STATUS_USAGE;
}

/* ---- the command line, written back ---- */

void shell_line_init(struct shell_line *line, char *buf, size_t len)
{
	line->buf = buf;
	line->len = len;
	line->used = 0;
	if (len)
		buf[0] = '\0';
}

bool shell_line_fits(const struct shell_line *line)
{
	return line->used < line->len;
}

/* printf at the end of @line; past its end only line->used grows. */
__attribute__((format(printf, 2, 3)))
static void shell_line_printf(struct shell_line *line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line->used >= line->len) {
		line->used++;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(line->buf + line->used, line->len - line->used, fmt, ap);
	va_end(ap);
	line->used += n > 0 ? (size_t)n : 0;
}

/* Characters a shell word may hold without quotes. */
static bool shell_safe(const char *w)
{
	if (!*w)
		return false;
	for (; *w; w++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_./=:,+-@%", *w))
			return false;
	return true;
}

/** shell_line_put_word() - append @w, single-quoted when the shell needs it */
void shell_line_put_word(struct shell_line *line, const char *w)
{
	if (line->used)
		shell_line_printf(line, " ");
	if (shell_safe(w)) {
		shell_line_printf(line, "%s", w);
		return;
	}
	shell_line_printf(line, "'");
	for (; *w; w++) {
		if (*w == '\'')
			shell_line_printf(line, "'\\''");
		else
			shell_line_printf(line, "%c", *w);
	}
	shell_line_printf(line, "'");
}

/**
 * cli_format() - "pfvmm NAME --opt VALUE --flag ...": @opts as options
 *
 * Every option of the table in table order, as "--long VALUE" (or
 * "--long" for a set flag), unless its type leaves the value out; the
 * operands are the caller's to add.
 */
void cli_format(const struct cli_command *cmd, const void *opts,
		struct shell_line *line)
{
	const struct cli_option *t;
	char option[64], value[CLI_VALUE_MAX];

	shell_line_put_word(line, "pfvmm");
	shell_line_put_word(line, cmd->name);
	for (t = cmd->options; t->kind != CLI_END; t++) {
		const void *field = (const char *)opts + t->offset;

		snprintf(option, sizeof(option), "--%s", t->long_name);
		if (t->kind == CLI_FLAG && *(const bool *)field) {
			shell_line_put_word(line, option);
		} else if (t->kind == CLI_VALUE &&
			   t->type->format(t, field, value, sizeof(value))) {
			shell_line_put_word(line, option);
			shell_line_put_word(line, value);
		}
	}
}

/* ---- value types ---- */

static int choice_parse(const struct cli_option *opt, const char *spelled,
			const char *value, void *field, char *err, size_t errlen)
{
	char names[CLI_VALUE_MAX];
	long i;

	for (i = 0; i < opt->max; i++)
		if (opt->choices[i] && !strcmp(opt->choices[i], value)) {
			*(int *)field = (int)i;
			return 0;
		}
	choices_text(opt, names, sizeof(names));
	return cli_fail(err, errlen, "%s '%s': expected %s", spelled, value, names);
}

static bool choice_format(const struct cli_option *opt, const void *field,
			  char *out, size_t len)
{
	int v = *(const int *)field;

	if (v < 0 || v >= opt->max || !opt->choices[v])
		return false;
	snprintf(out, len, "%s", opt->choices[v]);
	return true;
}

const struct cli_type cli_choice_type = { choice_parse, choice_format };

static int uint_parse(const struct cli_option *opt, const char *spelled,
		      const char *value, void *field, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < opt->min || v > opt->max)
		return cli_fail(err, errlen, "%s '%s': expected a number from %ld to %ld",
				spelled, value, opt->min, opt->max);
	*(unsigned int *)field = (unsigned int)v;
	return 0;
}

static bool uint_format(const struct cli_option *opt, const void *field,
			char *out, size_t len)
{
	unsigned int v = *(const unsigned int *)field;

	if ((long)v < opt->min)
		return false;
	snprintf(out, len, "%u", v);
	return true;
}

const struct cli_type cli_uint_type = { uint_parse, uint_format };

static int string_parse(const struct cli_option *opt, const char *spelled,
			const char *value, void *field, char *err, size_t errlen)
{
	if (!*value)
		return cli_fail(err, errlen, "%s needs %s", spelled,
				opt->needs ? opt->needs : "a value");
	*(const char **)field = value;
	return 0;
}

static bool string_format(const struct cli_option *opt, const void *field,
			  char *out, size_t len)
{
	const char *s = *(const char *const *)field;

	(void)opt;
	if (!s)
		return false;
	snprintf(out, len, "%s", s);
	return true;
}

const struct cli_type cli_string_type = { string_parse, string_format };
