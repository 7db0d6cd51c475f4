// SPDX-License-Identifier: GPL-2.0
/*
 * lib/livepatch/test_klp_callbacks_mod.c of Linux 6.1: a module with no
 * code to patch, whose load and unload run the object hooks of
 * kgr_test_klp_callbacks_demo.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

static int __init kgr_test_klp_callbacks_mod_init(void)
{
	pr_info("init\n");
	return 0;
}

static void __exit kgr_test_klp_callbacks_mod_exit(void)
{
	pr_info("exit\n");
}

module_init(kgr_test_klp_callbacks_mod_init);
module_exit(kgr_test_klp_callbacks_mod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the livepatch selftests' test_klp_callbacks_mod");
