// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the pfvmm <-> KVM register translation (userspace/kvm-convert.c)
 * used by the /dev/kvm backend: the VMX access-rights word against KVM's
 * per-attribute segment fields, for the boot state's own segments and for
 * every single attribute bit, and the round trips.
 */
#include <string.h>

#include "kvm-convert.h"
#include "x86-setup.h"
#include "test.h"

static void test_kvm_seg_boot_segments(struct test_ctx *t)
{
	struct pfvmm_sregs s;
	struct kvm_sregs k;

	memset(&k, 0xa5, sizeof(k));
	k.apic_base = 0xfee00900;
	x86_boot_sregs(&s);
	kvm_sregs_from_pfvmm(&k, &s);
	/* 64-bit code: type 0xb, S, DPL 0, P, L, not D/B, G */
	CHECK_EQ(t, k.cs.selector, PFVMM_BOOT_SEL_CODE);
	CHECK_EQ(t, k.cs.base, 0);
	CHECK_EQ(t, k.cs.limit, 0xffffffff);
	CHECK_EQ(t, k.cs.type, 0xb);
	CHECK_EQ(t, k.cs.s, 1);
	CHECK_EQ(t, k.cs.dpl, 0);
	CHECK_EQ(t, k.cs.present, 1);
	CHECK_EQ(t, k.cs.l, 1);
	CHECK_EQ(t, k.cs.db, 0);
	CHECK_EQ(t, k.cs.g, 1);
	CHECK_EQ(t, k.cs.avl, 0);
	CHECK_EQ(t, k.cs.unusable, 0);
	/* data: type 3, S, P, D/B, G, not L */
	CHECK_EQ(t, k.ss.type, 3);
	CHECK_EQ(t, k.ss.s, 1);
	CHECK_EQ(t, k.ss.present, 1);
	CHECK_EQ(t, k.ss.db, 1);
	CHECK_EQ(t, k.ss.g, 1);
	CHECK_EQ(t, k.ss.l, 0);
	CHECK_EQ(t, k.ds.selector, PFVMM_BOOT_SEL_DATA);
	CHECK_EQ(t, k.gs.type, 3);
	/* TR: busy 64-bit TSS, system segment, byte granular */
	CHECK_EQ(t, k.tr.selector, PFVMM_BOOT_SEL_TSS);
	CHECK_EQ(t, k.tr.base, PFVMM_BOOT_TSS);
	CHECK_EQ(t, k.tr.limit, X86_TSS_LIMIT);
	CHECK_EQ(t, k.tr.type, 0xb);
	CHECK_EQ(t, k.tr.s, 0);
	CHECK_EQ(t, k.tr.present, 1);
	CHECK_EQ(t, k.tr.g, 0);
	CHECK_EQ(t, k.tr.unusable, 0);
	/* LDT: unusable */
	CHECK_EQ(t, k.ldt.unusable, 1);
	CHECK_EQ(t, k.ldt.present, 0);
	CHECK_EQ(t, k.gdt.base, PFVMM_BOOT_GDT);
	CHECK_EQ(t, k.gdt.limit, X86_GDT_ENTRIES * 8 - 1);
	CHECK_EQ(t, k.idt.base, 0);
	CHECK_EQ(t, k.idt.limit, 0);
	CHECK_EQ(t, k.cr0, X86_CR0_INIT);
	CHECK_EQ(t, k.cr3, PFVMM_BOOT_PML4);
	CHECK_EQ(t, k.cr4, X86_CR4_INIT);
	CHECK_EQ(t, k.efer, X86_EFER_INIT);
	CHECK_EQ(t, k.cr8, 0);
	/* what KVM_GET_SREGS gave stays */
	CHECK_EQ(t, k.apic_base, 0xfee00900);
}

/* Each attribute bit alone lands in its own field and comes back. */
static void test_kvm_seg_each_bit(struct test_ctx *t)
{
	static const struct { uint32_t ar; size_t off; uint8_t val; } cases[] = {
		{ 0x00001, offsetof(struct kvm_segment, type), 1 },
		{ 0x00008, offsetof(struct kvm_segment, type), 8 },
		{ 0x00010, offsetof(struct kvm_segment, s), 1 },
		{ 0x00020, offsetof(struct kvm_segment, dpl), 1 },
		{ 0x00060, offsetof(struct kvm_segment, dpl), 3 },
		{ 0x00080, offsetof(struct kvm_segment, present), 1 },
		{ 0x01000, offsetof(struct kvm_segment, avl), 1 },
		{ 0x02000, offsetof(struct kvm_segment, l), 1 },
		{ 0x04000, offsetof(struct kvm_segment, db), 1 },
		{ 0x08000, offsetof(struct kvm_segment, g), 1 },
		{ 0x10000, offsetof(struct kvm_segment, unusable), 1 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pfvmm_segment p = { .base = 0x123456789ull, .limit = 0xabcde,
					   .ar = cases[i].ar, .selector = 0x2b };
		struct pfvmm_segment back;
		struct kvm_segment k, want;

		memset(&want, 0, sizeof(want));
		want.base = p.base;
		want.limit = p.limit;
		want.selector = p.selector;
		((uint8_t *)&want)[cases[i].off] = cases[i].val;
		kvm_seg_from_pfvmm(&k, &p);
		CHECK(t, !memcmp(&k, &want, sizeof(k)), "ar 0x%x: wrong kvm_segment",
		      cases[i].ar);
		pfvmm_seg_from_kvm(&back, &k);
		CHECK(t, !memcmp(&back, &p, sizeof(p)), "ar 0x%x came back as 0x%x",
		      cases[i].ar, back.ar);
	}
}

static void test_kvm_sregs_regs_roundtrip(struct test_ctx *t)
{
	struct pfvmm_sregs s, s2;
	struct pfvmm_regs r, r2;
	struct kvm_sregs ks;
	struct kvm_regs kr;

	memset(&ks, 0, sizeof(ks));
	x86_boot_sregs(&s);
	s.cr2 = 0xdead000;
	s.idt.base = 0x200000;
	s.idt.limit = 0xfff;
	kvm_sregs_from_pfvmm(&ks, &s);
	pfvmm_sregs_from_kvm(&s2, &ks);
	CHECK(t, !memcmp(&s, &s2, sizeof(s)), "sregs changed in the round trip");
	x86_boot_regs(&r, 0x100040);
	r.rax = 1; r.r15 = 15; r.rbp = 0xbb;
	kvm_regs_from_pfvmm(&kr, &r);
	CHECK_EQ(t, kr.rip, 0x100040);
	CHECK_EQ(t, kr.rdi, PFVMM_BOOT_INFO);
	CHECK_EQ(t, kr.rsp, PFVMM_BOOT_STACK_TOP);
	CHECK_EQ(t, kr.rflags, X86_RFLAGS_INIT);
	CHECK_EQ(t, kr.r15, 15);
	pfvmm_regs_from_kvm(&r2, &kr);
	CHECK(t, !memcmp(&r, &r2, sizeof(r)), "regs changed in the round trip");
}

void run_kvm_convert_tests(void)
{
	RUN_TEST(test_kvm_seg_boot_segments);
	RUN_TEST(test_kvm_seg_each_bit);
	RUN_TEST(test_kvm_sregs_regs_roundtrip);
}
