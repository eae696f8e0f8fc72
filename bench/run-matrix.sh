#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-matrix.sh - the fault benchmark matrix, run INSIDE the emulated VT-x
# machine (busybox sh; scripts/vm-run, or tests/vm/t-bench-check.sh): the
# module handling around "pfvmm bench", which runs the matrix itself (the
# same command runs it on a real VT-x host).
#
#   sh run-matrix.sh [-w "WORKLOADS"] [-p "PAGES"] [-m "MODES"] [-r REPS]
#                    [-H "HUGEPAGES"] [-k GUEST.elf]
#
#   -w  workloads of guest/kernel (default: touch cow remap sparse
#       reaccess exit)
#   -p  sizes in pages (default: 1024 4096)
#   -m  modes: native forward offload kvm (default: all four; for kvm,
#       Debian's kvm_intel is loaded beside pfvmm.ko: in Linux 6.1 KVM
#       takes VT-x only while one of its VMs exists, so the two take turns)
#   -r  repetitions of every run (default 1)
#   -H  0: guest memory in 4 KiB host pages, 1: with --hugepages (THP;
#       default: 0 1).  The machine's kernel turns THP off below 512 MiB
#       of RAM ("never"): with 1, THP is set to "madvise" (what
#       --hugepages asks for) for the
#       matrix and put back after
#   -k  the guest (default $PFVMM_ROOT/guest/pvkernel.elf)
#   -n  also these workloads with the L1D flush off (pfvmm's and
#       kvm_intel's vmentry_l1d_flush=never), at 4096 pages (or the first
#       of -p), every mode of -m, their BENCH lines' modes renamed
#       MODE-nol1d: what the faults cost where no flush is needed (a CPU
#       without L1TF; the emulated Haswell has it).  Default: none.
#
# Output: pfvmm bench's, one BENCH line per run on stdout (see
# "pfvmm bench --help") and "bench: run i/n ..." progress on stderr.  Runs
# needing more than 448M of guest memory (the machine has 512M) are
# skipped.  Exit status: the number of failed runs (max 100).  Loads
# pfvmm.ko if it is not loaded; leaves it (and kvm_intel) as found.

PFVMM_KO=${PFVMM_KO:-/pfvmm/pfvmm.ko}
PFVMM_ROOT=${PFVMM_ROOT:-/pfvmm}
PFVMM=${PFVMM:-pfvmm}

W="touch cow remap sparse reaccess exit"
P="1024 4096"
M="native forward offload kvm"
R=1
H="0 1"
K=$PFVMM_ROOT/guest/pvkernel.elf
N=

while [ $# -gt 0 ]; do
	case $1 in
	-w) W=$2; shift ;;
	-p) P=$2; shift ;;
	-m) M=$2; shift ;;
	-r) R=$2; shift ;;
	-H) H=$2; shift ;;
	-k) K=$2; shift ;;
	-n) N=$2; shift ;;
	*) echo "usage: run-matrix.sh [-w WORKLOADS] [-p PAGES] [-m MODES] [-r REPS] [-H HUGEPAGES] [-k GUEST] [-n WORKLOADS]" >&2
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
# shellcheck disable=SC2317 # called by restore
unload_pfvmm() {
	module_loaded || return 0
	rmmod pfvmm || { echo "bench: rmmod pfvmm failed" >&2; return 1; }
	wait_dev absent
}

was_loaded=
module_loaded && was_loaded=1
load_pfvmm || exit 100
# shellcheck disable=SC2317 # called by the EXIT trap
restore() {
	if [ -n "$was_loaded" ]; then load_pfvmm; else unload_pfvmm; fi
}
trap 'restore' EXIT
trap 'exit 130' INT TERM

# For kvm rows: kvm_intel beside pfvmm.ko (removed again at the end if it
# was not loaded before).
kvm_loaded=
grep -q '^kvm_intel ' /proc/modules && kvm_loaded=1
case " $M " in
*" kvm "*)
	if [ -z "$kvm_loaded" ] && ! modprobe kvm_intel; then
		echo "bench: modprobe kvm_intel failed: kvm rows missing" >&2
	fi
	;;
esac
# shellcheck disable=SC2317 # called by the EXIT trap
unload_kvm() {
	[ -n "$kvm_loaded" ] && return 0
	rmmod kvm_intel 2>/dev/null
	rmmod kvm 2>/dev/null
	rmmod irqbypass 2>/dev/null
	return 0
}
trap 'unload_kvm; restore' EXIT

# For hugepages=1 rows: THP in "madvise" mode while the matrix runs.
thp=/sys/kernel/mm/transparent_hugepage/enabled
thp_was=
case " $H " in
*" 1 "*)
	if [ -f "$thp" ]; then
		thp_was=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp")
		echo madvise >"$thp" || echo "bench: cannot set $thp to madvise" >&2
	else
		echo "bench: no transparent huge pages: hugepages=1 rows use 4 KiB pages" >&2
	fi
	;;
esac
# shellcheck disable=SC2317 # called by the EXIT trap
restore_thp() {
	[ -z "$thp_was" ] || echo "$thp_was" >"$thp"
}
trap 'restore_thp; unload_kvm; restore' EXIT


# -n: the same faults without the L1D flush, pfvmm's and KVM's.
PF_L1D=/sys/module/pfvmm/parameters/vmentry_l1d_flush
KVM_L1D=/sys/module/kvm_intel/parameters/vmentry_l1d_flush
nol1d_runs() {
	case " $P " in *" 4096 "*) np=4096 ;; *) np=${P%% *} ;; esac
	[ -w "$PF_L1D" ] || { echo "bench: $PF_L1D is missing: no -nol1d rows" >&2; return 1; }
	kvm_was=$(cat "$KVM_L1D" 2>/dev/null)
	echo never >"$PF_L1D"
	[ -z "$kvm_was" ] || echo never >"$KVM_L1D"
	$PFVMM bench -w "$N" -p "$np" -m "$M" -r "$R" -H "$H" --max-mem 448 "$K" >/tmp/run-matrix.nol1d
	nst=$?
	echo auto >"$PF_L1D"
	[ -z "$kvm_was" ] || echo "$kvm_was" >"$KVM_L1D"
	sed 's/^\(BENCH .* mode=[a-z]*\)/\1-nol1d/' /tmp/run-matrix.nol1d
	return $nst
}

$PFVMM bench -w "$W" -p "$P" -m "$M" -r "$R" -H "$H" --max-mem 448 "$K"
st=$?
if [ -n "$N" ]; then
	nol1d_runs || st=$((st + 1))
fi
exit $st
