// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the built launcher's command line (userspace/pfvmm), run as a
 * child process: exit statuses and messages of the paths that need no
 * module (usage errors, bad guest files, and /dev/pfvmm missing).
 * run_launcher_env() is shared with test-ux.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

/* In the child: apply @le, then exec the launcher; never returns. */
static void exec_launcher(const char *const *argv, const struct launch_env *le)
{
	unsigned int i;

	for (i = 0; le && le->env && le->env[i]; i++)
		putenv((char *)le->env[i]);
	if (le && le->uid >= 0 &&
	    (setgroups(0, NULL) || setgid((gid_t)le->uid) || setuid((uid_t)le->uid)))
		_exit(126);
	execv(launcher_path, (char *const *)argv);
	_exit(127);
}

/* Run the launcher with @args; its stdout+stderr into @out.  -1: no run. */
int run_launcher_env(const char *const *args, char *out,
			    const struct launch_env *le)
{
	const char *argv[16] = { launcher_path };
	int pipefd[2], status, i;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		exec_launcher(argv, le);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + len, OUT_MAX - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int run_launcher(const char *const *args, char *out)
{
	return run_launcher_env(args, out, NULL);
}

static int have_launcher(struct test_ctx *t)
{
	if (access(launcher_path, X_OK) == 0)
		return 1;
	SKIP(t, "%s not built", launcher_path);
	return 0;
}

static void expect_run(struct test_ctx *t, const char *const *args, int want,
		       const char *needle)
{
	static char out[OUT_MAX];
	int status;

	if (!have_launcher(t))
		return;
	status = run_launcher(args, out);
	CHECK(t, status == want, "'pfvmm %s %s' exited %d, want %d; output: %s",
	      args[0] ?: "", args[0] && args[1] ? args[1] : "", status, want, out);
	CHECK(t, strstr(out, needle) != NULL, "output lacks '%s': %s", needle, out);
}

static void test_cli_no_command(struct test_ctx *t)
{
	static const char *const a[] = { NULL };

	expect_run(t, a, 2, "usage: pfvmm");
}

static void test_cli_unknown_command(struct test_ctx *t)
{
	static const char *const a[] = { "frobnicate", NULL };

	expect_run(t, a, 2, "unknown command 'frobnicate'");
}

static void test_cli_version(struct test_ctx *t)
{
	static const char *const a[] = { "version", NULL };

	expect_run(t, a, 0, "API version 2");
}

static void test_cli_help(struct test_ctx *t)
{
	static const char *const a1[] = { "run", "--help", NULL };
	static const char *const a2[] = { "help", "run", NULL };
	static const char *const a3[] = { "version", "--help", NULL };

	expect_run(t, a1, 0, "usage: pfvmm run");
	expect_run(t, a2, 0, "usage: pfvmm run");
	expect_run(t, a3, 0, "usage: pfvmm version");
}

static void test_cli_missing_file_arg(struct test_ctx *t)
{
	static const char *const a[] = { "run", NULL };

	expect_run(t, a, 2, "missing guest ELF file");
}

static void test_cli_nonexistent_file(struct test_ctx *t)
{
	static const char *const a[] = { "run", "/nonexistent/guest.elf", NULL };

	expect_run(t, a, 2, "No such file or directory");
}

static void test_cli_bad_mem(struct test_ctx *t)
{
	static const char *const a1[] = { "run", "x.elf", "--mem", "3M", NULL };
	static const char *const a2[] = { "run", "x.elf", "--mem", "lots", NULL };

	expect_run(t, a1, 2, "too small");
	expect_run(t, a2, 2, "expected a size");
}

static void test_cli_unknown_flag(struct test_ctx *t)
{
	static const char *const a[] = { "run", "x.elf", "--turbo", NULL };

	expect_run(t, a, 2, "unknown option '--turbo'");
}

static void test_cli_not_elf(struct test_ctx *t)
{
	char path[] = "/tmp/pfvmm-unit-XXXXXX";
	const char *a[] = { "run", path, NULL };
	int fd = mkstemp(path);

	CHECK(t, fd >= 0, "mkstemp: %s", strerror(errno));
	if (fd < 0)
		return;
	static const char text[] =
		"#!/bin/sh\n# a script, long enough for an ELF header to fit\n"
		"echo 'this is not an ELF file'\n";

	CHECK(t, write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1, "write");
	close(fd);
	expect_run(t, a, 2, "not an ELF file");
	unlink(path);
}

/* A good guest file but no module: exit 1 and the modprobe hint. */
static void test_cli_no_module(struct test_ctx *t)
{
	char path[4096];
	const char *a[] = { "run", path, "--mem", "4M", NULL };

	snprintf(path, sizeof(path), "%s/hello.elf", guest_dir);
	if (access(path, R_OK)) {
		SKIP(t, "%s not built", path);
		return;
	}
	if (access("/dev/pfvmm", F_OK) == 0) {
		SKIP(t, "/dev/pfvmm exists: not testing the missing-module path");
		return;
	}
	expect_run(t, a, 1, "module not loaded: run 'modprobe pfvmm' (needs VT-x; see dmesg)");
}

void run_cli_tests(void)
{
	RUN_TEST(test_cli_no_command);
	RUN_TEST(test_cli_unknown_command);
	RUN_TEST(test_cli_version);
	RUN_TEST(test_cli_help);
	RUN_TEST(test_cli_missing_file_arg);
	RUN_TEST(test_cli_nonexistent_file);
	RUN_TEST(test_cli_bad_mem);
	RUN_TEST(test_cli_unknown_flag);
	RUN_TEST(test_cli_not_elf);
	RUN_TEST(test_cli_no_module);
}
