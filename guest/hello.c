// SPDX-License-Identifier: GPL-2.0
/*
 * hello.elf: the first guest.  Checks that it runs under pfvmm or KVM (the
 * CPUID 0x40000000 signature) and that the launcher's boot info is there, says
 * hello and shuts down with status 0.  Status 1: wrong signature; 2: bad
 * boot info.
 */
#include "guest.h"

/* The 12 signature bytes as a printable string. */
static void signature_string(uint32_t ebx, uint32_t ecx, uint32_t edx, char *out)
{
	uint32_t regs[3] = { ebx, ecx, edx };
	int i;

	memcpy(out, regs, 12);
	out[12] = '\0';
	for (i = 0; i < 12 && out[i]; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '.';
}

static int check_signature(void)
{
	uint32_t eax, ebx, ecx, edx;
	char sig[13];

	cpuid(PFVMM_CPUID_LEAF_BASE, &eax, &ebx, &ecx, &edx);
	signature_string(ebx, ecx, edx, sig);
	printk("hypervisor signature '%s', max leaf 0x%x\n", sig, eax);
	if (guest_hypervisor() == GUEST_HV_KVM) {
		printk("running on KVM: console on port 0xE9, shutdown on port 0xF4\n");
		return 0;
	}
	if (ebx != PFVMM_CPUID_SIG_EBX || ecx != PFVMM_CPUID_SIG_ECX ||
	    edx != PFVMM_CPUID_SIG_EDX) {
		printk("wrong hypervisor signature: not running on pfvmm\n");
		return -1;
	}
	return 0;
}

static int check_bootinfo(const struct pfvmm_bootinfo *bi)
{
	if (bi->magic != PFVMM_BOOTINFO_MAGIC || bi->version != PFVMM_BOOTINFO_VERSION) {
		printk("bad boot info at %p\n", bi);
		return -1;
	}
	printk("boot info: %lu MiB of memory, image 0x%lx-0x%lx\n",
	       (unsigned long)(bi->mem_size >> 20), (unsigned long)bi->image_start,
	       (unsigned long)bi->image_end);
	if (bi->cmdline[0])
		printk("args: %s\n", bi->cmdline);
	return 0;
}

int main(struct pfvmm_bootinfo *bi)
{
	if (check_signature())
		return 1;
	if (check_bootinfo(bi))
		return 2;
	puts("Hello from pfvmm guest");
	return 0;
}
