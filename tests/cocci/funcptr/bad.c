// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture of funcptr.cocci: addresses of old and new functions kept. */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

int fixture_show(struct seq_file *m, void *v);
extern int (*fixture_hook)(struct seq_file *m, void *v);

static int kgr_new_fixture_show(struct seq_file *m, void *v);

static int (*kgr_saved)(struct seq_file *m, void *v) = fixture_show;	// expect

static int kgr_new_fixture_show(struct seq_file *m, void *v)
{
	if (fixture_hook == fixture_show)	// expect
		return 1;
	fixture_hook = kgr_new_fixture_show;	// expect
	return kgr_saved ? 0 : 1;
}

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.patches = { KGR_PATCH_OBJ(fixture_show, kgr_new_fixture_show,
				   "fixture_target"),
		     KGR_PATCH_END }
};

static int __init fixture_init(void)
{
	return kgr_patch_kernel(&patch);
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
