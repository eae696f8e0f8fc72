/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command lines of 'pfvmm run', 'pfvmm bench' and 'pfvmm stat': each
 * one's options struct, its option table (cli.h: it parses, prints --help
 * and, for run, the command line that reproduces a run) and the checks
 * made across options.  Pure functions, unit-tested in tests/unit/.
 */
#ifndef PFVMM_OPTIONS_H
#define PFVMM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pfvmm/bootinfo.h>

#include "cli.h"

#define RUN_MEM_DEFAULT		(32ull << 20)
#define RUN_MEM_DEFAULT_KERNEL	(256ull << 20)	/* with --kernel */
#define RUN_MEM_MIN		(4ull << 20)
#define RUN_MEM_MAX		(1ull << 30)
#define RUN_MEM_ALIGN		(2ull << 20)

#define OPTIONS_ERR_MAX		CLI_ERR_MAX
#define RUN_NUMA_NODE_MAX	1023	/* libnuma's default nodemask size - 1 */
#define RUN_CMDLINE_MAX		8192	/* the reproducing command line */

/* --mode: how the VM's MMU works (unset: the module's default, native). */
enum run_mode {
	RUN_MODE_UNSET = 0,
	RUN_MODE_NATIVE,	/* the guest owns its page tables (EPT only) */
	RUN_MODE_FORWARD,	/* pv MMU, offload forced off: #PF forwarded */
	RUN_MODE_OFFLOAD,	/* pv MMU, offload forced on: the VMM resolves */
	RUN_MODE_PV,		/* pv MMU, offload follows the sysfs switch */
};

/* --backend: which hypervisor runs the guest. */
enum run_backend {
	RUN_BACKEND_PFVMM = 0,	/* /dev/pfvmm (default) */
	RUN_BACKEND_KVM,	/* /dev/kvm: native MMU only */
};

/* The vm config's offload value for a mode (-1: the global switch). */
int run_mode_offload(enum run_mode mode);
/* True for the modes with a pv MMU. */
bool run_mode_is_pv(enum run_mode mode);

struct run_options {
	const char *guest;		/* path of the guest ELF */
	uint64_t mem_size;		/* bytes */
	bool stats;			/* --stats */
	bool help;			/* --help: print usage, do nothing */
	enum run_mode mode;		/* --mode native|forward|offload|pv */
	enum run_backend backend;	/* --backend pfvmm|kvm */
	int numa_node;			/* --numa-node N, or -1 */
	bool hugepages;			/* --hugepages: THP for guest memory */
	const char *kernel;		/* --kernel BZIMAGE: a Linux guest */
	const char *initrd;		/* --initrd FILE */
	const char *append;		/* --append CMDLINE (NULL: the default) */
	bool debug_ports;		/* --debug-ports */
	char guest_args[PFVMM_BOOTINFO_CMDLINE_MAX];	/* args after '--' */
	char cmdline[PFVMM_BOOTINFO_CMDLINE_MAX];	/* what the guest gets */
};

extern const struct cli_command run_cli;
int mem_size_parse(const char *s, uint64_t *bytes, char *err, size_t errlen);
int run_options_parse(int argc, char *const argv[], struct run_options *opts,
		      char *err, size_t errlen);
int run_options_format(const struct run_options *opts, const char *guest_path,
		       char *buf, size_t len);

/* ---- pfvmm bench ---- */

#define BENCH_LIST_MAX		16	/* items of one list */
#define BENCH_LIST_TEXT		256	/* bytes of one list's text */
#define BENCH_PAGES_MAX		(1ul << 20)
#define BENCH_REPS_MAX		100

/* A -w/-p/-m list: its own copy of the text, split at spaces and commas. */
struct bench_list {
	char text[BENCH_LIST_TEXT];
	const char *item[BENCH_LIST_MAX];
	int n;
};

struct bench_options {
	struct bench_list workloads, pages, modes;
	struct bench_list hugepages;	/* "0" and/or "1": runs with --hugepages */
	int reps;
	unsigned long max_mem_mb;
	const char *output;		/* -o FILE, or NULL: stdout */
	const char *guest;
	bool help;
};

extern const struct cli_command bench_cli;
int bench_options_parse(int argc, char *const argv[], struct bench_options *o,
			char *err, size_t errlen);

/* ---- pfvmm stat ---- */

#define STAT_INTERVAL_MAX	3600

struct stat_options {
	unsigned int interval;	/* seconds; 0: print once */
	unsigned int count;	/* samples with --interval; 0: until killed */
	bool help;
};

extern const struct cli_command stat_cli;
int stat_options_parse(int argc, char *const argv[], struct stat_options *o,
		       char *err, size_t errlen);

#endif /* PFVMM_OPTIONS_H */
