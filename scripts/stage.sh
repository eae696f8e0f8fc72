#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# stage.sh - collect the build outputs into build/vmroot/, the tree that
# scripts/vm-run puts at /pfvmm inside the emulated machine:
#
#   build/vmroot/pfvmm.ko        kmod/pfvmm.ko
#   build/vmroot/bin/pfvmm       userspace/pfvmm (the launcher)
#   build/vmroot/bin/*           every other executable ELF file in userspace/
#                                and tests/vm/ (test programs: ioctl-test, ...)
#   build/vmroot/guest/*.elf     guest/*.elf (and guest/*/*.elf)
#   build/vmroot/tests/vm/       tests/vm/*.sh (run-all.sh, t-*.sh, q-*.sh, lib.sh)
#   build/vmroot/bench/          bench/run-matrix.sh (the fault benchmark matrix)
#                                and bench/check.awk (its rules)
#
# Missing required outputs (module, launcher, hello.elf) are an error.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
out=build/vmroot

is_elf() {
	[ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]
}

rm -rf "$out"
mkdir -p "$out/bin" "$out/guest" "$out/tests/vm"

err=0
need() {
	[ -f "$1" ] || { echo "stage: missing $1 (did its build fail?)" >&2; err=1; }
}
need kmod/pfvmm.ko
need userspace/pfvmm
need guest/hello.elf
[ "$err" -eq 0 ] || exit 1

cp kmod/pfvmm.ko "$out/"
for f in $(find userspace tests/vm -maxdepth 2 -type f -perm -u+x \
		! -name '*.sh' ! -name '*.o' ! -name '*.ko' 2>/dev/null | sort); do
	is_elf "$f" || continue
	case "$f" in *.elf) continue ;; esac	# guest images, not programs
	cp "$f" "$out/bin/"
done
for f in $(find guest -maxdepth 2 -type f -name '*.elf' | sort); do
	cp "$f" "$out/guest/"
done
cp tests/vm/*.sh "$out/tests/vm/"
# The benchmark matrix and its rules (tests/vm/t-bench-check.sh runs both;
# make bench the matrix).
if [ -f bench/run-matrix.sh ]; then
	mkdir -p "$out/bench"
	cp bench/run-matrix.sh bench/check.awk "$out/bench/"
fi

# Debian's kernel, for the Linux-guest tests (t-linux-boot.sh, s-linux-kvm.sh).
for f in .cache/kernel/boot/vmlinuz-*; do
	[ -f "$f" ] && cp "$f" "$out/guest/vmlinuz"
done
echo "stage: $out: $(cd "$out/bin" && echo *) | $(cd "$out/guest" && echo *)"
