#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh - run the in-VM tests (busybox sh, inside scripts/vm-run).
#
#   sh run-all.sh [GLOB]        default GLOB: t-*.sh (the VT-x tests);
#                               q-*.sh are the no-VMX (QEMU) tests,
#                               s-*.sh the VT-x tests of the 2-CPU boot
#
# Each test is a shell script in this directory; exit 0 means it passed.
# The runner prints "RUN name" before and exactly one "PASS name" or
# "FAIL name" after each test, and on
# failure the test's output (indented, so it never looks like a result line)
# and the kernel log it produced.  A test runs in its own session with a timeout
# (TEST_TIMEOUT seconds, default 300); on timeout its whole session is
# killed.  Finally the kernel log written since the start is checked for
# BUG:/WARNING:/Oops, which is itself a test: "dmesg-clean".
# Exit status: the number of failures (capped at 100).

cd "$(dirname "$0")" || exit 100
. ./lib.sh	# indent, dmesg_since
glob=${1:-t-*.sh}
timeout=${TEST_TIMEOUT:-300}
logdir=${TMPDIR:-/tmp}/run-all.$$
mkdir -p "$logdir"

passed=0
failed=0
failed_names=

# A mark in the kernel log: only what follows it counts for dmesg-clean.
mark="pfvmm-run-all: start $$ $(date +%s)"
echo "$mark" >/dev/kmsg 2>/dev/null

result() {	# result PASS|FAIL name
	echo "$1 $2"
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names="$failed_names $2"
	fi
}

# dmesg_tail N: the last N new kernel log lines, indented.
dmesg_tail() {
	echo "    dmesg since the tests started (last $1 lines):"
	dmesg_since "$mark" | tail -n "$1" | indent
}

# run_one script: run it in a new session, kill the session on timeout.
# Sets $rc (124 on timeout) and leaves the output in $log.
run_one() {
	log=$logdir/$(basename "$1" .sh).log
	setsid sh "./$1" >"$log" 2>&1 </dev/null &
	pid=$!
	waited=0
	while kill -0 "$pid" 2>/dev/null; do
		# A finished but unreaped child still answers kill -0: check ps.
		state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
			"/proc/$pid/status" 2>/dev/null)
		[ "$state" = Z ] && break
		if [ "$waited" -ge "$timeout" ]; then
			echo "run-all: $1 timed out after ${timeout}s, killing it" >>"$log"
			kill -KILL -"$pid" 2>/dev/null
			break
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait "$pid"
	rc=$?
	[ "$waited" -lt "$timeout" ] || rc=124
	# Anything the test left running in its session goes too.
	kill -KILL -"$pid" 2>/dev/null
	return 0
}

found=0
for t in $glob; do
	[ -f "$t" ] || continue
	found=$((found + 1))
	name=$(basename "$t" .sh)
	# If the guest kernel dies during a test, this names the culprit.
	echo "RUN $name"
	start=$(date +%s)
	run_one "$t"
	secs=$(($(date +%s) - start))
	if [ "$rc" -eq 0 ]; then
		result PASS "$name"
		echo "    ($name: ${secs}s)"
	else
		result FAIL "$name"
		echo "    $name: exit status $rc after ${secs}s; output:"
		indent <"$log"
		dmesg_tail 25
	fi
done
if [ "$found" -eq 0 ]; then
	echo "run-all: no tests match $glob in $(pwd)"
	result FAIL "run-all-found-tests"
fi

# dmesg-clean: nothing alarming in the kernel log since the mark.
suffix=
[ "$glob" = "t-*.sh" ] || suffix="[$glob]"
bad=$(dmesg_since "$mark" | grep -E 'BUG:|WARNING:|Oops|general protection fault|Call Trace:|kernel BUG|RIP:' )
if [ -z "$bad" ]; then
	result PASS "dmesg-clean$suffix"
else
	result FAIL "dmesg-clean$suffix"
	echo "    kernel log since the tests started has:"
	echo "$bad" | head -n 40 | indent
	dmesg_tail 60
fi

echo "run-all: $passed passed, $failed failed${failed_names:+ (failed:$failed_names)}"
rm -rf "$logdir"
[ "$failed" -le 100 ] || failed=100
exit "$failed"
