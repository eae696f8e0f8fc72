/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest/spin.elf, embedded in ioctl-test so that the test needs no file
 * at run time.  SPIN_ELF (the path) comes from tests/vm/Makefile.
 */
	.section .rodata
	.balign 16
	.globl spin_elf_start, spin_elf_size
spin_elf_start:
	.incbin SPIN_ELF
spin_elf_end:
	.balign 8
spin_elf_size:
	.quad	spin_elf_end - spin_elf_start

	.section .note.GNU-stack, "", @progbits
