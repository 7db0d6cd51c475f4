// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Input of scripts/klp2kgr: a livepatch module with every table form it
 * converts (vmlinux and module objects, old_sympos, a name that is no C
 * identifier, callbacks, .replace set at run time, shadow variables) and
 * what it can only mark (a klp_state, a callback that reads its object).
 */
#include <linux/module.h>
#include <kgr/kgr.h>
#include <linux/seq_file.h>

static bool replace;
module_param(replace, bool, 0644);

static int fix_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	return 0;
}

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	kgr_shadow_ctor_t ctor = fix_ctor;
	int *n = kgr_shadow_get_or_alloc(m, 1, sizeof(*n), GFP_ATOMIC, ctor,
					 NULL);

	seq_printf(m, "%d\n", n ? *n : 0);
	return 0;
}

static int livepatch_show(struct seq_file *m, void *v)
{
	return 0;
}

static int pre_patch(struct kgr_patch *patch)
{
	return 0;
}

/* klp2kgr: a kgr hook gets the struct kgr_patch, not a klp_object: rewrite the uses of obj */
static void post_unpatch(struct kgr_patch *patch)
{
	pr_info("%s\n", obj->name);
	kgr_shadow_free_all(1, NULL);
}

/* klp2kgr: kgr has no klp_state */
static struct klp_state states[] = {
	{ .id = 1, .version = 1 }, { }
};

static const struct kgr_hooks patch_object_hooks[] = {
	{
		.objname = "target_mod",
		.post_revert = post_unpatch,
	},
	{ }
};

/* klp2kgr: kgr has no klp_state: .states = states dropped; keep the state in a shadow variable or in the hooks */
static struct kgr_patch patch = {
	.name = KBUILD_MODNAME,
	.owner = THIS_MODULE,
	.hooks = {
		.pre_apply = pre_patch,
	},
	.object_hooks = patch_object_hooks,
	.patches = {
		KGR_PATCH(cmdline_proc_show, livepatch_cmdline_proc_show, true),
		KGR_PATCH_OBJ(target_show, livepatch_show, "target_mod"),
		KGR_PATCH_OBJPOS(other_show, livepatch_show, "target_mod", 2),
		{ .name = "clone_show.isra.0", .new_fun = livepatch_show, .objname = "target_mod", .sympos = 0, .abort_if_missing = true },
		KGR_PATCH_END
	}
};

static int fix_init(void)
{
	patch.replace_all = replace;
	return kgr_patch_kernel(&patch);
}

static void fix_exit(void)
{
	kgr_patch_remove(&patch);
}

module_init(fix_init);
module_exit(fix_exit);
MODULE_LICENSE("GPL");
