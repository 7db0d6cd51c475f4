// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * universe.c - the universe of every task during a transition
 *
 * kgr cannot add a field to task_struct: the universe of a task is an entry
 * in a hash table keyed by the task pointer, which exists only while a
 * transition runs. A task without an entry is in the default universe (the
 * one the transition leaves). Lookups are lock-free, from any context; a
 * child inherits its parent's universe at fork; a freed task's entry leaves
 * the table before its task_struct can be reused. Documentation/
 * consistency.rst describes the model; migrate.c moves the tasks.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include "universe.h"
#include "fault.h"

/* Free the entries of exited tasks once this many have piled up. */
#define KGR_DEAD_BATCH	256

struct kgr_universe __rcu *kgr_universe;

/* The universe of every task while kgr_universe is NULL. */
static bool kgr_final_new;

static void kgr_free_work_fn(struct work_struct *work);
static DECLARE_WORK(kgr_free_work, kgr_free_work_fn);

/* Universes of ended transitions, freed by kgr_free_work. */
static LLIST_HEAD(kgr_ended);
/* Entries of exited tasks handed over by kgr_free_dead(), freed likewise. */
static LLIST_HEAD(kgr_dead_tasks);

/* A zeroed entry: from @u's pool while it lasts, in any context. */
static struct kgr_task *kgr_task_alloc(struct kgr_universe *u, gfp_t gfp)
{
	unsigned int i;

	if (atomic_read(&u->pool_used) < u->pool_nr) {
		i = atomic_inc_return(&u->pool_used) - 1;
		if (i < u->pool_nr) {
			u->pool[i].pooled = true;
			return &u->pool[i];
		}
	}
	return kzalloc(sizeof(struct kgr_task), gfp);
}

/*
 * Free an entry no reader can see, with its details; a pooled one goes
 * with its pool (kgr_universe_free()).
 */
static void kgr_task_free(struct kgr_task *kt)
{
	if (kt && !kt->pooled) {
		kfree(kt->blocked);
		kfree(kt);
	}
}

struct kgr_task *kgr_task_get(struct kgr_universe *u, struct task_struct *task,
			      gfp_t gfp)
{
	struct kgr_task *kt, *new;
	unsigned long flags;

	kt = kgr_task_find(u, task);
	if (kt)
		return kt;
	new = kgr_task_alloc(u, gfp);
	if (!new)
		return NULL;
	new->task = task;
	new->new_universe = u->default_new;

	raw_spin_lock_irqsave(&u->lock, flags);
	kt = kgr_task_find(u, task);
	if (!kt) {
		hlist_add_head_rcu(&new->node, kgr_bucket(u, task));
		kt = new;
		new = NULL;
	}
	raw_spin_unlock_irqrestore(&u->lock, flags);
	kgr_task_free(new);
	return kt;
}

/**
 * kgr_task_in_new_universe() - the universe of the current task
 *
 * Called by the ftrace handler for every call of a function whose
 * transition runs, in any context, NMI included: no locks, no tracing. In
 * interrupt context this is the universe of the interrupted task: the IPI
 * stack check (kgr_check_current()) covers the interrupt stacks as well.
 *
 * Return: true when current runs the new code.
 */
bool notrace kgr_task_in_new_universe(void)
{
	struct kgr_universe *u = rcu_dereference_raw(kgr_universe);

	if (!u) {
		/* Pairs with the smp_wmb() in kgr_drop_universe(). */
		smp_rmb();
		return READ_ONCE(kgr_final_new);
	}
	return kgr_task_universe(u, kgr_task_find(u, current));
}

/*
 * A child inherits its parent's universe. The tracepoint fires in the
 * parent, after the child is on the task list but before it can run.
 * Without an entry the child is in the default universe, so only a parent
 * that has left it needs one for the child.
 */
static void kgr_inherit(struct kgr_universe *u, struct task_struct *child)
{
	struct kgr_task *kt;
	bool new_universe;

	new_universe = kgr_task_universe(u, kgr_task_find(u, current));
	if (new_universe == u->default_new)
		return;
	kt = kgr_task_get(u, child, GFP_ATOMIC | __GFP_NOWARN);
	if (kt)
		kgr_task_move(kt, new_universe);
	else
		atomic_inc(&u->forks_lost);
}

/* Counted on both sides of the inheritance: see kgr_migrate_round(). */
void kgr_probe_newtask(void *data, struct task_struct *child,
		       unsigned long clone_flags)
{
	struct kgr_universe *u = rcu_dereference_sched(kgr_universe);

	if (!u)
		return;
	atomic_inc(&u->forks_started);
	/* Counted before the parent's universe is read. */
	smp_mb__after_atomic();
	kgr_inherit(u, child);
	/* The child's universe set before it counts as done. */
	smp_mb__before_atomic();
	atomic_inc(&u->forks_ended);
}

/*
 * A task is freed: take its entry off the hash before the task_struct (and
 * so the key) can be reused. Readers may still walk the entry: it is freed
 * after a grace period, by kgr_free_dead(), or with its pool, which the
 * table's own grace periods cover.
 */
void kgr_probe_free(void *data, struct task_struct *task)
{
	struct kgr_universe *u = rcu_dereference_sched(kgr_universe);
	struct kgr_task *kt;
	unsigned long flags;

	if (!u)
		return;
	raw_spin_lock_irqsave(&u->lock, flags);
	kt = kgr_task_find(u, task);
	if (kt)
		hlist_del_rcu(&kt->node);
	raw_spin_unlock_irqrestore(&u->lock, flags);
	if (kt && !kt->pooled) {
		llist_add(&kt->free_node, &u->dead);
		atomic_inc(&u->nr_dead);
	}
}

static void kgr_free_list(struct llist_node *list)
{
	struct kgr_task *kt, *tmp;

	llist_for_each_entry_safe(kt, tmp, list, free_node)
		kgr_task_free(kt);
}

/*
 * Wait until no ftrace handler, probe or sysfs reader can still look at
 * what was unlinked before the call. The handler may run where RCU does not
 * watch (as in klp_synchronize_transition()), hence the rude flavour too.
 */
static void kgr_sync_readers(void)
{
	synchronize_rcu();
	synchronize_rcu_tasks_rude();
}

void kgr_free_dead(struct kgr_universe *u)
{
	struct llist_node *first, *last;
	int nr = 1;

	if (atomic_read(&u->nr_dead) < KGR_DEAD_BATCH)
		return;
	first = llist_del_all(&u->dead);
	if (!first)
		return;
	for (last = first; last->next; last = last->next)
		nr++;
	atomic_sub(nr, &u->nr_dead);
	llist_add_batch(first, last, &kgr_dead_tasks);
	queue_work(system_wq, &kgr_free_work);
}

static void kgr_universe_free(struct kgr_universe *u)
{
	struct hlist_node *tmp;
	struct kgr_task *kt;
	unsigned int i;

	kgr_for_each_bucket(u, i)
		hlist_for_each_entry_safe(kt, tmp, &u->hash[i], node)
			kgr_task_free(kt);
	kgr_free_list(llist_del_all(&u->dead));
	/* The details of pooled entries, their tasks alive or gone. */
	for (i = 0; i < u->pool_nr; i++)
		kfree(u->pool[i].blocked);
	vfree(u->pool);
	kfree(rcu_dereference_protected(u->goal, 1));
	kfree(u->next_goal);
	vfree(u);
}

/*
 * Free the per-task state of ended transitions once no reader (handler,
 * probe with preemption off, sysfs) can see it. Apart from the transition
 * so that finishing it does not wait for the grace periods (the rude one
 * alone sleeps 100 ms).
 */
static void kgr_free_work_fn(struct work_struct *work)
{
	struct llist_node *dead = llist_del_all(&kgr_dead_tasks);
	struct llist_node *list = llist_del_all(&kgr_ended);
	struct kgr_universe *u, *tmp;

	/* Everything taken off the lists above was unlinked before this. */
	kgr_sync_readers();
	kgr_free_list(dead);
	llist_for_each_entry_safe(u, tmp, list, free_node)
		kgr_universe_free(u);
}

void kgr_universe_drop(bool final_new)
{
	struct kgr_universe *u = kgr_universe_locked();

	WRITE_ONCE(kgr_final_new, final_new);
	/* Pairs with the smp_rmb() in kgr_task_in_new_universe(). */
	smp_wmb();
	RCU_INIT_POINTER(kgr_universe, NULL);
	llist_add(&u->free_node, &kgr_ended);
	queue_work(system_wq, &kgr_free_work);
}

/*
 * A table for @nr_tasks tasks, every one in universe @default_new. The
 * table and the pool come from vmalloc, whole pages: kmalloc would round
 * them up to a power of two (at 10,000 tasks a 128 KiB table plus its
 * header takes 256 KiB, the pool 512 KiB for 469 KiB).
 */
struct kgr_universe *kgr_universe_alloc(bool default_new, const void *owner,
					unsigned int nr_tasks)
{
	unsigned int bits = clamp(order_base_2(nr_tasks), KGR_HASH_BITS_MIN,
				  KGR_HASH_BITS_MAX);
	struct kgr_universe *u;

	u = kgr_fallible("vzalloc(universe)", NULL,
			 vzalloc(struct_size(u, hash, 1U << bits)));
	if (!u)
		return NULL;
	u->hash_bits = bits;
	raw_spin_lock_init(&u->lock);
	u->default_new = default_new;
	u->owner = owner;
	init_llist_head(&u->dead);
	atomic_set(&u->nr_dead, 0);
	atomic_set(&u->forks_lost, 0);
	atomic_set(&u->forks_started, 0);
	atomic_set(&u->forks_ended, 0);
	/* Without it, the entries come one by one: no reason to fail. */
	u->pool = __vcalloc(nr_tasks, sizeof(*u->pool),
			    GFP_KERNEL | __GFP_NOWARN);
	u->pool_nr = u->pool ? nr_tasks : 0;
	atomic_set(&u->pool_used, 0);
	return u;
}

void kgr_universe_exit(void)
{
	flush_work(&kgr_free_work);
}
