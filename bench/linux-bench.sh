#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# linux-bench.sh ROOT.cpio - the fault benchmark's Linux rows, run INSIDE
# the emulated VT-x machine (busybox sh; bench/bench.sh's boot, after
# run-matrix.sh).  ROOT.cpio is bench/linux-root.sh's file system: the
# workloads (bench/linux-fault, stress-ng) and bench/linux-run.sh.  Three
# places, the same programs at the same paths:
#
#   bare   this machine's own kernel, no VMM: ROOT.cpio unpacked and
#          linux-run.sh run in a chroot of it
#   pfvmm  the same kernel (/pfvmm/guest/vmlinuz: Debian's, as this one)
#          booted under pfvmm with ROOT.cpio as its initramfs, whose /init
#          runs linux-run.sh and powers off ("pfvmm run --kernel", native
#          MMU, EPT)
#   kvm    the same guest, kernel, initramfs and launcher devices under
#          Debian's kvm_intel ("pfvmm run --backend kvm")
#
# Output: linux-run.sh's BENCH lines with place=bare|pfvmm|kvm, and for
# each VMM place one line
#   BENCH mode=linux place=P rep=1 status=S workload=boot pages=0 data=ok|BAD
#         init_uptime=SEC done_uptime=SEC guest_s=SEC exits_total=N exit_REASON=N ...
# (the launcher's status, the guest's uptime at /init and at the end, the
# seconds of this machine's time the whole guest run took, and the VM's
# exits by reason over the whole run, from --stats); when a guest did not
# get through its workloads, reason=WHY (spaces as '_') on that line and
# the tail of its console here.  A VMM place's workload lines also carry
# vmm_NAME=N, the change of the VMM's counters over the workload (its run
# and data checks: linux-run.sh's markers): pfvmm's vm_exits and
# pages_pinned, KVM's exits and pf_taken (debugfs); the boot line's are
# those from the launcher's start to /init.  Exit status 0 unless
# the setup failed (a place that fails is in its rows: check-results.py
# judges them).
# Environment: LF_MEM (guest memory, default 288M), LF_TIMEOUT (per guest
# run, seconds of this machine's time, default 150: pfvmm's whole run took
# 40), LF_PLACES (default "bare pfvmm kvm").

ROOT_CPIO=${1:?usage: linux-bench.sh ROOT.cpio}
PFVMM_KO=${PFVMM_KO:-/pfvmm/pfvmm.ko}
PFVMM_ROOT=${PFVMM_ROOT:-/pfvmm}
PFVMM=${PFVMM:-pfvmm}
KERNEL=$PFVMM_ROOT/guest/vmlinuz
MEM=${LF_MEM:-288M}
TMO=${LF_TIMEOUT:-150}
PLACES=${LF_PLACES:-bare pfvmm kvm}
case $ROOT_CPIO in /*) ;; *) ROOT_CPIO=$PWD/$ROOT_CPIO ;; esac
[ -f "$ROOT_CPIO" ] || { echo "linux-bench: $ROOT_CPIO is missing" >&2; exit 1; }

now() { cut -d' ' -f1 /proc/uptime; }

run_bare() {
	r=/tmp/linux-root
	rm -rf "$r" && mkdir -p "$r" || return 1
	(cd "$r" && cpio -id <"$ROOT_CPIO" 2>/dev/null) || {
		echo "linux-bench: could not unpack $ROOT_CPIO" >&2
		return 1
	}
	mount -t proc proc "$r/proc" && mount -t sysfs sysfs "$r/sys" &&
		mount -o bind /dev "$r/dev" || return 1
	echo "linux-bench: bare: linux-run.sh in a chroot of this kernel" >&2
	chroot "$r" /bin/sh /linux-run.sh bare | grep -v '^@@LF-MARK '	# no VMM: no counters
	umount "$r/dev" "$r/sys" "$r/proc"
	rm -rf "$r"
}

# boot_row PLACE STATUS SECONDS OUT: the boot line of a guest run
boot_row() {
	awk -v place="$1" -v st="$2" -v secs="$3" '
	/@@LF-INIT uptime=/ { sub(/.*@@LF-INIT uptime=/, ""); sub(/@@.*/, ""); init = $0; next }
	/@@LF-DONE status=/ { d = $0; sub(/.*@@LF-DONE status=/, "", d); split(d, a, /[ @]/)
	                      done = a[1]; sub(/.*uptime=/, "", d); sub(/@@.*/, "", d); up = d; next }
	$1 == "exits_total" && NF == 2 { stats = stats " exits_total=" $2; next }
	$1 == "exit" && NF == 3 && $3 ~ /^[0-9]+$/ { stats = stats " exit_" $2 "=" $3; next }
	/^BENCH |^$/ { next }
	{ last = $0 }
	END {
		ok = st == 0 && done == "0"
		why = ""
		if (!ok) {
			if (init == "")
				why = "the guest never reached /init"
			else if (done == "")
				why = "the guest did not finish its workloads"
			else
				why = "linux-run.sh exited " done
			why = why ", launcher status " st
			if (last != "")
				why = why ": " last
			gsub(/[ \t=]+/, "_", why)
			gsub(/[^A-Za-z0-9_.,:\/()+-]/, "", why)
			why = " reason=" substr(why, 1, 200)
		}
		printf "BENCH mode=linux place=%s rep=1 status=%s workload=boot pages=0 data=%s", \
			place, st, ok ? "ok" : "BAD"
		printf " init_uptime=%s done_uptime=%s guest_s=%s%s%s\n", \
			init == "" ? "none" : init, up == "" ? "none" : up, secs, stats, why
	}' "$4"
}

# The VMM's counters of a place, read at the guest's markers: pfvmm's
# global ones (exits of all VMs, pages pinned: 16 a first touch of a 64 KiB
# guest-physical group) and KVM's debugfs ones (exits, EPT faults taken).
counters_of() {
	case $1 in
	pfvmm) echo /sys/kernel/pfvmm/vm_exits /sys/kernel/pfvmm/pages_pinned ;;
	kvm) echo /sys/kernel/debug/kvm/exits /sys/kernel/debug/kvm/pf_taken ;;
	esac
}

# read_counters PLACE W begin|end: append "W begin|end NAME=VALUE ..." to
# MARKS (builtins only: no fork while the guest runs; a counter that is
# not there, as KVM's before its first VM, reads 0)
read_counters() {
	vals=
	for f in $(counters_of "$1"); do
		v=
		[ -r "$f" ] && read -r v <"$f"
		vals="$vals ${f##*/}=${v:-0}"
	done
	echo "$2 $3$vals" >>"$MARKS"
}

# mark_counters PLACE: copy stdin to stdout, reading the counters at each
# marker line of linux-run.sh and at /init (the end of workload=boot)
mark_counters() {
	while IFS= read -r line; do
		case $line in
		*@@LF-MARK\ *@@*)
			m=${line#*@@LF-MARK }
			m=${m%%@@*}
			read_counters "$1" "${m#* }" "${m%% *}" ;;
		*@@LF-INIT\ *)
			read_counters "$1" boot end ;;
		esac
		printf '%s\n' "$line"
	done
}

# with_deltas MARKS: BENCH lines on stdin, each with vmm_NAME=DELTA of the
# counters between its workload's begin and end markers
with_deltas() {
	awk -v marks="$1" '
	BEGIN {
		while ((getline l < marks) > 0) {
			n = split(l, a, " ")
			for (i = 3; i <= n; i++) {
				e = index(a[i], "=")
				k = substr(a[i], 1, e - 1)
				v[a[1], a[2], k] = substr(a[i], e + 1)
				if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
			}
		}
	}
	{
		w = $0; sub(/.* workload=/, "", w); sub(/ .*/, "", w)
		extra = ""
		for (i = 1; i <= nk; i++)
			if (((w, "begin", keys[i]) in v) && ((w, "end", keys[i]) in v))
				extra = extra " vmm_" keys[i] "=" v[w, "end", keys[i]] - v[w, "begin", keys[i]]
		print $0 extra
	}'
}

# run_guest PLACE [LAUNCHER-OPTIONS]: linux-run.sh in a Linux guest
run_guest() {
	place=$1
	shift
	out=/tmp/linux-guest-$place.out
	MARKS=$out.marks
	rm -f "$MARKS" "$out.st"
	echo "linux-bench: $place: pfvmm run $* --kernel $KERNEL --initrd $(basename "$ROOT_CPIO")" >&2
	t0=$(now)
	read_counters "$place" boot begin
	{
		timeout "$TMO" "$PFVMM" run "$@" --stats --mem "$MEM" --kernel "$KERNEL" \
			--initrd "$ROOT_CPIO" 2>&1 </dev/null
		echo $? >"$out.st"
	} | tr -d '\r' | mark_counters "$place" >"$out"
	st=$(cat "$out.st" 2>/dev/null || echo 255)
	secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	touch "$MARKS"
	grep '^BENCH ' "$out" | sed "s/ place=guest / place=$place /" | with_deltas "$MARKS"
	boot_row "$place" "$st" "$secs" "$out" | with_deltas "$MARKS"
	if ! grep -q '@@LF-DONE status=0' "$out" || [ "$st" -ne 0 ]; then
		echo "linux-bench: $place: status $st, the guest's last lines:" >&2
		grep -v '^BENCH ' "$out" | tail -n 25 | sed 's/^/    | /' >&2
	fi
	rm -f "$out" "$MARKS" "$out.st"
}

pfvmm_loaded=
grep -q '^pfvmm ' /proc/modules && pfvmm_loaded=1
kvm_loaded=
grep -q '^kvm_intel ' /proc/modules && kvm_loaded=1
# shellcheck disable=SC2317 # called by the EXIT trap
restore() {
	[ -n "$pfvmm_loaded" ] || rmmod pfvmm 2>/dev/null
	[ -n "$kvm_loaded" ] || { rmmod kvm_intel; rmmod kvm; rmmod irqbypass; } 2>/dev/null
	return 0
}
trap restore EXIT
trap 'exit 130' INT TERM

for place in $PLACES; do
	case $place in
	bare) run_bare || { echo "linux-bench: the bare place could not be set up" >&2; exit 1; } ;;
	pfvmm)
		[ -n "$pfvmm_loaded" ] || grep -q '^pfvmm ' /proc/modules ||
			insmod "$PFVMM_KO" || echo "linux-bench: insmod $PFVMM_KO failed" >&2
		run_guest pfvmm ;;
	kvm)
		grep -q '^kvm_intel ' /proc/modules || modprobe kvm_intel ||
			echo "linux-bench: modprobe kvm_intel failed" >&2
		run_guest kvm --backend kvm ;;
	*) echo "linux-bench: unknown place $place" >&2; exit 1 ;;
	esac
done
exit 0
