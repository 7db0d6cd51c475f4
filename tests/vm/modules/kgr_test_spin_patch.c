// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The patch of kgr_test_spin_loop(): the same loop, under a new name, that
 * says once that it runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/jiffies.h>
#include <kgr/kgr.h>

static void kgr_spin_loop(unsigned long end)
{
	pr_info_once("the new loop runs\n");
	while (time_before(jiffies, end) && !kthread_should_stop())
		cond_resched();
}

static struct kgr_patch patch = {
	.name = KBUILD_MODNAME,
	.owner = THIS_MODULE,
	.patches = {
		KGR_PATCH_OBJ(kgr_test_spin_loop, kgr_spin_loop,
			      "kgr_test_spin"),
		KGR_PATCH_END
	}
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the patch of kgr_test_spin_loop()");
