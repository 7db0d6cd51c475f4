/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection for the tests. Debian's kernels have no
 * CONFIG_FAULT_INJECTION: a test build of kgr.ko (make KGR_FAULT_INJECT=y)
 * fails the Nth fallible step on demand (fault.c). In the kgr.ko users
 * load, kgr_fault() is the constant false and every step is the plain call.
 */
#ifndef _KGR_FAULT_H
#define _KGR_FAULT_H

#include <linux/types.h>

#ifdef KGR_FAULT_INJECT
bool kgr_fault(const char *step);
#else
static inline bool kgr_fault(const char *step)
{
	return false;
}
#endif

/* @call, or @failed without making the call when @step is to fail. */
#define kgr_fallible(step, failed, call) (kgr_fault(step) ? (failed) : (call))

#endif /* _KGR_FAULT_H */
