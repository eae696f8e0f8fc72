#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fuzzing with fixed seeds and budgets (in the 2-CPU boot of make check,
# so the two ioctl-fuzz threads really race), while a well-behaved guest keeps
# running beside it:
#  - pvkernel fuzz=SEED calls=N (guest/kernel/tests/fuzz.c): random hypercalls in
#    native, forward and offload mode (seeds 1, 2, 3); each guest ends with
#    status 0 and "unexpected=0" (every result was one the ABI allows and
#    the guest's own tables still work afterwards);
#  - ioctl-fuzz -s 42 (tests/vm/ioctl-fuzz.c): random ioctls, mmaps,
#    closes and forks on device, VM and vCPU fds from two threads;
#  - meanwhile a loop of pvkernel workload=cow runs (forward and offload in
#    turn): every one of them ends with data=ok;
#  - the module allocates within bounds meanwhile: sampled every 0.2 s,
#    pages_pinned per live VM never exceeds a guest's memory (32 MiB, 8192
#    pages) and ept_tables per live VM never exceeds what 32 MiB can need
#    (PML4, PDPT, PD and 16 page tables: 19);
#  - afterwards the module's live counters are 0 and the kernel log since
#    the start has no BUG/WARNING/Oops/general protection fault.
# FUZZ_CALLS (default 10000 a mode) and FUZZ_OPS (default 4000 a thread)
# set the budgets.
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
S=/sys/kernel/pfvmm
calls=${FUZZ_CALLS:-10000}
ops=${FUZZ_OPS:-4000}
mark="s-fuzz: start $$ $(date +%s)"
echo "$mark" >/dev/kmsg
bad=0

# The well-behaved guests, one after the other until /tmp/s-fuzz.stop.
rm -f /tmp/s-fuzz.stop /tmp/s-fuzz.good.*
(
	n=0
	while [ ! -e /tmp/s-fuzz.stop ]; do
		m=forward
		[ $((n % 2)) -eq 0 ] || m=offload
		o=/tmp/s-fuzz.good.$n
		$PFVMM run --mode $m "$K" -- workload=cow pages=256 >"$o" 2>&1
		echo "status=$?" >>"$o"
		n=$((n + 1))
	done
) &
good=$!

# Bounds, sampled until /tmp/s-fuzz.stop: "max_pinned_per_vm max_tables_per_vm".
(
	mp=0 mt=0
	while [ ! -e /tmp/s-fuzz.stop ]; do
		v=$(cat $S/vms_live) p=$(cat $S/pages_pinned) t=$(cat $S/ept_tables)
		if [ "$v" -gt 0 ]; then
			[ $((p / v)) -le "$mp" ] || mp=$((p / v))
			[ $((t / v)) -le "$mt" ] || mt=$((t / v))
		fi
		echo "$mp $mt" >/tmp/s-fuzz.bounds
		usleep 200000
	done
) &
sampler=$!

t0=$(date +%s)
seed=1
for mode in native forward offload; do
	out=/tmp/s-fuzz.guest.$mode.out
	$PFVMM run --mode "$mode" "$K" -- fuzz=$seed calls="$calls" >"$out" 2>&1
	st=$?
	sum=$(grep '^fuzz summary:' "$out")
	echo "guest fuzz $mode (status $st): ${sum:-no summary}"
	if [ "$st" -ne 0 ] || ! echo "$sum" | grep -q 'unexpected=0$'; then
		show "$out"
		bad=$((bad + 1))
	fi
	seed=$((seed + 1))
done
echo "guest fuzz: $(($(date +%s) - t0))s"

t0=$(date +%s)
out=/tmp/s-fuzz.ioctl.out
ioctl-fuzz -s 42 -n "$ops" -t 2 -T 120 >"$out" 2>&1
st=$?
grep '^ioctl-fuzz: \|^unexpected' "$out" | sed 's/^/  /'
echo "ioctl fuzz: status $st, $(($(date +%s) - t0))s"
if [ "$st" -ne 0 ]; then
	show "$out"
	bad=$((bad + 1))
fi

touch /tmp/s-fuzz.stop
wait "$good"
wait "$sampler"
read -r mp mt </tmp/s-fuzz.bounds
echo "bounds while fuzzing: at most $mp pinned pages and $mt EPT tables per live VM"
if [ "$mp" -gt 8192 ] || [ "$mt" -gt 19 ]; then
	echo "the module allocated beyond the guests' memory"
	bad=$((bad + 1))
fi
ngood=0
for o in /tmp/s-fuzz.good.*; do
	[ -f "$o" ] || continue
	ngood=$((ngood + 1))
	if ! grep -q '^status=0$' "$o" || [ "$(field data "$o")" != ok ]; then
		echo "well-behaved guest $o went wrong:"
		show "$o"
		bad=$((bad + 1))
	fi
done
echo "well-behaved guests beside the fuzzers: $ngood runs"
[ "$ngood" -ge 2 ] || { echo "fewer than 2 well-behaved runs"; bad=$((bad + 1)); }

n=0
while [ "$(cat $S/vms_live)" != 0 ] && [ "$n" -lt 10 ]; do
	sleep 1
	n=$((n + 1))
done
for f in vms_live vcpus_live pages_pinned ept_tables pool_frames; do
	v=$(cat "$S/$f" 2>/dev/null)
	[ "$v" = 0 ] || { echo "live counter $f is ${v:-missing} after the fuzzers, want 0"; bad=$((bad + 1)); }
done
oops=$(dmesg_since "$mark" | grep -E 'BUG|Oops|WARNING|general protection')
if [ -n "$oops" ]; then
	echo "kernel log after fuzzing:"
	echo "$oops" | head -n 20
	bad=$((bad + 1))
fi
[ "$bad" -eq 0 ] || fail "$bad fuzz check(s) went wrong"
exit 0
