// SPDX-License-Identifier: GPL-2.0
/*
 * 'pfvmm stat': the module's global counters, one per file under
 * /sys/kernel/pfvmm/ (docs/sysfs-pfvmm.txt), in the spirit of kvm_stat.
 * Once: "NAME VALUE" per file, sorted by name.  With --interval: a
 * sample every SEC seconds, "NAME VALUE DELTA" for each counter.
 * The directory is read as it is, so new counters show up by themselves.
 * The command line and its table are in options-stat.c.
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
#include "options.h"
#include "vmm.h"

#define STAT_MAX	128	/* counters shown */
#define STAT_NAME_MAX	64

struct stat_counter {
	char name[STAT_NAME_MAX];
	long long value;
};

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
	char err[CLI_ERR_MAX];
	struct stat_options o;
	int n, i;

	if (stat_options_parse(argc, argv, &o, err, sizeof(err)))
		return cli_usage_error(&stat_cli, err);
	if (o.help) {
		cli_usage(&stat_cli, stdout);
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
