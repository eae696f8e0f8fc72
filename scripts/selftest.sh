#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest.sh - tests of the harness itself, under QEMU (no VT-x needed,
# about a minute): that a failure in the emulated machine can actually
# fail "make check".
#
#   harness-status    vm-run exits with the script's status (3), FILEs are
#                     copied to /work, /pfvmm and /kmods are populated
#   harness-timeout   a script that never ends is killed: status 124 (the
#                     timeout: twice the boot time harness-status measured
#                     plus 15 s, at least 25 s, so that a slow or busy host
#                     still boots and starts the script before it)
#   harness-hang      a silent guest (heartbeat stopped) is killed: status 125
#   harness-run-all   run-all.sh reports PASS/FAIL, kills a test at its
#                     timeout with all its children, and dmesg-clean catches
#                     a WARNING
# Prints one PASS/FAIL line per item; exit status: the number of failures.
set -u
{
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"	# indent
VMRUN=$TOP/scripts/vm-run
work=$(mktemp -d "${TMPDIR:-/tmp}/pfvmm-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failed=0

# check NAME EXPECTED-STATUS LOG [GREP-PATTERN...]: status and output lines
check() {
	local name=$1 want=$2 log=$3 got pat
	shift 3
	got=$(sed -n 's/^rc=//p' "$log")
	local ok=1
	[ "$got" = "$want" ] || { echo "    $name: status $got, expected $want"; ok=; }
	for pat in "$@"; do
		grep -qE -- "$pat" "$log" || { echo "    $name: no line matching '$pat'"; ok=; }
	done
	if [ -n "$ok" ]; then
		echo "PASS $name"
	else
		indent <"$log"
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

vm() {	# vm LOG ARGS...: run vm-run, record its status as "rc=N"
	local log=$1
	shift
	"$VMRUN" --qemu "$@" >"$log" 2>&1 </dev/null
	echo "rc=$?" >>"$log"
}

# 1. exit status, FILEs, the initramfs layout
echo "payload" >data.txt
cat >status.sh <<'EOF'
echo "cwd=$(pwd) data=$(cat data.txt)"
ls /kmods
[ -d /pfvmm ] && echo "pfvmm-root-ok"
exit 3
EOF
vm status.log status.sh data.txt &
p1=$!

# 2. the in-VM runner
cp "$TOP/tests/vm/run-all.sh" "$TOP/tests/vm/lib.sh" .
printf 'exit 0\n' >x-a-pass.sh
printf 'echo "the reason"\nexit 1\n' >x-b-fail.sh
printf 'sleep 1000 &\nsleep 1000\n' >x-c-slow.sh
# shellcheck disable=SC2016 # expanded by the test inside the machine
printf 'n=$(ps | grep -c "[s]leep 1000"); echo "left: $n"; [ "$n" -eq 0 ]\n' >x-d-clean.sh
printf 'echo "WARNING: injected by selftest" >/dev/kmsg\n' >y-warn.sh
cat >runner.sh <<'EOF'
export TEST_TIMEOUT=5
sh ./run-all.sh 'x-*.sh'; echo "x-status=$?"
sh ./run-all.sh 'y-*.sh'; echo "y-status=$?"
EOF
vm runner.log runner.sh run-all.sh lib.sh x-*.sh y-warn.sh &
p2=$!
wait $p1 $p2
check harness-status 3 status.log '^cwd=/work data=payload$' 'kvm-intel\.ko' \
	'^pfvmm-root-ok$'
# (its PASS/FAIL lines stay in runner.log; shown only indented, never counted)
check harness-run-all 0 runner.log '^PASS x-a-pass$' '^FAIL x-b-fail$' \
	'^    \| the reason$' '^FAIL x-c-slow$' 'timed out after 5s' \
	'^PASS x-d-clean$' '^PASS dmesg-clean\[x-\*\.sh\]$' '^x-status=2$' \
	'^FAIL dmesg-clean\[y-\*\.sh\]$' 'WARNING: injected' '^y-status=1$'

# 3. timeout, long enough for this host to boot and start the script
boot=$(sed -n 's/.*wall time: boot \([0-9]*\).*/\1/p' status.log | head -n 1)
tmo=$((2 * ${boot:-60} + 15))
[ "$tmo" -ge 25 ] || tmo=25
printf 'echo looping\nwhile :; do sleep 1; done\n' >forever.sh
vm timeout.log --timeout "$tmo" --hang 0 forever.sh &
p3=$!

# 4. hang: stop every process but init (the heartbeat too), stay silent
printf 'echo stopping\nkill -STOP -1\nsleep 600\n' >silent.sh
vm hang.log --hang 15 silent.sh &
p4=$!
wait $p3 $p4
check harness-timeout 124 timeout.log '^looping$' 'TIMEOUT'
check harness-hang 125 hang.log '^stopping$' 'HUNG'
exit $failed
}
