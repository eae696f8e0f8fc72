/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Translation between pfvmm's uapi register formats and KVM's, for the
 * /dev/kvm backend.  No VMM calls: shared with tests/unit.
 */
#ifndef PFVMM_KVM_CONVERT_H
#define PFVMM_KVM_CONVERT_H

#include <linux/kvm.h>

#include <uapi/pfvmm.h>

void kvm_seg_from_pfvmm(struct kvm_segment *k, const struct pfvmm_segment *p);
void pfvmm_seg_from_kvm(struct pfvmm_segment *p, const struct kvm_segment *k);
/* Leaves apic_base and interrupt_bitmap of @k as they were. */
void kvm_sregs_from_pfvmm(struct kvm_sregs *k, const struct pfvmm_sregs *p);
void pfvmm_sregs_from_kvm(struct pfvmm_sregs *p, const struct kvm_sregs *k);
void kvm_regs_from_pfvmm(struct kvm_regs *k, const struct pfvmm_regs *p);
void pfvmm_regs_from_kvm(struct pfvmm_regs *p, const struct kvm_regs *k);

#endif /* PFVMM_KVM_CONVERT_H */
