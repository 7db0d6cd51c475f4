// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Target of the consistency torture tests. kgr_torture_a() and
 * kgr_torture_b() return which code they are (1 the original, N the patch
 * kgr_test_torture_vN); kgr_torture_pair() calls A, may sleep, calls B and
 * counts the pair by version, or as mixed, which the consistency model
 * forbids. Every patch replaces all three, so a task inside the pair holds
 * the code it runs on its stack.
 *
 * Callers: a sleeper kthread per online CPU (A, a short sleep, B), and
 * with hot=1 a hot kthread per CPU that calls the pair back to back, now
 * and then staying a millisecond inside it, so that migrations land in
 * the middle of the redirection of the pair and a patch module freed too
 * early is still being run; and every task reading /proc/kgr_torture
 * (which shows the counts). Reading /proc/kgr_torture_hold stays inside
 * the pair for hold_ms, asleep and not interruptible: a task that keeps a
 * transition from finishing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include "kgr_test_torture.h"

static bool hot;
module_param(hot, bool, 0444);
MODULE_PARM_DESC(hot, "Also call the pair back to back from a kthread per CPU");

static unsigned int hold_ms = 3000;
module_param(hold_ms, uint, 0644);
MODULE_PARM_DESC(hold_ms, "How long a read of /proc/kgr_torture_hold sleeps in the pair");

/* Read through READ_ONCE() so the compiler cannot fold the results. */
static int kgr_torture_version = 1;

/* [0]: mixed pairs; [v]: pairs that ran version v. */
static atomic_long_t kgr_torture_counts[KGR_TORTURE_VERSIONS];
/* The versions of the last mixed pair, A and B, as 100 * pair + 10 * a + b. */
static atomic_t kgr_torture_last_mixed;

noinline int kgr_torture_a(void)
{
	return READ_ONCE(kgr_torture_version);
}
EXPORT_SYMBOL_GPL(kgr_torture_a);

noinline int kgr_torture_b(void)
{
	return READ_ONCE(kgr_torture_version);
}
EXPORT_SYMBOL_GPL(kgr_torture_b);

/*
 * Count one pair: the version of the pair function that ran, and of the A
 * and B it called. Shared with the patches' pairs.
 */
void kgr_torture_count(int pair, int a, int b)
{
	if (pair != a || a != b || a < 1 || a >= KGR_TORTURE_VERSIONS) {
		atomic_long_inc(&kgr_torture_counts[0]);
		atomic_set(&kgr_torture_last_mixed, 100 * pair + 10 * a + b);
		/* When, where and who: the log places it among kgr's phases. */
		pr_warn_ratelimited("mixed pair %d a %d b %d: %s/%d on cpu %d\n",
				    pair, a, b, current->comm, current->pid,
				    raw_smp_processor_id());
	} else {
		atomic_long_inc(&kgr_torture_counts[a]);
	}
}
EXPORT_SYMBOL_GPL(kgr_torture_count);

noinline void kgr_torture_pair(unsigned int stay_us)
{
	int a = kgr_torture_a();

	if (stay_us >= 20000)
		msleep(stay_us / 1000);
	else if (stay_us)
		usleep_range(stay_us, 2 * stay_us);
	kgr_torture_count(1, a, kgr_torture_b());
}

static int kgr_torture_sleeper(void *unused)
{
	while (!kthread_should_stop()) {
		kgr_torture_pair(200);
		usleep_range(1000, 2000);
	}
	return 0;
}

/*
 * Most of its time inside the pair or its redirection: an IPI that finds
 * it outside both lets it migrate cleanly, one that lands between the
 * ftrace handler's choice and the start of the chosen pair must not.
 */
static int kgr_torture_hot(void *unused)
{
	unsigned int i = 0;

	while (!kthread_should_stop()) {
		kgr_torture_pair(++i % 64 ? 0 : 1000);
		if (!(i % 8))
			cond_resched();
	}
	return 0;
}

static int kgr_torture_show(struct seq_file *m, void *v)
{
	int i;

	kgr_torture_pair(200);
	for (i = 1; i < KGR_TORTURE_VERSIONS; i++)
		seq_printf(m, "v%d %ld ", i,
			   atomic_long_read(&kgr_torture_counts[i]));
	seq_printf(m, "mixed %ld (last: pair a b %03d)\n",
		   atomic_long_read(&kgr_torture_counts[0]),
		   atomic_read(&kgr_torture_last_mixed));
	return 0;
}

static int kgr_torture_hold_show(struct seq_file *m, void *v)
{
	kgr_torture_pair(READ_ONCE(hold_ms) * 1000);
	seq_puts(m, "held\n");
	return 0;
}

/* Two kthreads per possible CPU: the sleeper, and the hot one. */
static struct task_struct **kgr_torture_threads;

static void kgr_torture_stop(void)
{
	int i;

	for (i = 0; i < 2 * nr_cpu_ids; i++)
		if (kgr_torture_threads[i])
			kthread_stop(kgr_torture_threads[i]);
	kfree(kgr_torture_threads);
}

static int kgr_torture_spawn(int (*fn)(void *), unsigned int cpu,
			     const char *name, struct task_struct **slot)
{
	struct task_struct *t = kthread_create_on_cpu(fn, NULL, cpu, name);

	if (IS_ERR(t))
		return PTR_ERR(t);
	*slot = t;
	wake_up_process(t);
	return 0;
}

static int __init kgr_test_torture_init(void)
{
	unsigned int cpu;
	int ret = 0;

	kgr_torture_threads = kcalloc(2 * nr_cpu_ids,
				      sizeof(*kgr_torture_threads), GFP_KERNEL);
	if (!kgr_torture_threads)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		ret = kgr_torture_spawn(kgr_torture_sleeper, cpu,
					"kgr_torture/%u",
					&kgr_torture_threads[cpu]);
		if (!ret && hot)
			ret = kgr_torture_spawn(kgr_torture_hot, cpu,
						"kgr_torture_hot/%u",
						&kgr_torture_threads[nr_cpu_ids + cpu]);
		if (ret)
			goto err;
	}
	ret = -ENOMEM;
	if (!proc_create_single("kgr_torture", 0444, NULL, kgr_torture_show))
		goto err;
	if (!proc_create_single("kgr_torture_hold", 0444, NULL,
				kgr_torture_hold_show)) {
		remove_proc_entry("kgr_torture", NULL);
		goto err;
	}
	return 0;
err:
	kgr_torture_stop();
	return ret;
}

static void __exit kgr_test_torture_exit(void)
{
	remove_proc_entry("kgr_torture_hold", NULL);
	remove_proc_entry("kgr_torture", NULL);
	kgr_torture_stop();
}

module_init(kgr_test_torture_init);
module_exit(kgr_test_torture_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: functions that must be patched consistently");
