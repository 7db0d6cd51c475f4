// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture of funcptr.cocci: the patched names only in kgr's macros. */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

int fixture_show(struct seq_file *m, void *v);
int fixture_helper(struct seq_file *m);

static int (*kgr_fixture_helper)(struct seq_file *m);

static int kgr_new_fixture_show(struct seq_file *m, void *v)
{
	return kgr_fixture_helper(m);
}

static int kgr_new_fixture_helper(struct seq_file *m)
{
	return kgr_new_fixture_show(m, NULL);
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_fixture_helper, fixture_helper),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.symbols = symbols,
	.patches = { KGR_PATCH_OBJ(fixture_show, kgr_new_fixture_show,
				   "fixture_target"),
		     KGR_PATCH_OBJ(fixture_other, kgr_new_fixture_helper,
				   "fixture_target"),
		     KGR_PATCH_END }
};

static int __init fixture_init(void)
{
	return kgr_patch_kernel(&patch);
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
