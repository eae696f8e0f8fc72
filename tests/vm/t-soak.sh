#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Soak and leaks: SOAK_CYCLES (default 200) create/run/destroy cycles of
# short guests, mixed: pvkernel touch/cow/sparse in native, forward and
# offload mode, hello, and every 8th cycle a spinning guest killed with
# SIGKILL mid-run.  Then:
#  - the module's live counters (/sys/kernel/pfvmm/vms_live, vcpus_live,
#    pages_pinned, ept_tables, pool_frames) are all back at 0;
#  - memory, measured after 8 warm-up cycles and again at the end (no VM
#    alive, module still loaded): MemAvailable has not dropped by more than
#    SOAK_MEM_KB (default 2048 KiB, about 2.5 pages a cycle) and
#    SUnreclaim has not grown by more than SOAK_SLAB_KB (default 512 KiB);
#  - rmmod succeeds.
# Every guest run must succeed (data=ok, status 0; 137 for the killed ones).
. ./lib.sh
was_loaded=
module_loaded && was_loaded=1
need_module

K=$GUESTS/pvkernel.elf
S=/sys/kernel/pfvmm
cycles=${SOAK_CYCLES:-200}
mem_tol=${SOAK_MEM_KB:-2048}
slab_tol=${SOAK_SLAB_KB:-512}
out=/tmp/t-soak.out
bad=0

meminfo() {	# meminfo FIELD: its value in kB
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

live() {	# the live counters, "name=value ..."
	for f in vms_live vcpus_live pages_pinned ept_tables pool_frames; do
		printf '%s=%s ' "$f" "$(cat "$S/$f" 2>/dev/null || echo missing)"
	done
}

# cycle N: one create/run/destroy of the N-th kind; 0 if it went right
cycle() {
	case $(($1 % 8)) in
	0) $PFVMM run "$GUESTS/spin.elf" >"$out" 2>&1 &
	   p=$!
	   usleep 300000
	   kill -9 "$p"
	   wait "$p" 2>/dev/null	# no "Killed" from the shell
	   [ $? -eq 137 ] ;;
	1) $PFVMM run "$GUESTS/hello.elf" >"$out" 2>&1 ;;
	2) $PFVMM run --mode native "$K" -- workload=touch pages=32 >"$out" 2>&1 &&
	   [ "$(field data "$out")" = ok ] ;;
	3) $PFVMM run --mode forward "$K" -- workload=cow pages=32 >"$out" 2>&1 &&
	   [ "$(field data "$out")" = ok ] ;;
	4) $PFVMM run --mode offload "$K" -- workload=touch pages=32 >"$out" 2>&1 &&
	   [ "$(field data "$out")" = ok ] ;;
	5) $PFVMM run --mode offload "$K" -- workload=sparse pages=8 >"$out" 2>&1 &&
	   [ "$(field data "$out")" = ok ] ;;
	6) $PFVMM run --mode forward "$K" -- workload=sparse pages=8 >"$out" 2>&1 &&
	   [ "$(field data "$out")" = ok ] ;;
	7) $PFVMM run --mode offload "$K" -- workload=cow pages=32 pool=8 >"$out" 2>&1 &&
	   [ "$(field data "$out")" = ok ] ;;
	esac
}

snapshot() {	# sets avail, sunrec
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	sleep 1
	avail=$(meminfo MemAvailable)
	sunrec=$(meminfo SUnreclaim)
}

i=0
while [ "$i" -lt 8 ]; do
	cycle "$i" || { show "$out"; fail "warm-up cycle $i failed"; }
	i=$((i + 1))
done
snapshot
avail0=$avail sunrec0=$sunrec
echo "soak: after warm-up: MemAvailable $avail0 kB, SUnreclaim $sunrec0 kB, $(live)"

t0=$(date +%s)
i=0
nfail=0
while [ "$i" -lt "$cycles" ]; do
	if ! cycle "$i"; then
		nfail=$((nfail + 1))
		echo "soak: cycle $i (kind $((i % 8))) failed:"
		show "$out"
	fi
	i=$((i + 1))
done
secs=$(($(date +%s) - t0))
# A killed launcher's fds may be released just after it is reaped.
n=0
while [ "$(cat $S/vms_live)" != 0 ] && [ "$n" -lt 10 ]; do
	sleep 1
	n=$((n + 1))
done
snapshot
lv=$(live)
echo "soak: $cycles cycles in ${secs}s ($nfail failed), $((cycles / 8)) killed with SIGKILL"
echo "soak: after: MemAvailable $avail kB ($((avail - avail0)) kB), SUnreclaim $sunrec kB (+$((sunrec - sunrec0)) kB), $lv"
[ "$nfail" -eq 0 ] || bad=$((bad + 1))
for f in vms_live vcpus_live pages_pinned ept_tables pool_frames; do
	v=$(cat "$S/$f" 2>/dev/null)
	[ "$v" = 0 ] || { echo "soak: $f is ${v:-missing}, want 0"; bad=$((bad + 1)); }
done
if [ $((avail0 - avail)) -gt "$mem_tol" ]; then
	echo "soak: MemAvailable dropped by $((avail0 - avail)) kB (tolerance $mem_tol kB)"
	bad=$((bad + 1))
fi
if [ $((sunrec - sunrec0)) -gt "$slab_tol" ]; then
	echo "soak: SUnreclaim grew by $((sunrec - sunrec0)) kB (tolerance $slab_tol kB)"
	grep -E '^(kmalloc|pfvmm)' /proc/slabinfo 2>/dev/null | head -n 20
	bad=$((bad + 1))
fi
unload_module
echo "soak: rmmod ok; after rmmod MemAvailable $(meminfo MemAvailable) kB"
[ -z "$was_loaded" ] || load_module
[ "$bad" -eq 0 ] || fail "$bad soak check(s) went wrong"
exit 0
