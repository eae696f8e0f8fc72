#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Without VT-x (QEMU/TCG) the module refuses to load, says why in dmesg, and
# the launcher fails with a message that points at the module.
. ./lib.sh
if grep -qw vmx /proc/cpuinfo; then
	fail "this CPU has vmx: q-*.sh tests must run under scripts/vm-run --qemu"
fi

insmod "$PFVMM_KO" 2>/tmp/q-refuse.insmod
st=$?
cat /tmp/q-refuse.insmod
if [ "$st" -eq 0 ]; then
	rmmod pfvmm
	fail "insmod pfvmm.ko succeeded on a CPU without VT-x"
fi
module_loaded && fail "pfvmm is in /proc/modules after a failed insmod"
[ ! -e /dev/pfvmm ] || fail "/dev/pfvmm exists after a failed insmod"

# "[   12.345678] pfvmm: ..." -> a pfvmm: line that names VT-x/VMX.
msg=$(dmesg | sed 's/^\[[^]]*\] *//' | grep '^pfvmm:')
echo "dmesg: $msg"
echo "$msg" | grep -qiE 'vt-x|vmx' ||
	fail "no 'pfvmm:' line in dmesg explaining that VT-x is missing"

out=/tmp/q-refuse.run
$PFVMM run "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -ne 0 ] || fail "pfvmm run succeeded without the module"
grep -qiE 'module|pfvmm\.ko|insmod' "$out" ||
	fail "pfvmm run's error does not mention the module"
exit 0
