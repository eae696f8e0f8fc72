#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's own Linux 6.1 (the kernel this machine runs, staged as
# /pfvmm/guest/vmlinuz) boots under pfvmm with the launcher's PC devices
# and the default command line, with an initramfs made here of this
# machine's static busybox whose /init prints the kernel release and the
# CPU count and powers off: the launcher must print those lines and end
# with status 0 (the guest's final HLT with interrupts off).  Bad input is
# refused before any VM exists (a file that is not a bzImage: status 2).
# An s-*.sh test for the balance of make check's two boots (the guest has
# one vCPU; the boot takes about 100 s of wall time in Bochs).
. ./lib.sh
need_module

K=$GUESTS/vmlinuz
[ -f "$K" ] || fail "$K is missing (scripts/deps.sh fetches it, stage.sh stages it)"
root=/tmp/t-linux-boot.root
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc"
cp /bin/busybox "$root/bin/busybox" || fail "no static busybox to put in the initramfs"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "linux-guest: release $(/bin/busybox uname -r)"
echo "linux-guest: cpus $(/bin/busybox grep -c ^processor /proc/cpuinfo)"
echo "linux-guest: init done"
/bin/busybox poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null) >/tmp/t-linux-boot.cpio ||
	fail "could not make the initramfs"

out=/tmp/t-linux-boot.out
t0=$(date +%s)
timeout 900 "$PFVMM" run --stats --mem 224M --kernel "$K" --initrd /tmp/t-linux-boot.cpio \
	>"$out" 2>&1 </dev/null
st=$?
echo "linux boot: status $st after $(($(date +%s) - t0)) s of guest time"
grep 'linux-guest:\|Linux version\|Kernel panic' "$out" | head -n 8
why=
[ "$st" -eq 0 ] || why="$why status=$st"
grep -q "linux-guest: release $(uname -r)" "$out" || why="$why no release line"
grep -q 'linux-guest: cpus 1' "$out" || why="$why no cpus line"
grep -q 'linux-guest: init done' "$out" || why="$why /init did not finish"
grep -q 'Kernel panic' "$out" && why="$why the guest kernel panicked"
if [ -n "$why" ]; then
	tail -n 40 "$out" | sed 's/^/  > /'
	fail "$why"
fi

echo "not a kernel" >/tmp/t-linux-boot.bad
"$PFVMM" run --kernel /tmp/t-linux-boot.bad >/tmp/t-linux-boot.bad.out 2>&1
st=$?
[ "$st" -eq 2 ] || { show /tmp/t-linux-boot.bad.out; fail "a file that is not a bzImage: status $st (want 2)"; }
[ "$(cat /sys/kernel/pfvmm/vms_live)" = 0 ] || fail "a VM is left after the runs"
exit 0
