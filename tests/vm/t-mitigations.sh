#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The transient-execution mitigations pfvmm applies around VM entry and
# exit (/sys/kernel/pfvmm/mitigations) are exactly the ones the kernel's
# own decisions call for, as the kernel reports them in
# /sys/devices/system/cpu/vulnerabilities/:
#   verw               iff mds, tsx_async_abort, mmio_stale_data or
#                      reg_file_data_sampling say "Clear CPU buffers"
#   spec-ctrl-ibrs     iff spectre_v2 is plain "IBRS" (not eIBRS)
#   ibpb-vmcs          iff spectre_v2 uses IBPB (conditional or always-on)
#   bhb-clear          iff spectre_v2 says the BHI loop runs for VMs
#   ibpb-exit-to-user  iff vmscape says "IBPB before exit to userspace"
#   rsb-fill*          iff spectre_v2 says "RSB filling"
#   l1d-flush-cond     iff l1tf is not "Not affected" (and not l1tf=off)
# and vmentry_l1d_flush (never, always, a bad value, auto) does what it says,
# and a guest still runs with them.
. ./lib.sh
need_module

V=/sys/devices/system/cpu/vulnerabilities
M=$(cat /sys/kernel/pfvmm/mitigations 2>/dev/null) ||
	fail "/sys/kernel/pfvmm/mitigations is missing"
echo "pfvmm mitigations: $M"
for f in "$V"/*; do
	echo "  $(basename "$f"): $(cat "$f")"
done
bad=0

vuln() { cat "$V/$1" 2>/dev/null; }
has() { case " $M " in *" $1 "*) return 0 ;; esac; return 1; }

# expect NAME WANTED(0/1): pfvmm applies NAME exactly when WANTED is 1.
expect() {
	if has "$1"; then got=1; else got=0; fi
	if [ "$got" != "$2" ]; then
		echo "mitigation $1: pfvmm applies it: $got; the kernel's decision asks for it: $2"
		bad=$((bad + 1))
	fi
}

want=0
for f in mds tsx_async_abort mmio_stale_data reg_file_data_sampling; do
	case "$(vuln $f)" in *"Clear CPU buffers"*) want=1 ;; esac
done
expect verw $want

v2=$(vuln spectre_v2)
case "$v2" in
*"Enhanced"* | *"eIBRS"* | *"Automatic IBRS"*) want=0 ;;
*"Mitigation: IBRS"*) want=1 ;;
*) want=0 ;;
esac
expect spec-ctrl-ibrs $want

case "$v2" in *"IBPB: conditional"* | *"IBPB: always-on"*) want=1 ;; *) want=0 ;; esac
expect ibpb-vmcs $want

case "$v2" in *"KVM: SW loop"*) want=1 ;; *) want=0 ;; esac
expect bhb-clear $want

case "$(vuln vmscape)" in *"IBPB before exit to userspace"*) want=1 ;; *) want=0 ;; esac
expect ibpb-exit-to-user $want

case "$v2" in *"RSB filling"*) want=1 ;; *) want=0 ;; esac
if has rsb-fill || has rsb-fill-lite; then got=1; else got=0; fi
[ "$got" = "$want" ] || { echo "mitigation rsb-fill: pfvmm $got, kernel $want"; bad=$((bad + 1)); }

case "$(vuln l1tf)" in "Not affected" | "" | *"Vulnerable"*) want=0 ;; *) want=1 ;; esac
expect l1d-flush-cond $want

# A pv guest's page faults are exits after which the L1D is flushed where
# the flush is on: the VM's l1d_flushes counter shows them (0 elsewhere).
$PFVMM run --stats --mode forward "$GUESTS/pvkernel.elf" -- workload=touch pages=64 \
	>/tmp/t-mitigations.out 2>&1 || { show /tmp/t-mitigations.out; bad=$((bad + 1)); }
[ "$(field data /tmp/t-mitigations.out)" = ok ] || { echo "the guest did not end with data=ok"; bad=$((bad + 1)); }
flushes=$(stat1 l1d_flushes /tmp/t-mitigations.out)
# Forward: the MMU_UPDATE of each fault flushes, the #PF exit that is only
# injected does not (KVM with EPT injects it without one): at most one
# flush per VMCALL, per host interrupt and per RUN (console output).
calls=$(awk '$1 == "exit" && $2 == "VMCALL" { print $3 }' /tmp/t-mitigations.out)
irqs=$(awk '$1 == "exit" && $2 == "EXTERNAL_INTERRUPT" { print $3 }' /tmp/t-mitigations.out)
most=$((${calls:-0} + ${irqs:-0} + 16))
echo "pv touch pages=64: l1d_flushes=$flushes (VMCALL exits ${calls:-0}, interrupts ${irqs:-0})"
if has l1d-flush-cond; then
	[ "$flushes" -ge 64 ] || { echo "l1d_flushes=$flushes, want >= 64 (one per forwarded fault)"; bad=$((bad + 1)); }
	[ "$flushes" -le "$most" ] || { echo "l1d_flushes=$flushes > $most: a forwarded #PF exit flushed"; bad=$((bad + 1)); }
else
	[ "$flushes" -eq 0 ] || { echo "l1d_flushes=$flushes with the flush off"; bad=$((bad + 1)); }
fi
# Offload: the module resolves each fault in guest tables: one flush each.
$PFVMM run --stats --mode offload "$GUESTS/pvkernel.elf" -- workload=touch pages=64 \
	>/tmp/t-mitigations.out 2>&1 || { show /tmp/t-mitigations.out; bad=$((bad + 1)); }
flushes=$(stat1 l1d_flushes /tmp/t-mitigations.out)
echo "pv offload touch pages=64: l1d_flushes=$flushes"
if has l1d-flush-cond; then
	[ "$flushes" -ge 64 ] || { echo "offload: l1d_flushes=$flushes, want >= 64 (one per offloaded fault)"; bad=$((bad + 1)); }
fi

# vmentry_l1d_flush, kvm_intel's values: "never" stops every flush,
# "always" flushes before every entry, a bad value is refused and leaves
# the policy as it was, and "auto" gives the kernel's decision back.
P=/sys/module/pfvmm/parameters/vmentry_l1d_flush
[ "$(cat "$P" 2>/dev/null)" = auto ] || { echo "$P is not auto by default"; bad=$((bad + 1)); }
policy_run() {	# policy_run POLICY: sets flushes and exits of an offload run
	echo "$1" >"$P" || { echo "vmentry_l1d_flush=$1 refused"; bad=$((bad + 1)); }
	$PFVMM run --stats --mode offload "$GUESTS/pvkernel.elf" -- workload=touch pages=64 \
		>/tmp/t-mitigations.out 2>&1 || { show /tmp/t-mitigations.out; bad=$((bad + 1)); }
	flushes=$(stat1 l1d_flushes /tmp/t-mitigations.out)
	exits=$(stat1 exits_total /tmp/t-mitigations.out)
	echo "vmentry_l1d_flush=$1: l1d_flushes=$flushes of $exits exits; mitigations: $(cat /sys/kernel/pfvmm/mitigations)"
}
policy_run never
[ "$flushes" -eq 0 ] || { echo "never: $flushes flushes"; bad=$((bad + 1)); }
has_now() { case " $(cat /sys/kernel/pfvmm/mitigations) " in *" $1 "*) return 0 ;; esac; return 1; }
! has_now l1d-flush-cond || { echo "never: the mitigations line still says l1d-flush-cond"; bad=$((bad + 1)); }
policy_run always
if has l1d-flush-cond; then
	if [ "$flushes" -lt "$exits" ] || [ "$exits" -lt 64 ]; then
		echo "always: $flushes flushes for $exits exits"; bad=$((bad + 1))
	fi
	has_now l1d-flush-always || { echo "always: not on the mitigations line"; bad=$((bad + 1)); }
else
	[ "$flushes" -eq 0 ] || { echo "always where the kernel wants no flush: $flushes flushes"; bad=$((bad + 1)); }
fi
if echo sometimes >"$P" 2>/dev/null; then
	echo "vmentry_l1d_flush=sometimes was taken"; bad=$((bad + 1))
fi
[ "$(cat "$P")" = always ] || { echo "a refused value changed the policy to $(cat "$P")"; bad=$((bad + 1)); }
echo auto >"$P"
[ "$(cat /sys/kernel/pfvmm/mitigations)" = "$M" ] ||
	{ echo "auto: mitigations '$(cat /sys/kernel/pfvmm/mitigations)', were '$M'"; bad=$((bad + 1)); }

[ "$bad" -eq 0 ] || fail "$bad mitigation(s) differ from the kernel's decision"
exit 0
