// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the launcher's user-facing behaviour (issue 7): the grouped
 * --help of each subcommand, the errors that name the problem and the fix
 * (module not loaded, no VT-x, permission denied on the device), 'pfvmm
 * stat' on a fake counter directory, --numa-node checks made before the
 * device is opened, and the reproducing command line.  The launcher runs
 * as a child with PFVMM_DEVICE, PFVMM_SYSFS and PFVMM_CPUINFO pointing at
 * files made here, so no module is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "options.h"
#include "test.h"

#define NOBODY	65534

static char out[OUT_MAX];

/* Run with @env; CHECK the status and that @needle is in the output. */
static int ux_run(struct test_ctx *t, const char *const *args,
		  const char *const *env, int uid, int want, const char *needle)
{
	struct launch_env le = { env, uid };
	int status;

	if (access(launcher_path, X_OK)) {
		SKIP(t, "%s not built", launcher_path);
		return -1;
	}
	status = run_launcher_env(args, out, &le);
	CHECK(t, status == want, "'pfvmm %s %s' exited %d, want %d; output: %s",
	      args[0], args[1] ? args[1] : "", status, want, out);
	CHECK(t, strstr(out, needle) != NULL, "output lacks '%s': %s", needle, out);
	return status;
}

static void ux_lacks(struct test_ctx *t, const char *needle)
{
	CHECK(t, strstr(out, needle) == NULL, "output has '%s': %s", needle, out);
}

/* @path := hello.elf of the built guests, or SKIP. */
static int hello_path(struct test_ctx *t, char *path, size_t len)
{
	snprintf(path, len, "%s/hello.elf", guest_dir);
	if (access(path, R_OK) == 0)
		return 0;
	SKIP(t, "%s not built", path);
	return -1;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_ux_help_grouped(struct test_ctx *t)
{
	static const char *const run[] = { "run", "--help", NULL };
	static const char *const stat[] = { "stat", "--help", NULL };
	static const char *const help[] = { "help", "stat", NULL };
	static const char *const top[] = { "--help", NULL };
	static const char *const groups[] = { "Guest:", "Hypervisor:", "Placement:",
					      "Output:", "--numa-node N", "PFVMM_DEVICE" };
	unsigned int i;

	if (ux_run(t, run, NULL, -1, 0, "usage: pfvmm run [OPTIONS] GUEST.elf") < 0)
		return;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		CHECK(t, strstr(out, groups[i]) != NULL, "run --help lacks '%s'", groups[i]);
	ux_run(t, stat, NULL, -1, 0, "Sampling:");
	ux_run(t, help, NULL, -1, 0, "usage: pfvmm stat");
	ux_run(t, top, NULL, -1, 0, "\n  stat ");
}

static void test_ux_device_missing(struct test_ctx *t)
{
	static const char *const env[] = { "PFVMM_DEVICE=/nonexistent/pfvmm", NULL };
	char path[4096];
	const char *a[] = { "run", path, NULL };

	if (hello_path(t, path, sizeof(path)))
		return;
	ux_run(t, a, env, -1, 1, "pfvmm: /nonexistent/pfvmm not found: module not "
	       "loaded: run 'modprobe pfvmm' (needs VT-x; see dmesg)");
}

/* Without the vmx flag the launcher says the module cannot load here. */
static void test_ux_no_vtx(struct test_ctx *t)
{
	char cpuinfo[] = "/tmp/pfvmm-ux-cpuinfo-XXXXXX", env1[64], path[4096];
	const char *const env[] = { "PFVMM_DEVICE=/nonexistent/pfvmm", env1, NULL };
	const char *a[] = { "run", path, NULL };
	int fd = mkstemp(cpuinfo);

	if (fd < 0 || hello_path(t, path, sizeof(path))) {
		CHECK(t, fd >= 0, "mkstemp: %s", strerror(errno));
		goto out;
	}
	close(fd);
	snprintf(env1, sizeof(env1), "PFVMM_CPUINFO=%s", cpuinfo);
	write_file(cpuinfo, "processor\t: 0\nflags\t\t: fpu sse2 svm lm\n");
	ux_run(t, a, env, -1, 1, "no VT-x on this CPU (no 'vmx' flag");
	write_file(cpuinfo, "processor\t: 0\nflags\t\t: fpu vmx sse2 lm ept\n");
	ux_run(t, a, env, -1, 1, "run 'modprobe pfvmm'");
	ux_lacks(t, "no VT-x");
out:
	unlink(cpuinfo);
}

/* A device we may not open: the message names the group and the rule. */
/* Can a child of ours become nobody?  Not as root of a user namespace. */
static int can_become_nobody(void)
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(setgid(NOBODY) || setuid(NOBODY) ? 1 : 0);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The NUMA system calls, which a kernel without NUMA or seccomp may refuse. */
static int host_has_numa_calls(void)
{
	int mode;

	return syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0) == 0;
}

static void test_ux_permission_denied(struct test_ctx *t)
{
	char dev[] = "/tmp/pfvmm-ux-dev-XXXXXX", env1[64], path[4096];
	const char *const env[] = { env1, NULL };
	const char *a[] = { "run", path, NULL };
	int fd, root = geteuid() == 0;

	if (root && !can_become_nobody()) {
		SKIP(t, "root here cannot switch to uid %d (a user namespace?)", NOBODY);
		return;
	}
	fd = mkstemp(dev);
	if (fd < 0 || hello_path(t, path, sizeof(path))) {
		CHECK(t, fd >= 0, "mkstemp: %s", strerror(errno));
		goto out;
	}
	close(fd);
	/* Root opens any file: run as nobody; others: a mode-0 file. */
	CHECK(t, !chmod(dev, root ? 0600 : 0), "chmod: %s", strerror(errno));
	snprintf(env1, sizeof(env1), "PFVMM_DEVICE=%s", dev);
	ux_run(t, a, env, root ? NOBODY : -1, 1, ": permission denied: the device "
	       "belongs to the 'pfvmm' group");
	CHECK(t, strstr(out, "60-pfvmm.rules") && strstr(out, "usermod -aG pfvmm"),
	      "no udev rule or usermod hint: %s", out);
out:
	unlink(dev);
}

static void test_ux_stat_no_module(struct test_ctx *t)
{
	static const char *const env[] = { "PFVMM_SYSFS=/nonexistent/pfvmm", NULL };
	static const char *const a[] = { "stat", NULL };

	ux_run(t, a, env, -1, 1, "pfvmm stat: /nonexistent/pfvmm not found: module "
	       "not loaded: run 'modprobe pfvmm'");
}

/* A fake /sys/kernel/pfvmm: numeric files shown sorted, the rest skipped. */
static int make_fake_sysfs(char *dir)
{
	char p[256];

	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/vm_exits", dir);
	write_file(p, "12\n");
	snprintf(p, sizeof(p), "%s/offload", dir);
	write_file(p, "1\n");
	snprintf(p, sizeof(p), "%s/faults_forwarded", dir);
	write_file(p, "0\n");
	snprintf(p, sizeof(p), "%s/notes", dir);
	write_file(p, "not a number\n");
	snprintf(p, sizeof(p), "%s/subdir", dir);
	return mkdir(p, 0755);
}

static void remove_fake_sysfs(const char *dir)
{
	static const char *const names[] = { "vm_exits", "offload",
					     "faults_forwarded", "notes" };
	char p[256];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/subdir", dir);
	rmdir(p);
	rmdir(dir);
}

static void test_ux_stat_counters(struct test_ctx *t)
{
	char dir[] = "/tmp/pfvmm-ux-sysfs-XXXXXX", env1[64];
	const char *const env[] = { env1, NULL };
	static const char *const once[] = { "stat", NULL };
	static const char *const watch[] = { "stat", "-i", "1", "-n", "2", NULL };

	CHECK(t, !make_fake_sysfs(dir), "fake sysfs: %s", strerror(errno));
	snprintf(env1, sizeof(env1), "PFVMM_SYSFS=%s", dir);
	if (ux_run(t, once, env, -1, 0, "") == 0)
		CHECK(t, !strcmp(out, "faults_forwarded 0\noffload 1\nvm_exits 12\n"),
		      "stat printed '%s'", out);
	if (ux_run(t, watch, env, -1, 0, "") == 0)
		CHECK(t, !strcmp(out, "# sample 1\nfaults_forwarded 0 0\noffload 1 1\n"
				 "vm_exits 12 12\n# sample 2\nfaults_forwarded 0 0\n"
				 "offload 1 0\nvm_exits 12 0\n"), "stat -i printed '%s'", out);
	remove_fake_sysfs(dir);
}

static void test_ux_stat_usage(struct test_ctx *t)
{
	static const char *const a1[] = { "stat", "--bogus", NULL };
	static const char *const a2[] = { "stat", "-n", "3", NULL };
	static const char *const a3[] = { "stat", "-i", "0", NULL };

	ux_run(t, a1, NULL, -1, 2, "unknown argument '--bogus'");
	ux_run(t, a2, NULL, -1, 2, "--count needs --interval");
	ux_run(t, a3, NULL, -1, 2, "-i '0': expected a number from 1 to 3600");
}

/* A node that does not exist: status 2 before /dev/pfvmm is looked at. */
static void test_ux_numa_bad_node(struct test_ctx *t)
{
	static const char *const env[] = { "PFVMM_DEVICE=/nonexistent/pfvmm", NULL };
	char path[4096];
	const char *a[] = { "run", path, "--numa-node", "999", NULL };
	const char *b[] = { "run", path, "--numa-node=x1", NULL };

	if (!host_has_numa_calls()) {
		SKIP(t, "get_mempolicy() fails here: %s", strerror(errno));
		return;
	}
	if (hello_path(t, path, sizeof(path)))
		return;
	ux_run(t, a, env, -1, 2, "--numa-node 999: no such NUMA node with memory "
	       "on this host (nodes: 0");
	ux_lacks(t, "modprobe");
	ux_run(t, b, env, -1, 2, "--numa-node 'x1': expected a node number");
}

/* Node 0 always exists: the run goes on to open the device. */
static void test_ux_numa_node0(struct test_ctx *t)
{
	static const char *const env[] = { "PFVMM_DEVICE=/nonexistent/pfvmm", NULL };
	char path[4096];
	const char *a[] = { "run", path, "--numa-node", "0", NULL };

	if (!host_has_numa_calls()) {
		SKIP(t, "get_mempolicy() fails here: %s", strerror(errno));
		return;
	}
	if (hello_path(t, path, sizeof(path)))
		return;
	ux_run(t, a, env, -1, 1, "run 'modprobe pfvmm'");
	ux_lacks(t, "NUMA");
}

static void expect_format(struct test_ctx *t, const char *const *args,
			  const char *want)
{
	char err[OPTIONS_ERR_MAX], line[RUN_CMDLINE_MAX];
	struct run_options o;
	int argc = 0;

	while (args[argc])
		argc++;
	CHECK(t, !run_options_parse(argc, (char *const *)args, &o, err, sizeof(err)),
	      "parse: %s", err);
	CHECK(t, !run_options_format(&o, o.guest, line, sizeof(line)), "format failed");
	CHECK(t, !strcmp(line, want), "formatted '%s', want '%s'", line, want);
}

/* The reproducing command line: every setting, canonical order, quoted. */
static void test_ux_reproduce_line(struct test_ctx *t)
{
	static const char *const a1[] = { "g.elf", NULL };
	static const char *const a2[] = { "--stats", "--mem=1G", "/x/g.elf", "--mode",
					  "offload", "--numa-node", "0", "--",
					  "workload=touch", "pages=8", NULL };
	static const char *const a3[] = { "--backend", "kvm", "/a b/it's.elf",
					  "--mem", "65536K", NULL };

	expect_format(t, a1, "pfvmm run --backend pfvmm --mem 32M g.elf");
	expect_format(t, a2, "pfvmm run --backend pfvmm --mode offload --mem 1G "
		      "--numa-node 0 --stats /x/g.elf -- workload=touch pages=8");
	expect_format(t, a3, "pfvmm run --backend kvm --mem 64M '/a b/it'\\''s.elf'");
}

/* Too small a buffer is an error, not a cut line. */
static void test_ux_reproduce_overflow(struct test_ctx *t)
{
	static const char *const a[] = { "g.elf", NULL };
	char err[OPTIONS_ERR_MAX], line[20];
	struct run_options o;

	CHECK(t, !run_options_parse(1, (char *const *)a, &o, err, sizeof(err)),
	      "parse: %s", err);
	CHECK(t, run_options_format(&o, o.guest, line, sizeof(line)) == -1,
	      "a 20-byte buffer held '%s'", line);
}

void run_ux_tests(void)
{
	RUN_TEST(test_ux_help_grouped);
	RUN_TEST(test_ux_device_missing);
	RUN_TEST(test_ux_no_vtx);
	RUN_TEST(test_ux_permission_denied);
	RUN_TEST(test_ux_stat_no_module);
	RUN_TEST(test_ux_stat_counters);
	RUN_TEST(test_ux_stat_usage);
	RUN_TEST(test_ux_numa_bad_node);
	RUN_TEST(test_ux_numa_node0);
	RUN_TEST(test_ux_reproduce_line);
	RUN_TEST(test_ux_reproduce_overflow);
}
