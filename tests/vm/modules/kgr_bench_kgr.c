// SPDX-License-Identifier: GPL-2.0-or-later
/* The call-cost benchmark: kgr replaces kgr_bench_kgr() by the same code. */
#include <linux/module.h>
#include <kgr/kgr.h>

static int kgr_bench_kgr_new(int x)
{
	return x + 1;
}

static struct kgr_patch patch = {
	.name = "kgr_bench_kgr",
	.owner = THIS_MODULE,
	.patches = { KGR_PATCH_OBJ(kgr_bench_kgr, kgr_bench_kgr_new,
				   "kgr_bench_target"),
		     KGR_PATCH_END }
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr bench: kgr patch of kgr_bench_kgr()");
