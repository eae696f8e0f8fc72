/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The invariants of the PV MMU validator, checked from the outside after
 * every operation by the unit tests and the fuzzer (on top of
 * pfvmm_pvmmu_check(), which recounts references only).  The tables are
 * the validator's shadows; pvmmu_view() checks separately that guest
 * memory holds the same wherever the launcher did not write.
 */
#ifndef PFVMM_PVMMU_INV_H
#define PFVMM_PVMMU_INV_H

#include <stdio.h>
#include "pvmmu.h"

#define INV_P	0x1ULL
#define INV_W	0x2ULL
#define INV_PS	0x80ULL
#define INV_RSV	0x7ff0000000000000ULL
#define INV_ADDR 0x000ffffffffff000ULL

static inline bool inv_is_table(u8 t)
{
	return t >= PFVMM_FT_L1 && t <= PFVMM_FT_L4;
}

/* Every guest frame @fr of @m, with its struct @f, range by range. */
#define INV_FOR_EACH_FRAME(m, r, fr, f)					\
	for ((r) = 0; (r) < (m)->nranges; (r)++)			\
		for ((fr) = (m)->ranges[r].first;			\
		     (fr) < (m)->ranges[r].first + (m)->ranges[r].count &&	\
		     ((f) = &(m)->ranges[r].frames[(fr) - (m)->ranges[r].first]); \
		     (fr)++)

/*
 * Returns NULL when every invariant holds, else a description (in @buf).
 * @prot[fr]: whether protect(fr, true) is in force.
 */
static inline const char *pvmmu_inv(const struct pfvmm_pvmmu *m,
				    const bool *prot, u32 *scratch,
				    char *buf, size_t len)
{
	const struct pfvmm_frame *f;
	u64 fr, tables = 0, bases = 0;
	unsigned int r;
	int err;

	err = pfvmm_pvmmu_check(m, scratch);
	if (err) {
		snprintf(buf, len, "pfvmm_pvmmu_check() = %d", err);
		return buf;
	}
	if (m->bad_drops) {
		snprintf(buf, len, "%llu references dropped that were not held",
			 (unsigned long long)m->bad_drops);
		return buf;
	}
	INV_FOR_EACH_FRAME(m, r, fr, f) {
		bool table = inv_is_table(f->type);
		unsigned int i;

		if (f->type > PFVMM_FT_WRITABLE) {
			snprintf(buf, len, "frame %llu: bad type %u",
				 (unsigned long long)fr, f->type);
			return buf;
		}
		if (table != prot[fr]) {
			snprintf(buf, len, "frame %llu: type %u but %sprotected",
				 (unsigned long long)fr, f->type,
				 prot[fr] ? "" : "not ");
			return buf;
		}
		if (f->pinned && (!table || !f->count)) {
			snprintf(buf, len, "frame %llu: pinned, type %u count %u",
				 (unsigned long long)fr, f->type, f->count);
			return buf;
		}
		if (f->live && (!f->pinned || f->type != PFVMM_FT_L4)) {
			snprintf(buf, len, "frame %llu: the base of %u vCPUs, pinned %u, type %u",
				 (unsigned long long)fr, f->live, f->pinned,
				 f->type);
			return buf;
		}
		bases += f->live;
		if (!table)
			continue;
		tables++;
		for (i = 0; i < 512; i++) {
			u64 pte = f->shadow[i], t;
			const struct pfvmm_frame *tf;

			if (!(pte & INV_P))
				continue;
			t = (pte & INV_ADDR) >> 12;
			tf = pfvmm_pvmmu_frame(m, t);
			if (!tf || (pte & INV_RSV) ||
			    (f->type > 1 && (pte & INV_PS))) {
				snprintf(buf, len, "L%u frame %llu entry %u = %#llx: bad entry",
					 f->type, (unsigned long long)fr, i,
					 (unsigned long long)pte);
				return buf;
			}
			if (f->type == PFVMM_FT_L1 && (pte & INV_W) &&
			    tf->type != PFVMM_FT_WRITABLE) {
				snprintf(buf, len, "L1 frame %llu entry %u maps frame %llu (type %u) writable",
					 (unsigned long long)fr, i,
					 (unsigned long long)t, tf->type);
				return buf;
			}
			if (f->type > PFVMM_FT_L1 && tf->type != f->type - 1) {
				snprintf(buf, len, "L%u frame %llu entry %u -> frame %llu of type %u",
					 f->type, (unsigned long long)fr, i,
					 (unsigned long long)t, tf->type);
				return buf;
			}
		}
	}
	if (tables != m->tables) {
		snprintf(buf, len, "m->tables %llu, %llu frames typed as tables",
			 (unsigned long long)m->tables,
			 (unsigned long long)tables);
		return buf;
	}
	if (bases != m->live_bases) {
		snprintf(buf, len, "m->live_bases %llu, frames say %llu",
			 (unsigned long long)m->live_bases,
			 (unsigned long long)bases);
		return buf;
	}
	return NULL;
}

/*
 * Guest memory of every table holds what the validator validated, except
 * where the launcher wrote (@tampered[fr]).  NULL when it does.
 */
static inline const char *pvmmu_view(const struct pfvmm_pvmmu *m,
				     const bool *tampered, char *buf,
				     size_t len)
{
	const struct pfvmm_frame *f;
	unsigned int r;
	u64 fr;

	INV_FOR_EACH_FRAME(m, r, fr, f) {
		unsigned int i;

		if (!inv_is_table(f->type) || tampered[fr])
			continue;
		for (i = 0; i < 512; i++) {
			u64 pte;

			if (m->ops->read_pte(m->ctx, (fr << 12) + i * 8, &pte))
				continue;
			if (pte != f->shadow[i]) {
				snprintf(buf, len, "L%u frame %llu entry %u: guest memory %#llx, validated %#llx",
					 f->type, (unsigned long long)fr, i,
					 (unsigned long long)pte,
					 (unsigned long long)f->shadow[i]);
				return buf;
			}
		}
	}
	return NULL;
}

#endif
