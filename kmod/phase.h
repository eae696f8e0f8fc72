/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where an exit's cycles go: rdtsc probes at the phase boundaries of the
 * exit paths (exit, dispatch, handler, the fault and MMU work inside it,
 * resume, the L1D flush).  A vCPU is in one phase from its VM exit to its
 * next entry; each boundary charges the cycles since the last one to the
 * phase being left (vcpu->stats.phase_cycles[]) and counts the one
 * entered (phase_count[] for the first PFVMM_NR_PHASES_COUNTED), so every
 * host cycle between exit and entry lands in exactly one phase.  One
 * RDTSC, two adds and two stores a boundary, no lock (the counters are
 * the vCPU thread's own), always compiled in; a build with
 * PFVMM_NO_PROBES defined compiles them to nothing, to measure them.
 * A guest that opens and closes a window (PFVMM_HC_PHASE_WINDOW) around
 * what it measures has only that counted: the clock still runs, what it
 * measures outside goes nowhere.
 */
#ifndef PFVMM_PHASE_H
#define PFVMM_PHASE_H

#include <asm/msr.h>

#ifndef PFVMM_NO_PROBES
/* The vCPU's clock starts in @phase (right after a VM exit, or at RUN). */
static inline void pfvmm_phase_begin(struct pfvmm_vcpu *vcpu, u8 phase)
{
	vcpu->phase = phase;
	vcpu->phase_t0 = rdtsc();
}

/* The current phase ends (right before VM entry, or RUN returns). */
static inline void pfvmm_phase_end(struct pfvmm_vcpu *vcpu)
{
	if (!vcpu->phase_off)
		vcpu->stats.phase_cycles[vcpu->phase] += rdtsc() - vcpu->phase_t0;
}

/* Go back to @phase, left for a nested one: not counted again. */
static inline void pfvmm_phase_back(struct pfvmm_vcpu *vcpu, u8 phase)
{
	u64 now = rdtsc();

	if (!vcpu->phase_off)
		vcpu->stats.phase_cycles[vcpu->phase] += now - vcpu->phase_t0;
	vcpu->phase = phase;
	vcpu->phase_t0 = now;
}

/* Enter @phase; returns the phase left, for pfvmm_phase_back(). */
static inline u8 pfvmm_phase(struct pfvmm_vcpu *vcpu, u8 phase)
{
	u8 prev = vcpu->phase;

	pfvmm_phase_back(vcpu, phase);
	if (phase < PFVMM_NR_PHASES_COUNTED && !vcpu->phase_off)
		vcpu->stats.phase_count[phase]++;
	return prev;
}
#else
static inline void pfvmm_phase_begin(struct pfvmm_vcpu *vcpu, u8 phase) { }
static inline void pfvmm_phase_end(struct pfvmm_vcpu *vcpu) { }
static inline void pfvmm_phase_back(struct pfvmm_vcpu *vcpu, u8 phase) { }
static inline u8 pfvmm_phase(struct pfvmm_vcpu *vcpu, u8 phase)
{
	return 0;
}
#endif

#endif /* PFVMM_PHASE_H */
