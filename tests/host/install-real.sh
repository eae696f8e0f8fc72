#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# install-real.sh - 'make install' and 'make uninstall' for real (no
# DESTDIR: depmod, the pfvmm group, /etc/udev/rules.d), but into a
# throwaway copy of the system: a private mount namespace with an overlay
# of / whose upper layer is a temporary directory, chrooted into.  The
# host's files are never written; what the install wrote is read from the
# upper layer.  Needs root, unshare and overlayfs; otherwise it prints a
# SKIP line with the reason (make check counts it).  A pfvmm the host
# already has installed is no failure: only a change to it is.  Prints
# PASS/FAIL install-real, uninstall-real.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
skip() { echo "SKIP install-real: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root"
command -v unshare >/dev/null || skip "no unshare"
modrel=$(modinfo -F vermagic kmod/pfvmm.ko 2>/dev/null | cut -d' ' -f1)
[ -n "$modrel" ] || { echo "FAIL install-real: kmod/pfvmm.ko is not built"; exit 1; }
KDIR=${KDIR:-/usr/src/linux-headers-$(scripts/deps.sh --kver)}
tmp=$(mktemp -d /tmp/pfvmm-install-real.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/upper" "$tmp/work" "$tmp/root"
# Where /lib/modules lands in the upper layer (merged /usr: /lib -> usr/lib).
mods=lib/modules/$modrel
[ ! -L /lib ] || mods=$(readlink /lib | sed 's|^/||')/modules/$modrel

# in_overlay CMD: run CMD (sh -c) as root, chrooted into the overlay, in
# $TOP; the overlay and its mounts vanish with the namespace.
in_overlay() {
	# shellcheck disable=SC2016 # $1, $2, $3: the inner sh's arguments
	unshare -m sh -c '
		mount --make-rprivate / &&
		mount -t overlay overlay -o "lowerdir=/,upperdir=$1/upper,workdir=$1/work" "$1/root" &&
		mount --bind /proc "$1/root/proc" && mount --bind /dev "$1/root/dev" &&
		mount --bind /sys "$1/root/sys" || exit 99
		chroot "$1/root" sh -c "cd \"$2\" && $3"' sh "$tmp" "$TOP" "$1"
}

in_overlay true >/dev/null 2>&1
[ $? -ne 99 ] || skip "no overlayfs or mount namespace here"
getent group pfvmm >/dev/null && had_group=1 || had_group=
# What the host has at /usr/local/bin/pfvmm (nothing, or a real install).
host_bin() { stat -c '%i %s %Y' /usr/local/bin/pfvmm 2>/dev/null || echo none; }
bin_before=$(host_bin)

p=
in_overlay "make --no-print-directory install KDIR=$KDIR" >"$tmp/install.out" 2>&1 ||
	p=" make install failed: $(tail -n 5 "$tmp/install.out" | tr '\n' ' ');"
u=$tmp/upper
for f in usr/local/bin/pfvmm usr/local/share/man/man1/pfvmm.1 \
	 etc/udev/rules.d/60-pfvmm.rules "$mods"/extra/pfvmm.ko "$mods"/modules.dep; do
	[ -f "$u/$f" ] || p="$p /$f not installed;"
done
grep -q 'extra/pfvmm.ko' "$u/$mods/modules.dep" 2>/dev/null ||
	p="$p depmod did not list extra/pfvmm.ko;"
if [ -z "$had_group" ]; then
	grep -q '^pfvmm:' "$u/etc/group" 2>/dev/null || p="$p no pfvmm group created;"
	gid=$(sed -n 's/^pfvmm:[^:]*:\([0-9]*\):.*/\1/p' "$u/etc/group" 2>/dev/null)
	[ -z "$gid" ] || [ "$gid" -lt 1000 ] || p="$p the pfvmm group ($gid) is not a system group;"
fi
getent group pfvmm >/dev/null && [ -z "$had_group" ] && p="$p the host got a pfvmm group;"
[ "$(host_bin)" = "$bin_before" ] || p="$p the host's /usr/local/bin/pfvmm changed;"
if [ -z "$p" ]; then echo "PASS install-real"; else echo "FAIL install-real:$p"; fi

# Install and uninstall in one overlay session: nothing of ours is left.
p=
rm -rf "$tmp/upper" "$tmp/work"
mkdir -p "$tmp/upper" "$tmp/work"
in_overlay "make --no-print-directory install KDIR=$KDIR && make --no-print-directory uninstall KDIR=$KDIR" \
	>"$tmp/uninstall.out" 2>&1 ||
	p=" make install + uninstall failed: $(tail -n 5 "$tmp/uninstall.out" | tr '\n' ' ');"
for f in usr/local/bin/pfvmm usr/local/share/man/man1/pfvmm.1 \
	 etc/udev/rules.d/60-pfvmm.rules "$mods"/extra/pfvmm.ko; do
	[ ! -f "$u/$f" ] || p="$p /$f left behind;"
done
grep -q 'extra/pfvmm.ko' "$u/$mods/modules.dep" 2>/dev/null &&
	p="$p modules.dep still lists pfvmm;"
if [ -z "$p" ]; then echo "PASS uninstall-real"; else echo "FAIL uninstall-real:$p"; fi
