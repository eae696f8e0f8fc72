// SPDX-License-Identifier: GPL-2.0
/*
 * migrate: run a command and move its threads between CPUs while it runs.
 *
 *   migrate [-i MS] [-c A,B] -- COMMAND [ARG...]   flip every MS ms (5)
 *   migrate -p CPU -- COMMAND [ARG...]             pin to CPU, no flips
 *
 * Every MS milliseconds every thread of COMMAND (each entry of /proc/PID/task) gets
 * the affinity of the other CPU of the pair A,B (default 0,1) through
 * sched_setaffinity, so a vCPU thread inside PFVMM_RUN is preempted and
 * continues on the other CPU.  Before each flip the CPU each thread last
 * ran on is read from /proc (field 39 of stat).  At the end it prints
 * "migrate: flips=N moved=M cpus=0,1 status=S" on stderr, where moved
 * counts flips after which a thread was seen on the new CPU, and exits
 * with COMMAND's status (128+signal if it was killed).
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int last_cpu(pid_t pid, const char *tid)
{
	char path[320], buf[1024], *p;
	FILE *f;
	int i, cpu = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)pid, tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');	/* the command name may hold spaces */
		for (i = 2; p && i < 39; i++)
			p = strchr(p + 1, ' ');
		if (p)
			cpu = atoi(p + 1);
	}
	fclose(f);
	return cpu;
}

/* Give every thread of @pid the affinity @cpu; returns how many ran there. */
static int set_all(pid_t pid, int cpu, unsigned int *seen, int *nthreads)
{
	char dir[64];
	struct dirent *d;
	cpu_set_t set;
	int on_it = 0, c;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	dp = opendir(dir);
	if (!dp)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	*nthreads = 0;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		(*nthreads)++;
		c = last_cpu(pid, d->d_name);
		if (c >= 0 && c < 32)
			*seen |= 1u << c;
		if (c != cpu)
			on_it++;	/* it ran on the other CPU since the last flip */
		sched_setaffinity(atoi(d->d_name), sizeof(set), &set);
	}
	closedir(dp);
	return on_it;
}

int main(int argc, char **argv)
{
	int ms = 5, cpus[2] = { 0, 1 }, pin = -1, opt, st, which = 0, n = 0;
	unsigned long flips = 0, moved = 0;
	unsigned int seen = 0;
	struct timespec ts;
	cpu_set_t set;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+i:c:p:")) != -1) {
		switch (opt) {
		case 'i': ms = atoi(optarg); break;
		case 'c':
			if (sscanf(optarg, "%d,%d", &cpus[0], &cpus[1]) != 2)
				return 2;
			break;
		case 'p': pin = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: migrate [-i MS] [-c A,B | -p CPU] -- CMD [ARG...]\n");
			return 2;
		}
	}
	if (optind >= argc || ms < 1)
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (pin >= 0) {
			CPU_ZERO(&set);
			CPU_SET(pin, &set);
			if (sched_setaffinity(0, sizeof(set), &set)) {
				perror("migrate: sched_setaffinity");
				_exit(126);
			}
		}
		execvp(argv[optind], argv + optind);
		perror("migrate: exec");
		_exit(127);
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		nanosleep(&ts, NULL);
		if (pin >= 0)
			continue;
		which ^= 1;
		if (set_all(pid, cpus[which], &seen, &n) && flips)
			moved++;
		flips++;
	}
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	fprintf(stderr, "migrate: flips=%lu moved=%lu cpus=%s%s%s status=%d\n",
		flips, moved, seen & 1 ? "0" : "", (seen & 3) == 3 ? "," : "",
		seen & 2 ? "1" : "", st);
	return st;
}
