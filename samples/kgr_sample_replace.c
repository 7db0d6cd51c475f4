// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An all-in-one patch (replace_all): it supersedes every patch applied
 * before it. It replaces cmdline_proc_show() (ending in " kgr_replace");
 * every other function an earlier patch replaced, uptime_proc_show() of
 * kgr_sample_uptime for example, returns to the original code. When its
 * transition ends, the earlier patches read enabled=0 and can be unloaded.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

static char **kgr_saved_command_line;

static int kgr_replace_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s kgr_replace\n", *kgr_saved_command_line);
	return 0;
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_saved_command_line, saved_command_line),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "kgr_sample_replace",
	.owner = THIS_MODULE,
	.replace_all = true,
	.symbols = symbols,
	.patches = { KGR_PATCH(cmdline_proc_show, kgr_replace_cmdline_proc_show,
			       true),
		     KGR_PATCH_END }
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr sample: replace_all patch of cmdline_proc_show");
