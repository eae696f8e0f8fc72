#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bad ioctls get their errno: ioctl-test (tests/vm) exits 0 when every case
# returned what the ABI promises.
. ./lib.sh
command -v ioctl-test >/dev/null || fail "ioctl-test is not in PATH ($PATH)"
need_module

ioctl-test
st=$?
[ "$st" -eq 0 ] || fail "ioctl-test exited with $st"
exit 0
