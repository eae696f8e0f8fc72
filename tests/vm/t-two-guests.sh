#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two VMs at once: two launchers started together both run to completion.
. ./lib.sh
need_module

$PFVMM run "$GUESTS/hello.elf" >/tmp/t-two.1 2>&1 &
p1=$!
$PFVMM run "$GUESTS/hello.elf" >/tmp/t-two.2 2>&1 &
p2=$!
wait "$p1"
s1=$?
wait "$p2"
s2=$?
for i in 1 2; do
	echo "guest $i:"
	show /tmp/t-two.$i
done
[ "$s1" -eq 0 ] || fail "first pfvmm run exited with $s1"
[ "$s2" -eq 0 ] || fail "second pfvmm run exited with $s2"
expect_hello /tmp/t-two.1 "the first guest"
expect_hello /tmp/t-two.2 "the second guest"
exit 0
