// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * migrate.c - lazy per-task migration between the old and the new universe
 *
 * During a transition every task lives in one of two universes: it runs
 * either the code the patch leaves or the code it brings. A task changes
 * universe by itself, at a moment when none of the code it leaves is on its
 * stack, so it never runs a mix of both. Documentation/consistency.rst
 * describes the model; universe.c keeps the universe of each task, this
 * file decides when a task moves.
 *
 * Migration points:
 * - the raw_syscalls sys_enter/sys_exit tracepoints (the task checks its own
 *   stack, which at that point holds only the entry code), hooked once a
 *   round of checks has left tasks behind;
 * - a reliable stack check of sleeping tasks under task_call_func(), done at
 *   once by kgr_migrate_start() and then every kgr_period_ms by a worker;
 * - for tasks running on another CPU (busy user tasks, kthreads, the idle
 *   tasks) an IPI that makes that CPU check the stack of its current task,
 *   backing off while it moves nobody, never to an isolated CPU;
 * - the entry of a patched function, in kgr's ftrace handler: a task that
 *   calls patched code back to back moves there rather than waiting for
 *   an IPI to find it outside, see kgr_migrate_at_entry();
 * - tasks still blocking after kgr_signal_ms get a fake signal (user tasks)
 *   or an interruptible wake-up (kthreads), then migrate at the syscall exit.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <linux/cpumask.h>
#include <linux/sched/isolation.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/jiffies.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/ftrace.h>
#include "stack.h"
#include "fault.h"
#include "universe.h"

static unsigned int kgr_period_ms = 20;
module_param_named(migrate_period_ms, kgr_period_ms, uint, 0644);
MODULE_PARM_DESC(migrate_period_ms,
		 "How often blocked tasks are checked again during a transition (ms)");

static unsigned int kgr_signal_ms = 200;
module_param_named(migrate_signal_ms, kgr_signal_ms, uint, 0644);
MODULE_PARM_DESC(migrate_signal_ms,
		 "How long a task may block a transition before it gets a fake signal (ms)");

static bool kgr_entry_on = true;
module_param_named(migrate_on_entry, kgr_entry_on, bool, 0644);
MODULE_PARM_DESC(migrate_on_entry,
		 "Let a task migrate when it enters a patched function");

/* How long the probes stay hooked after a transition, waiting for the next. */
#define KGR_UNHOOK_DELAY	(10 * HZ)

/*
 * KGR_IDLE -> prepare -> KGR_PREPARED -> start -> KGR_RUNNING -> (last task
 * moved, or force) -> KGR_FINISHING -> worker calls the finish callback
 * -> KGR_IDLE. abort goes back to KGR_IDLE. kgr_mutex; READ_ONCE() outside.
 */
enum kgr_migrate_state {
	KGR_IDLE,
	KGR_PREPARED,
	KGR_RUNNING,
	KGR_FINISHING,
};
static enum kgr_migrate_state kgr_state;
/* Whose transition runs (the patch, for sysfs readers). kgr_mutex. */
static const void *kgr_owner;
/* What ends it, called by the worker once every task moved. kgr_mutex. */
static void (*kgr_finish_cb)(void);

/*
 * Stack buffers: [0] for task context with preemption off, [1] for IRQs,
 * [2] for kgr's ftrace handler (which may run inside a walk on [0]).
 */
struct kgr_stack_bufs {
	unsigned long entries[3][KGR_MAX_STACK];
};
static DEFINE_PER_CPU(struct kgr_stack_bufs, kgr_stack_bufs);

/* CPUs whose current task the worker asks to check itself. kgr_mutex. */
static struct cpumask kgr_ipi_mask;

/*
 * Rounds that sent IPIs wait 1, 2, 4, ... jiffies before the next one, up
 * to kgr_period_ms, so that a CPU-bound task that stays in old code is not
 * interrupted every tick; a round that moves a task starts again from 1.
 * kgr_ipi_backoff is the exponent, kgr_pending the tasks the last round
 * left behind. Reset by every start of a transition. kgr_mutex.
 */
static unsigned int kgr_ipi_backoff;
static unsigned int kgr_pending;

/*
 * The tasks the last walk left behind, pinned, while they are few: after
 * the IPIs of a round, checking them again can end the transition without
 * a second walk over every task. kgr_mutex.
 */
#define KGR_LEFT_MAX	64
/*
 * IPI rounds and rechecks per round: two CPU-bound tasks sharing a CPU
 * take turns, so an IPI may find the other one, and the recheck the
 * first running again (seen in bench/scale).
 */
#define KGR_RECHECKS	3
static struct task_struct *kgr_left[KGR_LEFT_MAX];
static unsigned int kgr_left_nr;

static void kgr_migrate_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(kgr_migrate_work, kgr_migrate_work_fn);
static void kgr_unhook_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(kgr_unhook_work, kgr_unhook_work_fn);

/* Kernel functions kgr needs that are not exported; see kgr_migrate_init(). */
DEFINE_STATIC_CALL_NULL(kgr_task_call_func, task_call_func);
DEFINE_STATIC_CALL_NULL(kgr_idle_task, idle_task);
DEFINE_STATIC_CALL_NULL(kgr_wake_up_state, wake_up_state);

/*
 * Migrate current if its own stack allows it: from the syscall tracepoints
 * (preemption off) and, @interrupted, from the IPI (hard irq). No other
 * task can change current's universe meanwhile: it is running.
 */
static void kgr_check_current(struct kgr_universe *u, unsigned long *buf,
			      bool interrupted, gfp_t gfp)
{
	const struct kgr_goal *goal = rcu_dereference_sched(u->goal);
	struct kgr_task *kt;

	if (!goal)
		return;
	kt = kgr_task_find(u, current);
	if (kgr_task_universe(u, kt) == goal->to_new)
		return;
	if (interrupted ? kgr_interrupted_stack_blocker(goal, buf) :
			  kgr_stack_blocker(current, goal, buf))
		return;
	kt = kt ?: kgr_task_get(u, current, gfp);
	if (kt)
		kgr_task_move(kt, goal->to_new);
}

static void kgr_probe_syscall(void *data, struct pt_regs *regs, long id_or_ret)
{
	struct kgr_universe *u;

	preempt_disable_notrace();
	u = rcu_dereference_sched(kgr_universe);
	if (u)
		kgr_check_current(u,
				  this_cpu_ptr(&kgr_stack_bufs)->entries[0],
				  false, GFP_NOWAIT | __GFP_NOWARN);
	preempt_enable_notrace();
}

/* A walk of kgr_migrate_at_entry() runs on this CPU, on entries[2]. */
static DEFINE_PER_CPU(bool, kgr_entry_walking);

/*
 * current, in task context, enters a patched function at @ip through kgr's
 * ftrace handler during a transition: if nothing of what the transition
 * leaves is on its stack below that entry, it moves now, and the handler
 * then sends it into the goal's version. The function has not started,
 * so it runs one version whole. A hot caller (a kthread that calls the
 * function back to back) moves at once instead of waiting for an IPI to
 * land outside the function.
 *
 * Only tasks a round already left behind have an entry to move (no
 * allocation here: the handler may run under any lock), and each checks
 * at most once per jiffy: the walk costs a few microseconds, and a task
 * blocked lower on its stack would otherwise pay it on every call. A
 * patched function the walk itself calls cannot start another walk on
 * this CPU (kgr_entry_walking), which would overwrite the buffer.
 * Preemption off, any context; not under ftrace's recursion lock. Returns
 * current's universe then, so that the handler looks it up once.
 */
bool notrace kgr_migrate_at_entry(unsigned long ip)
{
	struct kgr_universe *u = rcu_dereference_raw(kgr_universe);
	unsigned long now = jiffies;
	const struct kgr_goal *goal;
	struct kgr_task *kt;
	bool new_universe;

	if (!u)
		return kgr_task_in_new_universe();
	kt = kgr_task_find(u, current);
	new_universe = kgr_task_universe(u, kt);
	goal = rcu_dereference_raw(u->goal);
	if (!goal || !kt || new_universe == goal->to_new || !in_task() ||
	    !READ_ONCE(kgr_entry_on) || READ_ONCE(kt->entry_checked) == now)
		return new_universe;
	WRITE_ONCE(kt->entry_checked, now);
	if (__this_cpu_read(kgr_entry_walking))
		return new_universe;
	__this_cpu_write(kgr_entry_walking, true);
	barrier();
	if (!kgr_entry_stack_blocker(goal,
				     this_cpu_ptr(&kgr_stack_bufs)->entries[2],
				     ip + MCOUNT_INSN_SIZE)) {
		kgr_task_move(kt, goal->to_new);
		new_universe = goal->to_new;
	}
	barrier();
	__this_cpu_write(kgr_entry_walking, false);
	return new_universe;
}

static void kgr_ipi_check(void *unused)
{
	struct kgr_universe *u = rcu_dereference_sched(kgr_universe);

	if (u)
		kgr_check_current(u,
				  this_cpu_ptr(&kgr_stack_bufs)->entries[1],
				  true, GFP_ATOMIC | __GFP_NOWARN);
}

/* ---- tracepoints ---- */

struct kgr_probe {
	const char *name;
	void *func;
	struct tracepoint *tp;
};

/*
 * The first KGR_LIFE_PROBES are hooked while kgr.ko is loaded: a fork or a
 * task's end during a transition must never be missed, and outside one
 * they cost a call that finds no table. The syscall probes make every task
 * take the slow syscall path (TIF_SYSCALL_TRACEPOINT), so they are hooked
 * only by a round that leaves tasks behind, see kgr_syscall_hook().
 */
static struct kgr_probe kgr_probes[] = {
	{ .name = "sched_process_free", .func = kgr_probe_free },
	{ .name = "task_newtask", .func = kgr_probe_newtask },
	{ .name = "sys_enter", .func = kgr_probe_syscall },
	{ .name = "sys_exit", .func = kgr_probe_syscall },
};
#define KGR_LIFE_PROBES	2

static void kgr_find_tracepoint(struct tracepoint *tp, void *unused)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kgr_probes); i++)
		if (!strcmp(tp->name, kgr_probes[i].name))
			kgr_probes[i].tp = tp;
}

/* Unhook kgr_probes[first..last); the caller waits for running probes. */
static void kgr_probes_unregister(int first, int last)
{
	while (--last >= first)
		WARN_ON(tracepoint_probe_unregister(kgr_probes[last].tp,
						    kgr_probes[last].func, NULL));
}

/* Hook kgr_probes[first..last), all or none. */
static int kgr_probes_register(int first, int last)
{
	int i, ret;

	for (i = first; i < last; i++) {
		ret = kgr_fallible("tracepoint_probe_register", -ENOMEM,
				   tracepoint_probe_register(kgr_probes[i].tp,
							     kgr_probes[i].func,
							     NULL));
		if (ret) {
			pr_err("cannot hook tracepoint %s: %d\n",
			       kgr_probes[i].name, ret);
			kgr_probes_unregister(first, i);
			tracepoint_synchronize_unregister();
			return ret;
		}
	}
	return 0;
}

/*
 * The syscall probes are hooked; hooking was tried in this transition.
 * kgr_mutex.
 */
static bool kgr_syscall_hooked;
static bool kgr_syscall_tried;

/*
 * Hooking a tracepoint patches kernel text, with INT3 and IPIs to every
 * CPU: about 10 ms per tracepoint under TCG. A transition in which every
 * task moves in the first round never needs the syscall probes; one that
 * leaves tasks behind hooks them once, and they stay, doing nothing
 * outside a transition, until none has started for KGR_UNHOOK_DELAY. If
 * hooking fails (no memory), the transition goes on with stack checks and
 * IPIs only; a user task asleep in old code may then hold it until forced.
 * kgr_mutex.
 */
static void kgr_syscall_hook(void)
{
	lockdep_assert_held(&kgr_mutex);
	if (kgr_syscall_hooked || kgr_syscall_tried)
		return;
	kgr_syscall_tried = true;
	kgr_syscall_hooked = !kgr_probes_register(KGR_LIFE_PROBES,
						  ARRAY_SIZE(kgr_probes));
}

static void kgr_syscall_unhook(void)
{
	if (!kgr_syscall_hooked)
		return;
	kgr_probes_unregister(KGR_LIFE_PROBES, ARRAY_SIZE(kgr_probes));
	tracepoint_synchronize_unregister();
	kgr_syscall_hooked = false;
}

static void kgr_unhook_work_fn(struct work_struct *work)
{
	mutex_lock(&kgr_mutex);
	if (kgr_state == KGR_IDLE)
		kgr_syscall_unhook();
	mutex_unlock(&kgr_mutex);
}

/* ---- the transition's goal ---- */

static int kgr_range_cmp(const void *a, const void *b)
{
	const struct kgr_range *ra = a, *rb = b;

	if (ra->start == rb->start)
		return 0;
	return ra->start < rb->start ? -1 : 1;
}

/*
 * Sort the ranges by start and merge those that overlap (aliases, one new
 * function for two old ones; a merge keeps the first name), so that a
 * stack check bisects them: a patch of 1,000 functions checks each stack
 * entry against some 11 ranges instead of 2,000.
 */
static void kgr_goal_sort(struct kgr_goal *goal)
{
	struct kgr_range *r = goal->ranges;
	unsigned int i, n = 0;

	if (!goal->nr_ranges)
		return;
	sort(r, goal->nr_ranges, sizeof(*r), kgr_range_cmp, NULL);
	for (i = 1; i < goal->nr_ranges; i++) {
		if (r[i].start < r[n].end)
			r[n].end = max(r[n].end, r[i].end);
		else
			r[++n] = r[i];
	}
	goal->nr_ranges = n + 1;
}

static struct kgr_goal *kgr_goal_alloc(bool to_new,
				       const struct kgr_range *ranges,
				       unsigned int nr_ranges)
{
	struct kgr_goal *goal;

	goal = kgr_fallible("kzalloc(goal)", NULL,
			    kzalloc(struct_size(goal, ranges, nr_ranges),
				    GFP_KERNEL));
	if (!goal)
		return NULL;
	goal->to_new = to_new;
	goal->nr_ranges = nr_ranges;
	memcpy(goal->ranges, ranges, flex_array_size(goal, ranges, nr_ranges));
	kgr_goal_sort(goal);
	return goal;
}

/*
 * End the transition with every task in universe @final_new; the probes
 * are unhooked later. kgr_mutex.
 */
static void kgr_drop_universe(bool final_new)
{
	lockdep_assert_held(&kgr_mutex);
	kgr_universe_drop(final_new);
	mod_delayed_work(system_wq, &kgr_unhook_work, KGR_UNHOOK_DELAY);
}

/* ---- the worker: stack checks, IPIs, fake signals ---- */

struct kgr_check {
	struct kgr_task *kt;
	const struct kgr_goal *goal;
	const char *blocker;
};

/*
 * Under task_call_func(): @task cannot start or stop running meanwhile, so
 * a clean stack stays clean until its universe is switched. task_curr() is
 * not exported; on_cpu also covers a task still switching out.
 */
static int kgr_check_task(struct task_struct *task, void *arg)
{
	struct kgr_check *c = arg;

	if (READ_ONCE(task->on_cpu) && task != current)
		return -EAGAIN;
	/* Interrupts are off: this CPU's task buffer is ours. */
	c->blocker = kgr_stack_blocker(task, c->goal,
				       this_cpu_ptr(&kgr_stack_bufs)->entries[0]);
	if (c->blocker)
		return -EBUSY;
	kgr_task_move(c->kt, c->goal->to_new);
	return 0;
}

/*
 * The details of @kt, made when a check of @task first fails; NULL: no
 * memory now, the next round tries again. kgr_mutex and an RCU read side,
 * under which @task stays.
 */
static struct kgr_blocked *kgr_blocked_get(struct kgr_task *kt,
					   struct task_struct *task)
{
	struct kgr_blocked *kb = kt->blocked;

	if (kb)
		return kb;
	kb = kzalloc(sizeof(*kb), GFP_NOWAIT | __GFP_NOWARN);
	if (!kb)
		return NULL;
	kb->pid = task_pid_nr(task);
	strscpy(kb->comm, task->comm, sizeof(kb->comm));
	/* Pairs with kgr_migrate_blocking_show(): pid and comm are set. */
	smp_store_release(&kt->blocked, kb);
	return kb;
}

/*
 * Make a task that sleeps in old code go through a migration point: the
 * way klp_send_signals() does it. A user task gets TIF_NOTIFY_SIGNAL: its
 * interruptible sleep ends, the syscall returns to the exit path (the
 * sys_exit probe migrates it) and is restarted; no signal is delivered.
 */
static void kgr_fake_signal(struct task_struct *task)
{
	if (is_idle_task(task))
		return;
	if (task->flags & PF_KTHREAD) {
		static_call(kgr_wake_up_state)(task, TASK_INTERRUPTIBLE);
		return;
	}
	if (!test_and_set_tsk_thread_flag(task, TIF_NOTIFY_SIGNAL) &&
	    !static_call(kgr_wake_up_state)(task, TASK_INTERRUPTIBLE))
		kick_process(task);
}

/*
 * Try to move @task to @goal. True when it is there now. A task running on
 * another CPU gets that CPU added to kgr_ipi_mask. RCU read side held.
 */
static bool kgr_try_task(struct kgr_universe *u, const struct kgr_goal *goal,
			 struct task_struct *task)
{
	struct kgr_check c = { .goal = goal };
	unsigned long timeout = msecs_to_jiffies(kgr_signal_ms);
	struct kgr_blocked *kb;
	struct kgr_task *kt;
	int ret;

	kt = kgr_task_find(u, task);
	if (kgr_task_universe(u, kt) == goal->to_new)
		return true;
	c.kt = kt ?: kgr_task_get(u, task, GFP_NOWAIT | __GFP_NOWARN);
	if (!c.kt)
		return false;
	ret = static_call(kgr_task_call_func)(task, kgr_check_task, &c);
	if (!ret)
		return true;
	kb = kgr_blocked_get(c.kt, task);
	if (kb)
		WRITE_ONCE(kb->blocking,
			   ret == -EAGAIN ? KGR_RUNNING_TASK : c.blocker);
	/*
	 * Running: its CPU checks it. Isolated and nohz_full CPUs get no
	 * rounds of IPIs: their task is checked as a sleeper is signalled,
	 * once per kgr_signal_ms, unless its syscall exit moves it first.
	 */
	if (ret == -EAGAIN && !cpu_is_isolated(task_cpu(task))) {
		cpumask_set_cpu(task_cpu(task), &kgr_ipi_mask);
		return false;
	}
	if (!kb)
		return false;
	if (!kb->blocked_since)
		kb->blocked_since = jiffies;
	if (time_after(jiffies, kb->blocked_since + timeout) &&
	    (!kb->signalled_at ||
	     time_after(jiffies, kb->signalled_at + timeout))) {
		if (ret == -EAGAIN)
			cpumask_set_cpu(task_cpu(task), &kgr_ipi_mask);
		else
			kgr_fake_signal(task);
		kb->signalled_at = jiffies;
	}
	return false;
}

/*
 * The idle tasks are not on the task list. An offline CPU's idle task runs
 * nothing and moves at once, as in klp_try_complete_transition().
 */
static bool kgr_try_idle_tasks(struct kgr_universe *u,
			       const struct kgr_goal *goal)
{
	struct kgr_task *kt;
	bool done = true;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct task_struct *idle = static_call(kgr_idle_task)(cpu);

		if (cpu_online(cpu)) {
			done &= kgr_try_task(u, goal, idle);
			continue;
		}
		kt = kgr_task_get(u, idle, GFP_NOWAIT | __GFP_NOWARN);
		if (kt)
			kgr_task_move(kt, goal->to_new);
		else
			done = false;
	}
	return done;
}

/* Pin @task as left behind by the walk; past KGR_LEFT_MAX, only count it. */
static void kgr_leave_behind(struct task_struct *task)
{
	if (kgr_left_nr < KGR_LEFT_MAX)
		kgr_left[kgr_left_nr] = get_task_struct(task);
	kgr_left_nr++;
}

/*
 * Check again the tasks the walk left behind, after the IPIs asked the
 * CPUs running some of them to check themselves; the CPUs of those still
 * running go into kgr_ipi_mask again. True when all are in
 * the goal's universe now, or gone from the task list, which a walk would
 * not see either. A task the walk missed was forked behind it: the
 * caller makes sure there was none.
 */
static bool kgr_recheck_left(struct kgr_universe *u,
			     const struct kgr_goal *goal)
{
	struct task_struct *task;
	bool done = true;
	unsigned int i;

	if (kgr_left_nr > KGR_LEFT_MAX)
		return false;
	rcu_read_lock();
	for (i = 0; i < kgr_left_nr; i++) {
		task = kgr_left[i];
		done &= !pid_alive(task) || kgr_try_task(u, goal, task);
	}
	done &= kgr_try_idle_tasks(u, goal);
	rcu_read_unlock();
	return done;
}

static void kgr_left_release(void)
{
	unsigned int i;

	for (i = 0; i < kgr_left_nr && i < KGR_LEFT_MAX; i++)
		put_task_struct(kgr_left[i]);
	kgr_left_nr = 0;
}

/*
 * One round over every task. True when all of them are in the goal's
 * universe. A task missing from the walk was forked behind it: its parent
 * was in the goal's universe when the walk saw it (universes only move
 * towards the goal during a round), so the child inherits that universe,
 * unless its entry could not be allocated, which @forks_lost tells.
 *
 * When the walk left tasks behind and sent IPIs, the CPU-bound tasks among
 * them usually move in the IPI, and the few left behind are checked again
 * at once (with IPIs again to the CPUs where some still run, up to
 * KGR_RECHECKS times) instead of in another walk over every task a jiffy
 * later. That argument no longer covers a child of a task left behind:
 * the round ends early only if no fork probe ran at all from before the
 * walk to the end of the recheck. Its counts pair with the barriers in kgr_probe_newtask():
 * a probe the last read misses reads its parent's universe after the
 * recheck, when every task the walk saw is in the goal's. kgr_mutex.
 */
static bool kgr_migrate_round(struct kgr_universe *u)
{
	const struct kgr_goal *goal = kgr_goal_locked(u);
	int forks_lost = atomic_read(&u->forks_lost);
	struct task_struct *g, *task;
	unsigned int pending = 0;
	int forks_ended, forks, tries;
	bool done;

	lockdep_assert_held(&kgr_mutex);
	forks_ended = atomic_read(&u->forks_ended);
	/* Ends before starts: equal, no probe was under way in between. */
	smp_rmb();
	forks = atomic_read(&u->forks_started);
	/* A probe done before this read left its child where the walk sees it. */
	smp_rmb();
	cpumask_clear(&kgr_ipi_mask);
	rcu_read_lock();
	for_each_process_thread(g, task) {
		if (!kgr_try_task(u, goal, task)) {
			pending++;
			kgr_leave_behind(task);
		}
	}
	pending += !kgr_try_idle_tasks(u, goal);
	rcu_read_unlock();

	for (tries = 0; pending && tries < KGR_RECHECKS &&
	     !cpumask_empty(&kgr_ipi_mask); tries++) {
		on_each_cpu_mask(&kgr_ipi_mask, kgr_ipi_check, NULL, true);
		if (forks != forks_ended)
			break;
		/* Only CPUs where left tasks still run, as kgr_try_task() allows. */
		cpumask_clear(&kgr_ipi_mask);
		if (kgr_recheck_left(u, goal)) {
			/* Pairs with smp_mb__after_atomic() in the fork probe. */
			smp_mb();
			if (atomic_read(&u->forks_started) == forks)
				pending = 0;
			break;
		}
	}
	kgr_left_release();
	done = !pending;
	if (pending < kgr_pending)
		kgr_ipi_backoff = 0;
	kgr_pending = pending;

	return done && atomic_read(&u->forks_lost) == forks_lost;
}

/* A transition starts (again): the next IPI round follows at once. */
static void kgr_ipi_backoff_reset(void)
{
	kgr_ipi_backoff = 0;
	kgr_pending = UINT_MAX;
}

/*
 * Run a round; on success drop the per-task state and return true. Else
 * schedule the next round: soon when CPUs were just asked to check
 * themselves (see kgr_ipi_backoff), else after kgr_period_ms. kgr_mutex.
 */
static bool kgr_migrate_step(void)
{
	struct kgr_universe *u = kgr_universe_locked();
	unsigned long delay = msecs_to_jiffies(kgr_period_ms);

	lockdep_assert_held(&kgr_mutex);
	if (kgr_migrate_round(u)) {
		kgr_drop_universe(kgr_goal_locked(u)->to_new);
		kgr_state = KGR_FINISHING;
		return true;
	}
	kgr_syscall_hook();
	kgr_free_dead(u);
	if (!cpumask_empty(&kgr_ipi_mask)) {
		if ((1UL << kgr_ipi_backoff) < delay) {
			delay = 1UL << kgr_ipi_backoff;
			kgr_ipi_backoff++;
		}
	}
	mod_delayed_work(system_wq, &kgr_migrate_work, delay);
	return false;
}

static void kgr_finish(void)
{
	WRITE_ONCE(kgr_state, KGR_IDLE);
	kgr_finish_cb();
}

static void kgr_migrate_work_fn(struct work_struct *work)
{
	mutex_lock(&kgr_mutex);
	if (kgr_state == KGR_RUNNING)
		kgr_migrate_step();
	if (kgr_state == KGR_FINISHING)
		kgr_finish();
	mutex_unlock(&kgr_mutex);
}

/* ---- the interface to transition.c and sysfs.c ---- */

/* The tasks alive now, idle tasks included: nr_threads is not exported. */
static unsigned int kgr_count_tasks(void)
{
	unsigned int nr = num_possible_cpus();
	struct task_struct *g, *task;

	rcu_read_lock();
	for_each_process_thread(g, task)
		nr++;
	rcu_read_unlock();
	return nr;
}

/* Publish an empty table: every task in universe @default_new. kgr_mutex. */
static int kgr_universe_create(bool default_new, const void *owner)
{
	struct kgr_universe *u = kgr_universe_alloc(default_new, owner,
						    kgr_count_tasks());

	lockdep_assert_held(&kgr_mutex);
	if (!u)
		return -ENOMEM;
	cancel_delayed_work(&kgr_unhook_work);
	kgr_syscall_tried = false;
	rcu_assign_pointer(kgr_universe, u);
	return 0;
}

int kgr_migrate_prepare(bool to_new, const void *owner, void (*finish)(void))
{
	int ret;

	lockdep_assert_held(&kgr_mutex);
	if (kgr_state != KGR_IDLE)
		return -EBUSY;
	ret = kgr_universe_create(!to_new, owner);
	if (!ret) {
		kgr_owner = owner;
		kgr_finish_cb = finish;
		WRITE_ONCE(kgr_state, KGR_PREPARED);
	}
	return ret;
}

int kgr_migrate_set_goal(const struct kgr_range *ranges,
			 unsigned int nr_ranges)
{
	struct kgr_universe *u = kgr_universe_locked();
	struct kgr_goal *goal;

	lockdep_assert_held(&kgr_mutex);
	if (kgr_state != KGR_PREPARED)
		return -EINVAL;
	goal = kgr_goal_alloc(!u->default_new, ranges, nr_ranges);
	if (!goal)
		return -ENOMEM;
	kfree(u->next_goal);
	u->next_goal = goal;
	return 0;
}

void kgr_migrate_go(void)
{
	struct kgr_universe *u = kgr_universe_locked();

	lockdep_assert_held(&kgr_mutex);
	if (WARN_ON(kgr_state != KGR_PREPARED || !u->next_goal))
		return;
	rcu_assign_pointer(u->goal, u->next_goal);
	u->next_goal = NULL;
	WRITE_ONCE(kgr_state, KGR_RUNNING);
	kgr_ipi_backoff_reset();
	/* The finish callback must not run inside the caller: defer it. */
	if (kgr_migrate_step())
		mod_delayed_work(system_wq, &kgr_migrate_work, 0);
}

int kgr_migrate_start(const struct kgr_range *ranges, unsigned int nr_ranges)
{
	int ret = kgr_migrate_set_goal(ranges, nr_ranges);

	if (!ret)
		kgr_migrate_go();
	return ret;
}

void kgr_migrate_abort(void)
{
	struct kgr_universe *u = kgr_universe_locked();

	lockdep_assert_held(&kgr_mutex);
	if (WARN_ON(kgr_state != KGR_PREPARED && kgr_state != KGR_RUNNING))
		return;
	kgr_drop_universe(u->default_new);
	WRITE_ONCE(kgr_state, KGR_IDLE);
}

/*
 * Every task has arrived but the worker has not called the finish
 * callback yet: to its caller the transition still runs. Turning
 * it around starts a new one from where everyone is now. kgr_mutex.
 */
static int kgr_migrate_restart(const struct kgr_range *ranges,
			       unsigned int nr_ranges)
{
	bool back_to_new = !kgr_task_in_new_universe();
	struct kgr_goal *goal;
	int ret;

	lockdep_assert_held(&kgr_mutex);
	goal = kgr_goal_alloc(back_to_new, ranges, nr_ranges);
	if (!goal)
		return -ENOMEM;
	ret = kgr_universe_create(!back_to_new, kgr_owner);
	if (ret) {
		kfree(goal);
		return ret;
	}
	rcu_assign_pointer(kgr_universe_locked()->goal, goal);
	WRITE_ONCE(kgr_state, KGR_RUNNING);
	kgr_ipi_backoff_reset();
	mod_delayed_work(system_wq, &kgr_migrate_work, 0);
	return 0;
}

/*
 * Replace the running transition's goal: a stack check sees either the old
 * goal or the new one, never a mix of the two. kgr_mutex.
 */
static int kgr_goal_replace(struct kgr_universe *u, bool to_new,
			    const struct kgr_range *ranges,
			    unsigned int nr_ranges)
{
	struct kgr_goal *old = kgr_goal_locked(u), *goal;

	lockdep_assert_held(&kgr_mutex);
	goal = kgr_goal_alloc(to_new, ranges, nr_ranges);
	if (!goal)
		return -ENOMEM;
	rcu_assign_pointer(u->goal, goal);
	kfree_rcu(old, rcu);
	return 0;
}

int kgr_migrate_reverse(const struct kgr_range *ranges, unsigned int nr_ranges)
{
	struct kgr_universe *u = kgr_universe_locked();
	struct kgr_blocked *kb;
	struct kgr_task *kt;
	unsigned int i;
	int ret;

	lockdep_assert_held(&kgr_mutex);
	if (kgr_state == KGR_FINISHING)
		return kgr_migrate_restart(ranges, nr_ranges);
	if (kgr_state != KGR_RUNNING)
		return -EINVAL;
	ret = kgr_goal_replace(u, !kgr_goal_locked(u)->to_new, ranges,
			       nr_ranges);
	if (ret)
		return ret;

	rcu_read_lock();
	kgr_for_each_bucket(u, i)
		hlist_for_each_entry_rcu(kt, &u->hash[i], node) {
			kb = kt->blocked;
			if (!kb)
				continue;
			WRITE_ONCE(kb->blocking, NULL);
			kb->blocked_since = 0;
			kb->signalled_at = 0;
		}
	rcu_read_unlock();
	kgr_ipi_backoff_reset();
	mod_delayed_work(system_wq, &kgr_migrate_work, 0);
	return 0;
}

/*
 * Only a running transition checks stacks; once every task has arrived
 * (KGR_FINISHING) the code that came or went concerns nobody.
 */
int kgr_migrate_set_ranges(const struct kgr_range *ranges,
			   unsigned int nr_ranges)
{
	struct kgr_universe *u = kgr_universe_locked();

	lockdep_assert_held(&kgr_mutex);
	if (kgr_state != KGR_RUNNING)
		return 0;
	return kgr_goal_replace(u, kgr_goal_locked(u)->to_new, ranges,
				nr_ranges);
}

/*
 * Forcing is dangerous: a task still inside old code (the reason it had
 * not migrated) now calls new functions from it, the very mix the model
 * exists to prevent; and a reverted patch's module may be removed while a
 * task still runs its code.
 */
void kgr_migrate_force(void)
{
	struct kgr_universe *u = kgr_universe_locked();
	char *list;

	lockdep_assert_held(&kgr_mutex);
	if (kgr_state != KGR_RUNNING)
		return;
	list = (char *)__get_free_page(GFP_KERNEL);
	if (list && kgr_migrate_blocking_show(list, u->owner) > 0)
		pr_warn("forcing the transition; still blocking:\n%s", list);
	free_page((unsigned long)list);
	pr_warn("forced transition: tasks in old code now call new code; the kernel is tainted\n");
	add_taint(TAINT_LIVEPATCH, LOCKDEP_STILL_OK);
	kgr_drop_universe(kgr_goal_locked(u)->to_new);
	WRITE_ONCE(kgr_state, KGR_FINISHING);
	mod_delayed_work(system_wq, &kgr_migrate_work, 0);
}

bool kgr_migrate_in_progress(void)
{
	return READ_ONCE(kgr_state) != KGR_IDLE;
}

/*
 * Lock-free, so that no reader can hold up the transition: the entries
 * and the goal are freed only after a grace period, the range names live
 * in patch modules that cannot be freed under an RCU reader, and the task
 * itself is never touched (pid and comm were copied while it was pinned).
 */
ssize_t kgr_migrate_blocking_show(char *buf, const void *owner)
{
	const struct kgr_blocked *kb;
	const struct kgr_goal *goal;
	struct kgr_universe *u;
	struct kgr_task *kt;
	const char *blocking;
	unsigned int i;
	int len = 0;

	rcu_read_lock_sched();
	u = rcu_dereference_sched(kgr_universe);
	goal = u && u->owner == owner ? rcu_dereference_sched(u->goal) : NULL;
	if (!goal)
		goto out;
	kgr_for_each_bucket(u, i)
		hlist_for_each_entry_rcu(kt, &u->hash[i], node) {
			/* Pairs with kgr_blocked_get(): pid and comm are set. */
			kb = smp_load_acquire(&kt->blocked);
			blocking = kb ? READ_ONCE(kb->blocking) : NULL;
			if (!blocking ||
			    kgr_task_universe(u, kt) == goal->to_new)
				continue;
			len += sysfs_emit_at(buf, len, "%d %s %s\n", kb->pid,
					     kb->comm, blocking);
		}
out:
	rcu_read_unlock_sched();
	return len;
}

/* ---- module init ---- */

int kgr_migrate_init(void)
{
	int i;

	if (kgr_static_call_resolve(kgr_task_call_func, task_call_func) ||
	    kgr_stack_init() ||
	    kgr_static_call_resolve(kgr_idle_task, idle_task) ||
	    kgr_static_call_resolve(kgr_wake_up_state, wake_up_state))
		return -ENOENT;

	for_each_kernel_tracepoint(kgr_find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(kgr_probes); i++) {
		if (!kgr_probes[i].tp) {
			pr_err("tracepoint %s not found\n", kgr_probes[i].name);
			return -ENOENT;
		}
	}
	return kgr_probes_register(0, KGR_LIFE_PROBES);
}

void kgr_migrate_exit(void)
{
	cancel_delayed_work_sync(&kgr_migrate_work);
	cancel_delayed_work_sync(&kgr_unhook_work);
	kgr_syscall_unhook();
	kgr_probes_unregister(0, KGR_LIFE_PROBES);
	tracepoint_synchronize_unregister();
	kgr_universe_exit();
}
