#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh - "make check-debug": the in-VM tests (t-*.sh) on a debug
# kernel.  Not part of make check / CI: the kernel build and the Bochs boot
# of a KASAN kernel take hours here.
#
#   1. deps (scripts/deps.sh);
#   2. the debug kernel: Debian's linux-source-6.1 with x86_64_defconfig plus
#      scripts/debug-kernel.config (KASAN generic, PROVE_LOCKING,
#      DEBUG_ATOMIC_SLEEP, DEBUG_SPINLOCK, DEBUG_KMEMLEAK scanning from
#      boot), built with "nice -n 19 make -j2" in .cache/debug-kernel/obj and
#      its modules installed in .cache/debug-kernel/install.  Skipped when
#      the image exists and the fragment is the one it was built from;
#   3. pfvmm at a commit (default HEAD; CHECK_DEBUG_REV) exported to
#      build/check-debug/src: guest and userspace built as usual, the module
#      against the debug kernel (with -g, for line numbers), staged there;
#   4. two Bochs boots of the debug kernel at once (scripts/vm-run --kernel
#      --modules --vmroot), as in make check: "t" (smp=BOCHS_SMP) runs
#      tests/vm/run-all.sh 't-*.sh', "s" (smp=2) runs 's-*.sh'; each ends
#      with a kmemleak scan (pfvmm loaded again first: with nokaslr it lands
#      at the same address, so the module's frames in the traces resolve)
#      and a dump of the warning-level kernel log;
#   5. the findings: every KASAN report, lockdep/atomic-sleep splat, other
#      WARNING/BUG, and kmemleak report, saved under build/check-debug/
#      (kasan.txt, lockdep.txt, warn.txt, kmemleak.txt, dmesg-warn.txt,
#      console-t.log, console-s.log), counted in a summary.  Findings are result lines too:
#      debug-kasan, debug-lockdep, debug-warn and debug-kmemleak-pfvmm
#      (leaks whose allocation trace is in a module) fail when non-zero.
# Prints PASS/FAIL lines and one last line "N passed, M failed, K skipped".
#
#   scripts/check-debug.sh --findings [CONSOLE...]   step 5 alone, on the
#            console logs an earlier run left in build/check-debug/ (or on
#            the given ones)
#
# Environment: CHECK_DEBUG_REV (git revision, default HEAD; "worktree": the
# working tree as it is), BOCHS_TIMEOUT (default 14400 s), TEST_TIMEOUT (per
# in-VM test, default 2400 s), BOCHS_HANG (default 1200 s), BOCHS_SMP
# (default 1), DEBUG_MEGS (default 1024), CHECK_DEBUG_BOOTS (default "t s"),
# CHECK_DEBUG_T_TESTS / CHECK_DEBUG_S_TESTS (the tests of each boot, default
# 't-*.sh' / 's-*.sh'; e.g. 't-host-state.sh t-ioctl.sh' for a new test alone),
# SOAK_CYCLES (t-soak's cycles, default 40 here).
set -u
{
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
. scripts/lib.sh	# indent, secs, report, finish
MAKE=${MAKE:-make}
out=build/check-debug
DK=$TOP/.cache/debug-kernel
SRC=$DK/linux-source-6.1
OBJ=$DK/obj
INST=$DK/install
FRAG=$TOP/scripts/debug-kernel.config
REV=${CHECK_DEBUG_REV:-HEAD}
BOCHS_TIMEOUT=${BOCHS_TIMEOUT:-14400}
TEST_TIMEOUT=${TEST_TIMEOUT:-2400}
BOCHS_HANG=${BOCHS_HANG:-1200}
BOCHS_SMP=${BOCHS_SMP:-1}
DEBUG_MEGS=${DEBUG_MEGS:-1024}
# t-soak's 200 cycles took over 30 min of wall time on this kernel; a leak
# per cycle shows in kmemleak after a few.
SOAK_CYCLES=${SOAK_CYCLES:-40}

findings_only=
if [ "${1:-}" = --findings ]; then
	findings_only=1
	shift
	for f in "$@"; do
		[ -f "$f" ] || { echo "usage: $0 [--findings [CONSOLE-LOG...]]" >&2; exit 2; }
	done
fi
CHECK_DEBUG_BOOTS=${CHECK_DEBUG_BOOTS:-t s}
CHECK_DEBUG_T_TESTS=${CHECK_DEBUG_T_TESTS:-t-*.sh}
CHECK_DEBUG_S_TESTS=${CHECK_DEBUG_S_TESTS:-s-*.sh}
t0=$(date +%s)
# Every result line goes into $out/<name>.res (report, finish:
# scripts/lib.sh; the consoles are *.log).
results=res

if [ -n "$findings_only" ]; then
	mkdir -p "$out"
	rm -f "$out"/debug-*.res
	n=0
	for f in "$@"; do
		n=$((n + 1))
		[ "$f" -ef "$out/console-$n.log" ] || cp "$f" "$out/console-$n.log"
	done
else
rm -rf "$out"
mkdir -p "$out"

# ---- 1. deps ----
echo "== deps"
scripts/deps.sh >"$out/deps.out" 2>&1
st=$?
report deps $st "$out/deps.out"
[ $st -eq 0 ] || finish "make check-debug"

# ---- 2. the debug kernel ----
build_kernel() {
	local tb
	set -e
	if [ ! -f "$SRC/Makefile" ]; then
		for tb in /usr/src/linux-source-6.1.tar.*; do break; done
		echo "extracting $tb"
		mkdir -p "$DK"
		rm -rf "$SRC"
		tar -xf "$tb" -C "$DK"
	fi
	mkdir -p "$OBJ"
	(cd "$SRC" && scripts/kconfig/merge_config.sh -O "$OBJ" \
		arch/x86/configs/x86_64_defconfig "$FRAG")
	# Every option of the fragment must have survived olddefconfig.
	grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' "$FRAG" |
	while read -r l; do
		case $l in
		"#"*) o=${l#\# }; o=${o%% *}
		      ! grep -q "^$o=" "$OBJ/.config" ;;
		*) grep -qxF "$l" "$OBJ/.config" ;;
		esac || { echo "debug-kernel.config: '$l' did not stick"; exit 1; }
	done
	# shellcheck disable=SC2086 # $MAKE may carry options (make -s ...)
	nice -n 19 $MAKE -C "$OBJ" -j2 bzImage modules
	rm -rf "$INST"
	$MAKE -C "$OBJ" -s modules_install INSTALL_MOD_PATH="$INST"
	sha256sum <"$FRAG" >"$DK/fragment.sha256"
}
echo "== debug kernel (.cache/debug-kernel)"
stamp=$(sha256sum <"$FRAG")
if [ -f "$OBJ/arch/x86/boot/bzImage" ] && [ -d "$INST/lib/modules" ] &&
   [ "$(cat "$DK/fragment.sha256" 2>/dev/null)" = "$stamp" ]; then
	echo "PASS build-debug-kernel (up to date)" | tee "$out/build-debug-kernel.res"
else
	echo "   building: nice -n 19 make -j2 (an hour or more; tail -f $out/kernel-build.out)"
	tk=$(date +%s)
	(build_kernel) >"$out/kernel-build.out" 2>&1
	st=$?
	report build-debug-kernel $st "$out/kernel-build.out" "built in $(secs "$tk")"
	[ $st -eq 0 ] || finish "make check-debug"
fi
KREL=$(cat "$OBJ/include/config/kernel.release")
MODDIR=$INST/lib/modules/$KREL
echo "   kernel $KREL: $(du -k "$OBJ/arch/x86/boot/bzImage" | cut -f1) KiB bzImage"

# ---- 3. pfvmm at $REV, the module built against the debug kernel ----
echo "== pfvmm ($REV): guest, userspace, module (KDIR=$OBJ), stage"
P=$TOP/$out/src
build_pfvmm() {
	set -e
	rm -rf "$P"
	mkdir -p "$P"
	if [ "$REV" = worktree ]; then
		git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$P"
		echo "worktree at $(git rev-parse --short HEAD) plus local changes"
	else
		git archive "$REV" | tar -x -C "$P"
		git rev-parse --short "$REV"
	fi
	mkdir -p "$P/.cache"
	ln -s "$TOP/.cache/kernel" "$P/.cache/kernel"
	$MAKE -C "$P" --no-print-directory guest
	$MAKE -C "$P" --no-print-directory userspace
	$MAKE -C "$OBJ" M="$P/kmod" KCFLAGS=-g modules
	(cd "$P" && scripts/stage.sh)
	modinfo -F vermagic "$P/build/vmroot/pfvmm.ko"
}
(build_pfvmm) >"$out/build-pfvmm.out" 2>&1
st=$?
report build-pfvmm $st "$out/build-pfvmm.out" "$(head -n 1 "$out/build-pfvmm.out")"
[ $st -eq 0 ] || finish "make check-debug"

# ---- 4. the Bochs boots ----
# vm_script GLOB: the in-VM script of one boot.
vm_script() {
	cat <<EOF
export TEST_TIMEOUT=$TEST_TIMEOUT SOAK_CYCLES=$SOAK_CYCLES
echo "debug kernel: \$(uname -r), \$(grep -c ^processor /proc/cpuinfo) CPUs"
# Warnings (lockdep splats) on the console as they happen, not only in the
# dump at the end: a run that dies or times out still shows them.
dmesg -n 5
sh /pfvmm/tests/vm/run-all.sh '$1'
rc=\$?
KL=/sys/kernel/debug/kmemleak
if [ -w \$KL ]; then
	# pfvmm back at its old address (nokaslr), so its frames resolve.
	if ! grep -q '^pfvmm ' /proc/modules; then
		insmod /pfvmm/pfvmm.ko && loaded=1
	fi
	echo scan >\$KL
	sleep 6
	echo scan >\$KL
	echo "@@KMEMLEAK-BEGIN@@"
	cat \$KL
	echo "@@KMEMLEAK-END@@"
	[ -z "\${loaded:-}" ] || rmmod pfvmm
else
	echo "@@KMEMLEAK-UNAVAILABLE@@ (\$KL not writable)"
fi
# Warnings and worse from the whole boot (lockdep splats are KERN_WARNING,
# below the console's loglevel=4), with their continuation lines.
echo "@@DMESG-BEGIN@@"
dmesg -r | awk '/^<[0-9]>/ { keep = (\$0 ~ /^<[0-4]>/); sub(/^<[0-9]>/, "") } keep'
echo "@@DMESG-END@@"
exit \$rc
EOF
}

# vm_boot NAME SMP GLOB: one boot; console-NAME.log, tests-NAME.out and
# NAME.res (its tests' result lines, and debug-boot-NAME).
vm_boot() {
	local name=$1 smp=$2 glob=$3 c=$out/console-$1.log st
	vm_script "$glob" >"$out/vm-$name.sh"
	VM_RUN_APPEND="nokaslr ${VM_RUN_APPEND:-}" scripts/vm-run --smp "$smp" \
		--kernel "$OBJ/arch/x86/boot/bzImage" --modules "$MODDIR" \
		--vmroot "$P/build/vmroot" --megs "$DEBUG_MEGS" \
		--timeout "$BOCHS_TIMEOUT" --hang "$BOCHS_HANG" \
		"$out/vm-$name.sh" >"$c" 2>&1
	st=$?
	# The tests' own lines (not the dumps).
	awk '/@@(KMEMLEAK|DMESG)-BEGIN@@/ { skip = 1 } !skip { print }
	     /@@(KMEMLEAK|DMESG)-END@@/ { skip = 0 }' "$c" >"$out/tests-$name.out"
	grep -E '^(PASS|FAIL) ' "$out/tests-$name.out" >"$out/$name.res"
	if grep -q '^vm-run: script exit status' "$c"; then
		echo "PASS debug-boot-$name" >>"$out/$name.res"
	else
		echo "FAIL debug-boot-$name (no status from the guest: status $st)" >>"$out/$name.res"
		hung_test "$out/tests-$name.out" >>"$out/$name.res"
	fi
}

# t: smp=BOCHS_SMP, t-*.sh (check.sh's main boot); s: smp=2, s-*.sh
# (check.sh's second boot).  Both at once: one emulator per core.
echo "== Bochs boots of the debug kernel ($DEBUG_MEGS MiB, timeout ${BOCHS_TIMEOUT}s," \
     "TEST_TIMEOUT=${TEST_TIMEOUT}s): $CHECK_DEBUG_BOOTS"
echo "   (tail -f $out/console-*.log)"
pids=
for b in $CHECK_DEBUG_BOOTS; do
	case $b in
	t) vm_boot t "$BOCHS_SMP" "$CHECK_DEBUG_T_TESTS" & pids="$pids $!" ;;
	s) vm_boot s 2 "$CHECK_DEBUG_S_TESTS" & pids="$pids $!" ;;
	*) echo "FAIL debug-boot-$b (unknown boot; CHECK_DEBUG_BOOTS: t, s)" >"$out/$b.res" ;;
	esac
done
# shellcheck disable=SC2086
wait $pids
for b in $CHECK_DEBUG_BOOTS; do
	[ -f "$out/tests-$b.out" ] || continue
	echo "== boot $b"
	cat "$out/tests-$b.out"
	grep 'debug-boot-' "$out/$b.res"
done
fi	# not --findings

# ---- 5. findings ----
# Every boot's dumps, one after the other, each under a "#### console-X" line.
: >"$out/dmesg-warn.txt"
: >"$out/kmemleak.txt"
leak_note=
for c in "$out"/console-*.log; do
	[ -f "$c" ] || continue
	b=$(basename "$c" .log)
	echo "#### $b" >>"$out/dmesg-warn.txt"
	if grep -q '@@DMESG-BEGIN@@' "$c"; then
		sed -n '/@@DMESG-BEGIN@@/,/@@DMESG-END@@/p' "$c" | sed '1d;$d' |
			tr -d '\r' >>"$out/dmesg-warn.txt"
	else
		# No dump (the guest died): the console is all there is.
		tr -d '\r' <"$c" >>"$out/dmesg-warn.txt"
	fi
	echo "#### $b" >>"$out/kmemleak.txt"
	sed -n '/@@KMEMLEAK-BEGIN@@/,/@@KMEMLEAK-END@@/p' "$c" | sed '1d;$d' |
		tr -d '\r' >>"$out/kmemleak.txt"
	grep -q '@@KMEMLEAK-BEGIN@@' "$c" || leak_note="$leak_note, no kmemleak dump in $b"
done
# blocks PATTERN END: every report whose header line matches PATTERN, up to
# the first line matching END after it, or 150 lines.
blocks() {
	awk -v pat="$1" -v end="$2" '
	!on && $0 ~ pat { on = 1; n = 0; print "----"; print; next }
	on { print; n++
	     if ((n > 2 && $0 ~ end) || n >= 150) on = 0 }
	' "$out/dmesg-warn.txt"
}
KASAN_RE='BUG: KASAN:'
LOCKDEP_RE='WARNING: (possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|bad unlock balance|lock held when returning|.*still has locks held)|BUG: (sleeping function called from invalid context|scheduling while atomic|spinlock|held lock freed|workqueue leaked lock|lock held when returning)|INFO: (possible irq lock inversion|trying to register non-static key)|possible deadlock|DEBUG_LOCKS_WARN_ON'
WARN_RE='WARNING: CPU: [0-9]+ PID: |BUG: (unable to handle|kernel NULL pointer)|kernel BUG at|general protection fault|Oops|watchdog: BUG: soft lockup|INFO: task .* blocked for more|UBSAN:'
# KASAN reports end with a ==== line, lockdep's with their stack trace,
# WARN()s with "---[ end trace".
blocks "$KASAN_RE" '^(\\[[ 0-9.]*\\] )?=+$' >"$out/kasan.txt"
blocks "$LOCKDEP_RE" '</TASK>' >"$out/lockdep.txt"
blocks "$WARN_RE" '---\\[ end trace' >"$out/warn.txt"
n_kasan=$(grep -cE "$KASAN_RE" "$out/dmesg-warn.txt")
n_lockdep=$(grep -cE "$LOCKDEP_RE" "$out/dmesg-warn.txt")
n_warn=$(grep -cE "$WARN_RE" "$out/dmesg-warn.txt")
# kmemleak: one report per "unreferenced object"; a pfvmm (or other module)
# report has a module frame in its backtrace.
awk '/^unreferenced object/ { if (r != "") print r; r = $0; next }
     r != "" { r = r "\n" $0 } END { if (r != "") print r }' "$out/kmemleak.txt" |
	awk 'BEGIN { RS = "unreferenced object"; ORS = "" }
	     NR > 1 && ($0 ~ /\[pfvmm\]|\[kvm|\] 0xffffffffa/) { print "unreferenced object" $0 }' \
	>"$out/kmemleak-module.txt"
n_leak=$(grep -c '^unreferenced object' "$out/kmemleak.txt")
n_leak_mod=$(grep -c '^unreferenced object' "$out/kmemleak-module.txt")
# pfvmm's: a [pfvmm] frame, or an unresolved module address (a module
# that was unloaded: pfvmm reloaded elsewhere, or kvm).
n_leak_pfvmm=$(awk '/^unreferenced object/ { n += hit; hit = 0 }
	/\[pfvmm\]|\] 0xffffffffa/ { hit = 1 } END { print n + hit }' "$out/kmemleak-module.txt")
leak_note="$n_leak reports, $n_leak_mod with a module frame$leak_note"

res() {	# res NAME COUNT NOTE
	if [ "$2" -eq 0 ]; then
		echo "PASS $1 ($3)"
	else
		echo "FAIL $1 ($3)"
	fi | tee "$out/$1.res"
}
echo "== findings (build/check-debug/: kasan.txt lockdep.txt warn.txt kmemleak.txt dmesg-warn.txt)"
res debug-kasan "$n_kasan" "$n_kasan KASAN reports"
res debug-lockdep "$n_lockdep" "$n_lockdep lockdep/atomic-sleep splats"
res debug-warn "$n_warn" "$n_warn other WARNING/BUG/Oops"
res debug-kmemleak-pfvmm "$n_leak_pfvmm" "$leak_note; $n_leak_pfvmm with a pfvmm or unloaded-module frame"
for f in kasan lockdep warn; do
	[ -s "$out/$f.txt" ] || continue
	echo "   $f.txt: first lines of each report:"
	grep -A1 -E '^----$' "$out/$f.txt" | grep -vE '^(----|--)$' | head -n 20 | indent
done
if [ "$n_leak_mod" -gt 0 ]; then
	echo "   kmemleak-module.txt (reports with a module frame, first 40 lines):"
	head -n 40 "$out/kmemleak-module.txt" | indent
fi
grep -E '^vm-run: (\[guest up|bochs wall time)' "$out"/console-*.log | sed 's/^/   /'
finish "make check-debug"
}
