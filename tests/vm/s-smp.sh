#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# SMP (needs 2 CPUs: make check runs s-*.sh in a Bochs boot with smp=2).
#  - migration: the launcher's threads (the vCPU thread included) are moved
#    between CPU 0 and CPU 1 every 3 ms by "migrate" while pvkernel runs
#    touch and cow (4096 pages) in native, forward and offload mode: each
#    ends with data=ok and the right fault count, and the threads were
#    seen on both CPUs, on the new one after at least 10 flips (the module must VMCLEAR on the old CPU, VMPTRLD on the new one
#    and fix the per-CPU host state);
#  - the same with --hugepages (forward, offload touch): 2 MiB EPT leaves
#    split by the guest's table pins while the thread migrates, data=ok,
#    ept_splits >= 1;
#  - two guests at once, one pinned on each CPU: both data=ok;
#  - a guest spinning forever on CPU 0 does not stall CPU 0: a shell loop
#    pinned there too still makes progress (at least 10% of what it makes
#    alone), and SIGTERM ends the launcher within 3 s (status 130).
. ./lib.sh
need_module

K=$GUESTS/pvkernel.elf
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 2 ] || fail "needs 2 CPUs, this machine has $ncpu (boot with --smp 2)"
command -v migrate >/dev/null || fail "migrate (tests/vm/migrate.c) is not staged"
bad=0

mfield() {	# mfield NAME FILE: a value of migrate's summary line
	kv_field 'migrate: ' "$1" "$2"
}

# guest_ok FILE STATUS PAGES: "ok" or what is wrong with the run
guest_ok() {
	why=$(run_why "$1" "$2" "$3")
	echo "${why:-ok}"
}

# ---- migration every 5 ms ----
for mode in native forward offload; do
	for w in touch cow; do
		out=/tmp/s-smp.$mode.$w.out
		t0=$(date +%s)
		migrate -i 3 -- "$PFVMM" run --mem 64M --mode "$mode" "$K" -- \
			workload=$w pages=4096 >"$out" 2>&1
		st=$?
		secs=$(($(date +%s) - t0))
		why=$(guest_ok "$out" "$st" 4096)
		flips=$(mfield flips "$out")
		moved=$(mfield moved "$out")
		cpus=$(mfield cpus "$out")
		[ "${moved:-0}" -ge 10 ] || why="${why#ok} moved=${moved:-none}(want >= 10)"
		[ "$cpus" = 0,1 ] || why="${why#ok} cpus=${cpus:-none}(want 0,1)"
		echo "smp migrate $mode $w pages=4096 flips=${flips:--} moved=${moved:--} cpus=${cpus:--} ${secs}s: ${why:-ok}"
		if [ "$why" != ok ]; then
			show "$out"
			bad=$((bad + 1))
		fi
	done
done

# ---- migration with 2 MiB EPT leaves ----
# --hugepages: the pv guest's first table pins split the 2 MiB leaves it
# runs in (the split flushes every CPU) while the vCPU thread keeps
# moving between the CPUs: the data stays right and splits happened.
thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -f "$thp" ]; then
	thp_was=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp")
	echo madvise >"$thp"
	for mode in forward offload; do
		out=/tmp/s-smp.huge.$mode.out
		migrate -i 3 -- "$PFVMM" run --stats --hugepages --mem 64M --mode "$mode" "$K" -- \
			workload=touch pages=4096 >"$out" 2>&1
		why=$(guest_ok "$out" "$?" 4096)
		splits=$(stat1 ept_splits "$out")
		moved=$(mfield moved "$out")
		[ "$splits" -ge 1 ] || why="${why#ok} ept_splits=$splits(want >= 1)"
		[ "${moved:-0}" -ge 10 ] || why="${why#ok} moved=${moved:-none}(want >= 10)"
		echo "smp migrate hugepages $mode touch pages=4096 ept_leaves_2m=$(stat1 ept_leaves_2m "$out") ept_splits=$splits moved=${moved:--}: ${why:-ok}"
		if [ "$why" != ok ]; then
			show "$out"
			bad=$((bad + 1))
		fi
	done
	echo "$thp_was" >"$thp"
else
	echo "smp migrate hugepages: skipped, no transparent huge pages ($thp)"
fi

# ---- two guests, one per CPU ----
migrate -p 0 -- "$PFVMM" run --mode forward "$K" -- workload=cow pages=2048 \
	>/tmp/s-smp.pin0.out 2>&1 &
p0=$!
migrate -p 1 -- "$PFVMM" run --mode offload "$K" -- workload=touch pages=2048 \
	>/tmp/s-smp.pin1.out 2>&1 &
p1=$!
pinned_check() {	# pinned_check CPU PID: the verdict on the guest pinned on CPU
	wait "$2"
	st=$?
	why=$(guest_ok "/tmp/s-smp.pin$1.out" "$st" 2048)
	echo "smp pinned guest on cpu $1: $why"
	if [ "$why" != ok ]; then
		show "/tmp/s-smp.pin$1.out"
		bad=$((bad + 1))
	fi
}
pinned_check 0 "$p0"
pinned_check 1 "$p1"

# ---- a spinning guest does not stall its CPU ----
# count_loop SECS: iterations of a shell loop pinned on CPU 0 in SECS s
count_loop() {
	# shellcheck disable=SC2016 # the inner sh expands them
	migrate -p 0 -- sh -c 'i=0; end=$(($(date +%s) + '"$1"'))
		while [ "$(date +%s)" -lt "$end" ]; do i=$((i + 1)); done; echo "$i"' \
		2>/dev/null
}
alone=$(count_loop 2)
migrate -p 0 -- "$PFVMM" run "$GUESTS/spin.elf" >/tmp/s-smp.spin.out 2>&1 &
spid=$!
sleep 1
with=$(count_loop 2)
kill -0 "$spid" 2>/dev/null || {
	show /tmp/s-smp.spin.out
	fail "the spinning guest ended on its own"
}
# migrate forwards nothing: signal the launcher itself.
lpid=$(pgrep -P "$spid" 2>/dev/null | head -n 1)
[ -n "$lpid" ] || lpid=$(ps -o pid,ppid | awk -v p="$spid" '$2 == p { print $1 }' | head -n 1)
t0=$(date +%s)
kill -TERM "$lpid"
i=0
while kill -0 "$spid" 2>/dev/null && [ "$i" -lt 30 ]; do
	usleep 100000
	i=$((i + 1))
done
wait "$spid"
st=$?
why=
[ "$i" -lt 30 ] || why="$why still running 3 s after SIGTERM"
[ "$st" -eq 130 ] || why="$why status=$st(want 130)"
[ "$((with * 10))" -ge "$alone" ] || why="$why loop made $with iterations next to the spinner, $alone alone"
echo "smp spin on cpu 0: loop alone=$alone beside-spinner=$with, SIGTERM -> exit in ~$((i * 100)) ms status $st: ${why:-ok}"
if [ -n "$why" ]; then
	kill -KILL "$lpid" 2>/dev/null
	show /tmp/s-smp.spin.out
	bad=$((bad + 1))
fi

[ "$bad" -eq 0 ] || fail "$bad SMP check(s) went wrong"
exit 0
