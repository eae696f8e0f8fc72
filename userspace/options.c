// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of 'pfvmm run': its option table (the --help text and
 * the reproducing command line come from it too), the --mem and
 * --numa-node value types, the guest file and the guest's arguments
 * after '--' or the Linux kernel of --kernel, and the checks across
 * options.  Every rejection comes with
 * a message that names the offending argument; the caller prints it and
 * exits with status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux-boot.h"
#include "options.h"

/* The usage text says "255 bytes max". */
_Static_assert(PFVMM_BOOTINFO_CMDLINE_MAX == 256, "update run's -- ARGS help");

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
		return cli_fail(err, errlen,
				"--mem %s: too small (minimum 4M)", s);
	if (bytes > RUN_MEM_MAX)
		return cli_fail(err, errlen,
				"--mem %s: too large (maximum 1G)", s);
	if (bytes % RUN_MEM_ALIGN)
		return cli_fail(err, errlen,
				"--mem %s: not a multiple of 2M", s);
	return 0;
}

/**
 * mem_size_parse() - parse a guest memory size such as "16M", "1G", "65536K"
 * @s: the text; digits and an optional K/M/G suffix (none: MiB)
 * @bytes: the result in bytes, set only on success
 *
 * Return: 0, or -1 with a message in @err.
 */
int mem_size_parse(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	uint64_t value = 0;
	const char *p = s;
	int shift;

	if (*p < '0' || *p > '9')
		return cli_fail(err, errlen,
				"--mem '%s': expected a size like 16M, 1G or 65536K", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (value > (UINT64_MAX - 9) / 10)
			return cli_fail(err, errlen, "--mem %s: too large (maximum 1G)", s);
		value = value * 10 + (uint64_t)(*p - '0');
	}
	shift = mem_suffix_shift(p);
	if (shift < 0)
		return cli_fail(err, errlen,
				"--mem '%s': unknown size suffix '%s' (use K, M or G)", s, p);
	if (value > (UINT64_MAX >> shift))
		return cli_fail(err, errlen, "--mem %s: too large (maximum 1G)", s);
	value <<= shift;
	if (mem_check_range(s, value, err, errlen))
		return -1;
	*bytes = value;
	return 0;
}

/* --mem: a uint64_t of bytes, written back as "64M" or "1G". */
static int mem_parse(const struct cli_option *opt, const char *spelled,
		     const char *value, void *field, char *err, size_t errlen)
{
	(void)opt;
	(void)spelled;
	return mem_size_parse(value, field, err, errlen);
}

static bool mem_format(const struct cli_option *opt, const void *field,
		       char *out, size_t len)
{
	uint64_t bytes = *(const uint64_t *)field;

	(void)opt;
	if (!(bytes & ((1ull << 30) - 1)))
		snprintf(out, len, "%lluG", (unsigned long long)(bytes >> 30));
	else
		snprintf(out, len, "%lluM", (unsigned long long)(bytes >> 20));
	return true;
}

static const struct cli_type mem_type = { mem_parse, mem_format };

/* --numa-node: an int, -1 (left out) when not given. */
static int numa_node_parse(const struct cli_option *opt, const char *spelled,
			   const char *s, void *field, char *err, size_t errlen)
{
	char *end;
	long node;

	(void)opt;
	if (*s < '0' || *s > '9')
		return cli_fail(err, errlen,
				"%s '%s': expected a node number, e.g. 0", spelled, s);
	node = strtol(s, &end, 10);
	if (*end)
		return cli_fail(err, errlen,
				"%s '%s': expected a node number, e.g. 0", spelled, s);
	if (node > RUN_NUMA_NODE_MAX)
		return cli_fail(err, errlen, "%s %s: at most %d", spelled, s,
				RUN_NUMA_NODE_MAX);
	*(int *)field = (int)node;
	return 0;
}

static bool numa_node_format(const struct cli_option *opt, const void *field,
			     char *out, size_t len)
{
	int node = *(const int *)field;

	(void)opt;
	if (node < 0)
		return false;
	snprintf(out, len, "%d", node);
	return true;
}

static const struct cli_type numa_node_type = { numa_node_parse, numa_node_format };

static const char *const run_mode_names[] = {
	[RUN_MODE_UNSET] = NULL,
	[RUN_MODE_NATIVE] = "native",
	[RUN_MODE_FORWARD] = "forward",
	[RUN_MODE_OFFLOAD] = "offload",
	[RUN_MODE_PV] = "pv",
};

static const char *const run_backend_names[] = {
	[RUN_BACKEND_PFVMM] = "pfvmm",
	[RUN_BACKEND_KVM] = "kvm",
};

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

/* The guest file: the one word that is not an option. */
static int run_set_guest(void *opts, const char *arg, char *err, size_t errlen)
{
	struct run_options *o = opts;

	if (o->guest)
		return cli_fail(err, errlen,
				"unexpected argument '%s' (one guest ELF only; guest arguments go after '--')",
				arg);
	o->guest = arg;
	return 0;
}

/* The words after '--', joined with single spaces: the guest's arguments. */
static int run_set_guest_args(void *opts, int argc, char *const argv[],
			      char *err, size_t errlen)
{
	struct run_options *o = opts;
	size_t used = 0;
	int i;

	o->cmdline[0] = '\0';
	for (i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + (i ? 1 : 0);

		if (len >= sizeof(o->cmdline) - used)
			return cli_fail(err, errlen,
					"guest arguments too long (at most %zu bytes)",
					sizeof(o->cmdline) - 1);
		snprintf(o->cmdline + used, sizeof(o->cmdline) - used, "%s%s",
			 i ? " " : "", argv[i]);
		used += len;
	}
	return 0;
}

/*
 * The order of the rows is the order of the reproducing command line:
 * "pfvmm run --backend B [--mode M] --mem S [--kernel K [--initrd I]
 * [--append A]] [--numa-node N] [--hugepages] [--stats] [--debug-ports]".
 */
static const struct cli_option run_option_table[] = {
	OPT_GROUP("Hypervisor:"),
	OPT_CHOICE(0, "backend", struct run_options, backend, "B", run_backend_names,
		   "pfvmm: the pfvmm module (default); kvm: the kernel's KVM "
		   "(modprobe kvm_intel; pfvmm must not hold VT-x), native MMU only.  "
		   "Under KVM the guest prints to port 0xE9 and shuts down with an "
		   "OUT to port 0xF4"),
	OPT_CHOICE(0, "mode", struct run_options, mode, "M", run_mode_names,
		   "native: the guest owns its page tables (EPT only); forward: pv "
		   "MMU, offload off: guest page faults trapped and forwarded into "
		   "the guest; offload: pv MMU, offload on: the VMM resolves faults "
		   "in the guest's regions from its pool; pv: pv MMU, offload follows "
		   "/sys/kernel/pfvmm/offload.  The guest's command line then starts "
		   "with mode=native or mode=pv (offload and pv add offload=1)"),
	OPT_GROUP("Guest:"),
	OPT_VALUE(0, "mem", struct run_options, mem_size, "SIZE", &mem_type,
		  "a size, e.g. --mem 64M",
		  "guest memory, e.g. 16M, 1G, 65536K (no suffix: MiB); 4M to 1G, "
		  "a multiple of 2M (default 32M, 256M with --kernel)"),
	OPT_STRING(0, "kernel", struct run_options, kernel, "BZIMAGE", "a bzImage",
		   "boot a Linux bzImage (e.g. /boot/vmlinuz-*) with the 64-bit "
		   "boot protocol instead of a guest ELF, on a PC's devices (8259A "
		   "PIC, 8254 PIT, 16550A UART on stdin/stdout: Ctrl-A x exits, CMOS "
		   "RTC, i8042 reset); native MMU only (default --mem 256M); exit "
		   "status 3 once the console showed a kernel panic"),
	OPT_STRING(0, "initrd", struct run_options, initrd, "FILE", "a file",
		   "with --kernel: the initial ramdisk, loaded as high as memory "
		   "and the kernel's initrd_addr_max allow"),
	OPT_STRING(0, "append", struct run_options, append, "CMDLINE",
		   "a kernel command line",
		   "with --kernel: the kernel's command line, instead of the default "
		   "'" LINUX_CMDLINE_DEFAULT " tsc_early_khz=<the host's TSC>'"),
	OPT_OPERAND("-- ARGS", "the guest's command line (boot info, 255 bytes max)"),
	OPT_GROUP("Placement:"),
	OPT_VALUE(0, "numa-node", struct run_options, numa_node, "N", &numa_node_type,
		  "a node number, e.g. 0",
		  "guest memory (mbind) and the vCPU thread on NUMA node N; checked "
		  "before the device is opened"),
	OPT_FLAG(0, "hugepages", struct run_options, hugepages,
		 "back guest memory with 2 MiB host pages: a 2 MiB-aligned "
		 "mapping with MADV_HUGEPAGE before it is populated (transparent "
		 "huge pages; a warning when THP is off).  Either backend then "
		 "maps 2 MiB in the EPT where a whole aligned 2 MiB is one host "
		 "page (KVM's rule; pfvmm splits one where a pv page table must "
		 "be read-only); --stats adds host_huge_pages"),
	OPT_GROUP("Output:"),
	OPT_FLAG(0, "stats", struct run_options, stats,
		 "after the run, print the command line that reproduces it "
		 "('command: pfvmm run ...') and the VM's non-zero exit and "
		 "hypercall counters on stdout; with --kernel first those at the "
		 "guest's first write to port 0x100 (milestone_cycles: cycles "
		 "since VM creation, then 'milestone ...' lines)"),
	OPT_FLAG(0, "debug-ports", struct run_options, debug_ports,
		 "with --kernel: log each access to an I/O port no device "
		 "claims on stderr (they read all ones and drop writes)"),
	OPT_HELP(struct run_options, help),
	OPT_END(),
};

const struct cli_command run_cli = {
	.name = "run",
	.summary = "run a guest ELF",
	.synopsis = "[OPTIONS] GUEST.elf [-- ARGS...] | [OPTIONS] --kernel BZIMAGE",
	.description = "Run a 64-bit ELF guest on /dev/pfvmm (or /dev/kvm) until it shuts down,\n"
		       "or boot a Linux kernel with --kernel.\n",
	.footer = "Exit status: the guest's shutdown status (0 after HLT); 1 host error;\n"
		  "2 usage or bad guest file; 125 VMM internal error; 126 guest stopped\n"
		  "by the VMM; 130 interrupted by SIGINT/SIGTERM.  With --kernel: 0 when\n"
		  "the guest resets the machine or halts with interrupts off, or after\n"
		  "Ctrl-A x.\n"
		  "Environment: PFVMM_DEVICE (default /dev/pfvmm).\n",
	.options = run_option_table,
	.operand = run_set_guest,
	.rest = run_set_guest_args,
};

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
		return cli_fail(err, errlen,
				"guest arguments too long (at most %zu bytes)",
				sizeof(opts->cmdline) - 1);
	memcpy(opts->cmdline, joined, sizeof(joined));
	return 0;
}

/* Options for a guest ELF only, or for --kernel only. */
static int check_guest_kind(const struct run_options *o, char *err, size_t errlen)
{
	const char *kernel_only = o->initrd ? "--initrd" : o->append ? "--append" :
				  o->debug_ports ? "--debug-ports" : NULL;

	if (!o->kernel && !o->guest)
		return cli_fail(err, errlen, "missing guest ELF file (or --kernel BZIMAGE)");
	if (!o->kernel && kernel_only)
		return cli_fail(err, errlen, "%s needs --kernel (a guest ELF takes its "
				"arguments after '--')", kernel_only);
	if (!o->kernel)
		return 0;
	if (o->guest)
		return cli_fail(err, errlen, "--kernel %s and the guest ELF '%s' exclude "
				"each other: give one of them", o->kernel, o->guest);
	if (o->cmdline[0])
		return cli_fail(err, errlen, "arguments after '--' are a guest ELF's: "
				"give the kernel's command line with --append");
	if (run_mode_is_pv(o->mode))
		return cli_fail(err, errlen, "--mode %s needs a pv guest: --kernel boots "
				"Linux with the native MMU (--mode native)",
				run_mode_names[o->mode]);
	return 0;
}

/**
 * run_options_parse() - parse the arguments of 'pfvmm run'
 * @argc, @argv: the arguments after the word "run"
 * @opts: filled with defaults, then with what the arguments say
 *
 * Options may come before or after the guest file; everything after "--"
 * is joined into the guest's command line.  A guest ELF or --kernel, not
 * both; --initrd, --append and --debug-ports go with --kernel.
 *
 * Return: 0, or -1 with a message in @err.
 */
int run_options_parse(int argc, char *const argv[], struct run_options *opts,
		      char *err, size_t errlen)
{
	memset(opts, 0, sizeof(*opts));
	opts->numa_node = -1;
	if (cli_parse(&run_cli, opts, argc, argv, err, errlen))
		return -1;
	if (!opts->mem_size)
		opts->mem_size = opts->kernel ? RUN_MEM_DEFAULT_KERNEL : RUN_MEM_DEFAULT;
	if (opts->help)
		return 0;
	if (check_guest_kind(opts, err, errlen))
		return -1;
	if (opts->backend == RUN_BACKEND_KVM && run_mode_is_pv(opts->mode))
		return cli_fail(err, errlen,
				"--mode %s needs the pv MMU of the pfvmm backend: "
				"--backend kvm runs native guests only (--mode native)",
				run_mode_names[opts->mode]);
	memcpy(opts->guest_args, opts->cmdline, sizeof(opts->guest_args));
	if (opts->mode != RUN_MODE_UNSET && !opts->kernel)
		return prepend_mode_arg(opts, err, errlen);
	return 0;
}

/* The guest arguments, word by word (they are split on spaces anyway). */
static void put_guest_args(struct shell_line *line, const char *args)
{
	char copy[PFVMM_BOOTINFO_CMDLINE_MAX];
	char *save, *w;

	if (!*args)
		return;
	shell_line_put_word(line, "--");
	snprintf(copy, sizeof(copy), "%s", args);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		shell_line_put_word(line, w);
}

/**
 * run_options_format() - the command line that reproduces a run
 * @opts: the parsed options
 * @guest_path: the guest file as it should be named (e.g. made absolute);
 *	NULL with --kernel
 *
 * Every setting is spelled out, defaults included, in the order of the
 * table: "pfvmm run --backend B [--mode M] --mem S [--kernel K [--initrd I]
 * [--append A]] [--numa-node N] [--hugepages] [--stats] [--debug-ports]
 * [GUEST [-- ARGS]]".
 * Return: 0, or -1 when it does not fit in @len bytes.
 */
int run_options_format(const struct run_options *opts, const char *guest_path,
		       char *buf, size_t len)
{
	struct shell_line line;

	shell_line_init(&line, buf, len);
	cli_format(&run_cli, opts, &line);
	if (guest_path)
		shell_line_put_word(&line, guest_path);
	put_guest_args(&line, opts->guest_args);
	return shell_line_fits(&line) ? 0 : -1;
}
