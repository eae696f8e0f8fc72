#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-matrix.sh - the fault benchmark matrix, run INSIDE the emulated VT-x
# machine (busybox sh; scripts/vm-run, or tests/vm/t-bench-check.sh).
#
#   sh run-matrix.sh [-w "WORKLOADS"] [-p "PAGES"] [-m "MODES"] [-r REPS]
#                    [-k GUEST.elf]
#
#   -w  workloads of guest/kernel (default: touch cow remap sparse reaccess,
#       plus exit when the guest has the workload=exit micro-benchmark)
#   -p  sizes in pages (default: 1024 4096)
#   -m  modes: native forward offload kvm (default: all four; kvm only when
#       "pfvmm run --help" lists --backend, i.e. the launcher has the KVM
#       backend: then pfvmm.ko is unloaded, Debian's kvm_intel loaded, the
#       native guest run with --backend kvm, kvm_intel unloaded and pfvmm.ko
#       reloaded)
#   -r  repetitions of every run (default 1)
#   -k  the guest (default $PFVMM_ROOT/guest/pvkernel.elf)
#
# Output, one line per run on stdout (every --stats counter of the run;
# absent counters are zero):
#   BENCH workload=W pages=N mode=M rep=R status=S mem=SIZE faults=F
#         offloaded=K data=ok cycles=C exits_total=E hc_total=H
#         exit_EXCEPTION_NMI=.. exit_VMCALL=.. hc_mmu_update=.. pf_offloaded=..
# and "bench: run i/n workload mode pages" progress lines on stderr.  A
# workload or mode that is not available is reported on stderr as
# "bench: skip ..." and left out.  A failed run still gets its BENCH line
# (status != 0, data=none when the guest printed no result) and the run's
# output goes to stderr.  Exit status: the number of failed runs (max 100).
# Loads pfvmm.ko if it is not loaded; leaves it as found.

PFVMM_KO=${PFVMM_KO:-/pfvmm/pfvmm.ko}
PFVMM_ROOT=${PFVMM_ROOT:-/pfvmm}
PFVMM=${PFVMM:-pfvmm}

W="touch cow remap sparse reaccess exit"
P="1024 4096"
M="native forward offload kvm"
R=1
K=$PFVMM_ROOT/guest/pvkernel.elf
w_given=

while [ $# -gt 0 ]; do
	case $1 in
	-w) W=$2; w_given=1; shift ;;
	-p) P=$2; shift ;;
	-m) M=$2; shift ;;
	-r) R=$2; shift ;;
	-k) K=$2; shift ;;
	*) echo "usage: run-matrix.sh [-w WORKLOADS] [-p PAGES] [-m MODES] [-r REPS] [-k GUEST]" >&2
	   exit 100 ;;
	esac
	shift
done
[ -f "$K" ] || { echo "bench: $K is missing" >&2; exit 100; }

module_loaded() { grep -q '^pfvmm ' /proc/modules; }
wait_dev() {	# wait_dev present|absent
	i=0
	while :; do
		if [ "$1" = present ]; then test -c /dev/pfvmm && return 0
		else test ! -e /dev/pfvmm && return 0; fi
		i=$((i + 1))
		[ "$i" -lt 50 ] || return 1
		usleep 100000
	done
}
load_pfvmm() {
	module_loaded && return 0
	insmod "$PFVMM_KO" || { echo "bench: insmod $PFVMM_KO failed" >&2; return 1; }
	wait_dev present
}
unload_pfvmm() {
	module_loaded || return 0
	rmmod pfvmm || { echo "bench: rmmod pfvmm failed" >&2; return 1; }
	wait_dev absent
}

was_loaded=
module_loaded && was_loaded=1
load_pfvmm || exit 100
restore() {
	if [ -n "$was_loaded" ]; then load_pfvmm; else unload_pfvmm; fi
}
trap 'restore' EXIT
trap 'exit 130' INT TERM

# --mem from the workload and size: the data frames (sparse and remap need
# about two frames per page: a page-table page per fault, two faults per
# page) plus 32M for the guest kernel, its tables and the offload pool's
# slack, a multiple of 2M.  Above 448M (the emulated machine has 512M) the
# run is skipped.
mem_for() {	# mem_for WORKLOAD PAGES: "NNNM", or "" when it cannot fit
	case $1 in
	sparse | remap) f=2 ;;
	*) f=1 ;;
	esac
	m=$((($2 * 4 * f + 1023) / 1024 + 32))
	m=$(((m + 1) / 2 * 2))
	[ "$m" -le 448 ] && echo "${m}M"
}

# What is available.
has_kvm=
if $PFVMM run --help 2>&1 | grep -q -- '--backend'; then
	has_kvm=1
fi
has_exit=
case " $W " in
*" exit "*)
	o=/tmp/bench.probe.$$
	if $PFVMM run --mode native "$K" -- workload=exit pages=1 >"$o" 2>&1 &&
	   grep -q '^result workload=exit ' "$o"; then
		has_exit=1
	fi
	rm -f "$o"
	;;
esac

wl=
for w in $W; do
	if [ "$w" = exit ] && [ -z "$has_exit" ]; then
		[ -n "$w_given" ] && echo "bench: skip workload exit: the guest does not have it" >&2
		[ -z "$w_given" ] && echo "bench: skip workload exit: not in this guest (yet)" >&2
		continue
	fi
	wl="$wl $w"
done
ml=
for m in $M; do
	case $m in
	native | forward | offload) ml="$ml $m" ;;
	kvm)
		if [ -n "$has_kvm" ]; then ml="$ml $m"
		else echo "bench: skip mode kvm: the launcher has no --backend" >&2; fi ;;
	*) echo "bench: unknown mode $m" >&2; exit 100 ;;
	esac
done

n=0
for m in $ml; do for w in $wl; do for p in $P; do
	n=$((n + R))
done; done; done

i=0
failed=0

# bench_line MODE WORKLOAD PAGES REP STATUS MEM FILE: the BENCH line of a run
bench_line() {
	awk -v mode="$1" -v w="$2" -v p="$3" -v rep="$4" -v st="$5" -v mem="$6" '
	function put(k, v) { if (!(k in seen)) { order[++nk] = k }; seen[k] = 1; val[k] = v }
	/^result / {
		for (j = 2; j <= NF; j++) {
			e = index($j, "=")
			if (e > 1) put(substr($j, 1, e - 1), substr($j, e + 1))
		}
		next
	}
	$1 == "exit" && NF == 3 && $3 ~ /^[0-9]+$/ { put("exit_" $2, $3); ex += $3; next }
	$1 == "hypercall" && NF == 3 && $3 ~ /^[0-9]+$/ {
		k = $2; if (k !~ /^hc_/) k = "hc_" k
		put(k, $3); hc += $3; next
	}
	NF == 2 && $1 ~ /^[a-z][a-z0-9_]*$/ && $2 ~ /^[0-9]+$/ { put($1, $2); next }
	END {
		line = "BENCH workload=" w " pages=" p " mode=" mode " rep=" rep " status=" st " mem=" mem
		if (!("faults" in seen)) put("faults", "none")
		if (!("data" in seen)) put("data", "none")
		if (!("cycles" in seen)) put("cycles", "none")
		for (j = 1; j <= nk; j++) {
			k = order[j]
			if (k == "workload" || k == "pages" || k == "mode") continue
			line = line " " k "=" val[k]
		}
		if (!("exits_total" in seen)) line = line " exits_total=" ex + 0
		if (!("hc_total" in seen)) line = line " hc_total=" hc + 0
		print line
	}' "$7"
}

run_set() {	# run_set MODE: every workload, size and repetition in MODE
	for w in $wl; do for p in $P; do
		mem=$(mem_for "$w" "$p")
		if [ -z "$mem" ]; then
			echo "bench: skip $w $1 pages=$p: needs more than 448M of guest memory" >&2
			i=$((i + R))
			continue
		fi
		rep=1
		while [ "$rep" -le "$R" ]; do
			i=$((i + 1))
			echo "bench: run $i/$n $w $1 $p" >&2
			out=/tmp/bench.$$.out
			if [ "$1" = kvm ]; then
				$PFVMM run --backend kvm --stats --mode native --mem "$mem" "$K" -- \
					workload="$w" pages="$p" >"$out" 2>&1
			else
				$PFVMM run --stats --mode "$1" --mem "$mem" "$K" -- \
					workload="$w" pages="$p" >"$out" 2>&1
			fi
			st=$?
			bench_line "$1" "$w" "$p" "$rep" "$st" "$mem" "$out"
			if [ "$st" -ne 0 ] || ! grep -q '^result .* data=ok' "$out"; then
				failed=$((failed + 1))
				sed 's/^/bench:   > /' "$out" >&2
			fi
			rm -f "$out"
			rep=$((rep + 1))
		done
	done; done
}

for m in $ml; do
	[ "$m" = kvm ] && continue
	run_set "$m"
done
case " $ml " in
*" kvm "*)
	if unload_pfvmm && modprobe kvm_intel; then
		run_set kvm
	else
		echo "bench: could not switch to kvm_intel: kvm rows missing" >&2
		failed=$((failed + 1))
	fi
	rmmod kvm_intel 2>/dev/null
	rmmod kvm 2>/dev/null
	rmmod irqbypass 2>/dev/null
	load_pfvmm || failed=$((failed + 1))
	;;
esac

[ "$failed" -le 100 ] || failed=100
exit "$failed"
