#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# linux-fault.sh - bench/linux-fault, the fault benchmark's workloads as a
# Linux program, on this host: it builds (static, -Werror), every workload
# prints its line and passes bench/linux-check.awk (data=ok, touch and the
# other fault workloads take at least their faults, reaccess and exit next
# to none), and the rules catch a bad line: a command that fails (run --
# false: data=BAD), a touch line with too few faults and a reaccess line
# with faults must each FAIL.  Prints PASS/FAIL lines.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
out=${TMPDIR:-/tmp}/pfvmm-linux-fault.$$
trap 'rm -f "$out" "$out.chk"' EXIT
rules=bench/linux-check.awk
all="touch cow remap sparse reaccess exit stosb forkexec"

if make -s -C bench linux-fault >"$out" 2>&1; then
	echo "PASS linux-fault-build"
else
	echo "FAIL linux-fault-build: $(head -n 5 "$out" | tr '\n' ' ')"
	exit 0
fi

# shellcheck disable=SC2086 # $all: one workload a word
bench/linux-fault -p 1024 -f 20 $all >"$out" 2>&1
st=$?
if [ "$st" -eq 0 ] && awk -v need="$all" -f "$rules" "$out" >"$out.chk"; then
	echo "PASS linux-fault-workloads"
else
	echo "FAIL linux-fault-workloads: status $st"
	sed 's/^/  > /' "$out" "$out.chk" 2>/dev/null
fi

# The rules must be able to say no.
bad() {	# bad NAME LINE: the rules must FAIL on LINE
	if printf '%s\n' "$2" | awk -f "$rules" >"$out.chk"; then
		echo "FAIL linux-fault-rules-$1: the rules passed '$2'"
	else
		echo "PASS linux-fault-rules-$1"
	fi
}
bench/linux-fault -p 3 -n false run -- /bin/false >"$out" 2>&1
bad command-fails "$(cat "$out")"
bad touch-too-few "result workload=touch pages=1024 faults=1000 data=ok cycles=9 fault_cycles=5 ops=1024"
bad reaccess-faults "result workload=reaccess pages=1024 faults=512 data=ok cycles=9 fault_cycles=5 ops=4096"
bad place-differs "BENCH workload=touch pages=10 mode=linux place=bare status=0 faults=10 data=ok cycles=9 fault_cycles=5 ops=10
BENCH workload=touch pages=10 mode=linux place=pfvmm status=0 faults=20 data=ok cycles=9 fault_cycles=5 ops=10"
exit 0
