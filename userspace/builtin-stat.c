// SPDX-License-Identifier: GPL-2.0
/*
 * 'pfvmm stat': the module's global counters, one per file under
 * /sys/kernel/pfvmm/ (docs/sysfs-pfvmm.txt), in the spirit of kvm_stat.
 * Once: "NAME VALUE" per file, sorted by name.  With --interval: a
 * sample every SEC seconds, "NAME VALUE DELTA" for each counter.
 * The directory is read as it is, so new counters show up by themselves.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "hints.h"
#include "vmm.h"

#define STAT_MAX	128	/* counters shown */
#define STAT_NAME_MAX	64

struct stat_counter {
	char name[STAT_NAME_MAX];
	long long value;
};

struct stat_options {
	unsigned int interval;	/* seconds; 0: print once */
	unsigned int count;	/* samples with --interval; 0: until killed */
	int help;
};

void cmd_stat_usage(FILE *f)
{
	fprintf(f,
		"usage: pfvmm stat [-i SEC [-n COUNT]]\n"
		"\n"
		"Print the pfvmm module's global counters (/sys/kernel/pfvmm/),\n"
		"one 'NAME VALUE' line each, sorted by name.\n"
		"\n"
		"Sampling:\n"
		"  -i, --interval SEC  print a sample every SEC seconds (1-3600), as\n"
		"                      'NAME VALUE DELTA' lines after a '# sample N'\n"
		"                      line; DELTA is the change since the last sample\n"
		"  -n, --count N       stop after N samples (default: until interrupted)\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0; 1 when the module is not loaded or the counters\n"
		"cannot be read; 2 usage.\n"
		"Environment: PFVMM_SYSFS (default /sys/kernel/pfvmm).\n");
}

/* A number in [@min, @max] for option @opt, or -1 after a message. */
static long stat_parse_uint(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = s ? strtol(s, &end, 10) : -1;
	if (!s || errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "pfvmm stat: %s '%s': expected a number from %ld to %ld\n",
			opt, s ? s : "", min, max);
		return -1;
	}
	return v;
}

static int stat_parse(int argc, char *const argv[], struct stat_options *o)
{
	long v;
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = 1;
		} else if (!strcmp(a, "-i") || !strcmp(a, "--interval")) {
			v = stat_parse_uint(a, i + 1 < argc ? argv[++i] : NULL, 1, 3600);
			if (v < 0)
				return -1;
			o->interval = (unsigned int)v;
		} else if (!strcmp(a, "-n") || !strcmp(a, "--count")) {
			v = stat_parse_uint(a, i + 1 < argc ? argv[++i] : NULL, 1, INT_MAX);
			if (v < 0)
				return -1;
			o->count = (unsigned int)v;
		} else {
			fprintf(stderr, "pfvmm stat: unknown argument '%s'\n", a);
			return -1;
		}
	}
	if (o->count && !o->interval) {
		fprintf(stderr, "pfvmm stat: --count needs --interval\n");
		return -1;
	}
	return 0;
}

/* The value in file @dir/@name; 0, or -1 when it is not one number. */
static int stat_read_one(const char *dir, const char *name, long long *value)
{
	char path[PATH_MAX], buf[64], *end;
	struct stat st;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return -1;
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	*value = strtoll(buf, &end, 10);
	return end != buf && (*end == '\n' || *end == '\0') ? 0 : -1;
}

static int stat_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stat_counter *)a)->name,
		      ((const struct stat_counter *)b)->name);
}

/* Every numeric file of @dir into @c, sorted; the count, or -errno. */
static int stat_read_all(const char *dir, struct stat_counter *c)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < STAT_MAX) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= STAT_NAME_MAX)
			continue;
		if (stat_read_one(dir, de->d_name, &c[n].value))
			continue;
		snprintf(c[n].name, STAT_NAME_MAX, "%s", de->d_name);
		n++;
	}
	closedir(d);
	qsort(c, (size_t)n, sizeof(*c), stat_cmp);
	return n;
}

static long long stat_previous(const struct stat_counter *prev, int nprev,
			       const struct stat_counter *c)
{
	int i;

	for (i = 0; i < nprev; i++)
		if (!strcmp(prev[i].name, c->name))
			return prev[i].value;
	return 0;
}

/* Samples every o->interval seconds: "NAME VALUE DELTA". */
static int stat_watch(const char *dir, const struct stat_options *o)
{
	static struct stat_counter cur[STAT_MAX], prev[STAT_MAX];
	unsigned int sample;
	int n, nprev = 0, i;

	for (sample = 1; !o->count || sample <= o->count; sample++) {
		if (sample > 1)
			sleep(o->interval);
		n = stat_read_all(dir, cur);
		if (n < 0) {
			fprintf(stderr, "pfvmm stat: %s: %s (module unloaded?)\n",
				dir, strerror(-n));
			return PFVMM_STATUS_HOST_ERROR;
		}
		printf("# sample %u\n", sample);
		for (i = 0; i < n; i++)
			printf("%s %lld %lld\n", cur[i].name, cur[i].value,
			       cur[i].value - stat_previous(prev, nprev, &cur[i]));
		fflush(stdout);
		memcpy(prev, cur, sizeof(cur));
		nprev = n;
	}
	return 0;
}

/** cmd_stat() - the 'stat' subcommand; returns the process exit status */
int cmd_stat(int argc, char *const argv[])
{
	static struct stat_counter c[STAT_MAX];
	const char *dir = pfvmm_sysfs_path();
	struct stat_options o;
	int n, i;

	if (stat_parse(argc, argv, &o)) {
		fprintf(stderr, "try 'pfvmm stat --help'\n");
		return PFVMM_STATUS_USAGE;
	}
	if (o.help) {
		cmd_stat_usage(stdout);
		return 0;
	}
	n = stat_read_all(dir, c);
	if (n < 0) {
		hint_open_error("pfvmm stat", dir, -n);
		return PFVMM_STATUS_HOST_ERROR;
	}
	if (o.interval)
		return stat_watch(dir, &o);
	for (i = 0; i < n; i++)
		printf("%s %lld\n", c[i].name, c[i].value);
	return 0;
}
