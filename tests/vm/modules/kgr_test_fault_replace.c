// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The replace_all patch of the fault injection test: it replaces
 * cmdline_proc_show() only, so that replacing kgr_test_fault_patch also
 * takes a nop for kgr_test_target_show(). Its hooks log "<hook> vmlinux".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

static char **kgr_saved_command_line;

static int kgr_fault_replace_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s kgr_test_fault_replace\n", *kgr_saved_command_line);
	return 0;
}

static int kgr_fault_replace_pre_apply(struct kgr_patch *patch)
{
	pr_info("pre_apply vmlinux\n");
	return 0;
}

static void kgr_fault_replace_post_revert(struct kgr_patch *patch)
{
	pr_info("post_revert vmlinux\n");
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_saved_command_line, saved_command_line),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = KBUILD_MODNAME,
	.owner = THIS_MODULE,
	.replace_all = true,
	.hooks = {
		.pre_apply = kgr_fault_replace_pre_apply,
		.post_revert = kgr_fault_replace_post_revert,
	},
	.symbols = symbols,
	.patches = {
		KGR_PATCH(cmdline_proc_show, kgr_fault_replace_show, true),
		KGR_PATCH_END
	}
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the replace_all patch of the fault injection test");
