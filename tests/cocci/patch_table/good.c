// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture of patch_table.cocci: static new functions, a table ended. */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

static int kgr_new_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "patched\n");
	return 0;
}

static int kgr_new_show(struct seq_file *m, void *v)
{
	return 0;
}

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.patches = {
		KGR_PATCH(cmdline_proc_show, kgr_new_cmdline_proc_show, true),
		KGR_PATCH_OBJ(kgr_test_target_show, kgr_new_show,
			      "kgr_test_target"),
		KGR_PATCH_OBJPOS(show, kgr_new_show, "kgr_test_target", 2),
		KGR_PATCH_END
	}
};

static int __init fixture_init(void)
{
	return kgr_patch_kernel(&patch);
}

static void __exit fixture_exit(void)
{
	kgr_patch_remove(&patch);
}

module_init(fixture_init);
module_exit(fixture_exit);
MODULE_LICENSE("GPL");
