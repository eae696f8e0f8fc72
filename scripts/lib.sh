# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2154 # $out, $results, $t0: the caller's
#
# lib.sh - helpers of the host-side harness (sourced by check.sh,
# check-debug.sh, selftest.sh and lint.sh; POSIX sh, bash alike).  The
# in-VM tests have their own, tests/vm/lib.sh: the emulated machine gets
# tests/vm/ only.
#
# Result lines are "PASS name", "FAIL name" and "SKIP name (why)".  A run
# that keeps them in files (make check, make check-debug) sets $out (the
# directory) and $results (the files' ending: $out/*.$results), and $t0
# (its start, date +%s) for finish.

indent() {	# indent: stdin indented, so that it never looks like a result line
	sed 's/^/    | /'
}

secs() {	# secs T: the seconds since T (date +%s), as "Ns"
	echo "$(( $(date +%s) - $1 ))s"
}

# report NAME STATUS LOGFILE [NOTE]: the result line of one part ("PASS
# NAME (NOTE)" when STATUS is 0, else FAIL), also into $out/NAME.$results;
# on failure the last 30 lines of LOGFILE under it.
report() {
	if [ "$2" -eq 0 ]; then
		echo "PASS $1${4:+ ($4)}" | tee "$out/$1.$results"
	else
		echo "FAIL $1${4:+ ($4)}" | tee "$out/$1.$results"
		echo "    $1: status $2; last lines of $3:"
		tail -n 30 "$3" | indent
	fi
}

# hung_test CONSOLE: "FAIL NAME (the guest hung or died during it)" for the
# in-VM test whose "RUN NAME" line in CONSOLE has no result line after it
hung_test() {
	awk '/^RUN / { n = $2 } /^(PASS|FAIL) / && $2 == n { n = "" }
	     END { if (n != "") print "FAIL " n " (the guest hung or died during it)" }' "$1"
}

# finish WHAT: the closing lines of the run WHAT ("make check"), from every
# result line in $out/*.$results: the skipped ones with their reasons, the
# names of the failed ones, and last "N passed, M failed, K skipped".
# Exits 0 when nothing failed.
finish() {
	_p=$(cat "$out"/*."$results" 2>/dev/null | grep -c '^PASS ')
	_f=$(cat "$out"/*."$results" 2>/dev/null | grep -c '^FAIL ')
	# SKIP: a test this host cannot run (the line says why); not a failure.
	_s=$(cat "$out"/*."$results" 2>/dev/null | grep -c '^SKIP ')
	echo "== $1 finished in $(secs "$t0") (logs: $out/)"
	if [ "$_s" -gt 0 ]; then
		echo "skipped:"
		cat "$out"/*."$results" | sed -n 's/^SKIP /    /p'
	fi
	if [ "$_f" -gt 0 ]; then
		echo "failed:$(cat "$out"/*."$results" | sed -n 's/^FAIL \([^ ]*\).*/\1/p' | tr '\n' ' ')"
	fi
	echo "$_p passed, $_f failed, $_s skipped"
	[ "$_f" -eq 0 ]
	exit
}
