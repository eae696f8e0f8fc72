#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# sysfs-doc.sh - docs/sysfs-pfvmm.txt documents every attribute that
# kmod/sysfs.c creates (GSTAT(name, ...), LIVE(name, ...), __ATTR_RW/RO(name),
# __ATTR(name, ...)), and no file that does not exist, and every entry
# has the kernel ABI fields (What, Date, KernelVersion, Contact,
# Description).  Prints PASS/FAIL sysfs-doc.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
doc=docs/sysfs-pfvmm.txt
p=
attrs=$(sed -n -e 's/^\(GSTAT\|LIVE\)(\([a-z_0-9]*\),.*/\2/p' \
	       -e 's/.*__ATTR_R[OW]*(\([a-z_0-9]*\)).*/\1/p' \
	       -e 's/.*[^_]__ATTR(\([a-z_0-9]*\),.*/\1/p' kmod/sysfs.c | grep -v '^name$' | sort -u)
[ -n "$attrs" ] || p="$p no attributes found in kmod/sysfs.c;"
documented=$(sed -n 's|^What:[[:space:]]*/sys/kernel/pfvmm/\([a-z_0-9]*\)$|\1|p' "$doc" | sort -u)
for a in $attrs; do
	echo "$documented" | grep -qx "$a" || p="$p $a undocumented;"
done
for d in $documented; do
	echo "$attrs" | grep -qx "$d" || p="$p $d documented but not in kmod/sysfs.c;"
done
# Each entry (What lines, then fields up to a blank line) has every field.
p=$p$(awk '
	/^What:/ { if (!inw) { n++; f = "" } inw = 1; next }
	/^(Date|KernelVersion|Contact|Description):/ { inw = 0; split($0, x, ":"); have[n] = have[n] " " x[1]; next }
	END {
		for (i = 1; i <= n; i++)
			foreach_field(i)
	}
	function foreach_field(i,   k, need) {
		split("Date KernelVersion Contact Description", need, " ")
		for (k = 1; k <= 4; k++)
			if (index(have[i] " ", " " need[k] " ") == 0)
				printf " entry %d lacks %s;", i, need[k]
	}' "$doc")
if [ -z "$p" ]; then echo "PASS sysfs-doc"; else echo "FAIL sysfs-doc:$p"; fi
