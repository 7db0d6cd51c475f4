// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture of shims.cocci: shims never set, set for nothing, used NULL. */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

KGR_CALL_DECLARE(kgr_get_idle_time, get_idle_time);	// expect
static char **kgr_saved_command_line;
static bool (*kgr_ptrace_may_access)(struct task_struct *task, unsigned int mode);
static unsigned long *kgr_nr_unused;
static void (*kgr_forgotten)(struct seq_file *m);
static long *kgr_orphan;

static struct kgr_symbol orphans[] = {
	KGR_SYMBOL(kgr_orphan, orphan),	// expect
	KGR_SYMBOL_END
};

static int kgr_new_cmdline_proc_show(struct seq_file *m, void *v)
{
	kgr_forgotten(m);	// expect
	seq_puts(m, *kgr_saved_command_line);
	seq_printf(m, "%llu %ld\n", static_call(kgr_get_idle_time)(NULL, 0),
		   *kgr_orphan);
	return 0;
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_saved_command_line, saved_command_line),
	KGR_SYMBOL(kgr_ptrace_may_access, ptrace_may_access),
	KGR_SYMBOL(kgr_nr_unused, nr_unused),	// expect
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.symbols = symbols,
	.patches = { KGR_PATCH(cmdline_proc_show, kgr_new_cmdline_proc_show, true),
		     KGR_PATCH_END }
};

static int __init fixture_init(void)
{
	if (!kgr_ptrace_may_access(current, 0))	// expect
		return -EPERM;
	return kgr_patch_kernel(&patch);
}

static void __exit fixture_exit(void)
{
	pr_info("%s\n", *kgr_saved_command_line);	// expect
	kgr_patch_remove(&patch);
}

module_init(fixture_init);
module_exit(fixture_exit);
MODULE_LICENSE("GPL");
