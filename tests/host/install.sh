#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# install.sh - 'make install' / 'make uninstall' into a staging DESTDIR:
# every file in its place with its mode, the udev rule's content (group
# pfvmm, mode 0660, nothing for others), PREFIX honoured, no depmod files
# and no group created for a DESTDIR install, and uninstall removes it all.
# Needs the module and the launcher built.  Prints PASS/FAIL lines.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
MAKE=${MAKE:-make}
tmp=$(mktemp -d /tmp/pfvmm-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
KDIR_ARG=${KDIR:+KDIR=$KDIR}

result() {	# result NAME PROBLEMS
	if [ -z "$2" ]; then echo "PASS $1"; else echo "FAIL $1:$2"; fi
}

modrel=$(modinfo -F vermagic kmod/pfvmm.ko 2>/dev/null | cut -d' ' -f1)
[ -n "$modrel" ] || { result install-staged " kmod/pfvmm.ko is not built"; exit 1; }
group_before=$(getent group pfvmm)

# ---- install with the default PREFIX ----
d=$tmp/default
# shellcheck disable=SC2086
$MAKE --no-print-directory install DESTDIR="$d" $KDIR_ARG >"$tmp/install.out" 2>&1 ||
	{ result install-staged " make install failed: $(tail -n 5 "$tmp/install.out")"; exit 1; }

# want PATH MODE: the file exists with exactly that mode, owned by us
p=
want() {
	if [ ! -f "$d$1" ]; then
		p="$p $1 missing;"
	elif [ "$(stat -c %a "$d$1")" != "$2" ]; then
		p="$p $1 has mode $(stat -c %a "$d$1"), want $2;"
	fi
}
want "/lib/modules/$modrel/extra/pfvmm.ko" 644
want /usr/local/bin/pfvmm 755
want /usr/local/share/man/man1/pfvmm.1 644
want /etc/udev/rules.d/60-pfvmm.rules 644
cmp -s userspace/pfvmm "$d/usr/local/bin/pfvmm" || p="$p the installed launcher differs from userspace/pfvmm;"
cmp -s kmod/pfvmm.ko "$d/lib/modules/$modrel/extra/pfvmm.ko" || p="$p the installed module differs from kmod/pfvmm.ko;"
result install-staged "$p"

p=
ls "$d/lib/modules/$modrel"/modules.* >/dev/null 2>&1 &&
	p="$p depmod ran into DESTDIR;"
[ "$(getent group pfvmm)" = "$group_before" ] || p="$p the pfvmm group changed for a DESTDIR install;"
result install-destdir-no-system-changes "$p"

# ---- the udev rule: one rule for the pfvmm node, group pfvmm, 0660 ----
p=
rule=$(grep -v '^[[:space:]]*#' "$d/etc/udev/rules.d/60-pfvmm.rules" | grep -v '^[[:space:]]*$')
[ "$(echo "$rule" | wc -l)" -eq 1 ] || p="$p want exactly one rule, got: $rule;"
echo "$rule" | grep -q 'KERNEL=="pfvmm"' || p="$p no KERNEL==\"pfvmm\" match;"
echo "$rule" | grep -q 'GROUP="pfvmm"' || p="$p no GROUP=\"pfvmm\";"
mode=$(echo "$rule" | sed -n 's/.*MODE="\([0-7]*\)".*/\1/p')
[ "$mode" = 0660 ] || p="$p MODE is '$mode', want 0660;"
# Whatever the mode, others must not get write access.
case "$mode" in *[2367]) p="$p MODE $mode is world-writable;" ;; esac
result install-udev-rule "$p"

# ---- PREFIX=/usr ----
d=$tmp/prefix
p=
# shellcheck disable=SC2086
$MAKE --no-print-directory install DESTDIR="$d" PREFIX=/usr $KDIR_ARG >"$tmp/install2.out" 2>&1 ||
	p=" make install PREFIX=/usr failed: $(tail -n 3 "$tmp/install2.out")"
want /usr/bin/pfvmm 755
want /usr/share/man/man1/pfvmm.1 644
[ ! -e "$d/usr/local" ] || p="$p PREFIX=/usr still wrote under /usr/local;"
result install-prefix "$p"

# ---- uninstall ----
p=
for d in "$tmp/default" "$tmp/prefix"; do
	pre=/usr/local
	[ "$d" = "$tmp/prefix" ] && pre=/usr
	# shellcheck disable=SC2086
	$MAKE --no-print-directory uninstall DESTDIR="$d" PREFIX=$pre $KDIR_ARG \
		>"$tmp/uninstall.out" 2>&1 || p="$p make uninstall failed;"
	left=$(find "$d" -type f)
	[ -z "$left" ] || p="$p left behind: $(echo "$left" | tr '\n' ' ');"
done
result install-uninstall "$p"
