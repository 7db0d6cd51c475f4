// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture of symvers.cocci: exported functions, macros and static
 * inlines called directly, the non-exported ones through shims.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/kernel_stat.h>
#include <linux/ptrace.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

KGR_CALL_DECLARE(kgr_get_idle_time, get_idle_time);
static char **kgr_saved_command_line;
static bool (*kgr_ptrace_may_access)(struct task_struct *task,
				     unsigned int mode);

static int kgr_new_cmdline_proc_show(struct seq_file *m, void *v)
{
	if (!kgr_ptrace_may_access(current, PTRACE_MODE_READ))
		return -EPERM;
	task_lock(current);
	seq_puts(m, *kgr_saved_command_line);
	task_unlock(current);
	seq_printf(m, " %llu %d\n", static_call(kgr_get_idle_time)(NULL, 0),
		   READ_ONCE(system_state));
	return 0;
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_saved_command_line, saved_command_line),
	KGR_SYMBOL_TYPED(kgr_ptrace_may_access, ptrace_may_access),
	KGR_SYMBOL_CALL(kgr_get_idle_time, get_idle_time),
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
	return kgr_patch_kernel(&patch);
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
