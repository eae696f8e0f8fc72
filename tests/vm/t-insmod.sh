#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load and unload pfvmm three times: /dev/pfvmm comes and goes with it, and
# nothing is left behind (a second insmod would fail if VMX or the misc
# device were still held).
. ./lib.sh

was_loaded=
if module_loaded; then
	was_loaded=1
	unload_module
fi
for i in 1 2 3; do
	load_module
	grep -q '^pfvmm ' /proc/modules || fail "round $i: pfvmm not in /proc/modules"
	unload_module
	! module_loaded || fail "round $i: pfvmm still in /proc/modules after rmmod"
done
[ -z "$was_loaded" ] || load_module
exit 0
