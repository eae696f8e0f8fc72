#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install and fetch everything the pfvmm build and test harness
# needs on a Debian 12 machine.  Idempotent: a second run does nothing but
# check.
#
#   scripts/deps.sh          install packages, fetch the guest kernel, checkpatch
#   scripts/deps.sh --kver   print the Debian kernel version (KVER) and exit
#
# What it sets up:
#   - Debian packages (apt-get update only when something must be installed;
#     stress-ng for the Linux rows of make bench, bench/linux-root.sh);
#   - KVER: the version linux-image-amd64 depends on (e.g. 6.1.0-56-amd64),
#     linux-headers-$KVER (the module builds against it);
#   - .cache/kernel/: linux-image-$KVER unpacked (boot/vmlinuz-$KVER and
#     lib/modules/$KVER/...), the kernel the emulated machine boots;
#   - .cache/checkpatch/: checkpatch.pl and its data files from linux-source-6.1.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$TOP/.cache

PACKAGES="bochs bochsbios vgabios bochs-term busybox-static cpio xorriso
isolinux syslinux-common qemu-system-x86 sparse linux-source-6.1
gnuplot-nox libnuma-dev clang-14 libclang-rt-14-dev bc flex bison libelf-dev
build-essential gcc-multilib kmod xz-utils perl procps dkms man-db groff-base
shellcheck pyflakes3 stress-ng"

log() { echo "deps: $*" >&2; }

# Run a command as root (CI containers are root; a developer may have sudo).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo "$@"
	fi
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

apt_updated=
apt_install() {
	missing=
	for p in "$@"; do
		installed "$p" || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	if [ -z "$apt_updated" ]; then
		log "apt-get update"
		as_root apt-get update -q >&2
		apt_updated=1
	fi
	log "installing:$missing"
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $missing >&2
}

# The kernel version Debian's linux-image-amd64 points at ("" when apt has
# no package lists yet).
debian_kver() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -n 1
}

# The newest kernel unpacked in .cache/kernel ("" when none is).
cached_kver() {
	find "$CACHE/kernel/boot" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null |
		sed 's|.*/vmlinuz-||' | sort -V | tail -n 1
}

# The kernel version Debian's linux-image-amd64 currently points at.
# Falls back on what is already unpacked or installed when apt knows nothing
# (no package lists yet).
resolve_kver() {
	k=$(debian_kver)
	if [ -z "$k" ] && [ -z "${1:-}" ]; then
		# apt has no lists yet: update once and retry.
		as_root apt-get update -q >&2 && apt_updated=1
		resolve_kver retry
		return
	fi
	[ -n "$k" ] || k=$(cached_kver)
	[ -n "$k" ] || { log "cannot resolve the kernel version"; exit 1; }
	echo "$k"
}

if [ "${1:-}" = "--kver" ]; then
	# Quiet and without installing anything: the Makefile calls this.
	k=$(debian_kver)
	[ -n "$k" ] || k=$(cached_kver)
	[ -n "$k" ] || { log "cannot resolve KVER (run scripts/deps.sh)"; exit 1; }
	echo "$k"
	exit 0
fi

# shellcheck disable=SC2086
apt_install $PACKAGES
KVER=$(resolve_kver)
log "KVER=$KVER"
apt_install "linux-headers-$KVER"

# The guest kernel: unpacked, never installed (this host's kernel is untouched).
if [ ! -f "$CACHE/kernel/boot/vmlinuz-$KVER" ] ||
   [ ! -d "$CACHE/kernel/lib/modules/$KVER/kernel" ]; then
	mkdir -p "$CACHE/debs"
	# apt-get download runs as _apt when root: give it a directory it can write.
	chmod 0777 "$CACHE/debs"
	log "downloading linux-image-$KVER"
	(cd "$CACHE/debs" && apt-get download -q "linux-image-$KVER" >&2)
	for deb in "$CACHE"/debs/linux-image-"$KVER"_*.deb; do break; done
	rm -rf "$CACHE/kernel.tmp"
	dpkg-deb -x "$deb" "$CACHE/kernel.tmp"
	rm -rf "$CACHE/kernel"
	mv "$CACHE/kernel.tmp" "$CACHE/kernel"
	rm -f "$deb"
fi
for f in boot/vmlinuz-$KVER lib/modules/$KVER/kernel/arch/x86/kvm/kvm.ko \
	 lib/modules/$KVER/kernel/arch/x86/kvm/kvm-intel.ko \
	 lib/modules/$KVER/kernel/virt/lib/irqbypass.ko; do
	[ -f "$CACHE/kernel/$f" ] || { log "missing .cache/kernel/$f"; exit 1; }
done

# checkpatch.pl from the kernel source tarball (Debian ships no other copy).
if [ ! -f "$CACHE/checkpatch/checkpatch.pl" ]; then
	log "extracting checkpatch.pl from linux-source-6.1"
	for src in /usr/src/linux-source-6.1.tar.*; do break; done
	rm -rf "$CACHE/checkpatch.tmp"
	mkdir -p "$CACHE/checkpatch.tmp"
	tar -xf "$src" -C "$CACHE/checkpatch.tmp" --strip-components=2 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	rm -rf "$CACHE/checkpatch"
	mv "$CACHE/checkpatch.tmp" "$CACHE/checkpatch"
fi
log "ok (KVER=$KVER)"
