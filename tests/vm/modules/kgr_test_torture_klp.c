// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The torture test's patch written for the kernel's own livepatch: the
 * same new A, B and pair as kgr_test_torture_patch, so that the manual
 * klp torture test puts klp through the same apply/revert cycles as kgr.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

#define KGR_TORTURE_VERSION	2
#include "kgr_test_torture_new.h"

static struct klp_func funcs[] = {
	{ .old_name = "kgr_torture_a", .new_func = kgr_new_torture_a, },
	{ .old_name = "kgr_torture_b", .new_func = kgr_new_torture_b, },
	{ .old_name = "kgr_torture_pair", .new_func = kgr_new_torture_pair, },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "kgr_test_torture", .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kgr_test_torture_klp_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kgr_test_torture_klp_exit(void)
{
}

module_init(kgr_test_torture_klp_init);
module_exit(kgr_test_torture_klp_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("kgr test: the torture patch for the kernel's livepatch");
