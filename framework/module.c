// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * module.c - patch targets in modules
 *
 * A patch may replace functions of a module that is not loaded when the
 * patch is applied. The module notifier patches such a module while it is
 * COMING (ftrace already knows its fentry sites, its init has not run) and
 * drops the redirection while it is GOING. A failure at COMING, such as a
 * missing symbol or a failing pre_apply hook, refuses the module's load.
 * During a transition, in either direction, the module is patched too
 * (the nops of a replace_all patch included), and the transition's stack
 * checks learn about its code.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include "internal.h"

/*
 * The modules kgr treats as loaded: those its notifier has seen COMING
 * and not yet GOING, and those that were there before kgr.ko. A module is
 * patched when it joins the set and unpatched when it leaves, so a patch
 * applied while a module is COMING but before kgr's notifier has run (the
 * loader sets COMING and drops module_mutex before the chain runs) leaves
 * it to the notifier and it is patched once: kernel/livepatch's
 * mod->klp_alive. kgr_mutex.
 */
struct kgr_module {
	struct list_head node;
	struct module *mod;
};
static LIST_HEAD(kgr_modules);

static struct kgr_module *kgr_module_find(struct module *mod)
{
	struct kgr_module *m;

	list_for_each_entry(m, &kgr_modules, node)
		if (m->mod == mod)
			return m;
	return NULL;
}

bool kgr_module_loaded(const char *name)
{
	struct kgr_module *m;

	lockdep_assert_held(&kgr_mutex);
	list_for_each_entry(m, &kgr_modules, node)
		if (!strcmp(m->mod->name, name))
			return true;
	return false;
}

/* @patch has functions, nops, shims or hooks for module @name. */
static bool kgr_patch_uses(struct kgr_patch *patch, const char *name)
{
	const struct kgr_hooks *hooks;
	struct kgr_patch_fun *fun;
	struct kgr_symbol *sym;

	kgr_for_each_entry(patch, fun)
		if (kgr_obj_match(fun->objname, name))
			return true;
	kgr_for_each_symbol(patch, sym)
		if (kgr_obj_match(sym->objname, name))
			return true;
	kgr_for_each_object_hooks(patch, hooks)
		if (!strcmp(hooks->objname, name))
			return true;
	return false;
}

/* Pop the functions and nops of module @name from @patch; the caller syncs. */
static void kgr_object_pop(struct kgr_patch *patch, const char *name)
{
	struct kgr_patch_fun *fun;

	kgr_for_each_entry(patch, fun) {
		if (!kgr_obj_match(fun->objname, name))
			continue;
		if (kgr_fun_redirected(fun))
			kgr_redirect_del(fun);
		WRITE_ONCE(fun->state, KGR_FUN_INIT);
		WRITE_ONCE(fun->old_addr, 0);
	}
}

/* Resolve the functions and nops of module @name. */
static int kgr_object_resolve(struct kgr_patch *patch, const char *name)
{
	struct kgr_patch_fun *fun;
	int ret;

	kgr_for_each_entry(patch, fun) {
		if (!kgr_obj_match(fun->objname, name))
			continue;
		fun->patch = patch;
		ret = kgr_fun_resolve(fun);
		if (ret)
			return ret;
	}
	return 0;
}

/* Push the resolved functions and nops of module @name in @state. */
static int kgr_object_push(struct kgr_patch *patch, const char *name,
			   enum kgr_fun_state state)
{
	struct kgr_patch_fun *fun;
	int ret;

	kgr_for_each_entry(patch, fun) {
		if (!kgr_obj_match(fun->objname, name) || !fun->old_addr)
			continue;
		WRITE_ONCE(fun->state, state);
		ret = kgr_redirect_add(fun);
		if (ret) {
			fun->state = KGR_FUN_INIT;
			return ret;
		}
	}
	return 0;
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
	ret = kgr_object_resolve(patch, name);
	if (ret)
		goto err_funs;
	ret = kgr_hook_pre_apply(patch, name);
	if (ret)
		goto err_funs;
	ret = kgr_object_push(patch, name, in_transition ?
			      kgr_transition_fun_state() : KGR_FUN_FAST);
	if (ret)
		goto err_hook;
	/* During a transition, its finish runs the post_apply hooks. */
	if (!in_transition)
		kgr_hook_post_apply(patch, name);
	return 0;

err_hook:
	kgr_object_pop(patch, name);
	kgr_redirect_sync();
	kgr_hook_post_revert(patch, name);
err_funs:
	kgr_for_each_entry(patch, fun)
		if (kgr_obj_match(fun->objname, name))
			fun->old_addr = 0;
	kgr_symbols_reset(patch, name, false);
	return ret;
}

/* Undo kgr_object_apply(), hooks included. kgr_mutex. */
static void kgr_object_revert(struct kgr_patch *patch, const char *name)
{
	lockdep_assert_held(&kgr_mutex);
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
	struct kgr_module *m;
	int ret = 0;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->mod = mod;
	mutex_lock(&kgr_mutex);
	/* Seen COMING by kgr.ko's init already: patched by any apply since. */
	if (kgr_module_find(mod)) {
		mutex_unlock(&kgr_mutex);
		kfree(m);
		return 0;
	}
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
	list_add(&m->node, &kgr_modules);
	mutex_unlock(&kgr_mutex);
	return 0;

undo:
	list_for_each_entry_continue_reverse(done, &kgr_patches, list) {
		if (kgr_patch_active(done) && kgr_patch_uses(done, mod->name))
			kgr_object_revert(done, mod->name);
	}
	mutex_unlock(&kgr_mutex);
	kfree(m);
	return ret;
}

static void kgr_module_going(struct module *mod)
{
	struct kgr_patch *patch;
	struct kgr_module *m;

	mutex_lock(&kgr_mutex);
	m = kgr_module_find(mod);
	if (!m) {
		/* Its load was refused by kgr: nothing of it is patched. */
		mutex_unlock(&kgr_mutex);
		return;
	}
	list_for_each_entry_reverse(patch, &kgr_patches, list) {
		if (kgr_patch_active(patch) && kgr_patch_uses(patch, mod->name))
			kgr_object_revert(patch, mod->name);
	}
	list_del(&m->node);
	kfree(m);
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

static void kgr_modules_free(void)
{
	struct kgr_module *m, *tmp;

	list_for_each_entry_safe(m, tmp, &kgr_modules, node) {
		list_del(&m->node);
		kfree(m);
	}
}

/*
 * The modules loaded before kgr.ko, found on the kernel's module list
 * (an RCU list). Called once the notifier is registered: any module that
 * was COMING without it is on the list now; one whose chain will call
 * kgr's notifier is found in the set there and left alone.
 */
static int kgr_modules_add_loaded(void)
{
	struct list_head *modules = (void *)kgr_lookup_name("modules");
	struct kgr_module *m;
	struct module *mod;
	int ret = 0;

	if (!modules) {
		pr_err("kernel symbol modules not found\n");
		return -ENOENT;
	}
	mutex_lock(&kgr_mutex);
	preempt_disable();
	list_for_each_entry_rcu(mod, modules, list) {
		if (mod->state != MODULE_STATE_LIVE &&
		    mod->state != MODULE_STATE_COMING)
			continue;
		m = kmalloc(sizeof(*m), GFP_ATOMIC);
		if (!m) {
			ret = -ENOMEM;
			break;
		}
		m->mod = mod;
		list_add(&m->node, &kgr_modules);
	}
	preempt_enable();
	mutex_unlock(&kgr_mutex);
	return ret;
}

int kgr_module_init(void)
{
	int ret = register_module_notifier(&kgr_module_nb);

	if (ret)
		return ret;
	ret = kgr_modules_add_loaded();
	if (ret)
		kgr_module_exit();
	return ret;
}

void kgr_module_exit(void)
{
	unregister_module_notifier(&kgr_module_nb);
	kgr_modules_free();
}
