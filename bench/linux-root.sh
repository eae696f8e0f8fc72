#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# linux-root.sh OUT.cpio - the root file system of the fault benchmark's
# Linux rows (host side; bench/bench.sh calls it), as an uncompressed newc
# cpio archive.  The same archive is the initramfs of the Linux guest under
# pfvmm and under KVM, and, unpacked, the chroot the emulated machine's own
# kernel runs the workloads in (bench/linux-bench.sh): the same binaries at
# the same paths in all three places.  It holds
#
#   /bin/busybox + one symlink per applet   (this host's static busybox)
#   /bin/linux-fault                        (bench/linux-fault.c, static)
#   /usr/bin/stress-ng + every library ldd names, at the path ldd names,
#     and the dynamic loader at /lib64/ld-linux-x86-64.so.2
#   /linux-run.sh                           (the workloads of one place)
#   /init                                   (the guest's: mounts, runs
#                                            linux-run.sh, powers off)
#   /stress-ng.version                      ("stress-ng --version" here)
#   /linux-run.conf                         (LF_PAGES, LF_FORKS, LF_STRESS
#                                            of the environment, if set)
#
# Needs stress-ng (scripts/deps.sh installs it); refuses without it.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: linux-root.sh OUT.cpio}
case $out in /*) ;; *) out=$PWD/$out ;; esac
SNG=$(command -v stress-ng) || { echo "linux-root: stress-ng missing (scripts/deps.sh)" >&2; exit 1; }
BB=$(command -v busybox) || { echo "linux-root: busybox missing (scripts/deps.sh)" >&2; exit 1; }

make -s -C "$TOP/bench" linux-fault
root=$(mktemp -d "${TMPDIR:-/tmp}/pfvmm-linux-root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/lib64"

cp "$BB" "$root/bin/busybox"
"$root/bin/busybox" --list-full | while read -r a; do
	[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done
cp "$TOP/bench/linux-fault" "$root/bin/linux-fault"

# stress-ng and its libraries, each at the path the loader looks for.
cp "$SNG" "$root/usr/bin/stress-ng"
ldd "$SNG" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' |
while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
[ -f "$root/lib64/ld-linux-x86-64.so.2" ] ||
	{ echo "linux-root: ldd named no /lib64/ld-linux-x86-64.so.2" >&2; exit 1; }
"$SNG" --version | sed -n 's/^stress-ng, version \([^ ]*\).*/\1/p' >"$root/stress-ng.version"
[ -s "$root/stress-ng.version" ] || { echo "linux-root: no stress-ng version" >&2; exit 1; }

cp "$TOP/bench/linux-run.sh" "$root/linux-run.sh"
# The sizes, for the guest too (its /init has no environment of ours).
for v in LF_PAGES LF_FORKS LF_STRESS; do
	eval "val=\${$v:-}"
	[ -z "$val" ] || echo "$v='$val'"
done >"$root/linux-run.conf"
cat >"$root/init" <<'EOF'
#!/bin/sh
# The Linux guest's /init (bench/linux-root.sh): the workloads, then off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "@@LF-INIT uptime=$(cut -d' ' -f1 /proc/uptime)@@"
sh /linux-run.sh guest
echo "@@LF-DONE status=$? uptime=$(cut -d' ' -f1 /proc/uptime)@@"
poweroff -f
EOF
chmod +x "$root/init" "$root/linux-run.sh"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out"
echo "linux-root: $out: $(du -k "$out" | cut -f1) KiB, stress-ng $(cat "$root/stress-ng.version")"
