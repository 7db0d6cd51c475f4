/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stack.h - the stack checks of migrate.c (stack.c)
 */
#ifndef _KGR_STACK_H
#define _KGR_STACK_H

struct kgr_goal;
struct task_struct;

/*
 * Entries of one stack trace, as many as the kernel's livepatch takes
 * (MAX_STACK_ENTRIES); a deeper stack counts as unreliable.
 */
#define KGR_MAX_STACK		100
/* What blocks a task whose stack cannot be read completely. */
#define KGR_UNRELIABLE_STACK	"<unreliable stack>"
/* What blocks a task running on another CPU, whose stack cannot be read. */
#define KGR_RUNNING_TASK	"<running>"

int kgr_stack_init(void);

/*
 * Why @task cannot move to @goal now: the name of a goal range found on
 * its stack, KGR_UNRELIABLE_STACK, or NULL when it can move. @task is
 * current in task context, or cannot run meanwhile (task_call_func()).
 * @buf holds KGR_MAX_STACK entries nothing else on this CPU uses meanwhile.
 */
const char *kgr_stack_blocker(struct task_struct *task,
			      const struct kgr_goal *goal, unsigned long *buf);

/* The same for current, interrupted by kgr's IPI (hard irq). */
const char *kgr_interrupted_stack_blocker(const struct kgr_goal *goal,
					  unsigned long *buf);

/*
 * The same for current in kgr's ftrace handler, at the entry of a patched
 * function whose fentry call returns to @entry_ret: that one frame is
 * left out, as the function has not started. The topmost frame returning
 * to @entry_ret must be on the stack, else it counts as unreliable.
 */
const char *kgr_entry_stack_blocker(const struct kgr_goal *goal,
				    unsigned long *buf, unsigned long entry_ret);

/*
 * Whether @task, blocked (not current; under task_call_func()), surely
 * runs none of the code @goal leaves, without unwinding its stack; false
 * also when it cannot tell. kgr_stack_blocker() asks it first.
 */
bool kgr_stack_clean(struct task_struct *task, const struct kgr_goal *goal);

#endif /* _KGR_STACK_H */
