# SPDX-License-Identifier: GPL-2.0
# What every freestanding guest image is built with (included by
# guest/Makefile and guest/kernel/Makefile): 64-bit code linked at
# 0x100000, no libc, no SSE in the compiler's own code (the guest's FPU
# state is the guest's business), no red zone (interrupts land on the
# stack).

CC	?= gcc
LD	?= ld

GUEST_CODE_FLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror \
	-ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-80387 -mcmodel=small
GUEST_NOSTDINC := -nostdinc -isystem $(shell $(CC) -print-file-name=include)
# guest_ldflags LINKER-SCRIPT
guest_ldflags = -m elf_x86_64 -nostdlib -static -no-pie -T $(1) \
	-z max-page-size=4096 --build-id=none
