// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the Linux guest's options of 'pfvmm run' (userspace/options.c):
 * --kernel instead of a guest ELF (never both), --initrd, --append and
 * --debug-ports only with it, no '-- ARGS' and no pv mode with it, the
 * 256M default memory, and the reproducing command line with a command
 * line as long as the kernel takes.
 */
#include <string.h>

#include "options.h"
#include "test.h"

#define MiB (1ull << 20)

static void test_run_kernel_defaults(struct test_ctx *t)
{
	static const char *const a1[] = { "--kernel", "bz", NULL };
	static const char *const a2[] = { "--mem=512M", "--kernel=bz", "--mode", "native",
					  "--initrd", "rd", "--append", "quiet", NULL };
	char err[OPTIONS_ERR_MAX] = "";
	struct run_options o;

	CHECK(t, run_parse_words(a1, &o, err) == 0, "a1 refused: %s", err);
	CHECK(t, o.kernel && !strcmp(o.kernel, "bz") && !o.guest, "kernel '%s'", o.kernel);
	CHECK_EQ(t, o.mem_size, 256 * MiB);
	CHECK(t, !o.initrd && !o.append && !o.debug_ports, "a1 has extras");
	CHECK(t, run_parse_words(a2, &o, err) == 0, "a2 refused: %s", err);
	CHECK_EQ(t, o.mem_size, 512 * MiB);
	CHECK(t, !strcmp(o.initrd, "rd") && !strcmp(o.append, "quiet"), "a2 values");
	/* the guest ELF's mode=native is not the kernel's command line */
	CHECK(t, o.cmdline[0] == '\0', "cmdline '%s'", o.cmdline);
}

/* A command line that must be refused, and what the message must say. */
struct refusal {
	const char *args[6];
	const char *needle;
};

static const struct refusal refusals[] = {
	{ { "--kernel", "bz", "g.elf" },
	  "--kernel bz and the guest ELF 'g.elf' exclude each other" },
	{ { "g.elf", "--initrd", "rd" }, "--initrd needs --kernel" },
	{ { "--append=quiet", "g.elf" }, "--append needs --kernel" },
	{ { "g.elf", "--debug-ports" }, "--debug-ports needs --kernel" },
	{ { "--kernel", "bz", "--", "quiet" },
	  "give the kernel's command line with --append" },
	{ { "--kernel", "bz", "--mode", "offload" }, "--mode offload needs a pv guest" },
	{ { "--initrd", "rd" }, "missing guest ELF file (or --kernel BZIMAGE)" },
	{ { "--kernel" }, "--kernel needs a bzImage" },
	{ { "--kernel=", "g.elf" }, "--kernel needs a bzImage" },
};

static void test_run_kernel_refused(struct test_ctx *t)
{
	char err[OPTIONS_ERR_MAX];
	struct run_options o;
	unsigned int i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];

		err[0] = '\0';
		CHECK(t, run_parse_words(r->args, &o, err) == -1, "case %u accepted", i);
		CHECK(t, strstr(err, r->needle) != NULL, "case %u: '%s' lacks '%s'", i,
		      err, r->needle);
	}
}

static void test_run_kernel_reproduce_line(struct test_ctx *t)
{
	static char append[2048], want[RUN_CMDLINE_MAX];
	const char *args[] = { "--stats", "--append", append, "--kernel", "/k/bz",
			       "--debug-ports", "--initrd", "/k/rd", NULL };
	char err[OPTIONS_ERR_MAX] = "", line[RUN_CMDLINE_MAX];
	struct run_options o;

	memset(append, 'a', sizeof(append) - 1);
	append[100] = ' ';
	snprintf(want, sizeof(want), "pfvmm run --backend pfvmm --mem 256M --kernel /k/bz "
		 "--initrd /k/rd --append '%s' --stats --debug-ports", append);
	CHECK(t, run_parse_words(args, &o, err) == 0, "refused: %s", err);
	CHECK(t, !run_options_format(&o, NULL, line, sizeof(line)), "did not fit");
	CHECK(t, !strcmp(line, want), "wrote '%.200s...'", line);
}

void run_linux_options_tests(void)
{
	RUN_TEST(test_run_kernel_defaults);
	RUN_TEST(test_run_kernel_refused);
	RUN_TEST(test_run_kernel_reproduce_line);
}
