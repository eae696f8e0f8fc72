#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The first guest: pfvmm run hello.elf prints its greeting and exits 0.
. ./lib.sh
need_module

out=/tmp/t-hello.out
$PFVMM run "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 0 ] || fail "pfvmm run hello.elf exited with $st"
expect_hello "$out" "pfvmm run hello.elf"
exit 0
