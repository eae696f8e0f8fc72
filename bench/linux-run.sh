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
# Environment (or /linux-run.conf): LF_PAGES (default 4096), LF_FORKS (forkexec rounds, 100),
# LF_STRESS (default "fault:200 vm:50 fork:50": NAME:OPS pairs; vm with
# --vm-bytes 4M).

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

for w in touch cow remap sparse reaccess exit forkexec; do
	linux-fault -p "$PAGES" -f "$FORKS" "$w" >/tmp/lf.out 2>&1
	st=$?
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
	[ "$name" != vm ] || extra="--vm-bytes 4M"	# its default: 256M
	rm -f /tmp/sng.yaml
	# shellcheck disable=SC2086 # $extra: options, one a word
	linux-fault -p "$ops" -n "stress-$name" run -- /usr/bin/stress-ng \
		"--$name" 1 "--$name-ops" "$ops" $extra --timeout 300s --metrics-brief \
		--yaml /tmp/sng.yaml --temp-path /tmp >/tmp/lf.out 2>&1
	st=$?
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
