/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarative command lines: each subcommand describes its options once,
 * in a table of OPT_*() rows, and that one table parses the arguments,
 * prints the --help text and writes the command line back (the
 * reproducing 'command: pfvmm run ...' line).  A row names the field of
 * the subcommand's options struct it sets, so adding an option is adding
 * a row.  Every option that takes a value takes it as "--opt VALUE" or
 * "--opt=VALUE" (a short one as "-o VALUE").  No I/O but the usage text:
 * unit-tested in tests/unit/test-cli-table.c.
 */
#ifndef PFVMM_CLI_H
#define PFVMM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

#define CLI_ERR_MAX	256	/* a parse error message */
#define CLI_VALUE_MAX	4096	/* one option value, written back (--append) */

enum cli_kind {
	CLI_END = 0,	/* the end of the table */
	CLI_GROUP,	/* a heading of the --help text */
	CLI_OPERAND,	/* a --help line for a non-option argument */
	CLI_HELP,	/* -h/--help: sets a bool and stops parsing */
	CLI_FLAG,	/* sets a bool; takes no value */
	CLI_VALUE,	/* takes a value, read by ->type */
};

struct cli_option;

/* How one kind of value is read into its field and written back. */
struct cli_type {
	/* 0, or -1 with a message naming @spelled (the option as typed). */
	int (*parse)(const struct cli_option *opt, const char *spelled,
		     const char *value, void *field, char *err, size_t errlen);
	/* The value as text in @out; false: leave the option out. */
	bool (*format)(const struct cli_option *opt, const void *field,
		       char *out, size_t len);
};

struct cli_option {
	enum cli_kind kind;
	char short_name;		/* 'w' for -w, or 0 */
	const char *long_name;		/* "workloads" for --workloads */
	const char *metavar;		/* "L" in "--workloads L" */
	const char *help;		/* one paragraph, wrapped by the usage */
	size_t offset;			/* of the field in the options struct */
	const struct cli_type *type;	/* CLI_VALUE only */
	/* What the value is, for "--opt needs ..." when it is missing;
	 * NULL: a missing value is parsed as "" (the type says what is wrong). */
	const char *needs;
	const char *const *choices;	/* cli_choice_type: names by value */
	long min, max;			/* cli_uint_type: the range; choices: count */
};

/* A compile error unless @member of @type has type @want. */
#define CLI_FIELD(type, member, want)					\
	(offsetof(type, member) + 0 * sizeof(char[			\
		__builtin_types_compatible_p(__typeof__(((type *)0)->member), \
					     want) ? 1 : -1]))

#define OPT_END()		{ .kind = CLI_END }
#define OPT_GROUP(title)	{ .kind = CLI_GROUP, .help = (title) }
#define OPT_OPERAND(spec, text)	{ .kind = CLI_OPERAND, .metavar = (spec), .help = (text) }
#define OPT_HELP(st, member)						\
	{ .kind = CLI_HELP, .short_name = 'h', .long_name = "help",	\
	  .help = "this help", .offset = CLI_FIELD(st, member, bool) }
#define OPT_FLAG(s, l, st, member, text)				\
	{ .kind = CLI_FLAG, .short_name = (s), .long_name = (l),	\
	  .help = (text), .offset = CLI_FIELD(st, member, bool) }
/* A value of a type of the caller's; @needs as in struct cli_option. */
#define OPT_VALUE(s, l, st, member, meta, vtype, needs_, text)		\
	{ .kind = CLI_VALUE, .short_name = (s), .long_name = (l),	\
	  .metavar = (meta), .help = (text), .offset = offsetof(st, member), \
	  .type = (vtype), .needs = (needs_) }
/* One of @names (an array, indexed by the enum value; NULL: unnamed). */
#define OPT_CHOICE(s, l, st, member, meta, names, text)			\
	{ .kind = CLI_VALUE, .short_name = (s), .long_name = (l),	\
	  .metavar = (meta), .help = (text),				\
	  .offset = offsetof(st, member) + 0 * sizeof(char[		\
		sizeof(((st *)0)->member) == sizeof(int) ? 1 : -1]),	\
	  .type = &cli_choice_type, .choices = (names),			\
	  .max = (long)ARRAY_SIZE(names) }
/* An unsigned int from @lo to @hi; written back unless below @lo. */
#define OPT_UINT(s, l, st, member, meta, lo, hi, text)			\
	{ .kind = CLI_VALUE, .short_name = (s), .long_name = (l),	\
	  .metavar = (meta), .help = (text),				\
	  .offset = CLI_FIELD(st, member, unsigned int),		\
	  .type = &cli_uint_type, .min = (lo), .max = (hi) }
/* A string (const char *, NULL: unset); @needs says what it must be. */
#define OPT_STRING(s, l, st, member, meta, needs_, text)		\
	{ .kind = CLI_VALUE, .short_name = (s), .long_name = (l),	\
	  .metavar = (meta), .help = (text),				\
	  .offset = CLI_FIELD(st, member, const char *),		\
	  .type = &cli_string_type, .needs = (needs_) }

extern const struct cli_type cli_choice_type;
extern const struct cli_type cli_uint_type;
extern const struct cli_type cli_string_type;

/* A subcommand: its name, its --help text around the table, its operands. */
struct cli_command {
	const char *name;		/* "run" */
	const char *summary;		/* one line for 'pfvmm --help' */
	const char *synopsis;		/* after "usage: pfvmm run " */
	const char *description;	/* printed as it is, after the usage line */
	const char *footer;		/* printed as it is, after the options */
	const struct cli_option *options;	/* ends with OPT_END() */
	/* A word that is not an option; NULL: the command takes none. */
	int (*operand)(void *opts, const char *arg, char *err, size_t errlen);
	/* The words after "--"; NULL: "--" only ends the options. */
	int (*rest)(void *opts, int argc, char *const argv[], char *err,
		    size_t errlen);
};

int cli_parse(const struct cli_command *cmd, void *opts, int argc,
	      char *const argv[], char *err, size_t errlen);
void cli_usage(const struct cli_command *cmd, FILE *f);
int cli_usage_error(const struct cli_command *cmd, const char *err);
int cli_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A shell command line being written; past @len only @used grows. */
struct shell_line {
	char *buf;
	size_t len;
	size_t used;
};

void shell_line_init(struct shell_line *line, char *buf, size_t len);
void shell_line_put_word(struct shell_line *line, const char *word);
bool shell_line_fits(const struct shell_line *line);
void cli_format(const struct cli_command *cmd, const void *opts,
		struct shell_line *line);

#endif /* PFVMM_CLI_H */
