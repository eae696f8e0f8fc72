/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfvmm's tracepoints: every VM exit, and how each pv page fault was
 * resolved.  They appear under /sys/kernel/tracing/events/pfvmm/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pfvmm

#if !defined(PFVMM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define PFVMM_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(pfvmm_exit,
	    TP_PROTO(unsigned int vcpu, u32 reason, unsigned long rip),
	    TP_ARGS(vcpu, reason, rip),
	    TP_STRUCT__entry(__field(unsigned int, vcpu)
			     __field(u32, reason)
			     __field(unsigned long, rip)),
	    TP_fast_assign(__entry->vcpu = vcpu;
			   __entry->reason = reason;
			   __entry->rip = rip;),
	    TP_printk("vcpu=%u reason=%u rip=0x%lx", __entry->vcpu,
		      __entry->reason, __entry->rip)
);

TRACE_EVENT(pfvmm_fault,
	    TP_PROTO(unsigned int vcpu, u64 address, u32 error_code,
		     const char *how),
	    TP_ARGS(vcpu, address, error_code, how),
	    TP_STRUCT__entry(__field(unsigned int, vcpu)
			     __field(u64, address)
			     __field(u32, error_code)
			     __string(how, how)),
	    TP_fast_assign(__entry->vcpu = vcpu;
			   __entry->address = address;
			   __entry->error_code = error_code;
			   __assign_str(how, how);),
	    TP_printk("vcpu=%u address=0x%llx error=0x%x %s", __entry->vcpu,
		      __entry->address, __entry->error_code, __get_str(how))
);

#endif /* PFVMM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
