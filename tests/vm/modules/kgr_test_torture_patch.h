/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The body of every kgr patch of the torture tests. Each
 * kgr_test_torture_vN.c defines the version, the patch's name and whether
 * it replaces all others, then includes this file.
 */
#include <linux/module.h>
#include <kgr/kgr.h>
#include "kgr_test_torture_new.h"

static struct kgr_patch kgr_torture_patch = {
	.name = KGR_TORTURE_NAME,
	.owner = THIS_MODULE,
	.replace_all = KGR_TORTURE_REPLACE_ALL,
	.patches = {
		KGR_PATCH_OBJ(kgr_torture_a, kgr_new_torture_a,
			      "kgr_test_torture"),
		KGR_PATCH_OBJ(kgr_torture_b, kgr_new_torture_b,
			      "kgr_test_torture"),
		KGR_PATCH_OBJ(kgr_torture_pair, kgr_new_torture_pair,
			      "kgr_test_torture"),
		KGR_PATCH_END
	}
};

#ifdef KGR_TORTURE_OWN_STUBS
/* The module's own entry stubs (module_kgr_patch()). */
module_kgr_patch(kgr_torture_patch);
#else
/* An init of its own: its functions take stubs of kgr.ko's pool. */
static int __init kgr_test_torture_patch_init(void)
{
	return kgr_patch_kernel(&kgr_torture_patch);
}

static void __exit kgr_test_torture_patch_exit(void)
{
	kgr_patch_remove(&kgr_torture_patch);
}

module_init(kgr_test_torture_patch_init);
module_exit(kgr_test_torture_patch_exit);
#endif

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: a patch of the consistency torture tests");
