// SPDX-License-Identifier: GPL-2.0
/*
 * lib/livepatch/test_klp_atomic_replace.c of Linux 6.1, on kgr:
 * /proc/meminfo names this module once patched; replace=1 makes the patch
 * replace_all, kgr's atomic replace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

static int replace;
module_param(replace, int, 0644);
MODULE_PARM_DESC(replace, "replace (default=0)");

static int livepatch_meminfo_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: %s\n", THIS_MODULE->name,
		   "this has been live patched");
	return 0;
}

static struct kgr_patch patch = {
	.name = KBUILD_MODNAME,
	.patches = {
		KGR_PATCH(meminfo_proc_show, livepatch_meminfo_proc_show, true),
		KGR_PATCH_END
	}
};

static int __init kgr_test_klp_atomic_replace_init(void)
{
	/* Set here, as the original sets .replace, from the parameter. */
	patch.replace_all = replace;
	return kgr_patch_kernel(&patch);
}

static void __exit kgr_test_klp_atomic_replace_exit(void)
{
	kgr_patch_remove(&patch);
}

module_init(kgr_test_klp_atomic_replace_init);
module_exit(kgr_test_klp_atomic_replace_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the livepatch selftests' test_klp_atomic_replace");
