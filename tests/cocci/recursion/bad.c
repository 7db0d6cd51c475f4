// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture of recursion.cocci: new functions that reach themselves. */
#include <linux/module.h>
#include <linux/capability.h>
#include <linux/static_call.h>
#include <kgr/kgr.h>

static bool (*kgr_ns_capable)(struct user_namespace *ns, int cap);
KGR_CALL_DECLARE(kgr_call_ns_capable, ns_capable);

static bool kgr_new_capable(int cap)
{
	if (cap < 0)
		return false;
	return capable(cap);	// expect
}

static bool kgr_new_ns_capable(struct user_namespace *ns, int cap)
{
	if (cap == CAP_SYS_ADMIN)
		return kgr_ns_capable(ns, cap);	// expect
	return static_call(kgr_call_ns_capable)(ns, cap);	// expect
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_ns_capable, ns_capable),
	KGR_SYMBOL_CALL(kgr_call_ns_capable, ns_capable),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.symbols = symbols,
	.patches = { KGR_PATCH(capable, kgr_new_capable, true),
		     KGR_PATCH(ns_capable, kgr_new_ns_capable, true),
		     KGR_PATCH_END }
};

static int __init fixture_init(void)
{
	return kgr_patch_kernel(&patch);
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
