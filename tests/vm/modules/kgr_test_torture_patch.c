// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The patch of the consistency torture test: new A and new B return 2, and
 * a new pair, so that a task inside the pair keeps the code it started
 * with. A task that mixed an old A with a new B (or the reverse) would be
 * counted as mixed by kgr_test_torture.
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <kgr/kgr.h>
#include "kgr_test_torture.h"

static int kgr_torture_new = 2;

static int kgr_new_torture_a(void)
{
	return READ_ONCE(kgr_torture_new);
}

static int kgr_new_torture_b(void)
{
	return READ_ONCE(kgr_torture_new);
}

/* The universe picks which A and B run; this pair must see the same one. */
static void kgr_new_torture_pair(void)
{
	int a = kgr_torture_a();

	usleep_range(200, 400);
	kgr_torture_count(a, kgr_torture_b());
}

static struct kgr_patch kgr_torture_patch = {
	.name = "kgr_test_torture_patch",
	.owner = THIS_MODULE,
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

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the patch of the consistency torture test");
