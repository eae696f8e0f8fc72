#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# api-doc.sh - the interface documents name everything the headers define:
# docs/api.md every ioctl and exit reason of include/uapi/pfvmm.h,
# docs/hypercall-abi.md every hypercall of include/pfvmm/hypercall.h.
# Prints PASS/FAIL api-doc and hypercall-doc.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1

p=
# shellcheck disable=SC2013 # C identifiers: one word each
for n in $(sed -n 's/^#define \(PFVMM_[A-Z_0-9]*\)[[:space:]]*_IO.*/\1/p' include/uapi/pfvmm.h); do
	grep -q "\`$n\`" docs/api.md || p="$p ioctl $n;"
done
# shellcheck disable=SC2013 # C identifiers: one word each
for n in $(sed -n 's/^[[:space:]]*PFVMM_EXIT_\([A-Z_]*\) = [1-9].*/\1/p' include/uapi/pfvmm.h); do
	grep -q "$n" docs/api.md || p="$p exit reason $n;"
done
if [ -z "$p" ]; then echo "PASS api-doc"; else echo "FAIL api-doc: undocumented:$p"; fi

p=
# shellcheck disable=SC2013 # C identifiers: one word each
for n in $(sed -n 's/^#define \(PFVMM_HC_[A-Z_]*\)[[:space:]].*/\1/p' include/pfvmm/hypercall.h |
	   grep -v '^PFVMM_HC_COUNT$'); do
	grep -q "\`$n(" docs/hypercall-abi.md || p="$p $n;"
done
if [ -z "$p" ]; then echo "PASS hypercall-doc"; else echo "FAIL hypercall-doc: undocumented:$p"; fi
