// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing for 'pfvmm run'.  Every rejection comes with a
 * message that names the offending argument; the caller prints it and
 * exits with status 2.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

static int opt_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Multiplier for a size suffix; a bare number means MiB (as qemu's -m). */
static int mem_suffix_shift(const char *suffix)
{
	if (!strcmp(suffix, "") || !strcmp(suffix, "M") || !strcmp(suffix, "m"))
		return 20;
	if (!strcmp(suffix, "K") || !strcmp(suffix, "k"))
		return 10;
	if (!strcmp(suffix, "G") || !strcmp(suffix, "g"))
		return 30;
	return -1;
}

static int mem_check_range(const char *s, uint64_t bytes, char *err,
			   size_t errlen)
{
	if (bytes < RUN_MEM_MIN)
		return opt_fail(err, errlen,
				"--mem %s: too small (minimum 4M)", s);
	if (bytes > RUN_MEM_MAX)
		return opt_fail(err, errlen,
				"--mem %s: too large (maximum 1G)", s);
	if (bytes % RUN_MEM_ALIGN)
		return opt_fail(err, errlen,
				"--mem %s: not a multiple of 2M", s);
	return 0;
}

/**
 * parse_mem_size() - parse a guest memory size such as "16M", "1G", "65536K"
 * @s: the text; digits and an optional K/M/G suffix (none: MiB)
 * @bytes: the result in bytes, set only on success
 *
 * Return: 0, or -1 with a message in @err.
 */
int parse_mem_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	uint64_t value = 0;
	const char *p = s;
	int shift;

	if (*p < '0' || *p > '9')
		return opt_fail(err, errlen,
				"--mem '%s': expected a size like 16M, 1G or 65536K", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (value > (UINT64_MAX - 9) / 10)
			return opt_fail(err, errlen, "--mem %s: too large (maximum 1G)", s);
		value = value * 10 + (uint64_t)(*p - '0');
	}
	shift = mem_suffix_shift(p);
	if (shift < 0)
		return opt_fail(err, errlen,
				"--mem '%s': unknown size suffix '%s' (use K, M or G)", s, p);
	if (value > (UINT64_MAX >> shift))
		return opt_fail(err, errlen, "--mem %s: too large (maximum 1G)", s);
	value <<= shift;
	if (mem_check_range(s, value, err, errlen))
		return -1;
	*bytes = value;
	return 0;
}

/* Join the guest arguments after '--' with single spaces. */
static int join_guest_args(int argc, char *const argv[], char *out,
			   size_t outlen, char *err, size_t errlen)
{
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + (i ? 1 : 0);

		if (len >= outlen - used)
			return opt_fail(err, errlen,
					"guest arguments too long (at most %zu bytes)",
					outlen - 1);
		snprintf(out + used, outlen - used, "%s%s", i ? " " : "", argv[i]);
		used += len;
	}
	return 0;
}

static int parse_mode(const char *s, struct run_options *opts, char *err,
		      size_t errlen)
{
	if (!strcmp(s, "native"))
		opts->mode = RUN_MODE_NATIVE;
	else if (!strcmp(s, "forward"))
		opts->mode = RUN_MODE_FORWARD;
	else if (!strcmp(s, "offload"))
		opts->mode = RUN_MODE_OFFLOAD;
	else if (!strcmp(s, "pv"))
		opts->mode = RUN_MODE_PV;
	else
		return opt_fail(err, errlen,
				"--mode '%s': expected native, forward, offload or pv", s);
	return 0;
}

static int parse_backend(const char *s, struct run_options *opts, char *err,
			 size_t errlen)
{
	if (!strcmp(s, "pfvmm"))
		opts->backend = RUN_BACKEND_PFVMM;
	else if (!strcmp(s, "kvm"))
		opts->backend = RUN_BACKEND_KVM;
	else
		return opt_fail(err, errlen,
				"--backend '%s': expected pfvmm or kvm", s);
	return 0;
}

static int parse_numa_node(const char *s, struct run_options *opts, char *err,
			   size_t errlen)
{
	char *end;
	long node;

	if (*s < '0' || *s > '9')
		return opt_fail(err, errlen,
				"--numa-node '%s': expected a node number, e.g. 0", s);
	node = strtol(s, &end, 10);
	if (*end)
		return opt_fail(err, errlen,
				"--numa-node '%s': expected a node number, e.g. 0", s);
	if (node > RUN_NUMA_NODE_MAX)
		return opt_fail(err, errlen, "--numa-node %s: at most %d", s,
				RUN_NUMA_NODE_MAX);
	opts->numa_node = (int)node;
	return 0;
}

static const char *run_mode_name(enum run_mode mode)
{
	switch (mode) {
	case RUN_MODE_NATIVE:	return "native";
	case RUN_MODE_FORWARD:	return "forward";
	case RUN_MODE_OFFLOAD:	return "offload";
	case RUN_MODE_PV:	return "pv";
	default:		return "(unset)";
	}
}

bool run_mode_is_pv(enum run_mode mode)
{
	return mode == RUN_MODE_FORWARD || mode == RUN_MODE_OFFLOAD ||
	       mode == RUN_MODE_PV;
}

int run_mode_offload(enum run_mode mode)
{
	switch (mode) {
	case RUN_MODE_FORWARD:
		return 0;
	case RUN_MODE_OFFLOAD:
		return 1;
	default:
		return -1;
	}
}

/*
 * With --mode, the guest's command line starts with mode=native or
 * mode=pv, so that the guest kernel knows which MMU it has; offload and
 * pv add offload=1 (the guest registers fault regions and donates a
 * pool; whether the VMM uses them depends on the switch).
 */
static int prepend_mode_arg(struct run_options *opts, char *err, size_t errlen)
{
	const char *word = opts->mode == RUN_MODE_NATIVE ? "mode=native" :
			   opts->mode == RUN_MODE_FORWARD ? "mode=pv" :
			   "mode=pv offload=1";
	char joined[sizeof(opts->cmdline)];
	int n;

	n = snprintf(joined, sizeof(joined), "%s%s%s", word,
		     opts->cmdline[0] ? " " : "", opts->cmdline);
	if (n < 0 || (size_t)n >= sizeof(joined))
		return opt_fail(err, errlen,
				"guest arguments too long (at most %zu bytes)",
				sizeof(opts->cmdline) - 1);
	memcpy(opts->cmdline, joined, sizeof(joined));
	return 0;
}

static int parse_one_option(int argc, char *const argv[], int *i,
			    struct run_options *opts, char *err, size_t errlen)
{
	const char *arg = argv[*i];

	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		opts->help = true;
		return 0;
	}
	if (!strcmp(arg, "--stats")) {
		opts->stats = true;
		return 0;
	}
	if (!strncmp(arg, "--mode=", 7))
		return parse_mode(arg + 7, opts, err, errlen);
	if (!strcmp(arg, "--mode")) {
		if (*i + 1 >= argc)
			return opt_fail(err, errlen, "--mode needs native, forward, offload or pv");
		return parse_mode(argv[++*i], opts, err, errlen);
	}
	if (!strncmp(arg, "--backend=", 10))
		return parse_backend(arg + 10, opts, err, errlen);
	if (!strcmp(arg, "--backend")) {
		if (*i + 1 >= argc)
			return opt_fail(err, errlen, "--backend needs pfvmm or kvm");
		return parse_backend(argv[++*i], opts, err, errlen);
	}
	if (!strncmp(arg, "--numa-node=", 12))
		return parse_numa_node(arg + 12, opts, err, errlen);
	if (!strcmp(arg, "--numa-node")) {
		if (*i + 1 >= argc)
			return opt_fail(err, errlen, "--numa-node needs a node number, e.g. 0");
		return parse_numa_node(argv[++*i], opts, err, errlen);
	}
	if (!strncmp(arg, "--mem=", 6))
		return parse_mem_size(arg + 6, &opts->mem_size, err, errlen);
	if (!strcmp(arg, "--mem")) {
		if (*i + 1 >= argc)
			return opt_fail(err, errlen, "--mem needs a size, e.g. --mem 64M");
		return parse_mem_size(argv[++*i], &opts->mem_size, err, errlen);
	}
	return opt_fail(err, errlen, "unknown option '%s'", arg);
}

static int set_guest_path(const char *arg, struct run_options *opts,
			  char *err, size_t errlen)
{
	if (opts->guest)
		return opt_fail(err, errlen,
				"unexpected argument '%s' (one guest ELF only; guest arguments go after '--')",
				arg);
	opts->guest = arg;
	return 0;
}

/**
 * run_options_parse() - parse the arguments of 'pfvmm run'
 * @argc, @argv: the arguments after the word "run"
 * @opts: filled with defaults, then with what the arguments say
 *
 * Options may come before or after the guest file; everything after "--"
 * is joined into the guest's command line.
 *
 * Return: 0, or -1 with a message in @err.
 */
int run_options_parse(int argc, char *const argv[], struct run_options *opts,
		      char *err, size_t errlen)
{
	int i;

	memset(opts, 0, sizeof(*opts));
	opts->mem_size = RUN_MEM_DEFAULT;
	opts->numa_node = -1;
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];
		int ret;

		if (!strcmp(arg, "--")) {
			if (join_guest_args(argc - i - 1, argv + i + 1,
					    opts->cmdline, sizeof(opts->cmdline),
					    err, errlen))
				return -1;
			break;
		}
		if (arg[0] == '-' && arg[1] != '\0')
			ret = parse_one_option(argc, argv, &i, opts, err, errlen);
		else
			ret = set_guest_path(arg, opts, err, errlen);
		if (ret)
			return ret;
	}
	if (!opts->guest && !opts->help)
		return opt_fail(err, errlen, "missing guest ELF file");
	if (opts->backend == RUN_BACKEND_KVM && run_mode_is_pv(opts->mode))
		return opt_fail(err, errlen,
				"--mode %s needs the pv MMU of the pfvmm backend: "
				"--backend kvm runs native guests only (--mode native)",
				run_mode_name(opts->mode));
	memcpy(opts->guest_args, opts->cmdline, sizeof(opts->guest_args));
	if (opts->mode != RUN_MODE_UNSET)
		return prepend_mode_arg(opts, err, errlen);
	return 0;
}

/* Characters a shell word may hold without quotes. */
static int shell_safe(const char *w)
{
	if (!*w)
		return 0;
	for (; *w; w++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_./=:,+-@%", *w))
			return 0;
	return 1;
}

/* printf into @buf at *@used; past the end only *@used grows (overflow). */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len) {
		(*used)++;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	*used += n > 0 ? (size_t)n : 0;
}

/* Append @w to @buf, single-quoted when the shell needs it. */
static void put_word(char *buf, size_t len, size_t *used, const char *w)
{
	if (*used)
		append(buf, len, used, " ");
	if (shell_safe(w)) {
		append(buf, len, used, "%s", w);
		return;
	}
	append(buf, len, used, "'");
	for (; *w; w++) {
		if (*w == '\'')
			append(buf, len, used, "'\\''");
		else
			append(buf, len, used, "%c", *w);
	}
	append(buf, len, used, "'");
}

static void put_mem(char *buf, size_t len, size_t *used, uint64_t bytes)
{
	char w[32];

	if (!(bytes & ((1ull << 30) - 1)))
		snprintf(w, sizeof(w), "%lluG", (unsigned long long)(bytes >> 30));
	else
		snprintf(w, sizeof(w), "%lluM", (unsigned long long)(bytes >> 20));
	put_word(buf, len, used, w);
}

/* The guest arguments, word by word (they are split on spaces anyway). */
static void put_guest_args(char *buf, size_t len, size_t *used, const char *args)
{
	char copy[PFVMM_BOOTINFO_CMDLINE_MAX];
	char *save, *w;

	if (!*args)
		return;
	put_word(buf, len, used, "--");
	snprintf(copy, sizeof(copy), "%s", args);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		put_word(buf, len, used, w);
}

/**
 * run_options_format() - the command line that reproduces a run
 * @opts: the parsed options
 * @guest_path: the guest file as it should be named (e.g. made absolute)
 *
 * Every setting is spelled out, defaults included, in a fixed order:
 * "pfvmm run --backend B [--mode M] --mem S [--numa-node N] [--stats] GUEST
 * [-- ARGS]".
 * Return: 0, or -1 when it does not fit in @len bytes.
 */
int run_options_format(const struct run_options *opts, const char *guest_path,
		       char *buf, size_t len)
{
	char node[16];
	size_t used = 0;

	buf[0] = '\0';
	put_word(buf, len, &used, "pfvmm");
	put_word(buf, len, &used, "run");
	put_word(buf, len, &used, "--backend");
	put_word(buf, len, &used, opts->backend == RUN_BACKEND_KVM ? "kvm" : "pfvmm");
	if (opts->mode != RUN_MODE_UNSET) {
		put_word(buf, len, &used, "--mode");
		put_word(buf, len, &used, run_mode_name(opts->mode));
	}
	put_word(buf, len, &used, "--mem");
	put_mem(buf, len, &used, opts->mem_size);
	if (opts->numa_node >= 0) {
		snprintf(node, sizeof(node), "%d", opts->numa_node);
		put_word(buf, len, &used, "--numa-node");
		put_word(buf, len, &used, node);
	}
	if (opts->stats)
		put_word(buf, len, &used, "--stats");
	put_word(buf, len, &used, guest_path);
	put_guest_args(buf, len, &used, opts->guest_args);
	return used < len ? 0 : -1;
}
