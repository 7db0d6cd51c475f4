// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture of patch_table.cocci: every mistake it reports. */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

int kgr_new_cmdline_proc_show(struct seq_file *m, void *v)	// expect
{
	seq_puts(m, "patched\n");
	return 0;
}

static int __init kgr_new_uptime_proc_show(struct seq_file *m, void *v)	// expect
{
	return 0;
}

static int meminfo_proc_show(struct seq_file *m, void *v)
{
	return 0;
}

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.patches = { KGR_PATCH(cmdline_proc_show, kgr_new_cmdline_proc_show, true),
		     KGR_PATCH(uptime_proc_show, kgr_new_uptime_proc_show, true),
		     KGR_PATCH(meminfo_proc_show, meminfo_proc_show, true),	// expect
		     KGR_PATCH_END }
};

static struct kgr_patch unended = {	// expect
	.name = "fixture_unended",
	.owner = THIS_MODULE,
	.patches = { KGR_PATCH(cmdline_proc_show, kgr_new_cmdline_proc_show, true) }
};

static int __init fixture_init(void)
{
	return kgr_patch_kernel(&patch) ?: kgr_patch_kernel(&unended);
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
