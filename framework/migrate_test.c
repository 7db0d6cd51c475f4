// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of migrate.c: the universes of real kthreads during a
 * transition driven directly through the migrate.c interface, with the
 * code a task leaves being kgr_test_parked(), a function a kthread can
 * sleep in. Their transitions end in a completion, their finish callback.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/panic.h>
#include "internal.h"
#include "stack.h"
#include "universe.h"

#define KGR_TEST_TIMEOUT	(5 * HZ)

static DECLARE_COMPLETION(kgr_test_finished);

/* Whose transitions the tests run, for kgr_migrate_blocking_show(). */
static const char kgr_test_owner;

static void kgr_test_finish(void)
{
	complete(&kgr_test_finished);
}

/*
 * A kthread's life: sleep in kgr_test_parked() until @leave, then sleep
 * outside it until @done. Each @*_new records its universe at that point.
 */
struct kgr_test_kthread {
	struct task_struct *task;
	struct completion entered;
	struct completion leave;
	struct completion left;
	struct completion done;
	struct completion entered_late;
	struct completion leave_late;
	bool fork_inside;
	bool new_inside;
	bool new_inside_late;
	bool new_after;
	int child_new;
	unsigned long word;
};

struct kgr_test_child {
	struct completion ran;
	bool new_universe;
};

static int kgr_test_child_fn(void *data)
{
	struct kgr_test_child *child = data;

	child->new_universe = kgr_task_in_new_universe();
	complete(&child->ran);
	do_exit(0);
}

/*
 * Fork a kernel thread from current: 1 when it started in the new universe,
 * 0 in the old one, -errno if it did not run. Callable from any kthread.
 */
static int kgr_test_fork(void)
{
	struct kgr_test_child child;
	pid_t pid;

	init_completion(&child.ran);
	pid = kernel_thread(kgr_test_child_fn, &child,
			    CLONE_FS | CLONE_FILES | SIGCHLD);
	if (pid < 0)
		return pid;
	if (!wait_for_completion_timeout(&child.ran, KGR_TEST_TIMEOUT))
		return -ETIMEDOUT;
	return child.new_universe;
}

/* The old code of the tests: a task inside it cannot migrate. */
static noinline void kgr_test_parked(struct kgr_test_kthread *k)
{
	complete(&k->entered);
	wait_for_completion(&k->leave);
	k->new_inside = kgr_task_in_new_universe();
	if (k->fork_inside)
		k->child_new = kgr_test_fork();
	barrier();
}

/* More old code: that of a module loading mid-transition. */
static noinline void kgr_test_parked_late(struct kgr_test_kthread *k)
{
	complete(&k->entered_late);
	wait_for_completion(&k->leave_late);
	k->new_inside_late = kgr_task_in_new_universe();
	barrier();
}

/* Code nobody runs: the "new" side of a reversed transition. */
static noinline void kgr_test_unused(void)
{
	barrier();
}

static int kgr_test_parker(void *data)
{
	struct kgr_test_kthread *k = data;

	kgr_test_parked(k);
	complete(&k->left);
	wait_for_completion(&k->done);
	k->new_after = kgr_task_in_new_universe();
	return 0;
}

/* From one old function straight into the other, then out. */
static int kgr_test_late_parker(void *data)
{
	struct kgr_test_kthread *k = data;

	kgr_test_parked(k);
	kgr_test_parked_late(k);
	complete(&k->left);
	wait_for_completion(&k->done);
	k->new_after = kgr_task_in_new_universe();
	return 0;
}

/* A kthread that never enters kgr_test_parked(): it only waits for @done. */
static int kgr_test_bystander(void *data)
{
	struct kgr_test_kthread *k = data;

	complete(&k->entered);
	wait_for_completion(&k->done);
	k->new_after = kgr_task_in_new_universe();
	return 0;
}

static void kgr_test_kthread_init(struct kgr_test_kthread *k)
{
	memset(k, 0, sizeof(*k));
	init_completion(&k->entered);
	init_completion(&k->leave);
	init_completion(&k->left);
	init_completion(&k->done);
	init_completion(&k->entered_late);
	init_completion(&k->leave_late);
}

static void kgr_test_run(struct kunit *test, struct kgr_test_kthread *k,
			 int (*fn)(void *), void *data, const char *name)
{
	k->task = kthread_run(fn, data, "%s", name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(k->task));
	get_task_struct(k->task);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&k->entered,
							  KGR_TEST_TIMEOUT), 0);
}

/* Let @k run to its end; returns its universe after all. */
static bool kgr_test_end(struct kunit *test, struct kgr_test_kthread *k)
{
	complete(&k->leave);
	complete(&k->leave_late);
	complete(&k->done);
	KUNIT_EXPECT_EQ(test, kthread_stop(k->task), 0);
	put_task_struct(k->task);
	return k->new_after;
}

static struct kgr_range kgr_test_range(struct kunit *test, void *fn,
				       const char *name)
{
	unsigned long size, offset;
	struct kgr_range r = { .start = (unsigned long)fn, .name = name };

	KUNIT_ASSERT_TRUE(test, kallsyms_lookup_size_offset(r.start, &size,
							    &offset));
	r.end = r.start + size;
	return r;
}

/*
 * The blocking list, which must name @k's task as blocked by @fn; the
 * kthread's comm is its name as kgr_test_run() gave it.
 */
static char *kgr_test_blocking(struct kunit *test, struct kgr_test_kthread *k,
			       const char *fn)
{
	char *blocking, line[64];

	blocking = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blocking);
	KUNIT_EXPECT_GT(test, kgr_migrate_blocking_show(blocking, &kgr_test_owner), 0);
	snprintf(line, sizeof(line), "%d %s %s\n", task_pid_nr(k->task),
		 k->task->comm, fn);
	KUNIT_EXPECT_NOT_NULL(test, strstr(blocking, line));
	return blocking;
}

static int kgr_test_transition(bool to_new, const struct kgr_range *ranges,
			       unsigned int nr)
{
	int ret;

	mutex_lock(&kgr_mutex);
	ret = kgr_migrate_prepare(to_new, &kgr_test_owner, kgr_test_finish);
	if (!ret) {
		ret = kgr_migrate_start(ranges, nr);
		if (ret)
			kgr_migrate_abort();
	}
	mutex_unlock(&kgr_mutex);
	return ret;
}

static bool kgr_test_wait_finish(void)
{
	return wait_for_completion_timeout(&kgr_test_finished,
					   KGR_TEST_TIMEOUT) > 0;
}

/* Back to where everything runs the old code. */
static void kgr_test_reset(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, kgr_test_transition(false, NULL, 0), 0);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_FALSE(test, kgr_task_in_new_universe());
}

static void kgr_test_states(struct kunit *test)
{
	mutex_lock(&kgr_mutex);
	KUNIT_EXPECT_EQ(test, kgr_migrate_start(NULL, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, kgr_migrate_prepare(true, &kgr_test_owner, kgr_test_finish), 0);
	KUNIT_EXPECT_TRUE(test, kgr_migrate_in_progress());
	KUNIT_EXPECT_FALSE(test, kgr_task_in_new_universe());
	KUNIT_EXPECT_EQ(test, kgr_migrate_prepare(true, &kgr_test_owner, kgr_test_finish), -EBUSY);
	kgr_migrate_abort();
	KUNIT_EXPECT_FALSE(test, kgr_migrate_in_progress());
	KUNIT_EXPECT_FALSE(test, kgr_task_in_new_universe());
	mutex_unlock(&kgr_mutex);

	/* Nothing to leave: everyone moves in the first round. */
	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, NULL, 0), 0);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_FALSE(test, kgr_migrate_in_progress());
	KUNIT_EXPECT_TRUE(test, kgr_task_in_new_universe());
	kgr_test_reset(test);
}

/*
 * Only a task a round left behind has details (struct kgr_blocked), which
 * name it: @k's, and not the test's own, which moved in the first round.
 */
static void kgr_test_details(struct kunit *test, struct kgr_test_kthread *k)
{
	char comm[TASK_COMM_LEN] = "";
	bool own = true, found = false;
	struct kgr_blocked *kb = NULL;
	struct kgr_universe *u;
	struct kgr_task *kt;
	pid_t pid = 0;

	/* Copied out: a failed expectation allocates. */
	mutex_lock(&kgr_mutex);
	rcu_read_lock_sched();
	u = kgr_universe_locked();
	if (u) {
		kt = kgr_task_find(u, current);
		own = !kt || kt->blocked;
		kt = kgr_task_find(u, k->task);
		kb = kt ? kt->blocked : NULL;
	}
	if (kb) {
		found = true;
		pid = kb->pid;
		strscpy(comm, kb->comm, sizeof(comm));
	}
	rcu_read_unlock_sched();
	mutex_unlock(&kgr_mutex);
	KUNIT_EXPECT_FALSE(test, own);
	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_EXPECT_EQ(test, pid, task_pid_nr(k->task));
	KUNIT_EXPECT_STREQ(test, comm, k->task->comm);
}

/*
 * A kthread asleep in the old code holds the transition open and keeps
 * running old code until it leaves; a bystander and the test migrate at
 * once; the sleeper is listed as blocking; the transition ends by itself
 * once the sleeper has left.
 */
static void kgr_test_parked_kthread(struct kunit *test)
{
	struct kgr_range r = kgr_test_range(test, kgr_test_parked,
					    "kgr_test_parked");
	struct kgr_test_kthread parker, bystander;
	char *blocking;

	kgr_test_kthread_init(&parker);
	kgr_test_kthread_init(&bystander);
	kgr_test_run(test, &parker, kgr_test_parker, &parker, "kgr_test_parker");
	kgr_test_run(test, &bystander, kgr_test_bystander, &bystander,
		     "kgr_test_bystander");

	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, &r, 1), 0);
	KUNIT_EXPECT_TRUE(test, kgr_task_in_new_universe());
	msleep(300);
	KUNIT_EXPECT_TRUE(test, kgr_migrate_in_progress());

	blocking = kgr_test_blocking(test, &parker, "kgr_test_parked");
	KUNIT_EXPECT_NULL(test, strstr(blocking, "kgr_test_bystan"));
	kgr_test_details(test, &parker);

	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &bystander));

	complete(&parker.leave);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&parker.left,
							  KGR_TEST_TIMEOUT), 0);
	KUNIT_EXPECT_FALSE(test, parker.new_inside);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_FALSE(test, kgr_migrate_in_progress());
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &parker));
	kgr_test_reset(test);
}

/*
 * The goal's ranges come in any order and may overlap (aliases): they are
 * sorted and merged for the stack check's bisection, which must still
 * find the parker, under the first name. In the order given, a bisection
 * of unsorted ranges ends at the low one, and one of unmerged ranges at
 * the alias: either misses the parker.
 */
static void kgr_test_ranges_sorted(struct kunit *test)
{
	struct kgr_range r[3] = {
		kgr_test_range(test, kgr_test_parked, "kgr_test_parked"),
		kgr_test_range(test, kgr_test_parked, "kgr_test_alias"),
		{ .start = 1, .end = 2, .name = "kgr_test_low" },
	};
	struct kgr_test_kthread parker;

	r[1].start++;
	r[1].end = r[1].start + 1;
	kgr_test_kthread_init(&parker);
	kgr_test_run(test, &parker, kgr_test_parker, &parker, "kgr_test_parker");

	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, r, 3), 0);
	msleep(300);
	KUNIT_EXPECT_TRUE(test, kgr_migrate_in_progress());
	kgr_test_blocking(test, &parker, "kgr_test_parked");

	complete(&parker.leave);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&parker.left,
							  KGR_TEST_TIMEOUT), 0);
	KUNIT_EXPECT_FALSE(test, parker.new_inside);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &parker));
	kgr_test_reset(test);
}

/*
 * A child starts in its parent's universe: the new one when forked by the
 * (migrated) test, the old one when forked from inside the old code. The
 * worker is held off with kgr_mutex so that nothing but the fork sets the
 * child's universe.
 */
static void kgr_test_fork_inherits(struct kunit *test)
{
	struct kgr_range r = kgr_test_range(test, kgr_test_parked,
					    "kgr_test_parked");
	struct kgr_test_kthread parker;

	kgr_test_kthread_init(&parker);
	parker.fork_inside = true;
	kgr_test_run(test, &parker, kgr_test_parker, &parker, "kgr_test_parker");

	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, &r, 1), 0);
	mutex_lock(&kgr_mutex);
	KUNIT_EXPECT_EQ(test, kgr_test_fork(), 1);
	complete(&parker.leave);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&parker.left,
							  KGR_TEST_TIMEOUT), 0);
	mutex_unlock(&kgr_mutex);
	KUNIT_EXPECT_FALSE(test, parker.new_inside);
	KUNIT_EXPECT_EQ(test, parker.child_new, 0);

	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &parker));
	kgr_test_reset(test);
}

/*
 * The table's pool holds an entry per task alive at the start; children
 * forked past it get theirs from kmalloc, in the parent's universe all the
 * same. The migrated test forks until the pool is used up and beyond,
 * with the worker held off, so that each child's universe is its fork's.
 */
static void kgr_test_fork_past_pool(struct kunit *test)
{
	struct kgr_range r = kgr_test_range(test, kgr_test_parked,
					    "kgr_test_parked");
	struct kgr_test_kthread parker;
	unsigned int i, nr, beyond = 0;
	struct kgr_universe *u;
	int ret = 0;

	kgr_test_kthread_init(&parker);
	kgr_test_run(test, &parker, kgr_test_parker, &parker, "kgr_test_parker");

	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, &r, 1), 0);
	KUNIT_EXPECT_TRUE(test, kgr_task_in_new_universe());
	mutex_lock(&kgr_mutex);
	u = kgr_universe_locked();
	nr = u->pool_nr + 16;
	for (i = 0; i < nr; i++) {
		bool past = atomic_read(&u->pool_used) >= u->pool_nr;

		ret = kgr_test_fork();
		if (ret != 1)
			break;
		beyond += past;
	}
	KUNIT_EXPECT_EQ(test, ret, 1);
	KUNIT_EXPECT_GT(test, u->pool_nr, 0U);
	KUNIT_EXPECT_GE(test, beyond, 16U);
	KUNIT_EXPECT_EQ(test, atomic_read(&u->forks_lost), 0);
	mutex_unlock(&kgr_mutex);

	complete(&parker.leave);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&parker.left,
							  KGR_TEST_TIMEOUT), 0);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &parker));
	kgr_test_reset(test);
}

/*
 * Reversed midway, the transition goes back to the old universe: those
 * that had moved return, the sleeper in the old code no longer blocks.
 */
static void kgr_test_reverse(struct kunit *test)
{
	struct kgr_range r = kgr_test_range(test, kgr_test_parked,
					    "kgr_test_parked");
	struct kgr_range unused = kgr_test_range(test, kgr_test_unused,
						 "kgr_test_unused");
	struct kgr_test_kthread parker;
	int ret;

	kgr_test_kthread_init(&parker);
	kgr_test_run(test, &parker, kgr_test_parker, &parker, "kgr_test_parker");

	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, &r, 1), 0);
	KUNIT_EXPECT_TRUE(test, kgr_task_in_new_universe());
	msleep(100);
	KUNIT_EXPECT_TRUE(test, kgr_migrate_in_progress());

	mutex_lock(&kgr_mutex);
	ret = kgr_migrate_reverse(&unused, 1);
	mutex_unlock(&kgr_mutex);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_FALSE(test, kgr_task_in_new_universe());

	complete(&parker.leave);
	KUNIT_EXPECT_FALSE(test, kgr_test_end(test, &parker));
	KUNIT_EXPECT_FALSE(test, parker.new_inside);
}

/*
 * Everyone has arrived but the finish is still pending when the transition
 * is turned around: a new transition back starts, and only it finishes.
 */
static void kgr_test_reverse_at_finish(struct kunit *test)
{
	int ret;

	mutex_lock(&kgr_mutex);
	ret = kgr_migrate_prepare(true, &kgr_test_owner, kgr_test_finish);
	if (!ret)
		ret = kgr_migrate_start(NULL, 0);
	if (!ret) {
		KUNIT_EXPECT_TRUE(test, kgr_task_in_new_universe());
		ret = kgr_migrate_reverse(NULL, 0);
	}
	mutex_unlock(&kgr_mutex);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_FALSE(test, kgr_migrate_in_progress());
	KUNIT_EXPECT_FALSE(test, kgr_task_in_new_universe());
	msleep(200);
	KUNIT_EXPECT_FALSE(test, try_wait_for_completion(&kgr_test_finished));
}

/* Forcing moves the sleeper too, in the middle of the old code; taints. */
static void kgr_test_force(struct kunit *test)
{
	struct kgr_range r = kgr_test_range(test, kgr_test_parked,
					    "kgr_test_parked");
	struct kgr_test_kthread parker;

	kgr_test_kthread_init(&parker);
	kgr_test_run(test, &parker, kgr_test_parker, &parker, "kgr_test_parker");

	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, &r, 1), 0);
	msleep(100);
	mutex_lock(&kgr_mutex);
	KUNIT_EXPECT_TRUE(test, kgr_migrate_in_progress());
	kgr_migrate_force();
	mutex_unlock(&kgr_mutex);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_TRUE(test, test_taint(TAINT_LIVEPATCH));

	complete(&parker.leave);
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &parker));
	KUNIT_EXPECT_TRUE(test, parker.new_inside);
	kgr_test_reset(test);
}

/*
 * A CPU-bound kthread outside any checked code, never preempted (to be
 * running whenever a round looks), until @done or a few seconds passed.
 */
static int kgr_test_spinner(void *data)
{
	struct kgr_test_kthread *k = data;
	unsigned long end = jiffies + KGR_TEST_TIMEOUT;

	complete(&k->entered);
	while (!completion_done(&k->done) && time_before(jiffies, end))
		cpu_relax();
	wait_for_completion(&k->done);
	k->new_after = kgr_task_in_new_universe();
	return 0;
}

/* One attempt: true when the first round ended; *@forked: if a fork came. */
static bool kgr_test_first_round_ends(struct kunit *test, bool probe_running,
				      bool *forked)
{
	struct kgr_universe *u;
	bool ended;
	int forks;

	mutex_lock(&kgr_mutex);
	KUNIT_ASSERT_EQ(test, kgr_migrate_prepare(true, &kgr_test_owner,
						  kgr_test_finish), 0);
	u = kgr_universe_locked();
	if (probe_running)
		atomic_inc(&u->forks_started);
	forks = atomic_read(&u->forks_started);
	KUNIT_ASSERT_EQ(test, kgr_migrate_start(NULL, 0), 0);
	/* A round that ends drops the table (freed later, not under us). */
	ended = !rcu_access_pointer(kgr_universe);
	*forked = !ended && atomic_read(&u->forks_started) != forks;
	if (probe_running && !ended)
		atomic_inc(&u->forks_ended);
	mutex_unlock(&kgr_mutex);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	return ended;
}

/*
 * A round whose walk leaves only a CPU-bound task behind ends with the IPI
 * that moves it, without another walk over every task. Not while a fork
 * probe runs: its child may have escaped the walk. A fork elsewhere in the
 * kernel during an attempt voids it.
 */
static void kgr_test_round_ends_at_ipi(struct kunit *test)
{
	struct kgr_test_kthread spinner;
	bool ended = false, forked;
	int cpu, i;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	kgr_test_kthread_init(&spinner);
	spinner.task = kthread_create(kgr_test_spinner, &spinner,
				      "kgr_test_spinner");
	KUNIT_ASSERT_FALSE(test, IS_ERR(spinner.task));
	get_task_struct(spinner.task);
	kthread_bind(spinner.task, cpu);
	wake_up_process(spinner.task);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&spinner.entered,
							  KGR_TEST_TIMEOUT), 0);

	KUNIT_EXPECT_FALSE(test, kgr_test_first_round_ends(test, true, &forked));
	kgr_test_reset(test);
	for (i = 0; i < 3; i++) {
		ended = kgr_test_first_round_ends(test, false, &forked);
		if (!forked)
			break;
		kgr_test_reset(test);
	}
	KUNIT_EXPECT_FALSE(test, forked);
	KUNIT_EXPECT_TRUE(test, ended);
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &spinner));
	kgr_test_reset(test);
}

/* migrate.c's task_call_func(), replaced by kgr_test_call_func() below. */
DECLARE_STATIC_CALL(kgr_task_call_func, task_call_func);

/* The task that kgr_test_call_func() calls running, for this many checks. */
static struct task_struct *kgr_test_busy;
static atomic_t kgr_test_busy_checks;
static typeof(&task_call_func) kgr_test_real_call_func;

/*
 * As a round sees a task that shares its CPU with another CPU-bound one:
 * running at the walk, and again when the round looks after the IPI,
 * which found the other task on the CPU.
 */
static int kgr_test_call_func(struct task_struct *p, task_call_f func,
			      void *arg)
{
	if (p == READ_ONCE(kgr_test_busy) &&
	    atomic_dec_if_positive(&kgr_test_busy_checks) >= 0)
		return -EAGAIN;
	return kgr_test_real_call_func(p, func, arg);
}

/* Put the real task_call_func() back, also when an assertion ended the test. */
static void kgr_test_call_func_restore(struct kunit_resource *res)
{
	static_call_update(kgr_task_call_func, kgr_test_real_call_func);
	WRITE_ONCE(kgr_test_busy, NULL);
}

static int kgr_test_call_func_replace(struct kunit_resource *res, void *busy)
{
	kgr_test_real_call_func = static_call_query(kgr_task_call_func);
	WRITE_ONCE(kgr_test_busy, busy);
	static_call_update(kgr_task_call_func, kgr_test_call_func);
	res->data = busy;
	return 0;
}

/* Whether the first round ends with @checks of the sleeper "running". */
static bool kgr_test_round_with_busy(struct kunit *test, int checks)
{
	bool ended = false, forked = true;
	int i;

	for (i = 0; i < 3 && forked; i++) {
		atomic_set(&kgr_test_busy_checks, checks);
		ended = kgr_test_first_round_ends(test, false, &forked);
		/* The later rounds took the rest: the transition finished. */
		KUNIT_EXPECT_EQ(test, atomic_read(&kgr_test_busy_checks), 0);
		kgr_test_reset(test);
	}
	KUNIT_EXPECT_FALSE(test, forked);
	return ended;
}

/*
 * A round sends its IPIs again while a task it left behind still runs,
 * a few times: found running at the walk and after the first IPI, a
 * task is moved by the second, and the first round ends. One that keeps
 * running is left to the next round.
 */
static void kgr_test_round_ipis_again(struct kunit *test)
{
	struct kgr_test_kthread sleeper;

	kgr_test_kthread_init(&sleeper);
	kgr_test_run(test, &sleeper, kgr_test_bystander, &sleeper,
		     "kgr_test_sleeper");
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test,
				kgr_test_call_func_replace,
				kgr_test_call_func_restore, GFP_KERNEL,
				sleeper.task));

	KUNIT_EXPECT_TRUE(test, kgr_test_round_with_busy(test, 2));
	KUNIT_EXPECT_FALSE(test, kgr_test_round_with_busy(test, 8));

	/* Before the sleeper's task_struct can go; again at the test's end. */
	kgr_test_call_func_restore(NULL);
	KUNIT_EXPECT_FALSE(test, kgr_test_end(test, &sleeper));
}

static int kgr_migrate_test_init(struct kunit_suite *suite)
{
	reinit_completion(&kgr_test_finished);
	return 0;
}

/*
 * Code that appears mid-transition (a module of the patch loading) joins
 * the checked ranges: a kthread that goes from the first old function
 * into the late one stays in the old universe until it leaves both.
 */
static void kgr_test_ranges_grow(struct kunit *test)
{
	struct kgr_range r[2] = {
		kgr_test_range(test, kgr_test_parked, "kgr_test_parked"),
		kgr_test_range(test, kgr_test_parked_late,
			       "kgr_test_parked_late"),
	};
	struct kgr_test_kthread late;

	kgr_test_kthread_init(&late);
	kgr_test_run(test, &late, kgr_test_late_parker, &late,
		     "kgr_test_late");
	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, r, 1), 0);
	mutex_lock(&kgr_mutex);
	KUNIT_EXPECT_EQ(test, kgr_migrate_set_ranges(r, 2), 0);
	mutex_unlock(&kgr_mutex);

	complete(&late.leave);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&late.entered_late,
							  KGR_TEST_TIMEOUT), 0);
	msleep(300);
	KUNIT_EXPECT_TRUE(test, kgr_migrate_in_progress());
	kgr_test_blocking(test, &late, "kgr_test_parked_late");

	complete(&late.leave_late);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&late.left,
							  KGR_TEST_TIMEOUT), 0);
	KUNIT_EXPECT_FALSE(test, late.new_inside);
	KUNIT_EXPECT_FALSE(test, late.new_inside_late);
	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &late));
	kgr_test_reset(test);
}

/*
 * The entry of a patched function, as kgr's ftrace handler sees it: its
 * fentry call is the call of kgr_test_enter() from kgr_test_hot(), so the
 * frame to leave out is the one returning there.
 */
static noinline bool kgr_test_enter(void)
{
	unsigned long ret = (unsigned long)__builtin_return_address(0);
	bool new_universe;

	preempt_disable();
	new_universe = kgr_migrate_at_entry(ret - MCOUNT_INSN_SIZE);
	preempt_enable();
	return new_universe;
}

/* A patched function, entered with @depth more calls of it below. */
static noinline bool kgr_test_hot(int depth)
{
	bool new_universe = depth ? kgr_test_hot(depth - 1) : kgr_test_enter();

	barrier();
	return new_universe;
}

/*
 * A kthread that enters kgr_test_hot() (@depth calls deep) from inside the
 * old code, then again after leaving it, with interrupts off, so that no
 * IPI check and no sleeping check can move it meanwhile: only the entry.
 */
struct kgr_test_caller {
	struct kgr_test_kthread k;
	int depth;
	bool entry_inside;
	bool before_entry;
	bool entry_outside;
	unsigned long flags;
};

static noinline void kgr_test_parked_caller(struct kgr_test_caller *c)
{
	unsigned long checked;

	complete(&c->k.entered);
	wait_for_completion(&c->k.leave);
	c->entry_inside = kgr_test_hot(0);
	/* A task walks its stack at an entry once a jiffy. */
	checked = jiffies;
	while (!time_after(jiffies, checked))
		schedule_timeout_uninterruptible(1);
	local_irq_save(c->flags);
	barrier();
}

static int kgr_test_caller_fn(void *data)
{
	struct kgr_test_caller *c = data;

	kgr_test_parked_caller(c);
	c->before_entry = kgr_task_in_new_universe();
	c->entry_outside = kgr_test_hot(c->depth);
	local_irq_restore(c->flags);
	complete(&c->k.left);
	wait_for_completion(&c->k.done);
	c->k.new_after = kgr_task_in_new_universe();
	return 0;
}

/*
 * kgr_migrate_at_entry(): a task left behind moves at the entry of a
 * patched function when nothing the transition leaves is on its stack
 * below that entry's frame; the old code it is in, or an earlier call of
 * the same function further down, keeps it where it is.
 */
static void kgr_test_migrate_at_entry(struct kunit *test)
{
	struct kgr_range r[] = {
		kgr_test_range(test, kgr_test_parked_caller,
			       "kgr_test_parked_caller"),
		kgr_test_range(test, kgr_test_hot, "kgr_test_hot"),
	};
	struct kgr_test_caller shallow, deep;

	kgr_test_kthread_init(&shallow.k);
	kgr_test_kthread_init(&deep.k);
	shallow.depth = 0;
	deep.depth = 1;
	kgr_test_run(test, &shallow.k, kgr_test_caller_fn, &shallow,
		     "kgr_test_shallow");
	kgr_test_run(test, &deep.k, kgr_test_caller_fn, &deep, "kgr_test_deep");

	KUNIT_ASSERT_EQ(test, kgr_test_transition(true, r, ARRAY_SIZE(r)), 0);
	msleep(300);
	/* A round left both behind: they have entries to move. */
	kgr_test_blocking(test, &shallow.k, "kgr_test_parked_caller");
	kgr_test_blocking(test, &deep.k, "kgr_test_parked_caller");

	complete(&shallow.k.leave);
	complete(&deep.k.leave);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&shallow.k.left,
							  KGR_TEST_TIMEOUT), 0);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&deep.k.left,
							  KGR_TEST_TIMEOUT), 0);
	KUNIT_EXPECT_FALSE(test, shallow.entry_inside);
	KUNIT_EXPECT_FALSE(test, shallow.before_entry);
	KUNIT_EXPECT_TRUE(test, shallow.entry_outside);
	KUNIT_EXPECT_FALSE(test, deep.entry_inside);
	KUNIT_EXPECT_FALSE(test, deep.before_entry);
	KUNIT_EXPECT_FALSE(test, deep.entry_outside);

	KUNIT_ASSERT_TRUE(test, kgr_test_wait_finish());
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &shallow.k));
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &deep.k));
	kgr_test_reset(test);
}

/* A kthread asleep with @word in a local variable, on its stack. */
static int kgr_test_word_holder(void *data)
{
	struct kgr_test_kthread *k = data;
	unsigned long word = k->word;

	/* Its address escapes: the word stays in memory, on the stack. */
	barrier_data(&word);
	complete(&k->entered);
	wait_for_completion(&k->done);
	k->new_after = word == k->word;
	return 0;
}

struct kgr_test_scan {
	struct kgr_goal *goal;
	bool clean;
};

static int kgr_test_scan_fn(struct task_struct *task, void *arg)
{
	struct kgr_test_scan *scan = arg;

	scan->clean = kgr_stack_clean(task, scan->goal);
	return 0;
}

/* kgr_stack_clean() of @k, asleep, for a goal of range @r alone. */
static bool kgr_test_clean(struct kunit *test, struct kgr_test_kthread *k,
			   const struct kgr_range *r)
{
	struct kgr_test_scan scan;

	scan.goal = kunit_kzalloc(test, struct_size(scan.goal, ranges, 1),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, scan.goal);
	scan.goal->nr_ranges = 1;
	scan.goal->ranges[0] = *r;
	while (!wait_task_inactive(k->task, TASK_UNINTERRUPTIBLE))
		usleep_range(1000, 2000);
	KUNIT_ASSERT_EQ(test, task_call_func(k->task, kgr_test_scan_fn,
					     &scan), 0);
	return scan.clean;
}

/* Whether a sleeper holding @word on its stack passes the scan for @r. */
static bool kgr_test_word_clean(struct kunit *test, unsigned long word,
				const struct kgr_range *r)
{
	struct kgr_test_kthread holder;
	bool clean;

	kgr_test_kthread_init(&holder);
	holder.word = word;
	kgr_test_run(test, &holder, kgr_test_word_holder, &holder,
		     "kgr_test_holder");
	clean = kgr_test_clean(test, &holder, r);
	KUNIT_EXPECT_TRUE(test, kgr_test_end(test, &holder));
	return clean;
}

/*
 * The stack scan that spares most sleepers an unwind: the parker's return
 * address into kgr_test_parked() keeps it from passing for that function
 * and not for another; a word on the stack in a goal range, in module
 * space (kgr's stubs, generated code) or in a trampoline that takes over
 * return addresses (function_graph's, the kretprobes') leaves the task to
 * the unwinder; a word elsewhere does not.
 */
static void kgr_test_stack_scan(struct kunit *test)
{
	struct kgr_range parked = kgr_test_range(test, kgr_test_parked,
						 "kgr_test_parked");
	struct kgr_range unused = kgr_test_range(test, kgr_test_unused,
						 "kgr_test_unused");
	unsigned long hooked;
	struct kgr_test_kthread parker;

	kgr_test_kthread_init(&parker);
	kgr_test_run(test, &parker, kgr_test_parker, &parker, "kgr_test_parker");
	KUNIT_EXPECT_FALSE(test, kgr_test_clean(test, &parker, &parked));
	KUNIT_EXPECT_TRUE(test, kgr_test_clean(test, &parker, &unused));
	kgr_test_end(test, &parker);

	KUNIT_EXPECT_TRUE(test, kgr_test_word_clean(test, 0x1234, &unused));
	KUNIT_EXPECT_TRUE(test, kgr_test_word_clean(test, parked.start, &unused));
	KUNIT_EXPECT_FALSE(test, kgr_test_word_clean(test, parked.start + 1,
						     &parked));
	KUNIT_EXPECT_FALSE(test, kgr_test_word_clean(test,
						     MODULES_VADDR + PAGE_SIZE,
						     &unused));
	hooked = kallsyms_lookup_name("return_to_handler");
	KUNIT_ASSERT_NE(test, hooked, 0);
	KUNIT_EXPECT_FALSE(test, kgr_test_word_clean(test, hooked, &unused));
	hooked = kallsyms_lookup_name("arch_rethook_trampoline");
	KUNIT_ASSERT_NE(test, hooked, 0);
	KUNIT_EXPECT_FALSE(test, kgr_test_word_clean(test, hooked + 1, &unused));
}

static struct kunit_case kgr_migrate_test_cases[] = {
	KUNIT_CASE(kgr_test_states),
	KUNIT_CASE(kgr_test_parked_kthread),
	KUNIT_CASE(kgr_test_ranges_sorted),
	KUNIT_CASE(kgr_test_ranges_grow),
	KUNIT_CASE(kgr_test_fork_inherits),
	KUNIT_CASE(kgr_test_fork_past_pool),
	KUNIT_CASE(kgr_test_reverse),
	KUNIT_CASE(kgr_test_reverse_at_finish),
	KUNIT_CASE(kgr_test_force),
	KUNIT_CASE(kgr_test_migrate_at_entry),
	KUNIT_CASE(kgr_test_round_ends_at_ipi),
	KUNIT_CASE(kgr_test_round_ipis_again),
	KUNIT_CASE(kgr_test_stack_scan),
	{}
};

static struct kunit_suite kgr_migrate_test_suite = {
	.name = "kgr_migrate",
	.suite_init = kgr_migrate_test_init,
	.test_cases = kgr_migrate_test_cases,
};
kunit_test_suite(kgr_migrate_test_suite);
