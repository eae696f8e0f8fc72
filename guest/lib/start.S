/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest entry point.  The launcher enters here in 64-bit mode with
 * RDI = the boot info; switch to a stack inside the image (the launcher's
 * stack is only a courtesy), call main(bootinfo) and shut down with what
 * it returns.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	lea	boot_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	call	main			/* RDI still holds the boot info */
	mov	%eax, %edi
	call	shutdown		/* does not return */
1:	cli
	hlt
	jmp	1b
	.size _start, . - _start

	.section .bss
	.balign 16
boot_stack:
	.skip	16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
