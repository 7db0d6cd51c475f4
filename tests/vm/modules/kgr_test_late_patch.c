// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The patch of kgr_test_late_fn(): the same sleep, then "patched". A task
 * asleep in it runs this module's code: the module must stay until no
 * task can be inside.
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <kgr/kgr.h>
#include "kgr_test_late.h"

static int kgr_new_test_late_fn(unsigned int ms)
{
	msleep(ms);
	return KGR_LATE_PATCHED;
}

static struct kgr_patch kgr_test_late_patch = {
	.name = "kgr_test_late_patch",
	.owner = THIS_MODULE,
	.patches = {
		KGR_PATCH_OBJ(kgr_test_late_fn, kgr_new_test_late_fn,
			      "kgr_test_late"),
		KGR_PATCH_END
	}
};

static int __init kgr_test_late_patch_init(void)
{
	return kgr_patch_kernel(&kgr_test_late_patch);
}

static void __exit kgr_test_late_patch_exit(void)
{
	kgr_patch_remove(&kgr_test_late_patch);
}

module_init(kgr_test_late_patch_init);
module_exit(kgr_test_late_patch_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the patch of kgr_test_late");
