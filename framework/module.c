// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * module.c - patch targets in modules
 *
 * A patch may replace functions of a module that is not loaded when the
 * patch is applied. The module notifier patches such a module while it is
 * COMING (ftrace already knows its fentry sites, its init has not run) and
 * drops the redirection while it is GOING. A failure at COMING, such as a
 * missing symbol or a failing pre_apply hook, refuses the module's load.
 * During a transition, in either direction, the module is patched too, and
 * the transition's stack checks learn about its code.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/notifier.h>
#include "internal.h"

bool kgr_module_loaded(const char *name)
{
	struct module *mod;
	bool loaded;

	/* find_module() wants module_mutex or an RCU-sched read section. */
	preempt_disable();
	mod = kgr_find_module(name);
	loaded = mod && (mod->state == MODULE_STATE_COMING ||
			 mod->state == MODULE_STATE_LIVE);
	preempt_enable();
	return loaded;
}

/* @patch has functions, shims or hooks for module @name. */
static bool kgr_patch_uses(struct kgr_patch *patch, const char *name)
{
	const struct kgr_hooks *hooks;
	struct kgr_patch_fun *fun;
	struct kgr_symbol *sym;

	kgr_for_each_fun(patch, fun)
		if (kgr_obj_match(fun->objname, name))
			return true;
	for (sym = patch->symbols; sym && sym->name; sym++)
		if (kgr_obj_match(sym->objname, name))
			return true;
	for (hooks = patch->object_hooks; hooks && hooks->objname; hooks++)
		if (!strcmp(hooks->objname, name))
			return true;
	return false;
}

/* Pop the functions of module @name from @patch; the caller syncs. */
static void kgr_object_pop(struct kgr_patch *patch, const char *name)
{
	struct kgr_patch_fun *fun;

	kgr_for_each_nop(patch, fun)
		if (kgr_fun_redirected(fun) && kgr_obj_match(fun->objname, name))
			kgr_redirect_del(fun);
	kgr_for_each_fun(patch, fun) {
		if (!kgr_obj_match(fun->objname, name))
			continue;
		if (kgr_fun_redirected(fun))
			kgr_redirect_del(fun);
		WRITE_ONCE(fun->state, KGR_FUN_INIT);
		WRITE_ONCE(fun->old_addr, 0);
	}
}

/*
 * Patch module @name for @patch: shims, its pre_apply hook, then its
 * functions, in the state the rest of the patch is in. All or nothing.
 */
static int kgr_object_apply(struct kgr_patch *patch, const char *name)
{
	bool in_transition = kgr_transition_patch() == patch;
	struct kgr_patch_fun *fun;
	int ret;

	ret = kgr_symbols_resolve(patch, name, false);
	if (ret)
		return ret;
	kgr_for_each_fun(patch, fun) {
		if (!kgr_obj_match(fun->objname, name))
			continue;
		fun->patch = patch;
		ret = kgr_fun_resolve(fun);
		if (ret)
			goto err_funs;
	}
	ret = kgr_hook_pre_apply(patch, name);
	if (ret)
		goto err_funs;
	kgr_for_each_fun(patch, fun) {
		if (!kgr_obj_match(fun->objname, name) || !fun->old_addr)
			continue;
		WRITE_ONCE(fun->state, in_transition ?
				       kgr_transition_fun_state() :
				       KGR_FUN_FAST);
		ret = kgr_redirect_add(fun);
		if (ret) {
			fun->state = KGR_FUN_INIT;
			goto err_hook;
		}
	}
	/* During a transition, its finish runs the post_apply hooks. */
	if (!in_transition)
		kgr_hook_post_apply(patch, name);
	return 0;

err_hook:
	kgr_object_pop(patch, name);
	kgr_redirect_sync();
	kgr_hook_post_revert(patch, name);
err_funs:
	kgr_for_each_fun(patch, fun)
		if (kgr_obj_match(fun->objname, name))
			fun->old_addr = 0;
	kgr_symbols_reset(patch, name, false);
	return ret;
}

/* Undo kgr_object_apply(), hooks included. kgr_mutex. */
static void kgr_object_revert(struct kgr_patch *patch, const char *name)
{
	kgr_hook_pre_revert(patch, name);
	kgr_object_pop(patch, name);
	kgr_redirect_sync();
	kgr_hook_post_revert(patch, name);
	kgr_symbols_reset(patch, name, false);
}

/* Applied, or being applied or reverted: its functions are live. */
static bool kgr_patch_active(struct kgr_patch *patch)
{
	return patch->enabled || kgr_transition_patch() == patch;
}

/*
 * A transition running while the module comes or goes must look for its
 * code on the stacks too: tasks not migrated yet may soon run it.
 */
static int kgr_module_update_transition(struct module *mod)
{
	struct kgr_patch *trans = kgr_transition_patch();

	if (!trans || !kgr_patch_uses(trans, mod->name))
		return 0;
	return kgr_transition_ranges_changed();
}

static int kgr_module_coming(struct module *mod)
{
	struct kgr_patch *patch, *done;
	int ret = 0;

	mutex_lock(&kgr_mutex);
	/* Oldest first, so that newer patches end up on top. */
	list_for_each_entry(patch, &kgr_patches, list) {
		if (!kgr_patch_active(patch) ||
		    !kgr_patch_uses(patch, mod->name))
			continue;
		ret = kgr_object_apply(patch, mod->name);
		if (ret) {
			pr_err("%s: refusing to load module %s: %d\n",
			       patch->name, mod->name, ret);
			done = patch;
			goto undo;
		}
	}
	ret = kgr_module_update_transition(mod);
	if (ret) {
		pr_err("%s: refusing to load module %s: %d\n",
		       kgr_transition_patch()->name, mod->name, ret);
		/* Undo every patch: start from the list head. */
		done = list_entry(&kgr_patches, struct kgr_patch, list);
		goto undo;
	}
	mutex_unlock(&kgr_mutex);
	return 0;

undo:
	list_for_each_entry_continue_reverse(done, &kgr_patches, list) {
		if (kgr_patch_active(done) && kgr_patch_uses(done, mod->name))
			kgr_object_revert(done, mod->name);
	}
	mutex_unlock(&kgr_mutex);
	return ret;
}

static void kgr_module_going(struct module *mod)
{
	struct kgr_patch *patch;

	mutex_lock(&kgr_mutex);
	list_for_each_entry_reverse(patch, &kgr_patches, list) {
		if (kgr_patch_active(patch) && kgr_patch_uses(patch, mod->name))
			kgr_object_revert(patch, mod->name);
	}
	/* Stale ranges only make checks too strict: a warning is enough. */
	if (kgr_module_update_transition(mod))
		pr_warn("transition still checks stacks for the code of %s\n",
			mod->name);
	mutex_unlock(&kgr_mutex);
}

static int kgr_module_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct module *mod = data;

	switch (action) {
	case MODULE_STATE_COMING:
		return notifier_from_errno(kgr_module_coming(mod));
	case MODULE_STATE_GOING:
		kgr_module_going(mod);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block kgr_module_nb = {
	.notifier_call = kgr_module_notify,
};

int kgr_module_init(void)
{
	return register_module_notifier(&kgr_module_nb);
}

void kgr_module_exit(void)
{
	unregister_module_notifier(&kgr_module_nb);
}
