// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hooks: work done around a patch's transitions.
 *
 * The patch replaces kgr_test_target_show() of the test module
 * kgr_test_target (/proc/kgr_test_target). Its new version prints a text
 * the pre_apply hook prepared and the post_revert hook frees, and how
 * often the module has been patched, counted by the module's own
 * pre_apply hook, which runs each time kgr_test_target loads while the
 * patch is active. Every hook logs "hook <name>", so the order can be
 * checked.
 *
 * Parameters: fail_pre_apply makes the patch's pre_apply hook fail (the
 * patch is refused); fail_object_pre_apply makes the module's fail (the
 * module's load is refused).
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <kgr/kgr.h>

static bool fail_pre_apply;
module_param(fail_pre_apply, bool, 0444);
MODULE_PARM_DESC(fail_pre_apply, "make the patch's pre_apply hook fail");

static bool fail_object_pre_apply;
module_param(fail_object_pre_apply, bool, 0644);
MODULE_PARM_DESC(fail_object_pre_apply,
		 "make kgr_test_target's pre_apply hook fail");

/* Written by the hooks only, which kgr.ko serialises; read by new code. */
static char *kgr_greeting;
static unsigned int kgr_target_applied;

static int kgr_new_kgr_test_target_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s, kgr_test_target patched %u times\n", kgr_greeting,
		   READ_ONCE(kgr_target_applied));
	return 0;
}

/* Before any function is redirected: what the new code needs must exist. */
static int kgr_hooks_pre_apply(struct kgr_patch *patch)
{
	pr_info("%s: hook pre_apply\n", patch->name);
	if (fail_pre_apply)
		return -EPERM;
	kgr_greeting = kasprintf(GFP_KERNEL, "hello from %s", patch->name);
	return kgr_greeting ? 0 : -ENOMEM;
}

static void kgr_hooks_post_apply(struct kgr_patch *patch)
{
	pr_info("%s: hook post_apply\n", patch->name);
}

static void kgr_hooks_pre_revert(struct kgr_patch *patch)
{
	pr_info("%s: hook pre_revert\n", patch->name);
}

/* No task runs the new code any more: its data can go. */
static void kgr_hooks_post_revert(struct kgr_patch *patch)
{
	pr_info("%s: hook post_revert\n", patch->name);
	kfree(kgr_greeting);
	kgr_greeting = NULL;
}

static int kgr_hooks_target_pre_apply(struct kgr_patch *patch)
{
	pr_info("%s: hook kgr_test_target pre_apply\n", patch->name);
	if (fail_object_pre_apply)
		return -EBUSY;
	WRITE_ONCE(kgr_target_applied, kgr_target_applied + 1);
	return 0;
}

static void kgr_hooks_target_post_apply(struct kgr_patch *patch)
{
	pr_info("%s: hook kgr_test_target post_apply\n", patch->name);
}

static void kgr_hooks_target_pre_revert(struct kgr_patch *patch)
{
	pr_info("%s: hook kgr_test_target pre_revert\n", patch->name);
}

static void kgr_hooks_target_post_revert(struct kgr_patch *patch)
{
	pr_info("%s: hook kgr_test_target post_revert\n", patch->name);
}

static const struct kgr_hooks kgr_object_hooks[] = {
	{
		.objname = "kgr_test_target",
		.pre_apply = kgr_hooks_target_pre_apply,
		.post_apply = kgr_hooks_target_post_apply,
		.pre_revert = kgr_hooks_target_pre_revert,
		.post_revert = kgr_hooks_target_post_revert,
	},
	{ }
};

static struct kgr_patch patch = {
	.name = "kgr_sample_hooks",
	.owner = THIS_MODULE,
	.hooks = {
		.pre_apply = kgr_hooks_pre_apply,
		.post_apply = kgr_hooks_post_apply,
		.pre_revert = kgr_hooks_pre_revert,
		.post_revert = kgr_hooks_post_revert,
	},
	.object_hooks = kgr_object_hooks,
	.patches = {
		KGR_PATCH_OBJ(kgr_test_target_show,
			      kgr_new_kgr_test_target_show, "kgr_test_target"),
		KGR_PATCH_END
	}
};

module_kgr_patch(patch);
MODULE_DESCRIPTION("kgr sample: apply and revert hooks, also per module");
MODULE_LICENSE("GPL");
