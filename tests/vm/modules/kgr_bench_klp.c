// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The call-cost benchmark's peer: the kernel's livepatch replaces
 * kgr_bench_klp() by the same code, as samples/livepatch builds patches.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static int kgr_bench_klp_new(int x)
{
	return x + 1;
}

static struct klp_func funcs[] = {
	{ .old_name = "kgr_bench_klp", .new_func = kgr_bench_klp_new, },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "kgr_bench_target", .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kgr_bench_klp_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kgr_bench_klp_exit(void)
{
}

module_init(kgr_bench_klp_init);
module_exit(kgr_bench_klp_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("kgr bench: kernel livepatch of kgr_bench_klp()");
