# SPDX-License-Identifier: GPL-2.0
#
# pfvmm top-level Makefile: wraps Kbuild (the module) and every other target.
#
#   make run        fetch deps, build, boot the emulated VT-x machine and run
#                   the hello guest (the first thing to try)
#   make check      everything: unit tests, lint, in-VM tests under Bochs
#                   (VT-x) and QEMU (no VT-x); last line "N passed, M failed"
#   make vm-run SCRIPT=foo.sh [FILES="a b"] [VMFLAGS="--qemu --smp 2"]
#   make bench      the fault benchmark in the emulated machine: bench/results/
#                   (CSV, JSON, Markdown table, plot); FULL=1: larger matrix
#
# KVER is the Debian kernel the emulated machine boots (resolved from
# linux-image-amd64); KDIR the tree the module builds against.  On a real
# VT-x host: make module KDIR=/lib/modules/$(uname -r)/build

ifeq ($(origin KVER),undefined)
KVER := $(shell scripts/deps.sh --kver 2>/dev/null)
endif
KDIR ?= /usr/src/linux-headers-$(KVER)

VMFLAGS ?=
FILES ?=

.PHONY: all deps build module userspace guest stage run vm-run unit lint \
	selftest check clean help fuzz bench

all: build

help:
	@sed -n '3,15p' Makefile | sed 's/^# \{0,1\}//'

deps:
	scripts/deps.sh

build: module userspace guest

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

# tests/vm embeds guest/spin.elf: build the guests first (no race with -j).
userspace: guest
	$(MAKE) -C userspace
	if [ -f tests/vm/Makefile ]; then $(MAKE) -C tests/vm; fi

guest:
	$(MAKE) -C guest
	if [ -f guest/kernel/Makefile ]; then $(MAKE) -C guest/kernel; fi

stage: build
	scripts/stage.sh

run: deps
	$(MAKE) stage
	scripts/vm-run $(VMFLAGS) scripts/run-hello.sh

vm-run:
	@if [ -z "$(SCRIPT)" ]; then \
		echo 'usage: make vm-run SCRIPT=foo.sh [FILES="a b"] [VMFLAGS="--qemu --smp 2 --timeout 600"]'; \
		exit 2; fi
	$(MAKE) stage
	scripts/vm-run $(VMFLAGS) $(SCRIPT) $(FILES)

unit:
	$(MAKE) -C tests/unit check

lint:
	scripts/lint.sh $(KDIR)

# The libFuzzer targets of the portable core, 600 s each (make check runs
# a short seeded pass).
fuzz:
	$(MAKE) -C tests/fuzz long

# The fault benchmark (bench/bench.sh: stage, one Bochs boot, results in
# bench/results/); FULL=1 adds 16384 and 65536 pages and 2 repetitions.
bench:
	FULL=$(FULL) bench/bench.sh

# KDIR is passed on only when given explicitly: on a fresh machine KVER is
# known only after deps (apt lists), so check.sh resolves it after deps.
# Tests of the harness itself (vm-run, run-all.sh) under QEMU.
selftest:
	scripts/selftest.sh

check:
	scripts/check.sh $(if $(filter command line environment,$(origin KDIR)),$(KDIR))

# Not in check/CI (hours): Debian's 6.1 source built with KASAN, lockdep and
# kmemleak (scripts/debug-kernel.config) and the t-*.sh tests run on it;
# findings in build/check-debug/.
.PHONY: check-debug
check-debug:
	scripts/check-debug.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	-$(MAKE) -C userspace clean
	-if [ -f tests/vm/Makefile ]; then $(MAKE) -C tests/vm clean; fi
	-$(MAKE) -C guest clean
	-if [ -f guest/kernel/Makefile ]; then $(MAKE) -C guest/kernel clean; fi
	-$(MAKE) -C tests/unit clean
	rm -rf build
