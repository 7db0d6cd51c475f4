// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/cmdline gains " kgr_patched" while this patch is applied. The
 * command line lives in saved_command_line, a variable vmlinux does not
 * export: a typed shim reaches it.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

static char **kgr_saved_command_line;

static int kgr_new_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, *kgr_saved_command_line);
	seq_puts(m, " kgr_patched\n");
	return 0;
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_saved_command_line, saved_command_line),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "kgr_sample_cmdline",
	.owner = THIS_MODULE,
	.symbols = symbols,
	.patches = { KGR_PATCH(cmdline_proc_show, kgr_new_cmdline_proc_show, true),
		     KGR_PATCH_END }
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr sample: /proc/cmdline gains \" kgr_patched\"");
