/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM entry and VM exit.
 *
 * pfvmm_vmx_run(regs, launched) saves the host's callee-saved registers,
 * records the stack pointer as HOST_RSP, loads the guest's registers and
 * enters the guest with VMLAUNCH (first time) or VMRESUME.  A VM exit lands
 * at pfvmm_vmx_exit (HOST_RIP) on the same stack; the guest's registers are
 * stored back and the function returns 0.  If the entry instruction itself
 * fails, or faults because a reboot turned VMX off, it returns 1 and the
 * caller reads VM_INSTRUCTION_ERROR.
 *
 * pfvmm_vmx_do_host_irq() hands an interrupt or NMI that arrived while
 * the guest ran to the host's handler, with the frame the handler expects.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/segment.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/unwind_hints.h>
#include "regs.h"

#define VMCS_HOST_RSP	0x00006c14
#define REG(n)		((n) * 8)

.text

SYM_FUNC_START(pfvmm_vmx_run)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	/* The regs pointer, found again at the exit through HOST_RSP. */
	push %rdi

	mov  $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jna  .Lfail_no_regs

	/* Flags from here on: CF clear means "not launched yet". */
	bt   $0, %esi
	mov  %rdi, %rax
	mov  REG(PFVMM_REG_RCX)(%rax), %rcx
	mov  REG(PFVMM_REG_RDX)(%rax), %rdx
	mov  REG(PFVMM_REG_RBX)(%rax), %rbx
	mov  REG(PFVMM_REG_RBP)(%rax), %rbp
	mov  REG(PFVMM_REG_RSI)(%rax), %rsi
	mov  REG(PFVMM_REG_RDI)(%rax), %rdi
	mov  REG(PFVMM_REG_R8)(%rax), %r8
	mov  REG(PFVMM_REG_R9)(%rax), %r9
	mov  REG(PFVMM_REG_R10)(%rax), %r10
	mov  REG(PFVMM_REG_R11)(%rax), %r11
	mov  REG(PFVMM_REG_R12)(%rax), %r12
	mov  REG(PFVMM_REG_R13)(%rax), %r13
	mov  REG(PFVMM_REG_R14)(%rax), %r14
	mov  REG(PFVMM_REG_R15)(%rax), %r15
	mov  REG(PFVMM_REG_RAX)(%rax), %rax
	/*
	 * MDS, TAA, MMIO stale data, RFDS: VERW flushes the CPU buffers,
	 * patched in where the kernel's mitigation asks for it (as KVM's
	 * vmenter.S).  It clobbers ZF only: CF still says launched.
	 */
	CLEAR_CPU_BUFFERS
	UNWIND_HINT_SAVE
	jnc  .Llaunch
.Lvmresume:
	vmresume
	jmp  .Lfail
.Llaunch:
	vmlaunch
	jmp  .Lfail
	/* VMX turned off under us (reboot): the entry fails, no oops. */
	_ASM_EXTABLE(.Lvmresume, .Lfail)
	_ASM_EXTABLE(.Llaunch, .Lfail)

SYM_INNER_LABEL(pfvmm_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/* Guest registers are live; the regs pointer is at the stack top. */
	push %rax
	mov  8(%rsp), %rax
	mov  %rcx, REG(PFVMM_REG_RCX)(%rax)
	mov  %rdx, REG(PFVMM_REG_RDX)(%rax)
	mov  %rbx, REG(PFVMM_REG_RBX)(%rax)
	mov  %rbp, REG(PFVMM_REG_RBP)(%rax)
	mov  %rsi, REG(PFVMM_REG_RSI)(%rax)
	mov  %rdi, REG(PFVMM_REG_RDI)(%rax)
	mov  %r8,  REG(PFVMM_REG_R8)(%rax)
	mov  %r9,  REG(PFVMM_REG_R9)(%rax)
	mov  %r10, REG(PFVMM_REG_R10)(%rax)
	mov  %r11, REG(PFVMM_REG_R11)(%rax)
	mov  %r12, REG(PFVMM_REG_R12)(%rax)
	mov  %r13, REG(PFVMM_REG_R13)(%rax)
	mov  %r14, REG(PFVMM_REG_R14)(%rax)
	mov  %r15, REG(PFVMM_REG_R15)(%rax)
	pop  REG(PFVMM_REG_RAX)(%rax)
	/*
	 * Before the first RET after the exit: overwrite the return stack
	 * buffer, so that no return predicts a target the guest planted
	 * (patched in where the host's Spectre v2 mitigation asks for it).
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	/*
	 * A kernel that sets IBRS on entry (KERNEL_IBRS) must write
	 * SPEC_CTRL again after the exit, before the first RET: the guest
	 * cannot change the MSR (no MSR passes through), so the value is
	 * the host's own, and the write is the barrier.
	 */
	ALTERNATIVE "jmp .Lspec_ctrl_done", "", X86_FEATURE_KERNEL_IBRS
	mov  $MSR_IA32_SPEC_CTRL, %ecx
	movl PER_CPU_VAR(x86_spec_ctrl_current), %eax
	movl PER_CPU_VAR(x86_spec_ctrl_current + 4), %edx
	wrmsr
.Lspec_ctrl_done:
	/* Branch history injection: the kernel's loop, where it wants it. */
	CLEAR_BRANCH_HISTORY_VMEXIT
	xor  %eax, %eax
	jmp  .Lout

.Lfail:
	/* Guest values may be in registers: the stack still holds ours. */
	mov  $1, %eax
	jmp  .Lout
.Lfail_no_regs:
	mov  $1, %eax
.Lout:
	/* Do not leave guest values in caller-saved registers. */
	xor  %ecx, %ecx
	xor  %edx, %edx
	xor  %esi, %esi
	xor  %edi, %edi
	xor  %r8d, %r8d
	xor  %r9d, %r9d
	xor  %r10d, %r10d
	xor  %r11d, %r11d
	add  $8, %rsp
	pop  %rbx
	pop  %r12
	pop  %r13
	pop  %r14
	pop  %r15
	pop  %rbp
	RET
SYM_FUNC_END(pfvmm_vmx_run)

/*
 * void pfvmm_vmx_do_host_irq(unsigned long entry): call a host IDT entry
 * (an interrupt acknowledged at VM exit, or an NMI) with the interrupt
 * frame it expects; it returns here with IRET.
 */
SYM_FUNC_START(pfvmm_vmx_do_host_irq)
	push %rbp
	mov  %rsp, %rbp
	and  $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	CALL_NOSPEC rdi
	leave
	RET
SYM_FUNC_END(pfvmm_vmx_do_host_irq)
