// SPDX-License-Identifier: GPL-2.0
/*
 * lib/livepatch/test_klp_callbacks_demo.c of Linux 6.1, on kgr: every hook
 * logs its name and object. The patch's own hooks stand for the vmlinux
 * object's callbacks; kgr_test_klp_callbacks_mod has object hooks only,
 * kgr_test_klp_callbacks_busy has hooks and its work function patched.
 * Built again as kgr_test_klp_callbacks_demo2 (KGR_CALLBACKS_DEMO2): the
 * patch's own hooks only, as test_klp_callbacks_demo2.
 *
 * pre_patch_ret: what every pre_apply hook returns (writable at run time)
 * replace: 1 makes the patch replace_all
 *
 * kgr hooks get the patch, not the object (no module state to print), and
 * a kgr patch needs a function: demo2 patches the busy module's work
 * function too, which its tests never load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/workqueue.h>
#include <kgr/kgr.h>

static int pre_patch_ret;
module_param(pre_patch_ret, int, 0644);
MODULE_PARM_DESC(pre_patch_ret, "pre_patch_ret (default=0)");

static int replace;
module_param(replace, int, 0644);
MODULE_PARM_DESC(replace, "replace (default=0)");

/* The hooks of one object, each logging "<hook>: <object>". */
#define DEMO_HOOKS(_id, _obj)						\
static const char _id##_name[] = _obj;					\
static int _id##_pre_apply(struct kgr_patch *patch)			\
{									\
	pr_info("pre_apply: %s\n", _id##_name);				\
	return pre_patch_ret;						\
}									\
static void _id##_post_apply(struct kgr_patch *patch)			\
{									\
	pr_info("post_apply: %s\n", _id##_name);				\
}									\
static void _id##_pre_revert(struct kgr_patch *patch)			\
{									\
	pr_info("pre_revert: %s\n", _id##_name);				\
}									\
static void _id##_post_revert(struct kgr_patch *patch)			\
{									\
	pr_info("post_revert: %s\n", _id##_name);				\
}

#define DEMO_HOOKS_INIT(_id, _obj)					\
	{								\
		.objname = _obj,					\
		.pre_apply = _id##_pre_apply,				\
		.post_apply = _id##_post_apply,				\
		.pre_revert = _id##_pre_revert,				\
		.post_revert = _id##_post_revert,			\
	}

#define MOD_TARGET "kgr_test_klp_callbacks_mod"
#define MOD_TARGET_BUSY "kgr_test_klp_callbacks_busy"

DEMO_HOOKS(vmlinux, "vmlinux")

#ifndef KGR_CALLBACKS_DEMO2
DEMO_HOOKS(mod, MOD_TARGET)
DEMO_HOOKS(busy, MOD_TARGET_BUSY)

static const struct kgr_hooks object_hooks[] = {
	DEMO_HOOKS_INIT(mod, MOD_TARGET),
	DEMO_HOOKS_INIT(busy, MOD_TARGET_BUSY),
	{ }
};
#endif

static void patched_work_func(struct work_struct *work)
{
	pr_info("patched work\n");
}

static struct kgr_patch patch = {
	.name = KBUILD_MODNAME,
	.hooks = DEMO_HOOKS_INIT(vmlinux, NULL),
#ifndef KGR_CALLBACKS_DEMO2
	.object_hooks = object_hooks,
#endif
	.patches = {
		KGR_PATCH_OBJ(busymod_work_func, patched_work_func,
			      MOD_TARGET_BUSY),
		KGR_PATCH_END
	}
};

static int __init kgr_test_klp_callbacks_demo_init(void)
{
	patch.replace_all = replace;
	return kgr_patch_kernel(&patch);
}

static void __exit kgr_test_klp_callbacks_demo_exit(void)
{
	kgr_patch_remove(&patch);
}

module_init(kgr_test_klp_callbacks_demo_init);
module_exit(kgr_test_klp_callbacks_demo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the livepatch selftests' callbacks demo");
