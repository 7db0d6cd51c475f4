// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A patch target in a module that a test loads while a transition runs.
 * Reading /proc/kgr_test_late calls kgr_test_late_fn(), which sleeps
 * sleep_ms inside (not interruptible) and tells which code it was:
 * "original" or, with kgr_test_late_patch, "patched".
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "kgr_test_late.h"

static unsigned int sleep_ms;
module_param(sleep_ms, uint, 0644);

static noinline int kgr_test_late_fn(unsigned int ms)
{
	msleep(ms);
	return KGR_LATE_ORIGINAL;
}

static int kgr_test_late_show(struct seq_file *m, void *v)
{
	int ret = kgr_test_late_fn(READ_ONCE(sleep_ms));

	seq_printf(m, "%s\n", ret == KGR_LATE_PATCHED ? "patched" : "original");
	return 0;
}

static int __init kgr_test_late_init(void)
{
	if (!proc_create_single("kgr_test_late", 0444, NULL,
				kgr_test_late_show))
		return -ENOMEM;
	return 0;
}

static void __exit kgr_test_late_exit(void)
{
	remove_proc_entry("kgr_test_late", NULL);
}

module_init(kgr_test_late_init);
module_exit(kgr_test_late_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: a module target loaded during a transition");
