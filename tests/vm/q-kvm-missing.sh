#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Without VT-x (QEMU/TCG) kvm_intel does not load and /dev/kvm is missing:
# "pfvmm run --backend kvm" fails (status 1) with a message that says to
# load kvm_intel; a pv mode with --backend kvm is a usage error (2).
. ./lib.sh
if grep -qw vmx /proc/cpuinfo; then
	fail "this CPU has vmx: q-*.sh tests must run under scripts/vm-run --qemu"
fi
[ ! -e /dev/kvm ] || fail "/dev/kvm exists on a CPU without VT-x"

out=/tmp/q-kvm-missing.run
$PFVMM run --backend kvm "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 1 ] || fail "pfvmm run --backend kvm without /dev/kvm exited with $st, want 1"
grep -q 'modprobe kvm_intel' "$out" ||
	fail "the error does not say to load kvm_intel"

$PFVMM run --backend kvm --mode pv "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 2 ] || fail "--backend kvm --mode pv exited with $st, want 2"
grep -q 'native guests only' "$out" || fail "--backend kvm --mode pv: no clear message"
exit 0
