// SPDX-License-Identifier: GPL-2.0
/* The runner of the kmod/core unit tests: one line per test. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "core-test.h"

struct gmem gm;
int t_failed;
char t_why[512];

void gm_reset(void)
{
	memset(&gm, 0, sizeof(gm));
	gm.nframes = GM_FRAMES;
	gm.fail_read_gpa = GM_NOFAIL;
	gm.fail_write_gpa = GM_NOFAIL;
	gm.fail_err = -EIO;
}

/* One read or protect() call: the armed racing write may land now. */
static void gm_race_tick(void)
{
	__u64 fr = gm.race_gpa >> 12;

	if (!gm.race_at || ++gm.race_calls != gm.race_at)
		return;
	gm.race_at = 0;
	if (fr >= GM_FRAMES || gm.prot[fr]) {
		gm.race_refused = true;
		return;
	}
	gm.mem[fr][(gm.race_gpa & 0xfff) / 8] = gm.race_val;
	gm.race_landed = true;
}

void gm_launcher_write(__u64 frame, unsigned int index, __u64 val)
{
	gm.mem[frame][index] = val;
	if (gm.prot[frame])
		gm.tampered[frame] = true;
}

int gm_read(void *ctx, __u64 gpa, __u64 *val)
{
	(void)ctx;
	gm.reads++;
	gm_race_tick();
	if (gm.fail_read_nth && !--gm.fail_read_nth)
		gm.failing = true;
	if (gm.failing)
		return gm.fail_err;
	if (gpa == gm.fail_read_gpa) {
		gm.fail_read_gpa = GM_NOFAIL;
		return gm.fail_err;
	}
	if (gpa & 7)
		return -EINVAL;
	if ((gpa >> 12) >= gm.nframes)
		return -EFAULT;
	*val = gm.mem[gpa >> 12][(gpa & 0xfff) / 8];
	return 0;
}

int gm_write(void *ctx, __u64 gpa, __u64 val)
{
	(void)ctx;
	gm.writes++;
	if (gpa == gm.fail_write_gpa) {
		gm.fail_write_gpa = GM_NOFAIL;
		return gm.fail_err;
	}
	if (gpa & 7)
		return -EINVAL;
	if ((gpa >> 12) >= gm.nframes)
		return -EFAULT;
	gm.mem[gpa >> 12][(gpa & 0xfff) / 8] = val;
	return 0;
}

void gm_protect(void *ctx, __u64 frame, bool table)
{
	(void)ctx;
	gm.protect_calls++;
	gm_race_tick();
	if (frame >= GM_FRAMES || gm.prot[frame] == table) {
		gm.protect_error = true;
		return;
	}
	gm.prot[frame] = table;
	if (!table)
		gm.tampered[frame] = false;	/* plain memory again */
}

__u64 *gm_alloc_shadow(void *ctx)
{
	__u64 *p;

	(void)ctx;
	if (gm.fail_alloc) {
		gm.fail_alloc = false;
		return NULL;
	}
	p = malloc(512 * sizeof(*p));
	if (p) {
		memset(p, 0xa5, 512 * sizeof(*p));	/* not zeroed for us */
		gm.shadows++;
	}
	return p;
}

void gm_free_shadow(void *ctx, __u64 *shadow)
{
	(void)ctx;
	gm.shadows--;
	free(shadow);
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t_failed)
		return;
	t_failed = 1;
	n = snprintf(t_why, sizeof(t_why), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(t_why + n, sizeof(t_why) - n, fmt, ap);
	va_end(ap);
}

static void run(const struct t_case *t, int *runs, int *fails)
{
	for (; t->name; t++) {
		gm_reset();
		t_failed = 0;
		t_why[0] = 0;
		t->fn();
		(*runs)++;
		if (t_failed) {
			(*fails)++;
			printf("FAIL %s: %s\n", t->name, t_why);
		} else {
			printf("PASS %s\n", t->name);
		}
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	int runs = 0, fails = 0;

	(void)argc;
	(void)argv;
	run(gpt_tests, &runs, &fails);
	run(pvmmu_tests, &runs, &fails);
	pvmmu_teardown();
	printf("%d tests, %d failed\n", runs, fails);
	return fails ? 1 : 0;
}
