#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Without VT-x (QEMU/TCG) and without the module, the launcher's errors
# name the problem and the fix: 'pfvmm run' says the module is not loaded,
# how to load it, and that this CPU has no VT-x; 'pfvmm stat' says the
# module is not loaded; a NUMA node that does not exist is refused (status
# 2) before the device is looked at.
. ./lib.sh
if grep -qw vmx /proc/cpuinfo; then
	fail "this CPU has vmx: q-*.sh tests must run under scripts/vm-run --qemu"
fi
module_loaded && fail "pfvmm is loaded on a CPU without VT-x"

out=/tmp/q-launcher-errors.out
$PFVMM run "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 1 ] || fail "pfvmm run without the module exited with $st, want 1"
grep -q "module not loaded: run 'modprobe pfvmm' (needs VT-x; see dmesg)" "$out" ||
	fail "pfvmm run: no 'module not loaded' message"
grep -q "no VT-x on this CPU" "$out" || fail "pfvmm run: does not say the CPU has no VT-x"

$PFVMM stat >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 1 ] || fail "pfvmm stat without the module exited with $st, want 1"
grep -q "/sys/kernel/pfvmm not found: module not loaded" "$out" ||
	fail "pfvmm stat: no 'module not loaded' message"

$PFVMM run --numa-node 9 "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 2 ] || fail "--numa-node 9 exited with $st, want 2"
grep -q 'no such NUMA node' "$out" || fail "--numa-node 9: no clear message"
grep -q modprobe "$out" && fail "--numa-node 9: the device was looked at before the node"
exit 0
