# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# lib.sh - helpers for the in-VM test scripts (sourced, busybox sh), and the
# one reader of what guests and tools print (below: field, stat_of, ...).
#
# Conventions: a test exits 0 on success; on failure it says why (fail
# prints to stderr and exits 1).  A test leaves the module as it found it:
# need_module loads pfvmm.ko if it is not loaded and the EXIT trap unloads
# it again.  Never print lines starting with PASS or FAIL: run-all.sh and
# "make check" count those.

PFVMM_KO=${PFVMM_KO:-/pfvmm/pfvmm.ko}
PFVMM_ROOT=${PFVMM_ROOT:-/pfvmm}
# shellcheck disable=SC2034 # for the tests that source this
GUESTS=$PFVMM_ROOT/guest
PFVMM=${PFVMM:-pfvmm}

fail() {
	echo "test failed: $*" >&2
	exit 1
}

module_loaded() {
	grep -q '^pfvmm ' /proc/modules
}

# wait_for COND_CMD...: retry for up to 5 s (device nodes appear via devtmpfs)
wait_for() {
	i=0
	while ! "$@"; do
		i=$((i + 1))
		[ "$i" -lt 50 ] || return 1
		usleep 100000
	done
}

load_module() {
	insmod "$PFVMM_KO" || fail "insmod $PFVMM_KO failed (status $?)"
	wait_for test -c /dev/pfvmm || fail "/dev/pfvmm did not appear after insmod"
}

unload_module() {
	rmmod pfvmm || fail "rmmod pfvmm failed (status $?)"
	wait_for test ! -e /dev/pfvmm || fail "/dev/pfvmm still exists after rmmod"
}

_lib_loaded_here=
_lib_cleanup() {
	st=$?
	if [ -n "$_lib_loaded_here" ] && module_loaded; then
		rmmod pfvmm 2>/dev/null || echo "cleanup: rmmod pfvmm failed" >&2
	fi
	exit "$st"
}

# need_module: make sure pfvmm is loaded; unload at exit if we loaded it.
need_module() {
	if ! module_loaded; then
		load_module
		_lib_loaded_here=1
		trap _lib_cleanup EXIT
	fi
	test -c /dev/pfvmm || fail "pfvmm is loaded but /dev/pfvmm is missing"
}

# expect_hello FILE: the hello guest's line is in FILE.
expect_hello() {
	grep -q 'Hello from pfvmm guest' "$1" ||
		fail "no 'Hello from pfvmm guest' line in the output of $2"
}

show() {	# show FILE: print a file's content for the log
	sed 's/^/  > /' "$1"
}

indent() {	# indent: stdin indented, so that it never looks like a result line
	sed 's/^/    | /'
}

# run_counted LOG CMD...: run CMD with its output in LOG, print that
# output indented, and count a nonzero status in $bad with a line saying so
run_counted() {
	_rc_log=$1
	shift
	"$@" >"$_rc_log" 2>&1
	_rc_st=$?
	indent <"$_rc_log"
	if [ "$_rc_st" -ne 0 ]; then
		echo "$*: status $_rc_st"
		bad=$((bad + 1))
	fi
}

# dmesg_since MARK: the kernel log after the line holding MARK (a test or
# the runner writes MARK to /dev/kmsg first)
dmesg_since() {
	dmesg | awk -v m="$1" 'index($0, m) { on = 1; next } on'
}

# live_counters_zero: once no VM is left, every live counter of
# /sys/kernel/pfvmm is 0; prints each, returns how many are not
live_counters_zero() {
	_bad=0
	for _c in vms_live vcpus_live pages_pinned ept_tables pool_frames; do
		_v=$(cat "/sys/kernel/pfvmm/$_c")
		echo "live $_c=$_v"
		[ "$_v" = 0 ] || { echo "/sys/kernel/pfvmm/$_c is $_v after the VM went (want 0)"; _bad=$((_bad + 1)); }
	done
	return "$_bad"
}

# kernel_log_clean MARK [ERE]: no BUG, WARNING, Oops or general protection
# fault (nor a line matching ERE) in the kernel log since MARK; prints the
# log and returns 1 if there is one
kernel_log_clean() {
	_log=$(dmesg_since "$1")
	echo "$_log" | grep -E -q "BUG:|WARNING:|Oops|general protection${2:+|$2}" || return 0
	echo "the kernel log has a splat:"
	echo "$_log" | sed 's/^/  > /'
	return 1
}

# ---- what guests and tools print ----
# A guest reports on one line "result k=v k=v ..." (pvkernel: workload=W
# mode=M pages=N faults=F offloaded=O data=ok cycles=C ...); "pfvmm run
# --stats" adds "exit NAME COUNT", "hypercall NAME COUNT" and "NAME COUNT"
# lines; migrate ends with "migrate: flips=N moved=M cpus=A,B status=S".

# kv_field PREFIX NAME FILE: the value of NAME=... on the first line of FILE
# that starts with PREFIX and has it ("" when none does)
kv_field() {
	awk -v p="$1" -v k="$2=" 'index($0, p) == 1 {
		for (i = 1; i <= NF; i++)
			if (index($i, k) == 1) { print substr($i, length(k) + 1); exit }
	}' "$3"
}

field() {	# field NAME FILE: the value of NAME=... on the result line
	kv_field 'result ' "$1" "$2"
}

stat_of() {	# stat_of KIND NAME FILE: a --stats counter, 0 if absent
	awk -v k="$1" -v n="$2" '$1 == k && $2 == n { v = $3 } END { print v + 0 }' "$3"
}

stat1() {	# stat1 NAME FILE: a one-word --stats counter, 0 if absent
	awk -v n="$1" 'NF == 2 && $1 == n { v = $2 } END { print v + 0 }' "$2"
}

# run_why FILE STATUS [FAULTS]: what is wrong with a guest's run, "" when
# nothing: STATUS is 0, the result line says data=ok and, with FAULTS,
# faults=FAULTS.
run_why() {
	_why=
	[ "$2" -eq 0 ] || _why="$_why status=$2"
	_v=$(field data "$1")
	[ "$_v" = ok ] || _why="$_why data=${_v:-none}"
	if [ -n "${3:-}" ]; then
		_v=$(field faults "$1")
		[ "$_v" = "$3" ] || _why="$_why faults=${_v:-none}(want $3)"
	fi
	echo "$_why"
}

# hostile_run TEST MODE CASES MIN: pvkernel.elf hostile=CASES with --stats
# --mode MODE, its output shown (a line "hostile CASE ... PASS|FAIL" a
# case); returns 1, after "TEST hostile=CASES: ...: wrong", unless it ended
# with status 0, no case failed and at least MIN passed.
hostile_run() {
	_out=/tmp/$1.hostile-$3.out
	$PFVMM run --stats --mode "$2" "$GUESTS/pvkernel.elf" -- hostile="$3" >"$_out" 2>&1
	_st=$?
	show "$_out"
	_n=$(grep -c '^hostile .* PASS$' "$_out")
	if [ "$_st" -ne 0 ] || grep -q '^hostile .* FAIL$' "$_out" || [ "$_n" -lt "$4" ]; then
		echo "$1 hostile=$3: status $_st, $_n cases passed (want $4): wrong"
		return 1
	fi
}

want_faults() {	# want_faults WORKLOAD PAGES: the faults pvkernel's WORKLOAD takes
	case $1 in
	touch | cow | sparse) echo "$2" ;;
	remap) echo $(($2 * 2)) ;;
	reaccess) echo 0 ;;
	esac
}
