# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - helpers for the in-VM test scripts (sourced, busybox sh).
#
# Conventions: a test exits 0 on success; on failure it says why (fail
# prints to stderr and exits 1).  A test leaves the module as it found it:
# need_module loads pfvmm.ko if it is not loaded and the EXIT trap unloads
# it again.  Never print lines starting with PASS or FAIL: run-all.sh and
# "make check" count those.

PFVMM_KO=${PFVMM_KO:-/pfvmm/pfvmm.ko}
PFVMM_ROOT=${PFVMM_ROOT:-/pfvmm}
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
