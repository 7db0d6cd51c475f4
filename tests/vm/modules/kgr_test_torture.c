// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Target of the consistency torture test. kgr_torture_a() and
 * kgr_torture_b() return which code they are (1 old, 2 new with
 * kgr_test_torture_patch); kgr_torture_pair() calls A, sleeps, calls B and
 * counts the pairs: old/old, new/new, or mixed, which the consistency model
 * forbids. The patch replaces all three, so a task inside the pair holds
 * the code it runs on its stack. Callers: one kthread per online CPU, and
 * any task reading /proc/kgr_torture (which shows the counts).
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include "kgr_test_torture.h"

/* Read through READ_ONCE() so the compiler cannot fold the results. */
static int kgr_torture_old = 1;

static atomic_long_t kgr_torture_counts[3];	/* old, new, mixed */

noinline int kgr_torture_a(void)
{
	return READ_ONCE(kgr_torture_old);
}
EXPORT_SYMBOL_GPL(kgr_torture_a);

noinline int kgr_torture_b(void)
{
	return READ_ONCE(kgr_torture_old);
}
EXPORT_SYMBOL_GPL(kgr_torture_b);

/* Count one observation of A then B; shared with the patch's new pair. */
void kgr_torture_count(int a, int b)
{
	if (a != b)
		atomic_long_inc(&kgr_torture_counts[2]);
	else
		atomic_long_inc(&kgr_torture_counts[a == 1 ? 0 : 1]);
}
EXPORT_SYMBOL_GPL(kgr_torture_count);

noinline void kgr_torture_pair(void)
{
	int a = kgr_torture_a();

	usleep_range(200, 400);
	kgr_torture_count(a, kgr_torture_b());
}

static int kgr_torture_thread(void *unused)
{
	while (!kthread_should_stop()) {
		kgr_torture_pair();
		usleep_range(1000, 2000);
	}
	return 0;
}

static int kgr_torture_show(struct seq_file *m, void *v)
{
	kgr_torture_pair();
	seq_printf(m, "old %ld new %ld mixed %ld\n",
		   atomic_long_read(&kgr_torture_counts[0]),
		   atomic_long_read(&kgr_torture_counts[1]),
		   atomic_long_read(&kgr_torture_counts[2]));
	return 0;
}

static struct task_struct **kgr_torture_threads;

static void kgr_torture_stop(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		if (kgr_torture_threads[cpu])
			kthread_stop(kgr_torture_threads[cpu]);
	kfree(kgr_torture_threads);
}

static int __init kgr_test_torture_init(void)
{
	struct task_struct *t;
	int cpu;

	kgr_torture_threads = kcalloc(nr_cpu_ids, sizeof(*kgr_torture_threads),
				      GFP_KERNEL);
	if (!kgr_torture_threads)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		t = kthread_create_on_cpu(kgr_torture_thread, NULL, cpu,
					  "kgr_torture/%u");
		if (IS_ERR(t)) {
			kgr_torture_stop();
			return PTR_ERR(t);
		}
		kgr_torture_threads[cpu] = t;
		wake_up_process(t);
	}
	if (!proc_create_single("kgr_torture", 0444, NULL, kgr_torture_show)) {
		kgr_torture_stop();
		return -ENOMEM;
	}
	return 0;
}

static void __exit kgr_test_torture_exit(void)
{
	remove_proc_entry("kgr_torture", NULL);
	kgr_torture_stop();
}

module_init(kgr_test_torture_init);
module_exit(kgr_test_torture_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: functions that must be patched consistently");
