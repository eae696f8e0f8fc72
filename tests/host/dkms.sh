#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh - 'dkms add' + 'dkms build' of the tree 'make dkms-source' makes,
# against the Debian headers the project installs (KDIR, default
# /usr/src/linux-headers-$KVER), entirely in a private tree: --dkmstree,
# --sourcetree, --installtree under /tmp and signing off (sign_file
# pointing nowhere, so dkms does not create its MOK key in /var/lib/dkms).
# Checks the module dkms built is pfvmm for that kernel and that nothing
# under /var/lib/dkms changed.  Prints PASS/FAIL dkms-build.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
MAKE=${MAKE:-make}

if ! command -v dkms >/dev/null; then
	echo "FAIL dkms-build: dkms is not installed (scripts/deps.sh installs it)"
	exit 1
fi
# KDIR given (make check KDIR=/lib/modules/$(uname -r)/build on a real
# host): its kernel release, not the one the emulated machine boots.
if [ -z "${KVER:-}" ] && [ -n "${KDIR:-}" ]; then
	KVER=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$KDIR/include/generated/utsrelease.h" 2>/dev/null)
fi
KVER=${KVER:-$(scripts/deps.sh --kver)}
KDIR=${KDIR:-/usr/src/linux-headers-$KVER}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
tmp=$(mktemp -d /tmp/pfvmm-dkms.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sys_before=$(find /var/lib/dkms 2>/dev/null | sort)

dk() {
	sign_file=/nonexistent dkms --dkmstree "$tmp/tree" \
		--sourcetree "$tmp/root/usr/src" --installtree "$tmp/inst" "$@"
}

p=
mkdir -p "$tmp/tree" "$tmp/inst"
$MAKE --no-print-directory -s dkms-source DESTDIR="$tmp/root" >"$tmp/out" 2>&1 ||
	p="$p make dkms-source failed: $(tail -n 3 "$tmp/out");"
[ -n "$p" ] || dk add -m pfvmm -v "$ver" >>"$tmp/out" 2>&1 ||
	p="$p dkms add failed: $(tail -n 5 "$tmp/out");"
[ -n "$p" ] || dk build -m pfvmm -v "$ver" -k "$KVER" --kernelsourcedir "$KDIR" \
	>>"$tmp/out" 2>&1 || p="$p dkms build failed: $(tail -n 10 "$tmp/out");"
ko=$tmp/tree/pfvmm/$ver/$KVER/$(uname -m)/module/pfvmm.ko
if [ -z "$p" ]; then
	if [ ! -f "$ko" ]; then
		p="$p dkms built no $ko;"
	else
		rel=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
		[ "$rel" = "$KVER" ] || p="$p the module is for '$rel', want $KVER;"
		[ "$(modinfo -F name "$ko")" = pfvmm ] || p="$p the module is not named pfvmm;"
	fi
fi
[ "$(find /var/lib/dkms 2>/dev/null | sort)" = "$sys_before" ] ||
	p="$p the test wrote under /var/lib/dkms;"
if [ -z "$p" ]; then echo "PASS dkms-build"; else echo "FAIL dkms-build:$p"; fi
