// SPDX-License-Identifier: GPL-2.0
/*
 * lib/livepatch/test_klp_callbacks_busy.c of Linux 6.1: a work function
 * that kgr_test_klp_callbacks_demo patches; with block_transition=1 it
 * loops inside it until the module unloads, so that the patch's
 * transition cannot finish (a kworker keeps the old function on its
 * stack).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/delay.h>

static bool block_transition;
module_param(block_transition, bool, 0644);
MODULE_PARM_DESC(block_transition, "block_transition (default=false)");

static void busymod_work_func(struct work_struct *work);
static DECLARE_WORK(work, busymod_work_func);
static DECLARE_COMPLETION(busymod_work_started);

static noinline void busymod_work_func(struct work_struct *work)
{
	pr_info("work enter\n");
	complete(&busymod_work_started);

	while (READ_ONCE(block_transition))
		msleep(20);

	pr_info("work exit\n");
}

static int __init kgr_test_klp_callbacks_busy_init(void)
{
	pr_info("init\n");
	schedule_work(&work);
	/* Its enter message comes before init returns, as in the original. */
	wait_for_completion(&busymod_work_started);
	if (!block_transition)
		flush_work(&work);
	return 0;
}

static void __exit kgr_test_klp_callbacks_busy_exit(void)
{
	WRITE_ONCE(block_transition, false);
	flush_work(&work);
	pr_info("exit\n");
}

module_init(kgr_test_klp_callbacks_busy_init);
module_exit(kgr_test_klp_callbacks_busy_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the livepatch selftests' test_klp_callbacks_busy");
