// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture of symvers.cocci: non-exported symbols used directly. */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/kernel_stat.h>
#include <linux/ptrace.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

static int kgr_new_cmdline_proc_show(struct seq_file *m, void *v)
{
	if (!ptrace_may_access(current, PTRACE_MODE_READ))	// expect
		return -EPERM;
	seq_puts(m, saved_command_line);	// expect
	seq_printf(m, " %llu\n", get_idle_time(NULL, 0));	// expect
	return 0;
}

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.patches = { KGR_PATCH(cmdline_proc_show, kgr_new_cmdline_proc_show, true),
		     KGR_PATCH_END }
};

static int __init fixture_init(void)
{
	return kgr_patch_kernel(&patch);
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
