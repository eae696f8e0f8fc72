#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [KDIR] - "make check": every test pfvmm has, in one command.
# KDIR defaults to /usr/src/linux-headers-$KVER, resolved after deps.
#
#   1. deps (scripts/deps.sh), then build the module (in parallel with)
#      guest and userspace (each reports PASS/FAIL build-<part>) and stage
#      build/vmroot;
#   2. in parallel:
#        - one Bochs boot (VT-x) running tests/vm/run-all.sh 't-*.sh';
#        - a second Bochs boot with 2 CPUs running run-all.sh 's-*.sh'
#          (migration, pinned guests, a spinner beside a shell, the
#          fuzzers racing on two CPUs), then reboot-live.sh (reboot -f
#          with guests running on both CPUs);
#        - on the host: unit tests (make -C tests/unit check), lint
#          (scripts/lint.sh), install/dkms/man (tests/host/run.sh), one QEMU boot (no VT-x) running
#          run-all.sh 'q-*.sh', then the harness's self-test
#          (scripts/selftest.sh, QEMU);
#   3. counts every "PASS name" / "FAIL name" line of all parts and prints
#      exactly one last line "N passed, M failed, K skipped".
# Exits non-zero when anything failed, a build failed (the boots are then
# skipped and counted as failures) or a boot produced no status.
#
# Environment: BOCHS_TIMEOUT (default 1200 s), QEMU_TIMEOUT (300 s),
# TEST_TIMEOUT (per in-VM test, default 300 s), BOCHS_SMP (default 1).
set -u
{
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
. scripts/lib.sh	# indent, secs, report, finish
KDIR=${1:-}
MAKE=${MAKE:-make}
out=build/check
BOCHS_TIMEOUT=${BOCHS_TIMEOUT:-1200}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
BOCHS_SMP=${BOCHS_SMP:-1}

rm -rf "$out"
mkdir -p "$out"
t0=$(date +%s)
# Every part writes its PASS/FAIL lines into $out/<part>.log (report,
# finish: scripts/lib.sh).
results=log

# ---- 1. deps, build, stage ----
echo "== deps"
scripts/deps.sh >"$out/deps.out" 2>&1
st=$?
report deps $st "$out/deps.out"
[ $st -eq 0 ] || finish "make check"
[ -n "$KDIR" ] || KDIR=/usr/src/linux-headers-$(scripts/deps.sh --kver)

echo "== build: module, guest, userspace (KDIR=$KDIR)"
# The module builds beside the other two; guest goes before userspace since
# the userspace side (tests/vm) embeds guest/spin.elf and would otherwise
# race the guest build for it.
built=1
$MAKE --no-print-directory module KDIR="$KDIR" >"$out/build-module.out" 2>&1 &
module_pid=$!
for part in guest userspace; do
	$MAKE --no-print-directory "$part" >"$out/build-$part.out" 2>&1
	st=$?
	report "build-$part" $st "$out/build-$part.out"
	[ $st -eq 0 ] || built=
done
wait $module_pid
st=$?
report build-module $st "$out/build-module.out"
[ $st -eq 0 ] || built=
if [ -n "$built" ]; then
	scripts/stage.sh >"$out/stage.out" 2>&1
	st=$?
	report stage $st "$out/stage.out"
	[ $st -eq 0 ] || built=
fi
echo "   ($(secs "$t0"))"

# ---- 2. the emulated machines and the host-side tests ----
# vm_part NAME EMULATOR-FLAGS GLOB TIMEOUT [LAST]: one boot running
# run-all.sh GLOB, then the in-VM script LAST (reboot-live.sh: it ends the
# boot with a reboot that scripts/vm-run judges).
# Writes $out/NAME.log (the streamed console: the tests' PASS/FAIL lines)
# and adds "FAIL NAME-boot" when the guest produced no status.
vm_part() {
	local name=$1 flags=$2 glob=$3 tmo=$4 last=${5:-} st hung
	if [ -z "$built" ]; then
		echo "FAIL $name (skipped: the build failed)" >"$out/$name.log"
		return
	fi
	cat >"$out/$name.sh" <<EOF
export TEST_TIMEOUT=$TEST_TIMEOUT
sh /pfvmm/tests/vm/run-all.sh '$glob'
${last:+cd /pfvmm/tests/vm && sh ./$last}
EOF
	# shellcheck disable=SC2086
	scripts/vm-run $flags --timeout "$tmo" "$out/$name.sh" >"$out/$name.log" 2>&1
	st=$?
	if grep -q '^vm-run: script exit status' "$out/$name.log"; then
		echo "PASS $name-boot" >>"$out/$name.log"
	else
		echo "FAIL $name-boot (no status from the guest: status $st)" >>"$out/$name.log"
		# The test that was running when the guest hung or died.
		hung=$(hung_test "$out/$name.log")
		[ -z "$hung" ] || echo "$hung" >>"$out/$name.log"
	fi
}

host_part() {
	echo "== unit tests"
	if [ -f tests/unit/Makefile ]; then
		$MAKE --no-print-directory -C tests/unit check >"$out/unit.log" 2>&1
		st=$?
		cat "$out/unit.log"
		if [ $st -ne 0 ] && ! grep -q '^FAIL ' "$out/unit.log"; then
			echo "FAIL unit (make -C tests/unit check: status $st)" | tee -a "$out/unit.log"
		fi
	else
		echo "FAIL unit (tests/unit/Makefile missing)" | tee "$out/unit.log"
	fi
	echo "== portable core: unit tests and a short seeded fuzz run"
	$MAKE --no-print-directory -C tests/unit/core check >"$out/core.log" 2>&1 ||
		grep -q '^FAIL ' "$out/core.log" ||
		echo "FAIL unit-core (make -C tests/unit/core check failed)" >>"$out/core.log"
	cat "$out/core.log"
	$MAKE --no-print-directory -C tests/fuzz short RUNS=100000 >"$out/fuzz.log" 2>&1 ||
		grep -q '^FAIL ' "$out/fuzz.log" ||
		echo "FAIL fuzz (make -C tests/fuzz short failed)" >>"$out/fuzz.log"
	cat "$out/fuzz.log"
	echo "== lint"
	scripts/lint.sh "$KDIR" >"$out/lint.log" 2>&1
	cat "$out/lint.log"
	echo "== install, dkms, man page (tests/host/run.sh)"
	KDIR="$KDIR" tests/host/run.sh >"$out/host-tests.log" 2>&1 ||
		grep -q '^FAIL ' "$out/host-tests.log" ||
		echo "FAIL host-tests (tests/host/run.sh failed)" >>"$out/host-tests.log"
	cat "$out/host-tests.log"
	echo "== QEMU boot (no VT-x): q-*.sh"
	vm_part vm-qemu --qemu 'q-*.sh' "$QEMU_TIMEOUT"
	cat "$out/vm-qemu.log"
	echo "== harness self-test (QEMU)"
	scripts/selftest.sh >"$out/selftest.log" 2>&1
	cat "$out/selftest.log"
}

echo "== Bochs boot (VT-x, smp=$BOCHS_SMP): t-*.sh, in parallel with the host-side tests"
echo "   (the Bochs console streams after the host-side results; tail -f $out/vm-bochs.log)"
host_part >"$out/host.out" 2>&1 &
host_pid=$!
vm_part vm-bochs "--smp $BOCHS_SMP" 't-*.sh' "$BOCHS_TIMEOUT" &
bochs_pid=$!
# Two emulated CPUs run at half speed each: a longer silence is no hang.
vm_part vm-bochs-smp "--smp 2 --hang 900" 's-*.sh' "$BOCHS_TIMEOUT" reboot-live.sh &
smp_pid=$!
wait $host_pid
cat "$out/host.out"
echo "== Bochs boot (waiting for it: $(secs "$t0") so far)"
wait $bochs_pid
cat "$out/vm-bochs.log"
echo "== Bochs boot with 2 CPUs: s-*.sh (waiting for it: $(secs "$t0") so far)"
wait $smp_pid
cat "$out/vm-bochs-smp.log"
finish "make check"
}
