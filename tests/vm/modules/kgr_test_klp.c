// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A patch of the kernel's own livepatch, as samples/livepatch builds them:
 * the peer kgr coexists with. It replaces the seq_file show function named
 * by func= (cmdline_proc_show by default) with one printing "klp".
 */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static char *func = "cmdline_proc_show";
module_param(func, charp, 0444);

static int kgr_test_klp_show(struct seq_file *m, void *v)
{
	seq_puts(m, "klp\n");
	return 0;
}

static struct klp_func funcs[] = {
	{ .new_func = kgr_test_klp_show, },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kgr_test_klp_init(void)
{
	funcs[0].old_name = func;
	return klp_enable_patch(&patch);
}

static void __exit kgr_test_klp_exit(void)
{
}

module_init(kgr_test_klp_init);
module_exit(kgr_test_klp_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("kgr test: a kernel livepatch, kgr's peer");
