# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# linux.sh - the Linux guest of t-linux-boot.sh and s-linux-kvm.sh (sourced
# after lib.sh): Debian's own 6.1 (.cache/kernel, staged as
# /pfvmm/guest/vmlinuz; also the kernel this machine runs, except under
# make check-debug) with an initramfs made here, run by one backend and
# judged line by line.
#
#   linux_initramfs        $LX_RELEASE (the bzImage's own), and makes
#                          $LX_CPIO: this machine's static busybox,
#                          /pfvmm/bin/linux-fpu and 256 KiB of random data
#                          ($LX_SUM: its sha256, computed here), and an
#                          /init that prints "linux-guest: WHAT VALUE"
#                          lines: the release, CPU count and model, the
#                          data's sha256, linux-fpu's verdict (and that
#                          of linux-fpu -c, which must fail), /proc/uptime
#                          before and after "sleep 2", a line read from
#                          the serial console, then powers off
#   linux_boot OUT ARGS    pfvmm run --stats --mem 224M --kernel ... ARGS
#                          >OUT, with $LX_LINE typed into COM1 once /init
#                          asks for it; $LX_STATUS, $LX_SECS
#   linux_judge OUT WHAT   every line of OUT checked; fails the test with
#                          all that is wrong
#   linux_figures OUT WHAT the boot figures: cycles to /init, the exits
#                          by reason then and at the end (--stats)

LX_KERNEL=$GUESTS/vmlinuz

# lx_indent: indent, with the guest's panic text defused: scripts/vm-run
# takes "Kernel panic - not syncing" on this machine's console (where
# run-all.sh shows a failed test's output) for this kernel's own panic and
# ends the boot.
lx_indent() {
	sed 's/Kernel panic - not syncing/Kernel panic (the guest'"'"'s) - not syncing/' | indent
}
LX_ROOT=/tmp/linux-guest.root
LX_CPIO=/tmp/linux-guest.cpio
LX_LINE="serial line $$ $(date +%s)"

# lx_release: the release the bzImage says it is (the setup header's
# kernel_version at 0x20e points, + 0x200, at "RELEASE (builder) #..."),
# not this machine's uname -r: make check-debug's machine runs another
# kernel than the staged guest.
lx_release() {
	off=$(od -An -tu2 -j 526 -N 2 "$LX_KERNEL" | tr -d ' ')
	dd if="$LX_KERNEL" bs=1 skip=$((off + 512)) count=64 2>/dev/null |
		tr '\000' '\n' | head -n 1 | cut -d' ' -f1
}

linux_initramfs() {
	[ -f "$LX_KERNEL" ] || fail "$LX_KERNEL is missing (scripts/deps.sh fetches it, stage.sh stages it)"
	LX_RELEASE=$(lx_release)
	[ -n "$LX_RELEASE" ] || fail "no kernel_version string in $LX_KERNEL's setup header"
	fpu=$PFVMM_ROOT/bin/linux-fpu
	[ -x "$fpu" ] || fail "$fpu is missing (tests/vm/Makefile builds it)"
	rm -rf "$LX_ROOT"
	mkdir -p "$LX_ROOT/bin" "$LX_ROOT/proc" "$LX_ROOT/tmp"
	cp /bin/busybox "$LX_ROOT/bin/busybox" || fail "no static busybox to put in the initramfs"
	cp "$fpu" "$LX_ROOT/bin/linux-fpu"
	dd if=/dev/urandom of="$LX_ROOT/data" bs=1024 count=256 2>/dev/null ||
		fail "no random data for the initramfs"
	LX_SUM=$(sha256sum "$LX_ROOT/data" | cut -d' ' -f1)
	cat >"$LX_ROOT/init" <<'INIT'
#!/bin/busybox sh
# The boot milestone first: the launcher's --stats figures "to /init".
/bin/linux-fpu -m || echo "linux-guest: milestone failed"
bb=/bin/busybox
say() { echo "linux-guest: $*"; }
$bb mount -t proc proc /proc
say "release $($bb uname -r)"
say "cpus $($bb grep -c ^processor /proc/cpuinfo)"
say "model $($bb sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | $bb head -n 1)"
say "sha256 $($bb sha256sum /data | $bb cut -d' ' -f1)"
/bin/linux-fpu
say "fpu status $?"
c=$(/bin/linux-fpu -c -r 2 -s 64)
say "fpu-c status $? $(echo "$c" | $bb tail -n 1)"
u0=$($bb cut -d' ' -f1 /proc/uptime)
$bb sleep 2
u1=$($bb cut -d' ' -f1 /proc/uptime)
say "uptime $u0 $u1"
say "ready for a line"
read -r line
say "read '$line'"
say "init done"
$bb poweroff -f
INIT
	chmod +x "$LX_ROOT/init"
	(cd "$LX_ROOT" && find . | cpio -o -H newc 2>/dev/null) >"$LX_CPIO" ||
		fail "could not make the initramfs"
}

# Types $LX_LINE once /init asks for it; gives up when the run is over
# (--stats' "command:" line, the end of the launcher's output) or after
# 600 looks, so that the pipeline ends with the launcher.
linux_feed() {
	i=0
	while ! grep -q 'linux-guest: ready for a line' "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 600 ] || return 0
		grep -q '^command: ' "$1" 2>/dev/null && return 0
		usleep 500000
	done
	echo "$LX_LINE"
}

linux_boot() {
	out=$1
	shift
	rm -f "$out"
	t0=$(date +%s)
	# shellcheck disable=SC2094 # linux_feed only reads what the run writes
	linux_feed "$out" | timeout 900 "$PFVMM" run --stats --mem 224M \
		--kernel "$LX_KERNEL" --initrd "$LX_CPIO" "$@" >"$out" 2>&1
	# shellcheck disable=SC2034 # for the caller
	LX_STATUS=$?
	# shellcheck disable=SC2034
	LX_SECS=$(($(date +%s) - t0))
}

# lx_value OUT WHAT: what follows "linux-guest: WHAT " in OUT
lx_value() {
	sed -n "s/^linux-guest: $2 //p" "$1" | tr -d '\r' | head -n 1
}

# The FPU lines: linux-fpu's verdict, and -c's (which must fail).
linux_judge_fpu() {
	line=$(grep '^linux-fpu: ok set=' "$1" | head -n 1)
	irqs=$(echo "$line" | sed -n 's/.* timer_irqs=\([0-9]*\).*/\1/p')
	[ -n "$line" ] || why="$why no 'linux-fpu: ok' line"
	[ "${irqs:-0}" -ge 10 ] || why="$why linux-fpu saw ${irqs:-no} timer interrupts (want >= 10)"
	[ "$(lx_value "$1" "fpu status")" = 0 ] || why="$why linux-fpu failed"
	case "$(lx_value "$1" "fpu-c status")" in
	"1 linux-fpu: FAIL set="*) ;;
	*) why="$why linux-fpu -c (XMM7 flipped) did not fail" ;;
	esac
}

linux_judge_uptime() {
	up=$(lx_value "$1" uptime)
	d=$(echo "$up" | awk 'NF == 2 { printf "%.2f", $2 - $1 }')
	echo "$2: /proc/uptime $up: +${d:-?} s over sleep 2"
	echo "$d" | awk '$1 >= 1.8 && $1 <= 3.0 { ok = 1 } END { exit !ok }' ||
		why="$why uptime advanced ${d:-?} s over sleep 2 (want 1.8-3.0)"
}

linux_judge() {
	out=$1
	why=
	model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	echo "$2: status $LX_STATUS after $LX_SECS s"
	grep '^linux-guest:\|^linux-fpu:\|Kernel panic\|^pfvmm: ' "$out" | head -n 20 | lx_indent
	[ "$LX_STATUS" -eq 0 ] || why="$why status=$LX_STATUS"
	[ "$(lx_value "$out" release)" = "$LX_RELEASE" ] || why="$why release is not $LX_RELEASE"
	[ "$(lx_value "$out" cpus)" = 1 ] || why="$why cpus is not 1"
	[ "$(lx_value "$out" model)" = "$model" ] || why="$why model is not '$model'"
	[ "$(lx_value "$out" sha256)" = "$LX_SUM" ] || why="$why sha256 of the data is not $LX_SUM"
	linux_judge_fpu "$out"
	linux_judge_uptime "$out" "$2"
	[ "$(lx_value "$out" read)" = "'$LX_LINE'" ] || why="$why the serial line did not come back"
	grep -q '^linux-guest: init done' "$out" || why="$why /init did not finish"
	grep -q 'milestone failed' "$out" && why="$why the milestone port was not written"
	grep -q '^milestone_cycles [1-9]' "$out" || why="$why no milestone_cycles in --stats"
	grep -q 'Kernel panic' "$out" && why="$why the guest kernel panicked"
	if [ -n "$why" ]; then
		tail -n 40 "$out" | lx_indent
		fail "$2:$why"
	fi
}

# The boot figures of OUT (--stats): to /init, then for the whole run.
linux_figures() {
	echo "$2: cycles from VM creation to /init: $(sed -n 's/^milestone_cycles //p' "$1")"
	echo "$2: exits by reason to /init:"
	grep '^milestone \(exit\|exits_total\|kvm vcpu\|userspace_exit\)' "$1" | indent
	echo "$2: exits by reason, whole run:"
	grep '^\(exit\|exits_total\|kvm vcpu\|userspace_exit\) ' "$1" | indent
}
