// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stack.c - what a task's stack says about the code it may still run
 *
 * A task may change universe only when none of the code it leaves is on
 * its stack, and only when its stack can be read completely. A sleeping
 * task's stack words are read first (kgr_stack_clean()), which settles
 * most of them; the rest, and current at a syscall tracepoint, are read
 * with the kernel's reliable unwinder, as kernel/livepatch does. current
 * interrupted by kgr's IPI, or entering a patched function through kgr's
 * ftrace handler, is read with a stricter walk of its own: see
 * kgr_walk_current().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/stacktrace.h>
#include <linux/static_call.h>
#include <asm/pgtable.h>
#include <asm/unwind.h>
#include "internal.h"
#include "stack.h"
#include "universe.h"

static bool kgr_scan_on = true;
module_param_named(migrate_scan, kgr_scan_on, bool, 0644);
MODULE_PARM_DESC(migrate_scan,
		 "Let a sleeping task whose stack holds no address of the code left migrate without unwinding it");

/* Not exported; resolved by kgr_stack_init(). */
DEFINE_STATIC_CALL_NULL(kgr_save_stack_reliable, stack_trace_save_tsk_reliable);

/*
 * Trampolines that take the place of a return address on the stack and
 * keep the real one elsewhere, where only the unwinder looks it up
 * (unwind_recover_ret_addr()): function_graph's and the kretprobes'.
 */
struct kgr_text {
	const char *name;
	bool configured;
	unsigned long start, end;
};

static struct kgr_text kgr_hooked_returns[] = {
	{ "return_to_handler", IS_ENABLED(CONFIG_FUNCTION_GRAPH_TRACER) },
	{ "arch_rethook_trampoline", IS_ENABLED(CONFIG_RETHOOK) },
	{ "__kretprobe_trampoline", IS_ENABLED(CONFIG_KRETPROBES) &&
				   !IS_ENABLED(CONFIG_KRETPROBE_ON_RETHOOK) },
};

/*
 * The lowest address a stack word must reach to be looked at closer by
 * kgr_stack_clean(), leaving the goal aside; 0 when the trampolines were
 * not all found, which leaves every task to the unwinder.
 */
static unsigned long kgr_scan_floor;

static void kgr_scan_init(void)
{
	unsigned long floor = MODULES_VADDR;
	struct kgr_text *t;

	for (t = kgr_hooked_returns;
	     t < kgr_hooked_returns + ARRAY_SIZE(kgr_hooked_returns); t++) {
		if (!t->configured)
			continue;
		t->start = kgr_lookup_name(t->name);
		t->end = t->start + (t->start ? kgr_symbol_size(t->start) : 0);
		if (t->end == t->start) {
			pr_warn("no address or size for %s: every stack is unwound\n",
				t->name);
			return;
		}
		floor = min(floor, t->start);
	}
	kgr_scan_floor = floor;
}

int kgr_stack_init(void)
{
	kgr_scan_init();
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

/* @addr lies in a trampoline that hooks return addresses. */
static bool kgr_hooked_return(unsigned long addr)
{
	const struct kgr_text *t;

	for (t = kgr_hooked_returns;
	     t < kgr_hooked_returns + ARRAY_SIZE(kgr_hooked_returns); t++)
		if (addr - t->start < t->end - t->start)
			return true;
	return false;
}

/*
 * A blocked task runs nothing but the context switch (__schedule(),
 * notrace, which no patch replaces): every other function it is inside
 * made a call or was interrupted, so its return address or its ip in the
 * pt_regs lies between the saved stack pointer and the top of the stack.
 * The unwinder takes its addresses from those words: if none lies in a
 * goal range, no unwind finds one. Words the unwinder would translate (a
 * return address a trampoline took over, keeping the real one elsewhere)
 * and code it may not know (module space: kgr's stubs, ftrace and BPF
 * trampolines, kprobe slots, and modules' own text and data) leave the
 * answer to the unwinder, as does a word in a goal range: false costs
 * only the unwind. The stack stays meanwhile: it is freed after the
 * task's last switch, for which the task sets TASK_DEAD under the
 * pi_lock that task_call_func() holds.
 */
bool kgr_stack_clean(struct task_struct *task, const struct kgr_goal *goal)
{
	unsigned long base = (unsigned long)task_stack_page(task);
	unsigned long sp = task->thread.sp, lo, len, floor, word;
	const unsigned long *p, *top;

	if (!READ_ONCE(kgr_scan_on) || !kgr_scan_floor ||
	    READ_ONCE(task->__state) == TASK_DEAD || !base ||
	    sp < base || !IS_ALIGNED(sp, sizeof(long)))
		return false;
	top = (const unsigned long *)(task_pt_regs(task) + 1);
	if (sp >= (unsigned long)top)
		return false;
	lo = goal->nr_ranges ? goal->ranges[0].start : 0;
	len = goal->nr_ranges ? goal->ranges[goal->nr_ranges - 1].end - lo : 0;
	floor = len ? min(kgr_scan_floor, lo) : kgr_scan_floor;
	for (p = (const unsigned long *)sp; p < top; p++) {
		word = READ_ONCE_NOCHECK(*p);
		if (word < floor)
			continue;
		if (word - MODULES_VADDR < MODULES_LEN ||
		    kgr_hooked_return(word) ||
		    (word - lo < len && kgr_range_of(goal, word)))
			return false;
	}
	return true;
}

const char *kgr_stack_blocker(struct task_struct *task,
			      const struct kgr_goal *goal, unsigned long *buf)
{
	int nr;

	if (task != current && kgr_stack_clean(task, goal))
		return NULL;
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
