#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Linux boot of t-linux-boot.sh under --backend kvm: the same kernel,
# initramfs, devices (the launcher's, through KVM_INTERRUPT and KVM's
# interrupt window; HLT exits to the launcher) and checks, on Debian's
# kvm_intel instead of pfvmm (rmmod pfvmm first: one of them holds VT-x);
# the boot figures are printed next to pfvmm's.  pfvmm is left loaded or
# not as it was found, kvm_intel and kvm unloaded.  An s-*.sh test: one
# Linux boot in make check's two-CPU boot, pfvmm's two in the one-CPU
# boot, for the balance of the two.
. ./lib.sh
. ./linux.sh

kvm_loaded() { grep -q '^kvm_intel ' /proc/modules; }
pfvmm_was_loaded=
module_loaded && pfvmm_was_loaded=1

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	st=$?
	kvm_loaded && { rmmod kvm_intel || echo "cleanup: rmmod kvm_intel failed" >&2; }
	grep -q '^kvm ' /proc/modules && { rmmod kvm || echo "cleanup: rmmod kvm failed" >&2; }
	if [ -n "$pfvmm_was_loaded" ] && ! module_loaded; then
		insmod "$PFVMM_KO" || echo "cleanup: insmod pfvmm failed" >&2
	fi
	exit "$st"
}
trap cleanup EXIT

linux_initramfs
module_loaded && unload_module
kvm_loaded || modprobe kvm_intel || fail "modprobe kvm_intel failed (status $?)"
wait_for test -c /dev/kvm || fail "/dev/kvm did not appear after modprobe kvm_intel"
out=/tmp/s-linux-kvm.out
linux_boot "$out" --backend kvm
linux_judge "$out" "kvm"
linux_figures "$out" "kvm"
exit 0
