// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A patch for a module that need not be loaded yet: kgr_test_target (from
 * tests/vm/modules) shows "original" in /proc/kgr_test_target; with this
 * patch applied it shows "patched", whether it was loaded before or after
 * the patch. Its per-module hooks log when the module is patched and
 * unpatched, and its counter, a static variable of the module, is reached
 * through a shim resolved when the module loads.
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

static unsigned long *kgr_test_target_reads;

static int kgr_new_kgr_test_target_show(struct seq_file *m, void *v)
{
	*kgr_test_target_reads += 1;
	seq_printf(m, "patched %lu\n", *kgr_test_target_reads);
	return 0;
}

static int kgr_sample_module_pre_apply(struct kgr_patch *patch)
{
	pr_info("%s: patching kgr_test_target\n", patch->name);
	return 0;
}

static void kgr_sample_module_post_revert(struct kgr_patch *patch)
{
	pr_info("%s: kgr_test_target unpatched\n", patch->name);
}

static const struct kgr_hooks object_hooks[] = {
	{
		.objname = "kgr_test_target",
		.pre_apply = kgr_sample_module_pre_apply,
		.post_revert = kgr_sample_module_post_revert,
	},
	{ }
};

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_OBJPOS(kgr_test_target_reads, kgr_test_target_reads,
			  "kgr_test_target", 0),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "kgr_sample_module",
	.owner = THIS_MODULE,
	.symbols = symbols,
	.object_hooks = object_hooks,
	.patches = { KGR_PATCH_OBJ(kgr_test_target_show,
				   kgr_new_kgr_test_target_show,
				   "kgr_test_target"),
		     KGR_PATCH_END }
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr sample: patch of a module loaded after the patch");
