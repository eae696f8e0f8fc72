// SPDX-License-Identifier: GPL-2.0
/*
 * What the guest's CPUID says, whatever the host CPU has: pfvmm hides the
 * features it does not virtualize, so that a guest (Linux, say) never
 * enables one and then finds it missing, or reaches host state through it:
 *
 *   leaf 1     VMX, SMX, MONITOR, PDCM, XSAVE/OSXSAVE (XCR0 is not
 *              switched), the TSC deadline timer (no local APIC), MCE, MCA
 *              and MTRR (none of their MSRs is emulated); the hypervisor bit
 *              set
 *   leaf 6     zero: no APERF/MPERF, EPB or HWP (their MSRs give #GP, and
 *              Linux would read APERF/MPERF on every tick)
 *   leaf 7.0   TSC_ADJUST (its MSR gives #GP), INVPCID and RDPID (their
 *              controls are off: #UD), PKU/OSPKE
 *              (PKRU is not switched), LA57, Intel PT, SGX, CET, and the
 *              speculation-control MSR bits (SPEC_CTRL, PRED_CMD, FLUSH_CMD,
 *              ARCH_CAPABILITIES, SSBD: those MSRs give #GP)
 *   0xA, 0xD   zero: no PMU, no XSAVE state
 *   0x15, 0x16 the TSC frequency, from the host's tsc_khz (Linux needs one
 *              to boot without calibrating against a PIT it may not have)
 *   0x80000001 RDTSCP (its control is off: TSC_AUX is never the guest's)
 * and leaf 0's maximum is at least 0x16 so that 0x15 is read (the leaves
 * between the host's last one and 0x15 are zero).
 */
#include <asm/processor.h>
#include <asm/tsc.h>
#include "internal.h"

#define CPUID_1_ECX_HIDDEN	(BIT(3) | BIT(5) | BIT(6) | BIT(15) | \
				 BIT(24) | BIT(26) | BIT(27))
#define CPUID_1_EDX_HIDDEN	(BIT(7) | BIT(12) | BIT(14))
#define CPUID_7_EBX_HIDDEN	(BIT(1) | BIT(2) | BIT(10) | BIT(25))
#define CPUID_7_ECX_HIDDEN	(BIT(3) | BIT(4) | BIT(7) | BIT(16) | BIT(22))
#define CPUID_7_EDX_HIDDEN	(BIT(20) | BIT(26) | BIT(27) | BIT(28) | \
				 BIT(29) | BIT(31))
#define CPUID_80000001_EDX_HIDDEN	BIT(27)

/*
 * Leaves 0x15 and 0x16: TSC = crystal (ECX Hz) * EBX / EAX = tsc_khz kHz;
 * a crystal of tsc_khz Hz times 1000 where the TSC's Hz do not fit ECX.
 */
static void cpuid_tsc_leaves(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	u64 hz = (u64)tsc_khz * 1000;

	*a = *b = *c = *d = 0;
	if (leaf == 0x15) {
		*a = 1;
		*b = hz > U32_MAX ? 1000 : 1;
		*c = hz > U32_MAX ? tsc_khz : hz;
	} else {
		*a = tsc_khz / 1000;	/* base frequency, MHz */
	}
}

/**
 * pfvmm_cpuid_filter() - turn the host's CPUID leaf into the guest's
 * @leaf: EAX of the CPUID
 * @sub: ECX of the CPUID
 * @a: EAX, the host's value in, the guest's out
 * @b: EBX, likewise
 * @c: ECX, likewise
 * @d: EDX, likewise
 */
void pfvmm_cpuid_filter(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	/* Past the host's last basic leaf the CPU repeats that one: none. */
	if (leaf > boot_cpu_data.cpuid_level && leaf < 0x15) {
		*a = *b = *c = *d = 0;
		return;
	}
	switch (leaf) {
	case 0:
		*a = max_t(u32, *a, 0x16);
		break;
	case 1:
		*c = (*c & ~CPUID_1_ECX_HIDDEN) | BIT(31);
		*d &= ~CPUID_1_EDX_HIDDEN;
		break;
	case 7:
		if (sub == 0) {
			*b &= ~CPUID_7_EBX_HIDDEN;
			*c &= ~CPUID_7_ECX_HIDDEN;
			*d &= ~CPUID_7_EDX_HIDDEN;
		}
		break;
	case 6:		/* thermal and power: APERF/MPERF, EPB, HWP MSRs */
	case 0xd:
		*a = *b = *c = *d = 0;
		break;
	case 0x15:
	case 0x16:
		cpuid_tsc_leaves(leaf, a, b, c, d);
		break;
	case 0x80000001:
		*d &= ~CPUID_80000001_EDX_HIDDEN;
		break;
	}
}
