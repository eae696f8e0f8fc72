// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the 'pfvmm run' argument parser (userspace/options.c): --mem
 * values good and bad, option placement, unknown options, a missing guest
 * file and the guest command line after '--'.
 */
#include <string.h>

#include "options.h"
#include "test.h"

#define MiB (1ull << 20)

struct mem_case {
	const char *text;
	unsigned long long bytes;	/* 0: must be rejected */
};

static const struct mem_case mem_cases[] = {
	{ "16M", 16 * MiB }, { "16m", 16 * MiB }, { "1G", 1024 * MiB },
	{ "1g", 1024 * MiB }, { "65536K", 64 * MiB }, { "4096k", 4 * MiB },
	{ "4M", 4 * MiB }, { "32", 32 * MiB }, { "1024M", 1024 * MiB },
	{ "6M", 6 * MiB }, { "0016M", 16 * MiB },
	{ "", 0 }, { "0", 0 }, { "2M", 0 }, { "3M", 0 }, { "5M", 0 },
	{ "4097K", 0 }, { "1025M", 0 }, { "2G", 0 }, { "1T", 0 }, { "abc", 0 },
	{ "-16M", 0 }, { "+16M", 0 }, { " 16M", 0 }, { "16M ", 0 }, { "16MB", 0 },
	{ "16X", 0 }, { "M", 0 }, { "1.5G", 0 }, { "0x10M", 0 },
	{ "99999999999999999999999G", 0 }, { "18446744073709551615K", 0 },
	{ "17592186044416M", 0 },
};

static void test_mem_size_parse(struct test_ctx *t)
{
	unsigned int i;

	for (i = 0; i < sizeof(mem_cases) / sizeof(mem_cases[0]); i++) {
		const struct mem_case *c = &mem_cases[i];
		char err[OPTIONS_ERR_MAX] = "";
		uint64_t bytes = 12345;
		int ret = mem_size_parse(c->text, &bytes, err, sizeof(err));

		if (c->bytes) {
			CHECK(t, ret == 0, "'%s' rejected: %s", c->text, err);
			CHECK(t, bytes == c->bytes, "'%s' = %llu, want %llu", c->text,
			      (unsigned long long)bytes, c->bytes);
		} else {
			CHECK(t, ret == -1, "'%s' accepted as %llu", c->text,
			      (unsigned long long)bytes);
			CHECK(t, bytes == 12345, "'%s' changed the output on error", c->text);
			CHECK(t, strstr(err, "--mem") != NULL, "'%s': message '%s'", c->text, err);
		}
	}
}

/* Parse a NULL-terminated argument list (test-linux-options.c's too). */
int run_parse_words(const char *const *args, struct run_options *o, char *err)
{
	int argc = 0;

	while (args[argc])
		argc++;
	return run_options_parse(argc, (char *const *)args, o, err, OPTIONS_ERR_MAX);
}

static void test_run_defaults(struct test_ctx *t)
{
	static const char *const args[] = { "g.elf", NULL };
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	CHECK(t, run_parse_words(args, &o, err) == 0, "rejected: %s", err);
	CHECK(t, o.guest && !strcmp(o.guest, "g.elf"), "guest '%s'", o.guest);
	CHECK_EQ(t, o.mem_size, 32 * MiB);
	CHECK_EQ(t, o.stats, 0);
	CHECK_EQ(t, o.help, 0);
	CHECK(t, o.cmdline[0] == '\0', "cmdline '%s'", o.cmdline);
}

static void test_run_options_any_order(struct test_ctx *t)
{
	static const char *const a1[] = { "--mem", "16M", "g.elf", "--stats", NULL };
	static const char *const a2[] = { "g.elf", "--mem=64M", NULL };
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	CHECK(t, run_parse_words(a1, &o, err) == 0, "a1 rejected: %s", err);
	CHECK_EQ(t, o.mem_size, 16 * MiB);
	CHECK_EQ(t, o.stats, 1);
	CHECK(t, o.guest && !strcmp(o.guest, "g.elf"), "a1 guest '%s'", o.guest);
	CHECK(t, run_parse_words(a2, &o, err) == 0, "a2 rejected: %s", err);
	CHECK_EQ(t, o.mem_size, 64 * MiB);
	CHECK_EQ(t, o.stats, 0);
}

/* Expect a parse error whose message contains @needle. */
static void expect_parse_error(struct test_ctx *t, const char *const *args,
			       const char *needle)
{
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	CHECK(t, run_parse_words(args, &o, err) == -1, "accepted (%s ...)", args[0] ?: "");
	CHECK(t, strstr(err, needle) != NULL, "message '%s' lacks '%s'", err, needle);
}

static void test_run_unknown_option(struct test_ctx *t)
{
	static const char *const a1[] = { "--foo", "g.elf", NULL };
	static const char *const a2[] = { "g.elf", "-x", NULL };

	expect_parse_error(t, a1, "unknown option '--foo'");
	expect_parse_error(t, a2, "unknown option '-x'");
}

static void test_run_missing_file(struct test_ctx *t)
{
	static const char *const a1[] = { NULL };
	static const char *const a2[] = { "--stats", "--mem", "8M", NULL };
	static const char *const a3[] = { "--", "g.elf", NULL };

	expect_parse_error(t, a1, "missing guest ELF");
	expect_parse_error(t, a2, "missing guest ELF");
	expect_parse_error(t, a3, "missing guest ELF");
}

static void test_run_bad_mem(struct test_ctx *t)
{
	static const char *const a1[] = { "g.elf", "--mem", NULL };
	static const char *const a2[] = { "g.elf", "--mem", "3M", NULL };
	static const char *const a3[] = { "g.elf", "--mem=2G", NULL };
	static const char *const a4[] = { "g.elf", "--mem=", NULL };

	expect_parse_error(t, a1, "--mem needs a size");
	expect_parse_error(t, a2, "too small");
	expect_parse_error(t, a3, "too large");
	expect_parse_error(t, a4, "expected a size");
}

static void test_run_two_files(struct test_ctx *t)
{
	static const char *const args[] = { "g.elf", "other", NULL };

	expect_parse_error(t, args, "unexpected argument 'other'");
}

static void test_run_guest_args(struct test_ctx *t)
{
	static const char *const args[] = { "g.elf", "--stats", "--", "exit",
					    "--mem", "a b", NULL };
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	CHECK(t, run_parse_words(args, &o, err) == 0, "rejected: %s", err);
	CHECK(t, !strcmp(o.cmdline, "exit --mem a b"), "cmdline '%s'", o.cmdline);
	CHECK_EQ(t, o.mem_size, 32 * MiB);
	CHECK_EQ(t, o.stats, 1);
}

static void test_run_guest_args_too_long(struct test_ctx *t)
{
	static char word[200];
	const char *ok[] = { "g.elf", "--", word, "x", NULL };
	const char *bad[] = { "g.elf", "--", word, word, NULL };
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	memset(word, 'w', sizeof(word) - 1);
	CHECK(t, run_parse_words(ok, &o, err) == 0, "201 bytes rejected: %s", err);
	CHECK_EQ(t, strlen(o.cmdline), 201);
	expect_parse_error(t, bad, "too long");
}

/* 255 bytes fit (with the NUL), 256 do not. */
static void test_run_guest_args_limit(struct test_ctx *t)
{
	static char w255[256], w256[257];
	const char *ok[] = { "g.elf", "--", w255, NULL };
	const char *bad[] = { "g.elf", "--", w256, NULL };
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	memset(w255, 'a', 255);
	memset(w256, 'b', 256);
	CHECK(t, run_parse_words(ok, &o, err) == 0, "255 bytes rejected: %s", err);
	CHECK_EQ(t, strlen(o.cmdline), 255);
	expect_parse_error(t, bad, "too long");
}

static void test_run_help(struct test_ctx *t)
{
	static const char *const args[] = { "--help", NULL };
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	CHECK(t, run_parse_words(args, &o, err) == 0, "rejected: %s", err);
	CHECK_EQ(t, o.help, 1);
}

static void test_run_backend(struct test_ctx *t)
{
	static const char *const a1[] = { "g.elf", NULL };
	static const char *const a2[] = { "--backend", "kvm", "g.elf", NULL };
	static const char *const a3[] = { "g.elf", "--backend=pfvmm", "--mode", "pv", NULL };
	static const char *const a4[] = { "--backend=kvm", "--mode", "native", "g.elf", NULL };
	static const char *const b1[] = { "--backend", "kvm", "--mode", "forward", "g.elf", NULL };
	static const char *const b2[] = { "g.elf", "--mode=offload", "--backend=kvm", NULL };
	static const char *const b3[] = { "g.elf", "--backend=kvm", "--mode=pv", NULL };
	static const char *const b4[] = { "g.elf", "--backend", "xen", NULL };
	static const char *const b5[] = { "g.elf", "--backend", NULL };
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	CHECK(t, run_parse_words(a1, &o, err) == 0, "a1 rejected: %s", err);
	CHECK_EQ(t, o.backend, RUN_BACKEND_PFVMM);
	CHECK(t, run_parse_words(a2, &o, err) == 0, "a2 rejected: %s", err);
	CHECK_EQ(t, o.backend, RUN_BACKEND_KVM);
	CHECK(t, o.guest && !strcmp(o.guest, "g.elf"), "a2 guest '%s'", o.guest);
	CHECK(t, run_parse_words(a3, &o, err) == 0, "a3 rejected: %s", err);
	CHECK_EQ(t, o.backend, RUN_BACKEND_PFVMM);
	CHECK(t, run_parse_words(a4, &o, err) == 0, "a4 rejected: %s", err);
	CHECK_EQ(t, o.backend, RUN_BACKEND_KVM);
	CHECK(t, !strcmp(o.cmdline, "mode=native"), "a4 cmdline '%s'", o.cmdline);
	expect_parse_error(t, b1, "--mode forward needs the pv MMU");
	expect_parse_error(t, b1, "--backend kvm runs native guests only");
	expect_parse_error(t, b2, "--mode offload");
	expect_parse_error(t, b3, "--mode pv");
	expect_parse_error(t, b4, "--backend 'xen': expected pfvmm or kvm");
	expect_parse_error(t, b5, "--backend needs pfvmm or kvm");
}

void run_options_tests(void)
{
	RUN_TEST(test_mem_size_parse);
	RUN_TEST(test_run_defaults);
	RUN_TEST(test_run_options_any_order);
	RUN_TEST(test_run_unknown_option);
	RUN_TEST(test_run_missing_file);
	RUN_TEST(test_run_bad_mem);
	RUN_TEST(test_run_two_files);
	RUN_TEST(test_run_guest_args);
	RUN_TEST(test_run_guest_args_too_long);
	RUN_TEST(test_run_guest_args_limit);
	RUN_TEST(test_run_help);
	RUN_TEST(test_run_backend);
}
