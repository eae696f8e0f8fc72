// SPDX-License-Identifier: GPL-2.0
/*
 * The boot command line (the boot info's cmdline, what follows "--" on
 * pfvmm run's) into a struct boot_config.  Words are key=value, separated
 * by spaces; a key given twice takes its last value.  keys[] below is the
 * whole syntax: one row a key, with its kind, range or choices, default
 * and place in the struct.  The parser, the error messages and the usage
 * text all read it, and nothing else knows the keys.  Every value is
 * checked as it comes (a bad one is refused even if the key comes again).
 * After the words come the rules between keys: one of the rows marked
 * SELECTS must be given (it picks what runs), and a row marked PV_ONLY
 * needs mode=pv when set.  The values of workload=, hostile= and probe=
 * are the modes' own to check (work.c, tests/): here they are any string.
 */
#include <stddef.h>
#include "pvkernel.h"

#define NUM_MAX		10000009ull	/* the most parse_num() takes */

struct cfg_key {
	const char *name;
	union {
		const char *values;		/* K_STR: what the usage shows */
		const char *const *choices;	/* K_CHOICE: NULL-terminated */
	};
	uint64_t def;			/* K_NUM, K_CHOICE (an index) */
	uint32_t min, max;		/* K_NUM */
	uint16_t offset;		/* of the value in struct boot_config */
	enum { K_STR, K_NUM, K_CHOICE } kind : 8;
	uint8_t flags;			/* SELECTS, PV_ONLY */
};

#define SELECTS		1	/* one of these keys picks what runs */
#define PV_ONLY		2	/* when set, mode=pv is needed */

#define AT(field)	offsetof(struct boot_config, field)

static const char *const mode_choices[] = { "native", "pv", NULL };

static const struct cfg_key keys[] = {
	/* the MMU: the guest's own tables, or the pv hypercalls */
	{ "mode", .kind = K_CHOICE, .offset = AT(mode), .def = MODE_NATIVE,
	  .choices = mode_choices },
	/* what runs: one of the four (work.c, tests/hostile.c, probe.c, fuzz.c) */
	{ "workload", .kind = K_STR, .offset = AT(workload), .flags = SELECTS,
	  .values = "touch|cow|remap|sparse|reaccess|exit" },
	{ "hostile", .kind = K_STR, .offset = AT(hostile), .flags = SELECTS | PV_ONLY,
	  .values = "all|ptwrite|offload|tamper" },
	{ "probe", .kind = K_STR, .offset = AT(probe), .flags = SELECTS,
	  .values = "cr8|swapgs|fpu|insns|cpufuzz" },
	{ "fuzz", .kind = K_NUM, .offset = AT(fuzz), .def = CFG_UNSET,
	  .max = NUM_MAX, .flags = SELECTS },		/* the seed */
	/* a workload's pages; workload=exit: the timed exits of each kind */
	{ "pages", .kind = K_NUM, .offset = AT(pages), .def = 64, .min = 1,
	  .max = 65536 },
	/* 1: register fault regions and donate a pool (offload.c) */
	{ "offload", .kind = K_NUM, .offset = AT(offload), .def = 0, .min = 0,
	  .max = 1, .flags = PV_ONLY },
	/* the pool's frames (default: what the workload needs) */
	{ "pool", .kind = K_NUM, .offset = AT(pool), .def = CFG_UNSET,
	  .max = NUM_MAX },
	/* fuzz='s hypercalls, probe=fpu's rounds, probe=cpufuzz's instructions */
	{ "calls", .kind = K_NUM, .offset = AT(calls), .def = 1000,
	  .max = NUM_MAX },
	{ "seed", .kind = K_NUM, .offset = AT(seed), .def = 1, .max = NUM_MAX },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static uint64_t *num_at(struct boot_config *c, const struct cfg_key *k)
{
	return (uint64_t *)((char *)c + k->offset);
}

static const char **str_at(struct boot_config *c, const struct cfg_key *k)
{
	return (const char **)((char *)c + k->offset);
}

/* The row's value is not its default (K_STR: was given at all). */
static bool is_set(struct boot_config *c, const struct cfg_key *k)
{
	if (k->kind == K_STR)
		return *str_at(c, k) != NULL;
	return *num_at(c, k) != k->def;
}

/* The values a row takes, as the usage text and the messages show them. */
static void print_values(const struct cfg_key *k)
{
	unsigned int i;

	if (k->kind == K_STR)
		printk("%s", k->values);
	else if (k->kind == K_CHOICE)
		for (i = 0; k->choices[i]; i++)
			printk("%s%s", i ? "|" : "", k->choices[i]);
	else if (k->max == NUM_MAX)
		printk("N");
	else
		printk("%lu-%lu", (unsigned long)k->min, (unsigned long)k->max);
}

/* " key=" for each row with one of @flags. */
static void print_keys(unsigned int flags)
{
	unsigned int i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].flags & flags)
			printk(" %s=", keys[i].name);
}

static void print_usage(void)
{
	unsigned int i;

	printk("pvkernel: usage: key=value ..., one of");
	print_keys(SELECTS);
	printk(" picks what runs;");
	print_keys(PV_ONLY);
	printk(" need mode=pv\n");
	for (i = 0; i < NKEYS; i++) {
		printk("pvkernel:   %s=", keys[i].name);
		print_values(&keys[i]);
		if (keys[i].kind == K_CHOICE)
			printk(" (default %s)", keys[i].choices[keys[i].def]);
		else if (keys[i].kind == K_NUM && keys[i].def != CFG_UNSET)
			printk(" (default %lu)", (unsigned long)keys[i].def);
		printk("\n");
	}
}

/* Decimal digits, at most NUM_MAX (as the first pvkernel took them). */
static int parse_num(const char *val, uint64_t *out)
{
	uint64_t n = 0;

	if (!*val)
		return -1;
	for (; *val; val++) {
		if (*val < '0' || *val > '9' || n > 1000000)
			return -1;
		n = n * 10 + (uint64_t)(*val - '0');
	}
	*out = n;
	return 0;
}

static int parse_choice(const struct cfg_key *k, const char *val, uint64_t *out)
{
	uint64_t i;

	for (i = 0; k->choices[i]; i++) {
		if (!strcmp(k->choices[i], val)) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

/* Store @val as @k's value; -1 (and a message) if it is not one. */
static int set_value(struct boot_config *c, const struct cfg_key *k,
		     const char *val)
{
	uint64_t n;
	int bad;

	if (k->kind == K_STR) {
		*str_at(c, k) = val;
		return 0;
	}
	if (k->kind == K_CHOICE)
		bad = parse_choice(k, val, &n);
	else
		bad = parse_num(val, &n) || n < k->min || n > k->max;
	if (bad) {
		printk("pvkernel: %s=%s: expected ", k->name, val);
		print_values(k);
		printk("\n");
		return -1;
	}
	*num_at(c, k) = n;
	return 0;
}

/* One key=value word: find the row, store the value. */
static int parse_word(struct boot_config *c, char *key, const char *val)
{
	unsigned int i;

	if (!val) {
		printk("pvkernel: argument '%s' is not key=value\n", key);
		return -1;
	}
	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, key))
			return set_value(c, &keys[i], val);
	printk("pvkernel: unknown argument '%s'\n", key);
	return -1;
}

/*
 * Cut the next word at *@p in place: returns its key (NULL when no word
 * is left), *@val its value after the first '=' (NULL: there is none).
 */
static char *next_word(char **p, char **val)
{
	char *key;

	while (**p == ' ')
		(*p)++;
	if (!**p)
		return NULL;
	key = *p;
	*val = NULL;
	for (; **p && **p != ' '; (*p)++) {
		if (**p == '=' && !*val) {
			**p = '\0';
			*val = *p + 1;
		}
	}
	if (**p)
		*(*p)++ = '\0';
	return key;
}

/* The rules between keys, once every word is in. */
static int check_rules(struct boot_config *c)
{
	bool selected = false;
	unsigned int i;

	for (i = 0; i < NKEYS; i++)
		selected |= (keys[i].flags & SELECTS) && is_set(c, &keys[i]);
	if (!selected) {
		printk("pvkernel: need one of");
		print_keys(SELECTS);
		printk("\n");
		return -1;
	}
	for (i = 0; i < NKEYS; i++) {
		if ((keys[i].flags & PV_ONLY) && is_set(c, &keys[i]) &&
		    c->mode != MODE_PV) {
			printk("pvkernel: %s=", keys[i].name);
			if (keys[i].kind == K_STR)
				printk("%s", *str_at(c, &keys[i]));
			else
				printk("%lu", (unsigned long)*num_at(c, &keys[i]));
			printk(" needs mode=pv\n");
			return -1;
		}
	}
	return 0;
}

static void set_defaults(struct boot_config *c)
{
	unsigned int i;

	for (i = 0; i < NKEYS; i++) {
		if (keys[i].kind == K_STR)
			*str_at(c, &keys[i]) = NULL;
		else
			*num_at(c, &keys[i]) = keys[i].def;
	}
}

/**
 * config_parse() - the boot configuration from a command line
 * @cfg: filled in: the defaults, then the words; its strings point into
 *       its own copy of @cmdline
 * @cmdline: the boot info's command line
 *
 * Return: 0, or -1 after printing what is wrong, the command line and the
 * usage text.
 */
int config_parse(struct boot_config *cfg, const char *cmdline)
{
	char *p = cfg->words, *key, *val;
	size_t n = 0;
	int bad = 0;

	while (n < sizeof(cfg->words) - 1 && cmdline[n])
		n++;
	memcpy(cfg->words, cmdline, n);
	cfg->words[n] = '\0';
	set_defaults(cfg);
	while (!bad && (key = next_word(&p, &val)))
		bad = parse_word(cfg, key, val);
	if (!bad)
		bad = check_rules(cfg);
	if (bad) {
		printk("pvkernel: bad command line '%s'\n", cmdline);
		print_usage();
	}
	return bad ? -1 : 0;
}
