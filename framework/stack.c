// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stack.c - what a task's stack says about the code it may still run
 *
 * A task may change universe only when none of the code it leaves is on
 * its stack, and only when its stack can be read completely. Sleeping
 * tasks and current at a syscall tracepoint are read with the kernel's
 * reliable unwinder, as kernel/livepatch does. current interrupted by
 * kgr's IPI, or entering a patched function through kgr's ftrace handler,
 * is read with a stricter walk of its own: see kgr_walk_current().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/stacktrace.h>
#include <linux/static_call.h>
#include <asm/unwind.h>
#include "internal.h"
#include "stack.h"
#include "universe.h"

/* Not exported; resolved by kgr_stack_init(). */
DEFINE_STATIC_CALL_NULL(kgr_save_stack_reliable, stack_trace_save_tsk_reliable);

int kgr_stack_init(void)
{
	return kgr_static_call_resolve(kgr_save_stack_reliable,
				       stack_trace_save_tsk_reliable);
}

/* The goal range @addr lies in, or NULL: a bisection (kgr_goal_sort()). */
static notrace const struct kgr_range *kgr_range_of(const struct kgr_goal *goal,
					    unsigned long addr)
{
	unsigned int lo = 0, hi = goal->nr_ranges, mid;

	/* The first range that starts after @addr. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (goal->ranges[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr < goal->ranges[lo - 1].end)
		return &goal->ranges[lo - 1];
	return NULL;
}

/* The name of the goal range an entry of @buf lies in, or NULL. */
static notrace const char *kgr_ranges_hit(const struct kgr_goal *goal,
				  const unsigned long *buf, int nr)
{
	const struct kgr_range *range;
	int i;

	for (i = 0; i < nr; i++) {
		/* Its jump may still lead to code the transition leaves. */
		if (kgr_direct_stub(buf[i]))
			return "kgr direct stub";
		range = kgr_range_of(goal, buf[i]);
		if (range)
			return range->name;
	}
	return NULL;
}

const char *kgr_stack_blocker(struct task_struct *task,
			      const struct kgr_goal *goal, unsigned long *buf)
{
	int nr;

	nr = static_call(kgr_save_stack_reliable)(task, buf, KGR_MAX_STACK);
	if (nr < 0)
		return KGR_UNRELIABLE_STACK;
	return kgr_ranges_hit(goal, buf, nr);
}

/*
 * The return addresses of current, interrupted by kgr's IPI or in kgr's
 * ftrace handler, into @buf: their number, or -EINVAL when the walk cannot
 * be trusted. Like the kernel's
 * arch_stack_walk_reliable(), and also refused unless the walk ended at
 * the bottom of current's stack: its user registers or, for kthreads and
 * idle tasks, the frame whose stack pointer is task_pt_regs() (what every
 * complete walk in the VM suite ends at, on 6.1 and 6.12).
 *
 * Why: an interrupt can stop a task anywhere, and some code carries an
 * "end of stack" unwind hint although it runs on top of callers. On 6.1
 * the retpoline thunks do (UNWIND_HINT_EMPTY; 6.4 split it into
 * UNDEFINED and END_OF_STACK): a task interrupted in
 * __x86_indirect_thunk_array, as in the indirect call of ftrace's list
 * function, has a short stack that arch_stack_walk_reliable() calls
 * complete, without the patched function that called the thunk. The
 * kernel's livepatch never reads an interrupted stack, so it never meets
 * this.
 */
static notrace int kgr_walk_current(unsigned long *buf)
{
	unsigned long bottom = (unsigned long)task_pt_regs(current);
	unsigned long addr, last_sp = 0;
	struct unwind_state state;
	struct pt_regs *regs;
	int nr = 0;

	if (!IS_ENABLED(CONFIG_UNWINDER_ORC))
		return -EINVAL;
	for (unwind_start(&state, current, NULL, NULL);
	     !unwind_done(&state) && !unwind_error(&state);
	     unwind_next_frame(&state)) {
		regs = unwind_get_entry_regs(&state, NULL);
		if (regs && user_mode(regs))
			return (unsigned long)regs == bottom ? nr : -EINVAL;
		addr = unwind_get_return_address(&state);
		if (!addr || nr >= KGR_MAX_STACK)
			return -EINVAL;
		buf[nr++] = addr;
		last_sp = state.sp;
	}
	if (unwind_error(&state) || last_sp != bottom)
		return -EINVAL;
	return nr;
}

const char *kgr_interrupted_stack_blocker(const struct kgr_goal *goal,
					  unsigned long *buf)
{
	int nr = kgr_walk_current(buf);

	if (nr < 0)
		return KGR_UNRELIABLE_STACK;
	return kgr_ranges_hit(goal, buf, nr);
}

const char *kgr_entry_stack_blocker(const struct kgr_goal *goal,
				    unsigned long *buf, unsigned long entry_ret)
{
	int nr = kgr_walk_current(buf), i;

	for (i = 0; i < nr && buf[i] != entry_ret; i++)
		;
	if (i >= nr)
		return KGR_UNRELIABLE_STACK;
	return kgr_ranges_hit(goal, buf, i) ?:
	       kgr_ranges_hit(goal, buf + i + 1, nr - i - 1);
}
