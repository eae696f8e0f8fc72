/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvkernel low-level entry: the exception/syscall stubs that build a
 * struct trapframe and call trap_dispatch(), the trip to ring 3
 * (enter_user) and the way back (return_to_kernel).
 */
#include "pvkernel.h"

	.text

	.macro TRAP_NOERR vec
trap_\vec:
	pushq	$0
	pushq	$\vec
	jmp	trap_common
	.endm

	.macro TRAP_ERR vec
trap_\vec:
	pushq	$\vec
	jmp	trap_common
	.endm

	TRAP_NOERR 0
	TRAP_NOERR 1
	TRAP_NOERR 2
	TRAP_NOERR 3
	TRAP_NOERR 4
	TRAP_NOERR 5
	TRAP_NOERR 6
	TRAP_NOERR 7
	TRAP_ERR   8
	TRAP_NOERR 9
	TRAP_ERR   10
	TRAP_ERR   11
	TRAP_ERR   12
	TRAP_ERR   13
	TRAP_ERR   14
	TRAP_NOERR 15
	TRAP_NOERR 16
	TRAP_ERR   17
	TRAP_NOERR 18
	TRAP_NOERR 19
	TRAP_NOERR 20
	TRAP_ERR   21
	TRAP_NOERR 22
	TRAP_NOERR 23
	TRAP_NOERR 24
	TRAP_NOERR 25
	TRAP_NOERR 26
	TRAP_NOERR 27
	TRAP_NOERR 28
	TRAP_ERR   29
	TRAP_ERR   30
	TRAP_NOERR 31
	TRAP_NOERR 128

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	/* From ring 3 the CPU left SS null and DS/ES as ring 3 had them. */
	movl	$KSEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movq	%rsp, %rdi
	cld
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp
	iretq

/* The stub addresses, for idt_init(): vectors 0-31, then 0x80. */
	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,128
	.quad	trap_\v
	.endr

	.text
/*
 * uint64_t enter_user(uint64_t rip, uint64_t rsp, uint64_t a0, uint64_t a1)
 * Runs rip(a0, a1) in ring 3 on the stack rsp; returns the value ring 3
 * passes to the exit system call (through return_to_kernel).
 */
	.globl enter_user
enter_user:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, kernel_saved_rsp(%rip)
	movq	%rdi, %rax
	movq	%rsi, %r11
	movq	%rdx, %rdi
	movq	%rcx, %rsi
	pushq	$USEL_DATA
	pushq	%r11
	pushq	$0x2
	pushq	$USEL_CODE
	pushq	%rax
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	iretq

/* void return_to_kernel(uint64_t result): back into enter_user's caller. */
	.globl return_to_kernel
return_to_kernel:
	movq	kernel_saved_rsp(%rip), %rsp
	movl	$KSEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movq	%rdi, %rax
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.bss
	.balign 8
kernel_saved_rsp:
	.quad	0

	.section .note.GNU-stack, "", @progbits
