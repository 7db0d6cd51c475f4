// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A patch target in a module: /proc/kgr_test_target shows "original" and
 * counts its reads in a static variable. kgr_sample_module patches it,
 * whether this module loads before or after the patch.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static unsigned long kgr_test_target_reads;

static noinline int kgr_test_target_show(struct seq_file *m, void *v)
{
	kgr_test_target_reads++;
	seq_printf(m, "original %lu\n", kgr_test_target_reads);
	return 0;
}

static int __init kgr_test_target_init(void)
{
	if (!proc_create_single("kgr_test_target", 0444, NULL,
				kgr_test_target_show))
		return -ENOMEM;
	return 0;
}

static void __exit kgr_test_target_exit(void)
{
	remove_proc_entry("kgr_test_target", NULL);
}

module_init(kgr_test_target_init);
module_exit(kgr_test_target_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: a module whose function a patch replaces");
