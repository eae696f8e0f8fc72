// SPDX-License-Identifier: GPL-2.0
/*
 * pfvmm keeps a segment's attributes in one access-rights word in the VMX
 * layout (type[3:0] S[4] DPL[6:5] P[7] AVL[12] L[13] D/B[14] G[15]
 * unusable[16]); KVM's struct kvm_segment has one field per attribute.
 * Base, limit (byte-granular in both) and selector are copied as they are.
 */
#include <stdint.h>
#include <string.h>

#include "kvm-convert.h"

#define AR_TYPE(ar)	((ar) & 0xf)
#define AR_BIT(ar, n)	(((ar) >> (n)) & 1)

void kvm_seg_from_pfvmm(struct kvm_segment *k, const struct pfvmm_segment *p)
{
	uint32_t ar = p->ar;

	memset(k, 0, sizeof(*k));
	k->base = p->base;
	k->limit = p->limit;
	k->selector = p->selector;
	k->type = AR_TYPE(ar);
	k->s = AR_BIT(ar, 4);
	k->dpl = (ar >> 5) & 3;
	k->present = AR_BIT(ar, 7);
	k->avl = AR_BIT(ar, 12);
	k->l = AR_BIT(ar, 13);
	k->db = AR_BIT(ar, 14);
	k->g = AR_BIT(ar, 15);
	k->unusable = AR_BIT(ar, 16);
}

void pfvmm_seg_from_kvm(struct pfvmm_segment *p, const struct kvm_segment *k)
{
	memset(p, 0, sizeof(*p));
	p->base = k->base;
	p->limit = k->limit;
	p->selector = k->selector;
	p->ar = (k->type & 0xfu) | (k->s & 1u) << 4 | (k->dpl & 3u) << 5 |
		(k->present & 1u) << 7 | (k->avl & 1u) << 12 | (k->l & 1u) << 13 |
		(k->db & 1u) << 14 | (k->g & 1u) << 15 | (k->unusable & 1u) << 16;
}

void kvm_sregs_from_pfvmm(struct kvm_sregs *k, const struct pfvmm_sregs *p)
{
	kvm_seg_from_pfvmm(&k->cs, &p->cs);
	kvm_seg_from_pfvmm(&k->ds, &p->ds);
	kvm_seg_from_pfvmm(&k->es, &p->es);
	kvm_seg_from_pfvmm(&k->fs, &p->fs);
	kvm_seg_from_pfvmm(&k->gs, &p->gs);
	kvm_seg_from_pfvmm(&k->ss, &p->ss);
	kvm_seg_from_pfvmm(&k->tr, &p->tr);
	kvm_seg_from_pfvmm(&k->ldt, &p->ldt);
	memset(&k->gdt, 0, sizeof(k->gdt));
	memset(&k->idt, 0, sizeof(k->idt));
	k->gdt.base = p->gdt.base;
	k->gdt.limit = p->gdt.limit;
	k->idt.base = p->idt.base;
	k->idt.limit = p->idt.limit;
	k->cr0 = p->cr0;
	k->cr2 = p->cr2;
	k->cr3 = p->cr3;
	k->cr4 = p->cr4;
	k->cr8 = 0;
	k->efer = p->efer;
}

void pfvmm_sregs_from_kvm(struct pfvmm_sregs *p, const struct kvm_sregs *k)
{
	memset(p, 0, sizeof(*p));
	pfvmm_seg_from_kvm(&p->cs, &k->cs);
	pfvmm_seg_from_kvm(&p->ds, &k->ds);
	pfvmm_seg_from_kvm(&p->es, &k->es);
	pfvmm_seg_from_kvm(&p->fs, &k->fs);
	pfvmm_seg_from_kvm(&p->gs, &k->gs);
	pfvmm_seg_from_kvm(&p->ss, &k->ss);
	pfvmm_seg_from_kvm(&p->tr, &k->tr);
	pfvmm_seg_from_kvm(&p->ldt, &k->ldt);
	p->gdt.base = k->gdt.base;
	p->gdt.limit = k->gdt.limit;
	p->idt.base = k->idt.base;
	p->idt.limit = k->idt.limit;
	p->cr0 = k->cr0;
	p->cr2 = k->cr2;
	p->cr3 = k->cr3;
	p->cr4 = k->cr4;
	p->efer = k->efer;
}

void kvm_regs_from_pfvmm(struct kvm_regs *k, const struct pfvmm_regs *p)
{
	*k = (struct kvm_regs){
		.rax = p->rax, .rbx = p->rbx, .rcx = p->rcx, .rdx = p->rdx,
		.rsi = p->rsi, .rdi = p->rdi, .rsp = p->rsp, .rbp = p->rbp,
		.r8 = p->r8, .r9 = p->r9, .r10 = p->r10, .r11 = p->r11,
		.r12 = p->r12, .r13 = p->r13, .r14 = p->r14, .r15 = p->r15,
		.rip = p->rip, .rflags = p->rflags,
	};
}

void pfvmm_regs_from_kvm(struct pfvmm_regs *p, const struct kvm_regs *k)
{
	*p = (struct pfvmm_regs){
		.rax = k->rax, .rbx = k->rbx, .rcx = k->rcx, .rdx = k->rdx,
		.rsi = k->rsi, .rdi = k->rdi, .rsp = k->rsp, .rbp = k->rbp,
		.r8 = k->r8, .r9 = k->r9, .r10 = k->r10, .r11 = k->r11,
		.r12 = k->r12, .r13 = k->r13, .r14 = k->r14, .r15 = k->r15,
		.rip = k->rip, .rflags = k->rflags,
	};
}
