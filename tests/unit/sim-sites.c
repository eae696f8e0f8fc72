// SPDX-License-Identifier: GPL-2.0
/*
 * The sensitive-instruction table of the guest simulator.  A user-mode
 * process cannot rely on what a privileged or VMM instruction does: VMCALL
 * in ring 3 is #UD on bare metal and on KVM/AMD, #GP on some hosts, and on
 * an Intel host that is itself a KVM guest it exits to that hypervisor and
 * comes back with RAX = -1; CPUID faults when CPUID faulting is on, RDTSC
 * when CR4.TSD is, SGDT/SIDT/SMSW under UMIP, and a PVM-style host may
 * treat all of them its own way.  So nothing sensitive may run natively.
 *
 * 'objdump -d -w' of the guest ELF gives every instruction of every code
 * section at its real boundary (no byte scanning: an f4 inside an
 * immediate is not a HLT).  Each instruction whose mnemonic is in the
 * table below becomes a site: address, length, original bytes, kind.
 * test-guest-sim.c writes int3 over each site's first byte, checks that
 * none was left out (sites_unpatched), and emulates a site from its table
 * entry when the int3 fires.  An int3 at an address that is no site is the
 * guest's own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim-sites.h"

#define TRAP_BYTE	0xcc	/* int3 */

struct kind_entry {
	const char *name;
	enum site_kind kind;
};

/* Every mnemonic whose ring-3 behaviour is not the same on every host. */
static const struct kind_entry sensitive[] = {
	{ "vmcall", SITE_HYPERCALL }, { "vmmcall", SITE_HYPERCALL },
	{ "cpuid", SITE_CPUID }, { "hlt", SITE_HLT },
	{ "cli", SITE_CLI }, { "sti", SITE_STI },
	{ "in", SITE_IO }, { "inb", SITE_IO }, { "inw", SITE_IO }, { "inl", SITE_IO },
	{ "out", SITE_IO }, { "outb", SITE_IO }, { "outw", SITE_IO }, { "outl", SITE_IO },
	{ "lidt", SITE_LIDT }, { "lidtq", SITE_LIDT },
	{ "rdtsc", SITE_RDTSC }, { "rdtscp", SITE_RDTSCP },
	/* not emulated: the sim stops with the mnemonic and the address */
	{ "insb", SITE_OTHER }, { "insw", SITE_OTHER }, { "insl", SITE_OTHER },
	{ "outsb", SITE_OTHER }, { "outsw", SITE_OTHER }, { "outsl", SITE_OTHER },
	{ "lgdt", SITE_OTHER }, { "lgdtq", SITE_OTHER }, { "lldt", SITE_OTHER },
	{ "ltr", SITE_OTHER }, { "sgdt", SITE_OTHER }, { "sgdtq", SITE_OTHER },
	{ "sidt", SITE_OTHER }, { "sidtq", SITE_OTHER }, { "sldt", SITE_OTHER },
	{ "str", SITE_OTHER }, { "smsw", SITE_OTHER }, { "lmsw", SITE_OTHER },
	{ "clts", SITE_OTHER }, { "invd", SITE_OTHER }, { "wbinvd", SITE_OTHER },
	{ "wbnoinvd", SITE_OTHER }, { "invlpg", SITE_OTHER }, { "invpcid", SITE_OTHER },
	{ "rdmsr", SITE_OTHER }, { "wrmsr", SITE_OTHER }, { "rdpmc", SITE_OTHER },
	{ "rdpid", SITE_OTHER }, { "rdpru", SITE_OTHER }, { "swapgs", SITE_OTHER },
	{ "syscall", SITE_OTHER }, { "sysenter", SITE_OTHER },
	{ "sysexit", SITE_OTHER }, { "sysexitq", SITE_OTHER },
	{ "sysret", SITE_OTHER }, { "sysretq", SITE_OTHER }, { "sysretl", SITE_OTHER },
	{ "int", SITE_OTHER }, { "int1", SITE_OTHER }, { "icebp", SITE_OTHER },
	{ "iret", SITE_OTHER }, { "iretq", SITE_OTHER }, { "iretl", SITE_OTHER },
	{ "iretw", SITE_OTHER },
	{ "vmlaunch", SITE_OTHER }, { "vmresume", SITE_OTHER }, { "vmxon", SITE_OTHER },
	{ "vmxoff", SITE_OTHER }, { "vmptrld", SITE_OTHER }, { "vmptrst", SITE_OTHER },
	{ "vmclear", SITE_OTHER }, { "vmread", SITE_OTHER }, { "vmwrite", SITE_OTHER },
	{ "invept", SITE_OTHER }, { "invvpid", SITE_OTHER }, { "vmfunc", SITE_OTHER },
	{ "vmrun", SITE_OTHER }, { "vmload", SITE_OTHER }, { "vmsave", SITE_OTHER },
	{ "stgi", SITE_OTHER }, { "clgi", SITE_OTHER }, { "skinit", SITE_OTHER },
	{ "invlpga", SITE_OTHER }, { "invlpgb", SITE_OTHER }, { "tlbsync", SITE_OTHER },
	{ "monitor", SITE_OTHER }, { "mwait", SITE_OTHER }, { "monitorx", SITE_OTHER },
	{ "mwaitx", SITE_OTHER }, { "umonitor", SITE_OTHER }, { "umwait", SITE_OTHER },
	{ "tpause", SITE_OTHER }, { "xgetbv", SITE_OTHER }, { "xsetbv", SITE_OTHER },
	{ "rdrand", SITE_OTHER }, { "rdseed", SITE_OTHER },
	{ "rdfsbase", SITE_OTHER }, { "rdgsbase", SITE_OTHER },
	{ "wrfsbase", SITE_OTHER }, { "wrgsbase", SITE_OTHER },
	{ "rdpkru", SITE_OTHER }, { "wrpkru", SITE_OTHER },
	{ "xbegin", SITE_OTHER }, { "xend", SITE_OTHER }, { "xabort", SITE_OTHER },
	{ "xtest", SITE_OTHER }, { "encls", SITE_OTHER }, { "enclu", SITE_OTHER },
	{ "enclv", SITE_OTHER }, { "pconfig", SITE_OTHER }, { "serialize", SITE_OTHER },
	{ "hreset", SITE_OTHER }, { "senduipi", SITE_OTHER }, { "uiret", SITE_OTHER },
	{ "clui", SITE_OTHER }, { "stui", SITE_OTHER }, { "testui", SITE_OTHER },
};

/* What objdump prints before a mnemonic. */
static const char *const prefixes[] = {
	"rep", "repz", "repe", "repnz", "repne", "lock", "data16", "data32",
	"addr16", "addr32", "cs", "ds", "es", "fs", "gs", "ss", "notrack", "bnd",
	"xacquire", "xrelease",
};

static const char *const kind_names[SITE_KINDS] = {
	"none", "hypercall", "cpuid", "hlt", "cli", "sti", "io", "lidt",
	"rdtsc", "rdtscp", "other",
};

const char *site_kind_name(enum site_kind kind)
{
	return kind < SITE_KINDS ? kind_names[kind] : "?";
}

static int is_prefix(const char *tok, size_t len)
{
	size_t i;

	if (len >= 3 && !strncmp(tok, "rex", 3))
		return 1;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strlen(prefixes[i]) == len && !strncmp(tok, prefixes[i], len))
			return 1;
	return 0;
}

static enum site_kind kind_of(const char *mnemonic, const char *operands)
{
	size_t i;

	for (i = 0; i < sizeof(sensitive) / sizeof(sensitive[0]); i++)
		if (!strcmp(mnemonic, sensitive[i].name))
			return sensitive[i].kind;
	/* mov to or from a control, debug or test register */
	if (!strncmp(mnemonic, "mov", 3) &&
	    (strstr(operands, "%cr") || strstr(operands, "%db") || strstr(operands, "%tr")))
		return SITE_OTHER;
	return SITE_NONE;
}

/**
 * site_classify() - the kind of the instruction objdump printed as @insn
 * ("rep insb (%dx),%es:(%rdi)"); its mnemonic into @name.
 */
enum site_kind site_classify(const char *insn, char *name, size_t namelen)
{
	const char *p = insn;
	size_t len;

	for (;;) {
		p += strspn(p, " \t");
		len = strcspn(p, " \t\n");
		if (!len || !is_prefix(p, len))
			break;
		p += len;
	}
	if (len >= namelen)
		len = namelen - 1;
	memcpy(name, p, len);
	name[len] = '\0';
	return kind_of(name, p + len);
}

/* "3e 0f 01 c1 " -> bytes; the count, or -1. */
static int parse_bytes(const char *hex, const char *end, uint8_t *out)
{
	int n = 0;
	char *next;

	while (hex < end) {
		unsigned long v;

		hex += strspn(hex, " ");
		if (hex >= end)
			break;
		v = strtoul(hex, &next, 16);
		if (next != hex + 2 || v > 0xff || n == SITE_INSN_MAX)
			return -1;
		out[n++] = (uint8_t)v;
		hex = next;
	}
	return n;
}

static int site_add(struct sim_sites *tab, const struct sim_site *s)
{
	if (tab->n == tab->cap) {
		size_t cap = tab->cap ? 2 * tab->cap : 64;
		struct sim_site *p = realloc(tab->site, cap * sizeof(*p));

		if (!p)
			return -1;
		tab->site = p;
		tab->cap = cap;
	}
	tab->site[tab->n++] = *s;
	return 0;
}

/*
 * One line of 'objdump -d -w': "  10020d:\t0f 01 c1    \tvmcall".
 * 1: an instruction (a site in @s if s->kind), 0: another line, -1: bad.
 */
static int parse_line(const char *line, struct sim_site *s, char *err, size_t errlen)
{
	const char *tab1, *tab2;
	char *end;
	int n;

	memset(s, 0, sizeof(*s));
	s->addr = strtoull(line, &end, 16);
	if (end == line || end[0] != ':' || end[1] != '\t')
		return 0;
	tab1 = end + 1;
	tab2 = strchr(tab1 + 1, '\t');
	if (!tab2)
		return 0;	/* the bytes of an insn that went on (no -w) */
	n = parse_bytes(tab1 + 1, tab2, s->bytes);
	/* binutils prints undecodable bytes as "(bad)" (old) or ".byte 0x.." */
	if (n <= 0 || strstr(tab2, "(bad)") || !strncmp(tab2 + 1, ".byte", 5)) {
		snprintf(err, errlen, "objdump cannot decode at 0x%llx: %s",
			 (unsigned long long)s->addr, line);
		return -1;
	}
	s->len = (uint8_t)n;
	s->kind = site_classify(tab2 + 1, s->name, sizeof(s->name));
	return 1;
}

static void note_insn(struct sim_sites *tab, const struct sim_site *s)
{
	if (!tab->nr_insns++ || s->addr < tab->code_lo)
		tab->code_lo = s->addr;
	if (s->addr + s->len > tab->code_hi)
		tab->code_hi = s->addr + s->len;
}

static int site_cmp(const void *a, const void *b)
{
	const struct sim_site *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/** sites_parse() - the sites of an 'objdump -d -w' listing; 0 or -1 (tab->err) */
int sites_parse(FILE *listing, struct sim_sites *tab)
{
	char line[1024];
	struct sim_site s;
	int r;

	while (fgets(line, sizeof(line), listing)) {
		line[strcspn(line, "\n")] = '\0';
		r = parse_line(line, &s, tab->err, sizeof(tab->err));
		if (r < 0)
			return -1;
		if (!r)
			continue;
		note_insn(tab, &s);
		if (s.kind != SITE_NONE && site_add(tab, &s)) {
			snprintf(tab->err, sizeof(tab->err), "out of memory");
			return -1;
		}
	}
	if (!tab->nr_insns) {
		snprintf(tab->err, sizeof(tab->err), "objdump printed no instructions");
		return -1;
	}
	qsort(tab->site, tab->n, sizeof(*tab->site), site_cmp);
	return 0;
}

static void objdump_exec(int fd, int out)
{
	const char *od = getenv("OBJDUMP");
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	dup2(out, STDOUT_FILENO);
	setenv("LC_ALL", "C", 1);
	if (!od || !*od)
		od = "objdump";
	execlp(od, od, "-d", "-w", path, (char *)NULL);
	_exit(127);
}

/**
 * sites_objdump() - start objdump on a private copy of the ELF in @file
 * (not on its path: a guest rebuilt meanwhile cannot differ from what was
 * loaded); read its listing from the FILE, then sites_objdump_close().
 */
FILE *sites_objdump(const void *file, size_t size, pid_t *pid, char *err, size_t errlen)
{
	char path[] = "/tmp/pfvmm-sim-XXXXXX";
	int fd = mkstemp(path), pipefd[2] = { -1, -1 };
	FILE *f = NULL;

	if (fd >= 0)
		unlink(path);	/* objdump reads it through the open fd */
	if (fd < 0 || write(fd, file, size) != (ssize_t)size || pipe(pipefd)) {
		snprintf(err, errlen, "temporary copy of the ELF: %s", strerror(errno));
		goto out;
	}
	*pid = fork();
	if (*pid == 0)
		objdump_exec(fd, pipefd[1]);
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	if (*pid < 0 || !f) {
		snprintf(err, errlen, "objdump: %s", strerror(errno));
		if (f)
			fclose(f);
		f = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	return f;
}

/** sites_objdump_close() - objdump's exit status (127: not found), or -1 */
int sites_objdump_close(FILE *f, pid_t pid)
{
	int status;

	while (fgetc(f) != EOF)
		;
	fclose(f);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/** sites_scan() - the site table of the ELF in @file; 0, 127 (no objdump) or -1 */
int sites_scan(const void *file, size_t size, struct sim_sites *tab)
{
	pid_t pid;
	FILE *f;
	int r, st;

	memset(tab, 0, sizeof(*tab));
	f = sites_objdump(file, size, &pid, tab->err, sizeof(tab->err));
	if (!f)
		return -1;
	r = sites_parse(f, tab);
	st = sites_objdump_close(f, pid);
	if (st == 127) {
		snprintf(tab->err, sizeof(tab->err), "objdump not found (binutils; "
			 "or set OBJDUMP)");
		return 127;
	}
	if (st) {
		snprintf(tab->err, sizeof(tab->err), "objdump -d failed: status %d", st);
		return -1;
	}
	return r;
}

void sites_free(struct sim_sites *tab)
{
	free(tab->site);
	tab->site = NULL;
	tab->n = tab->cap = 0;
}

/** sites_find() - the site at exactly @addr, or NULL (async-signal-safe) */
const struct sim_site *sites_find(const struct sim_sites *tab, uint64_t addr)
{
	size_t lo = 0, hi = tab->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab->site[mid].addr == addr)
			return &tab->site[mid];
		if (tab->site[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/** sites_mismatch() - a site whose bytes in @mem are not objdump's, or NULL */
const struct sim_site *sites_mismatch(const struct sim_sites *tab,
				      const unsigned char *mem, uint64_t base)
{
	size_t i;

	for (i = 0; i < tab->n; i++)
		if (memcmp(mem + (tab->site[i].addr - base), tab->site[i].bytes,
			   tab->site[i].len))
			return &tab->site[i];
	return NULL;
}

/** sites_patch() - int3 over every site but the one at @skip; how many */
size_t sites_patch(const struct sim_sites *tab, unsigned char *mem, uint64_t base,
		   uint64_t skip)
{
	size_t i, n = 0;

	for (i = 0; i < tab->n; i++) {
		if (tab->site[i].addr == skip)
			continue;
		mem[tab->site[i].addr - base] = TRAP_BYTE;
		n++;
	}
	return n;
}

/** sites_unpatched() - a site that still holds its instruction, or NULL */
const struct sim_site *sites_unpatched(const struct sim_sites *tab,
				       const unsigned char *mem, uint64_t base)
{
	size_t i;

	for (i = 0; i < tab->n; i++)
		if (mem[tab->site[i].addr - base] != TRAP_BYTE)
			return &tab->site[i];
	return NULL;
}
