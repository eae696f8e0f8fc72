#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the host-side ecosystem tests, each printing PASS/FAIL lines:
#   install.sh  make install / uninstall into a staging DESTDIR
#   install-real.sh  the same without DESTDIR, in a throwaway overlay of /
#   dkms.sh     dkms add + build in a private tree against the Debian headers
#   man.sh      docs/pfvmm.1 renders without warnings and is complete
#   sysfs-doc.sh  docs/sysfs-pfvmm.txt covers kmod/sysfs.c in the ABI format
#   api-doc.sh  docs/api.md and docs/hypercall-abi.md name every ioctl, exit, hypercall
#   linux-fault.sh  bench/linux-fault (the workloads as a Linux program) runs here, its rules can fail
# Needs the module and the launcher built.  Exits non-zero on any FAIL.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
fails=0
for t in install install-real dkms man sysfs-doc api-doc linux-fault; do
	sh "tests/host/$t.sh" | tee "/tmp/pfvmm-host-$$.out"
	grep -q '^FAIL ' "/tmp/pfvmm-host-$$.out" && fails=$((fails + 1))
done
rm -f "/tmp/pfvmm-host-$$.out"
[ "$fails" -eq 0 ]
