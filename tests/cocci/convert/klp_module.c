// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Input of scripts/klp2kgr: a livepatch module with every table form it
 * converts (vmlinux and module objects, old_sympos, a name that is no C
 * identifier, callbacks, .replace set at run time, shadow variables) and
 * what it can only mark (a klp_state, a callback that reads its object).
 */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static bool replace;
module_param(replace, bool, 0644);

static int fix_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	return 0;
}

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	klp_shadow_ctor_t ctor = fix_ctor;
	int *n = klp_shadow_get_or_alloc(m, 1, sizeof(*n), GFP_ATOMIC, ctor, NULL);

	seq_printf(m, "%d\n", n ? *n : 0);
	return 0;
}

static int livepatch_show(struct seq_file *m, void *v)
{
	return 0;
}

static int pre_patch(struct klp_object *obj)
{
	return 0;
}

static void post_unpatch(struct klp_object *obj)
{
	pr_info("%s\n", obj->name);
	klp_shadow_free_all(1, NULL);
}

static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	}, { }
};

static struct klp_func mod_funcs[] = {
	{
		.old_name = "target_show",
		.new_func = livepatch_show,
	},
	{
		.old_name = "other_show",
		.new_func = livepatch_show,
		.old_sympos = 2,
	},
	{
		.old_name = "clone_show.isra.0",
		.new_func = livepatch_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		.funcs = vmlinux_funcs,
		.callbacks = {
			.pre_patch = pre_patch,
		},
	}, {
		.name = "target_mod",
		.funcs = mod_funcs,
		.callbacks = {
			.post_unpatch = post_unpatch,
		},
	}, { }
};

static struct klp_state states[] = {
	{ .id = 1, .version = 1 }, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
};

static int fix_init(void)
{
	patch.replace = replace;
	return klp_enable_patch(&patch);
}

static void fix_exit(void)
{
}

module_init(fix_init);
module_exit(fix_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
