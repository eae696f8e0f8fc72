/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's general-purpose registers as the entry/exit assembly saves
 * them: slots in x86 encoding order (RSP's slot is unused: RSP lives in
 * the VMCS).  Shared by C and assembly; vcpu.c checks the layout at build
 * time against struct pfvmm_guest_regs.
 */
#ifndef PFVMM_REGS_H
#define PFVMM_REGS_H

#define PFVMM_REG_RAX	0
#define PFVMM_REG_RCX	1
#define PFVMM_REG_RDX	2
#define PFVMM_REG_RBX	3
#define PFVMM_REG_RSP	4
#define PFVMM_REG_RBP	5
#define PFVMM_REG_RSI	6
#define PFVMM_REG_RDI	7
#define PFVMM_REG_R8	8
#define PFVMM_REG_R9	9
#define PFVMM_REG_R10	10
#define PFVMM_REG_R11	11
#define PFVMM_REG_R12	12
#define PFVMM_REG_R13	13
#define PFVMM_REG_R14	14
#define PFVMM_REG_R15	15
#define PFVMM_NR_REGS	16

#ifndef __ASSEMBLY__
struct pfvmm_guest_regs {
	unsigned long gpr[PFVMM_NR_REGS];
};
#endif

#endif /* PFVMM_REGS_H */
