#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# linux-run.sh PLACE - the fault benchmark's Linux workloads in one place:
# bench/linux-fault's workloads, then stress-ng's page-fault-heavy
# stressors, each bounded by --ops.  It runs at the root of the file system
# bench/linux-root.sh makes (busybox sh): as the Linux guest's /init under
# pfvmm and KVM (PLACE "guest": the caller knows which VMM it is), and in a
# chroot of the emulated machine's own kernel (PLACE "bare").
#
# Output: one line a run,
#   BENCH mode=linux place=PLACE rep=1 status=S workload=W pages=N faults=F
#         data=ok|BAD cycles=C fault_cycles=T ops=K [bogo_ops=B
#         bogo_ops_per_s=R stressng=VERSION]
# (linux-fault's "result" line; for stress-ng, workload=stress-NAME,
# pages=its --ops, faults and cycles those of the whole stress-ng process
# tree, bogo-ops from its --yaml report; data=ok when it exited 0).
# Around each run a line "@@LF-MARK begin|end W@@" (and 0.2 s of idling):
# where linux-bench.sh reads the VMM's counters.
# Environment (or /linux-run.conf): LF_PAGES (default 4096), LF_FORKS (forkexec rounds, 100),
# LF_STRESS (default "fault:200 vm:50 fork:50": NAME:OPS pairs; vm with
# --vm-bytes 4M --vm-madvise nohugepage --vm-method write64).

PLACE=${1:?usage: linux-run.sh PLACE}
# shellcheck disable=SC1091 # written by bench/linux-root.sh
[ ! -f /linux-run.conf ] || . /linux-run.conf
PAGES=${LF_PAGES:-4096}
FORKS=${LF_FORKS:-100}
STRESS=${LF_STRESS:-fault:200 vm:50 fork:50}
SNGV=$(cat /stress-ng.version 2>/dev/null || echo unknown)
mkdir -p /tmp

# emit STATUS EXTRA: linux-fault's result lines on stdin as BENCH lines
emit() {
	sed -n "s/^result /BENCH mode=linux place=$PLACE rep=1 status=$1 /p" |
		sed "s/\$/$2/"
}

# The same address-space layout in every place and run: with ASLR the
# stack and mmap placement, and so forkexec's and stress-ng's fault counts,
# vary from run to run (forkexec: 3,784 and 3,986 in two pfvmm runs).
aslr=$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null)
echo 0 >/proc/sys/kernel/randomize_va_space 2>/dev/null
trap '[ -z "$aslr" ] || echo "$aslr" >/proc/sys/kernel/randomize_va_space' EXIT

# The CPU features the kernel here picked its page zeroing and copying,
# TLB flushing and FPU switching by, as one row (workload=cpu).
cpu_row() {
	fl=$(grep -m 1 '^flags' /proc/cpuinfo)
	row=
	for x in erms rep_good fsrm pcid invpcid pti xsave avx2 smep smap hypervisor; do
		case " ${fl#*:} " in
		*" $x "*) row="$row $x=1" ;;
		*) row="$row $x=0" ;;
		esac
	done
	echo "BENCH mode=linux place=$PLACE rep=1 status=0 workload=cpu pages=0 data=ok$row"
}
cpu_row

# mark WHAT W: a marker line for linux-bench.sh, which reads the VMM's
# counters when it sees one; the pause lets it do so before we go on (the
# guest idles, the launcher's reader runs).
mark() {
	echo "@@LF-MARK $1 $2@@"
	usleep 200000
}

for w in touch cow remap sparse reaccess exit stosb forkexec; do
	mark begin "$w"
	linux-fault -p "$PAGES" -f "$FORKS" "$w" >/tmp/lf.out 2>&1
	st=$?
	mark end "$w"
	emit "$st" "" </tmp/lf.out
	grep -q '^result ' /tmp/lf.out || {
		echo "linux-run: $w printed no result line (status $st):"
		sed 's/^/    | /' /tmp/lf.out
	}
done

# yaml_of KEY FILE: the first value of "KEY: V" in stress-ng's --yaml report
yaml_of() {
	awk -v k="$1:" '$1 == k { print $2; exit }' "$2"
}

for s in $STRESS; do
	name=${s%%:*}
	ops=${s#*:}
	extra=
	# vm: 4M (its default is 256M), no transparent huge pages (Debian's kernel
	# has them always: the fault count would depend on what is free), one
	# method (with "all", the default, bare took 9,386 faults, the pfvmm
	# guest 8,509 and KVM's 8,511: its methods follow the CPU's features).
	[ "$name" != vm ] || extra="--vm-bytes 4M --vm-madvise nohugepage --vm-method write64"
	rm -f /tmp/sng.yaml
	mark begin "stress-$name"
	# shellcheck disable=SC2086 # $extra: options, one a word
	linux-fault -p "$ops" -n "stress-$name" run -- /usr/bin/stress-ng \
		"--$name" 1 "--$name-ops" "$ops" $extra --timeout 300s --metrics-brief \
		--yaml /tmp/sng.yaml --temp-path /tmp >/tmp/lf.out 2>&1
	st=$?
	mark end "stress-$name"
	bogo=$(yaml_of bogo-ops /tmp/sng.yaml 2>/dev/null)
	rate=$(yaml_of bogo-ops-per-second-real-time /tmp/sng.yaml 2>/dev/null)
	emit "$st" " bogo_ops=${bogo:-none} bogo_ops_per_s=${rate:-none} stressng=$SNGV" </tmp/lf.out
	grep -q '^result ' /tmp/lf.out || {
		echo "linux-run: stress-ng --$name printed no result line (status $st):"
		sed 's/^/    | /' /tmp/lf.out
	}
	[ "$st" -eq 0 ] || sed 's/^/    | stress-ng: /' /tmp/lf.out | tail -n 10
done
exit 0
