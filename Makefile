# SPDX-License-Identifier: GPL-2.0
#
# pfvmm top-level Makefile: wraps Kbuild (the module) and every other target.
#
#   make bench      the main job: fetch deps, build, boot the emulated VT-x
#                   machine and run the fault benchmark: bench/results/ (CSV,
#                   JSON, Markdown table, plot); FULL=1: the larger matrix
#   make check      everything: unit tests, lint, in-VM tests under Bochs
#                   (VT-x) and QEMU (no VT-x); last line "N passed, M failed, K skipped"
#   make run        fetch deps, build, boot and run the hello guest
#   make bench-host the benchmark on a real VT-x host, pfvmm.ko loaded
#   make vm-run SCRIPT=foo.sh [FILES="a b"] [VMFLAGS="--qemu --smp 2"]
#   make install    module, launcher, man page, udev rule, pfvmm group
#                   [DESTDIR=... PREFIX=/usr/local]; make uninstall
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
	selftest check clean help fuzz bench bench-host install uninstall dkms-source

all: build

help:
	@sed -n '3,17p' Makefile | sed 's/^# \{0,1\}//'

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

# The same matrix on a real VT-x host with pfvmm.ko loaded (no emulator):
# pfvmm bench, results in real TSC cycles in bench/results-host/.
bench-host:
	FULL=$(FULL) bench/bench.sh --host

# KDIR is passed on only when given explicitly: on a fresh machine KVER is
# known only after deps (apt lists), so check.sh resolves it after deps.
# Tests of the harness itself (vm-run, run-all.sh) under QEMU.
selftest:
	scripts/selftest.sh

# ---- install (docs/real-hardware.md) ----
# make install [DESTDIR=stage] [PREFIX=/usr/local] [KDIR=...]: installs what
# 'make module userspace' built.  The module goes to
# /lib/modules/<its vermagic release>/extra (modules_install), depmod runs
# only for a real install (no DESTDIR); so does creating the pfvmm group.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
UDEVRULESDIR ?= /etc/udev/rules.d
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# The release the built module is for (Debian's headers report another
# "kernelrelease" than the vermagic the kernel checks).
MODREL = $(or $(shell modinfo -F vermagic kmod/pfvmm.ko 2>/dev/null | head -n 1 | \
		cut -d' ' -f1 | tr -cd 'A-Za-z0-9._+~-'),$(KVER))
# The tree for modules_install: KDIR, or else the module's own kernel's
# build tree (sudo make install without the KDIR the module was built with).
INSTALL_KDIR = $(if $(wildcard $(KDIR)/Makefile),$(KDIR),/lib/modules/$(MODREL)/build)
# Headers without the signing key (all distribution headers): do not sign.
NOSIGN = $(if $(wildcard $(INSTALL_KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=)

install:
	@for f in kmod/pfvmm.ko userspace/pfvmm; do [ -f $$f ] || \
		{ echo "install: $$f is not built: run 'make module userspace' first" >&2; exit 1; }; done
	$(MAKE) -C $(INSTALL_KDIR) M=$(CURDIR)/kmod modules_install \
		INSTALL_MOD_PATH=$(DESTDIR) KERNELRELEASE=$(MODREL) DEPMOD=true $(NOSIGN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UDEVRULESDIR)
	install -m 0755 userspace/pfvmm $(DESTDIR)$(BINDIR)/pfvmm
	install -m 0644 docs/pfvmm.1 $(DESTDIR)$(MANDIR)/man1/pfvmm.1
	install -m 0644 packaging/60-pfvmm.rules $(DESTDIR)$(UDEVRULESDIR)/60-pfvmm.rules
ifeq ($(DESTDIR),)
	depmod -a $(MODREL)
	getent group pfvmm >/dev/null || groupadd --system pfvmm
	-udevadm control --reload-rules 2>/dev/null
	-[ ! -e /dev/pfvmm ] || udevadm trigger --name-match=pfvmm 2>/dev/null
endif

# The pfvmm group is left in place (it may have members).
uninstall:
	rm -f $(DESTDIR)/lib/modules/$(MODREL)/extra/pfvmm.ko \
		$(DESTDIR)$(BINDIR)/pfvmm $(DESTDIR)$(MANDIR)/man1/pfvmm.1 \
		$(DESTDIR)$(UDEVRULESDIR)/60-pfvmm.rules
ifeq ($(DESTDIR),)
	depmod -a $(MODREL)
	-udevadm control --reload-rules 2>/dev/null
endif

# The DKMS source tree: $(DESTDIR)/usr/src/pfvmm-VERSION with dkms.conf,
# kmod/ and include/; then: dkms install pfvmm/VERSION.
dkms-source:
	rm -rf $(DESTDIR)/usr/src/pfvmm-$(DKMS_VERSION)
	install -d $(DESTDIR)/usr/src/pfvmm-$(DKMS_VERSION)/kmod/core
	install -m 0644 dkms.conf $(DESTDIR)/usr/src/pfvmm-$(DKMS_VERSION)/
	install -m 0644 kmod/Kbuild kmod/Makefile $(filter-out %.mod.c,$(wildcard kmod/*.[chS])) \
		$(DESTDIR)/usr/src/pfvmm-$(DKMS_VERSION)/kmod/
	install -m 0644 kmod/core/*.[ch] $(DESTDIR)/usr/src/pfvmm-$(DKMS_VERSION)/kmod/core/
	cp -R include $(DESTDIR)/usr/src/pfvmm-$(DKMS_VERSION)/

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
