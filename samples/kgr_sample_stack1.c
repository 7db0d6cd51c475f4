// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stacking pair: kgr_sample_stack1 and kgr_sample_stack2 both replace
 * cmdline_proc_show(), which then ends in " kgr_stack<level>". Loaded in
 * order, the second takes over from the first; reverting the second
 * brings the first back; the first cannot be reverted while the second
 * stands on it. kgr_sample_stack2.c builds this file with level 2.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/seq_file.h>
#include <linux/stringify.h>
#include <kgr/kgr.h>

#ifndef KGR_STACK_LEVEL
#define KGR_STACK_LEVEL 1
#endif
#define KGR_STACK_TAG "kgr_stack" __stringify(KGR_STACK_LEVEL)

static char **kgr_saved_command_line;

static int kgr_stack_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s " KGR_STACK_TAG "\n", *kgr_saved_command_line);
	return 0;
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_saved_command_line, saved_command_line),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "kgr_sample_stack" __stringify(KGR_STACK_LEVEL),
	.owner = THIS_MODULE,
	.symbols = symbols,
	.patches = { KGR_PATCH(cmdline_proc_show, kgr_stack_cmdline_proc_show,
			       true),
		     KGR_PATCH_END }
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr sample: one of a stacking pair on cmdline_proc_show");
