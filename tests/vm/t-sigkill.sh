#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# SIGKILL mid-run frees everything: a launcher spinning a guest is killed
# with -9, and then rmmod pfvmm succeeds (no leaked VM, vCPU or module
# reference).
. ./lib.sh
[ -f "$GUESTS/spin.elf" ] || fail "$GUESTS/spin.elf missing"
was_loaded=
module_loaded && was_loaded=1
need_module

$PFVMM run "$GUESTS/spin.elf" >/tmp/t-sigkill.out 2>&1 &
pid=$!
sleep 2
kill -0 "$pid" 2>/dev/null || {
	show /tmp/t-sigkill.out
	fail "pfvmm run spin.elf was no longer running after 2 s"
}
kill -9 "$pid"
wait "$pid"
st=$?
[ "$st" -eq 137 ] || fail "killed launcher exited with $st, expected 137 (SIGKILL)"
# The fd release may finish just after the process is reaped.
i=0
until rmmod pfvmm 2>/tmp/t-sigkill.rmmod; do
	i=$((i + 1))
	if [ "$i" -ge 10 ]; then
		cat /tmp/t-sigkill.rmmod >&2
		grep '^pfvmm ' /proc/modules >&2
		fail "rmmod pfvmm still fails 10 s after SIGKILL of the launcher"
	fi
	sleep 1
done
module_loaded && fail "pfvmm still loaded after rmmod"
[ -z "$was_loaded" ] || load_module
exit 0
