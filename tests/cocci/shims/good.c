// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture of shims.cocci: every shim listed and used, a call shim, and
 * a table the module fills at run time (not checked for unused shims).
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

KGR_CALL_DECLARE(kgr_get_idle_time, get_idle_time);
static char **kgr_saved_command_line;
static void *kgr_probe;
static char *shim = "cmdline_proc_show";
module_param(shim, charp, 0444);

static int kgr_new_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, *kgr_saved_command_line);
	seq_printf(m, " %llu\n", static_call(kgr_get_idle_time)(NULL, 0));
	return 0;
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_saved_command_line, saved_command_line),
	KGR_SYMBOL_CALL(kgr_get_idle_time, get_idle_time),
	KGR_SYMBOL_END
};

static struct kgr_symbol probes[] = {
	KGR_SYMBOL(kgr_probe, unset),
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
	int err = kgr_patch_kernel(&patch);

	if (err)
		return err;
	pr_info("%s\n", *kgr_saved_command_line);
	probes[0].name = shim;
	patch.symbols = probes;
	return 0;
}

static void __exit fixture_exit(void)
{
	kgr_patch_remove(&patch);
}

module_init(fixture_init);
module_exit(fixture_exit);
MODULE_LICENSE("GPL");
