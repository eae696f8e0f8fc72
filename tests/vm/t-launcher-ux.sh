#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The launcher's user-facing parts on VT-x (issue 7): the static launcher
# with libnuma runs here; 'run --stats' prints a reproducing command line
# that, run again, gives the same result; 'pfvmm stat' shows the module's
# counters and they grow with a run; --numa-node 0 places a guest that
# completes and a missing node is refused before anything runs; a guest
# that dies gets the register, code and stack dump.
. ./lib.sh
need_module

out=/tmp/t-ux.out
$PFVMM run --stats --mem 8M "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 0 ] || fail "pfvmm run --stats hello.elf exited with $st"
cmd=$(sed -n 's/^command: //p' "$out")
[ "$cmd" = "pfvmm run --backend pfvmm --mem 8M --stats $GUESTS/hello.elf" ] ||
	fail "reproducing command line is '$cmd'"
# No line of two fields with a numeric second one may be new (bench parses those).
grep -E '^command: [^ ]+ [^ ]+' "$out" >/dev/null || fail "command line too short"

# Run the printed command line again: same exit status and greeting.
eval "$cmd" >"$out.2" 2>&1 || fail "the reproducing command failed: $(cat "$out.2")"
expect_hello "$out.2" "the reproducing command line"

$PFVMM stat >"$out" 2>&1 || fail "pfvmm stat failed: $(cat "$out")"
show "$out"
before=$(sed -n 's/^vms_created //p' "$out")
[ "${before:-0}" -ge 2 ] || fail "pfvmm stat: vms_created '$before' after two runs"
grep -q '^offload [01]$' "$out" || fail "pfvmm stat shows no offload switch"

$PFVMM run --numa-node 0 "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 0 ] || fail "pfvmm run --numa-node 0 exited with $st"
expect_hello "$out" "pfvmm run --numa-node 0"
after=$($PFVMM stat | sed -n 's/^vms_created //p')
[ "$after" -eq $((before + 1)) ] || fail "vms_created went $before -> $after over one run"

$PFVMM run --numa-node 63 "$GUESTS/hello.elf" >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 2 ] || fail "--numa-node 63 exited with $st, want 2"
grep -q 'no such NUMA node' "$out" || fail "--numa-node 63: no clear message"

$PFVMM run "$GUESTS/bad.elf" -- triple >"$out" 2>&1
st=$?
show "$out"
[ "$st" -eq 126 ] || fail "bad.elf triple exited with $st, want 126"
for w in 'registers:' ' rip ' ' cr3 ' 'code before rip:' 'code at rip:' ' stack '; do
	grep -q -- "$w" "$out" || fail "the dump of a dead guest lacks '$w'"
done
exit 0
