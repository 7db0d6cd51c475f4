// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A task that runs inside a patch target for a while: writing N to
 * /sys/module/kgr_test_spin/parameters/spin_ms starts a kthread bound to
 * CPU cpu= that spins in kgr_test_spin_loop() for N ms, yielding the CPU
 * only to tasks that need it. No stack check and no IPI can move it until
 * it leaves the function, which is what 29-migrate-isolated.sh needs. With
 * chunk_ms set it spins in calls of that long, back to back: only the
 * entry of the next call, never a check from outside, is likely to find
 * it out of the function.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/jiffies.h>

static unsigned int cpu = 1;
module_param(cpu, uint, 0444);
MODULE_PARM_DESC(cpu, "The CPU the spinning kthread is bound to");

static unsigned int chunk_ms;
module_param(chunk_ms, uint, 0644);
MODULE_PARM_DESC(chunk_ms, "Spin in calls of that long (0: one call)");

static struct task_struct *kgr_test_spinner;

static noinline void kgr_test_spin_loop(unsigned long end)
{
	while (time_before(jiffies, end) && !kthread_should_stop())
		cond_resched();
}

static int kgr_test_spin_fn(void *data)
{
	unsigned long end = jiffies + msecs_to_jiffies((unsigned long)data);
	unsigned long chunk;

	pr_info("spinning\n");
	do {
		chunk = msecs_to_jiffies(READ_ONCE(chunk_ms));
		kgr_test_spin_loop(chunk && time_before(jiffies + chunk, end) ?
				   jiffies + chunk : end);
	} while (time_before(jiffies, end) && !kthread_should_stop());
	pr_info("spun\n");
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

static int kgr_test_spin_set(const char *val, const struct kernel_param *kp)
{
	struct task_struct *task;
	unsigned int ms;
	int ret;

	ret = kstrtouint(val, 0, &ms);
	if (ret)
		return ret;
	if (kgr_test_spinner)
		return -EBUSY;
	task = kthread_create(kgr_test_spin_fn, (void *)(unsigned long)ms,
			      "kgr_test_spin");
	if (IS_ERR(task))
		return PTR_ERR(task);
	kthread_bind(task, cpu);
	kgr_test_spinner = task;
	wake_up_process(task);
	return 0;
}

static const struct kernel_param_ops kgr_test_spin_ops = {
	.set = kgr_test_spin_set,
};
module_param_cb(spin_ms, &kgr_test_spin_ops, NULL, 0200);
MODULE_PARM_DESC(spin_ms, "Spin in kgr_test_spin_loop() for that long");

static void __exit kgr_test_spin_exit(void)
{
	if (kgr_test_spinner)
		kthread_stop(kgr_test_spinner);
}
module_exit(kgr_test_spin_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: a kthread running inside a patch target");
