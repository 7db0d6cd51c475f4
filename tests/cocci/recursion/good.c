// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture of recursion.cocci: the new capable() calls what the old one
 * calls, and the new pair calls the other new functions of its patch,
 * on purpose (they are redirected together).
 */
#include <linux/module.h>
#include <linux/capability.h>
#include <kgr/kgr.h>

int fixture_a(void);
int fixture_b(void);

static bool kgr_new_capable(int cap)
{
	return ns_capable(&init_user_ns, cap);
}

static int kgr_new_a(void)
{
	return 2;
}

static int kgr_new_pair(void)
{
	return fixture_a() + fixture_b();
}

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.patches = { KGR_PATCH(capable, kgr_new_capable, true),
		     KGR_PATCH_OBJ(fixture_a, kgr_new_a, "fixture_target"),
		     KGR_PATCH_OBJ(fixture_pair, kgr_new_pair, "fixture_target"),
		     KGR_PATCH_END }
};

static int __init fixture_init(void)
{
	return kgr_patch_kernel(&patch);
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
