/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-task universes of a transition: universe.c keeps them, migrate.c
 * moves the tasks. Private to these two files.
 */
#ifndef _KGR_UNIVERSE_H
#define _KGR_UNIVERSE_H

#include <linux/hash.h>
#include <linux/llist.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include "internal.h"

/*
 * The table has a bucket per task alive when the transition starts (more
 * only come from forks during it): a lookup walks about one entry, whatever
 * the number of tasks. At least 2^10 buckets, at most 2^20.
 */
#define KGR_HASH_BITS_MIN	10
#define KGR_HASH_BITS_MAX	20

/*
 * struct kgr_blocked - why a round left a task behind: for "blocking" and
 * the fake signals. Only tasks that failed a check have one, so that the
 * entry of every task stays small.
 * @blocking: the name of the kgr_range in the way, or KGR_RUNNING_TASK;
 *	NULL after a reversal; written under kgr_mutex, read lock-free by
 *	kgr_migrate_blocking_show()
 * @blocked_since: jiffies of the first failed check; kgr_mutex
 * @signalled_at: jiffies of the last fake signal, 0 if none; kgr_mutex
 * @pid: the task's pid, set before the details are published
 * @comm: its name then, for the same reader, who must not touch the task
 */
struct kgr_blocked {
	const char *blocking;
	unsigned long blocked_since;
	unsigned long signalled_at;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

/*
 * struct kgr_task - what kgr knows about one task during a transition
 * A transition has an entry for every task: 48 bytes, the last 6 padding.
 * @node: in kgr_universe.hash; written under kgr_universe.lock, read
 *	under RCU (sched) from any context
 * @task: the key; only dereferenced while the entry is hashed and the
 *	task pinned (an exited task leaves the hash before its task_struct
 *	can be freed, but a lock-free reader cannot tell when)
 * @blocked: NULL until a check fails; set once, under kgr_mutex, with
 *	smp_store_release(); freed with the entry
 * @entry_checked: jiffies of the task's last stack check at the entry of
 *	a patched function; read and written only by the task itself
 * @free_node: in kgr_universe.dead once the task is freed, then on the
 *	list of entries freed after a grace period; shares its place with
 *	@entry_checked, which a freed task no longer uses
 * @new_universe: the task's universe; smp_store_release() by whoever
 *	migrates it, smp_load_acquire() by readers
 * @pooled: taken from kgr_universe.pool, freed with it
 */
struct kgr_task {
	struct hlist_node node;
	struct task_struct *task;
	struct kgr_blocked *blocked;
	union {
		unsigned long entry_checked;
		struct llist_node free_node;
	};
	bool new_universe;
	bool pooled;
};

/*
 * struct kgr_goal - where the transition goes and what code it leaves
 * Replaced (not changed) by kgr_migrate_reverse(), so that one decision
 * always uses a direction and ranges that belong together. @ranges are
 * sorted by start and disjoint, for the stack check's bisection.
 */
struct kgr_goal {
	struct rcu_head rcu;
	bool to_new;
	unsigned int nr_ranges;
	struct kgr_range ranges[];
};

/*
 * struct kgr_universe - the per-task state of one transition
 * @lock: taken by writers of @hash and @dead, in any context (the
 *	task-free tracepoint runs in softirq, the stack check under the
 *	scheduler's locks): a raw spinlock, irqs off, innermost
 * @default_new: universe of tasks without an entry; fixed at prepare
 * @owner: whose transition this is (the patch), for lock-free readers
 * @goal: NULL until kgr_migrate_go(); RCU (sched)
 * @next_goal: the goal kgr_migrate_set_goal() made, until it is published;
 *	kgr_mutex
 * @dead: entries of freed tasks, off @hash, freed after a grace period
 * @nr_dead: length of @dead
 * @forks_lost: children whose entry could not be allocated at fork
 * @forks_started: fork probes that began, counted before they read the
 *	parent's universe
 * @forks_ended: fork probes that ended, counted once the child has its
 *	universe; with @forks_started, tells a round whether any child can
 *	have escaped its walk (kgr_migrate_round())
 * @pool: an entry for each task alive at the start, allocated at once
 *	(one allocation instead of one per task in the first round), or
 *	NULL; entries beyond it are allocated one by one. Never reused: a
 *	freed task's pooled entry, and its details, stay until the table is
 *	freed
 * @pool_nr: the entries of @pool
 * @pool_used: how many of them were taken
 * @free_node: in kgr_ended once the transition has ended
 * @hash_bits: the table has 2^@hash_bits buckets
 * @hash: the entries, by task pointer
 */
struct kgr_universe {
	struct llist_node free_node;
	raw_spinlock_t lock;
	bool default_new;
	const void *owner;
	struct kgr_goal __rcu *goal;
	struct kgr_goal *next_goal;
	struct llist_head dead;
	atomic_t nr_dead;
	atomic_t forks_lost;
	atomic_t forks_started;
	atomic_t forks_ended;
	struct kgr_task *pool;
	unsigned int pool_nr;
	atomic_t pool_used;
	unsigned int hash_bits;
	struct hlist_head hash[];
};

/* Walk the buckets of @u's table. */
#define kgr_for_each_bucket(u, i) \
	for ((i) = 0; (i) < 1U << (u)->hash_bits; (i)++)

/*
 * The running transition's state, NULL outside one. Published with
 * rcu_assign_pointer() under kgr_mutex; freed only after every handler,
 * probe, IPI and sysfs reader that could have read it has returned.
 */
extern struct kgr_universe __rcu *kgr_universe;

static inline struct kgr_universe *kgr_universe_locked(void)
{
	return rcu_dereference_protected(kgr_universe,
					 lockdep_is_held(&kgr_mutex));
}

static inline struct kgr_goal *kgr_goal_locked(struct kgr_universe *u)
{
	return rcu_dereference_protected(u->goal, lockdep_is_held(&kgr_mutex));
}

static __always_inline struct hlist_head *
kgr_bucket(struct kgr_universe *u, struct task_struct *task)
{
	return &u->hash[hash_ptr(task, u->hash_bits)];
}

/* Lock-free; the caller is in an RCU-sched read side (preemption off). */
static __always_inline struct kgr_task *
kgr_task_find(struct kgr_universe *u, struct task_struct *task)
{
	struct kgr_task *kt;

	hlist_for_each_entry_rcu_notrace(kt, kgr_bucket(u, task), node)
		if (kt->task == task)
			return kt;
	return NULL;
}

static __always_inline bool kgr_task_universe(struct kgr_universe *u,
					      struct kgr_task *kt)
{
	/* Pairs with kgr_task_move(): what its task did before, we see. */
	return kt ? smp_load_acquire(&kt->new_universe) : u->default_new;
}

static inline void kgr_task_move(struct kgr_task *kt, bool new_universe)
{
	/* Pairs with kgr_task_universe(). */
	smp_store_release(&kt->new_universe, new_universe);
}

/* The entry of @task, created in the default universe; NULL: no memory. */
struct kgr_task *kgr_task_get(struct kgr_universe *u, struct task_struct *task,
			      gfp_t gfp);

/* A new, unpublished table: every task in universe @default_new. */
struct kgr_universe *kgr_universe_alloc(bool default_new, const void *owner,
					unsigned int nr_tasks);

/*
 * Unpublish the table: every task is in universe @final_new from now on;
 * the table is freed after the grace periods. kgr_mutex.
 */
void kgr_universe_drop(bool final_new);

/*
 * Free the entries of exited tasks once there are many, after the grace
 * periods, in a work item: the caller (kgr_mutex) does not wait for them.
 */
void kgr_free_dead(struct kgr_universe *u);

/* Tracepoint probes: task_newtask (inheritance), sched_process_free. */
void kgr_probe_newtask(void *data, struct task_struct *child,
		       unsigned long clone_flags);
void kgr_probe_free(void *data, struct task_struct *task);

/* Wait for the tables of ended transitions to be freed. */
void kgr_universe_exit(void);

#endif /* _KGR_UNIVERSE_H */
