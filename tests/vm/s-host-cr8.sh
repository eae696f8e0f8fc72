#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A guest cannot mask its host CPU's interrupts through CR8 (needs 2 CPUs).
# pvkernel probe=cr8 (guest/kernel/tests/probe.c) writes CR8 = 15, reads it back,
# gets #GP for 16, then spins, pinned on CPU 1.  Meanwhile, from CPU 0:
# CPU 1's local timer interrupts (/proc/interrupts LOC) keep coming, and a
# shell loop pinned on CPU 1 keeps making progress; SIGTERM then ends the
# launcher (status 130).  Without CR8 exiting the guest's MOV to CR8 is a
# write to the physical TPR: CPU 1 takes no interrupt of priority class
# <= 15, i.e. none at all, from then on.
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 2 ] || fail "needs 2 CPUs, this machine has $ncpu (boot with --smp 2)"
why=

loc_cpu1() {	# the local timer interrupts CPU 1 has taken
	awk '$1 == "LOC:" { print $3 }' /proc/interrupts
}

migrate -p 1 -- "$PFVMM" run "$K" -- probe=cr8 >/tmp/s-host-cr8.out 2>&1 &
gpid=$!
i=0
while ! grep -q 'spinning=1' /tmp/s-host-cr8.out && [ "$i" -lt 300 ]; do
	usleep 100000
	i=$((i + 1))
done
grep -q '^result probe=cr8 failed=0' /tmp/s-host-cr8.out ||
	why="$why probe: $(grep -m1 'wrong\|result' /tmp/s-host-cr8.out)"
loc0=$(loc_cpu1)
# shellcheck disable=SC2016 # the inner sh expands them
loop=$(migrate -p 1 -- sh -c 'i=0; end=$(($(date +%s) + 2))
	while [ "$(date +%s)" -lt "$end" ]; do i=$((i + 1)); done; echo "$i"' 2>/dev/null)
loc1=$(loc_cpu1)
echo "host-cr8: CPU 1 local timer interrupts $loc0 -> $loc1, a loop pinned there made ${loop:-no} iterations"
[ "${loc1:-0}" -gt "${loc0:-0}" ] || why="$why CPU 1 took no timer interrupt"
[ "${loop:-0}" -gt 0 ] || why="$why the loop pinned on CPU 1 made no progress"

lpid=$(pgrep -P "$gpid" 2>/dev/null | head -n 1)
[ -n "$lpid" ] || lpid=$(ps -o pid,ppid | awk -v p="$gpid" '$2 == p { print $1 }' | head -n 1)
kill -TERM "$lpid" 2>/dev/null
i=0
while kill -0 "$gpid" 2>/dev/null && [ "$i" -lt 50 ]; do
	usleep 100000
	i=$((i + 1))
done
if kill -0 "$gpid" 2>/dev/null; then
	why="$why the launcher outlived SIGTERM by 5 s"
	kill -KILL "$lpid" 2>/dev/null
fi
wait "$gpid"
st=$?
[ "$st" -eq 130 ] || why="$why status=$st(want 130)"
if [ -n "$why" ]; then
	show /tmp/s-host-cr8.out
	fail "$why"
fi
exit 0
