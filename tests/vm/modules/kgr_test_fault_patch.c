// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The patch of the fault injection test (74-fault-injection.sh): one of
 * each thing a fallible step of kgr acts on. It replaces cmdline_proc_show()
 * of vmlinux and kgr_test_target_show() of kgr_test_target, has a shim in
 * each object, and hooks of its own and of kgr_test_target that log
 * "<hook> <object>", so that the test can match every pre_apply that ran
 * with a post_revert.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

#define TARGET "kgr_test_target"

static char **kgr_saved_command_line;
static unsigned long *kgr_target_reads;

static int kgr_fault_cmdline_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s kgr_test_fault_patch\n", *kgr_saved_command_line);
	return 0;
}

static int kgr_fault_target_show(struct seq_file *m, void *v)
{
	seq_printf(m, "patched %lu\n", ++*kgr_target_reads);
	return 0;
}

/* The hooks of one object, each logging "<hook> <object>". */
#define FAULT_HOOKS(_id, _obj)						\
static int _id##_pre_apply(struct kgr_patch *patch)			\
{									\
	pr_info("pre_apply %s\n", _obj);				\
	return 0;							\
}									\
static void _id##_post_apply(struct kgr_patch *patch)			\
{									\
	pr_info("post_apply %s\n", _obj);				\
}									\
static void _id##_pre_revert(struct kgr_patch *patch)			\
{									\
	pr_info("pre_revert %s\n", _obj);				\
}									\
static void _id##_post_revert(struct kgr_patch *patch)			\
{									\
	pr_info("post_revert %s\n", _obj);				\
}

#define FAULT_HOOKS_INIT(_id, _obj)					\
	{								\
		.objname = _obj,					\
		.pre_apply = _id##_pre_apply,				\
		.post_apply = _id##_post_apply,				\
		.pre_revert = _id##_pre_revert,				\
		.post_revert = _id##_post_revert,			\
	}

FAULT_HOOKS(vmlinux, "vmlinux")
FAULT_HOOKS(target, TARGET)

static const struct kgr_hooks object_hooks[] = {
	FAULT_HOOKS_INIT(target, TARGET),
	{ }
};

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_TYPED(kgr_saved_command_line, saved_command_line),
	KGR_SYMBOL_OBJPOS(kgr_target_reads, kgr_test_target_reads, TARGET, 0),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = KBUILD_MODNAME,
	.owner = THIS_MODULE,
	.hooks = FAULT_HOOKS_INIT(vmlinux, NULL),
	.object_hooks = object_hooks,
	.symbols = symbols,
	.patches = {
		KGR_PATCH(cmdline_proc_show, kgr_fault_cmdline_show, true),
		KGR_PATCH_OBJ(kgr_test_target_show, kgr_fault_target_show,
			      TARGET),
		KGR_PATCH_END
	}
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: a patch of everything fault injection fails");
