// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * object.c - the objects of a patch: vmlinux and each module it touches
 *
 * What applying or reverting one object of a patch takes: its shims, its
 * old functions, its hooks, pushing and popping its redirections.
 * transition.c composes them for a whole patch (kgr_apply(),
 * kgr_transition_finish()); core.c's module callbacks compose them for one module as it comes or
 * goes. Everything here runs under kgr_mutex.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/static_call.h>
#include <asm/cpufeature.h>
#include "internal.h"
#include "fault.h"

/* ---- resolution: shims and old functions ---- */

/* True when @objname is vmlinux or a module that is loaded now. kgr_mutex. */
bool kgr_obj_present(const char *objname)
{
	lockdep_assert_held(&kgr_mutex);
	return !objname || kgr_module_loaded(objname);
}

/* A NULL static call returns at once, like the kernel's. */
static void kgr_symbol_set(struct kgr_symbol *sym, unsigned long addr)
{
	if (sym->call_key)
		__static_call_update(sym->call_key, sym->call_tramp,
				     (void *)addr);
	else
		*sym->addr = (void *)addr;
}

void kgr_symbols_reset(struct kgr_patch *patch, const char *objname,
		       bool all)
{
	struct kgr_symbol *sym;

	kgr_for_each_symbol(patch, sym)
		if (all || kgr_obj_match(sym->objname, objname))
			kgr_symbol_set(sym, 0);
}

/*
 * Fill in every shim of @patch whose object is present (@all) or is
 * @objname. All or nothing: on error the shims filled here are cleared.
 */
static bool kgr_strict_ibt;
module_param_named(strict_ibt, kgr_strict_ibt, bool, 0644);
MODULE_PARM_DESC(strict_ibt,
		 "Refuse shims to functions sealed by IBT even where the CPU does not enforce IBT");

/*
 * A pointer shim: a patch calling a sealed function through it would trap
 * on a CPU that enforces IBT (a call shim is a direct call). Refuse it there, and everywhere with
 * strict_ibt, so that testing a patch on other machines finds it first.
 */
static bool kgr_shim_sealed(struct kgr_patch *patch, struct kgr_symbol *sym,
			    unsigned long addr)
{
	if (!cpu_feature_enabled(X86_FEATURE_IBT) && !READ_ONCE(kgr_strict_ibt))
		return false;
	if (!kgr_sealed_function(addr))
		return false;
	pr_err("%s: shim '%s' of %s is a function sealed by IBT (no endbr64): a call through the shim would trap\n",
	       patch->name, sym->name, kgr_objname(sym->objname));
	return true;
}

int kgr_symbols_resolve(struct kgr_patch *patch, const char *objname,
			bool all)
{
	struct kgr_symbol *sym;
	unsigned long addr;
	int ret;

	kgr_for_each_symbol(patch, sym) {
		if (all ? !kgr_obj_present(sym->objname) :
			  !kgr_obj_match(sym->objname, objname))
			continue;
		ret = kgr_resolve(patch->name, sym->objname, sym->name,
				  sym->sympos, &addr, NULL);
		if (ret) {
			pr_err("%s: shim '%s' of %s cannot be resolved: %d\n",
			       patch->name, sym->name, kgr_objname(sym->objname),
			       ret);
			kgr_symbols_reset(patch, objname, all);
			return ret;
		}
		if (!sym->call_key && kgr_shim_sealed(patch, sym, addr)) {
			kgr_symbols_reset(patch, objname, all);
			return -EINVAL;
		}
		kgr_symbol_set(sym, addr);
	}
	return 0;
}

/*
 * Find the old function of @fun. A missing target of an entry with
 * abort_if_missing false is logged and skipped (state SKIPPED).
 */
int kgr_fun_resolve(struct kgr_patch_fun *fun)
{
	struct kgr_patch *patch = fun->patch;
	int ret;

	ret = kgr_resolve(patch->name, fun->objname, fun->name, fun->sympos,
			  &fun->old_addr, &fun->old_size);
	if (ret == -ENOENT && !fun->abort_if_missing) {
		pr_info("%s: '%s' not found in %s, skipped\n", patch->name,
			fun->name, kgr_objname(fun->objname));
		fun->old_addr = 0;
		WRITE_ONCE(fun->state, KGR_FUN_SKIPPED);
		return 0;
	}
	if (ret) {
		fun->old_addr = 0;
		return ret;
	}
	if (fun->old_addr == (unsigned long)fun->new_fun) {
		pr_err("%s: '%s' replaced by itself\n", patch->name, fun->name);
		return -EINVAL;
	}
	return 0;
}

/* ---- hooks ---- */

static const struct kgr_hooks *kgr_object_hooks(struct kgr_patch *patch,
						const char *objname)
{
	const struct kgr_hooks *hooks;

	kgr_for_each_object_hooks(patch, hooks)
		if (!strcmp(hooks->objname, objname))
			return hooks;
	return NULL;
}

int kgr_hook_pre_apply(struct kgr_patch *patch, const char *objname)
{
	const struct kgr_hooks *hooks = objname ?
		kgr_object_hooks(patch, objname) : &patch->hooks;
	int ret;

	if (!hooks || !hooks->pre_apply)
		return 0;
	ret = kgr_fallible("pre_apply hook", -EINVAL, hooks->pre_apply(patch));
	if (ret)
		pr_err("%s: pre_apply hook of %s failed: %d\n", patch->name,
		       kgr_objname(objname), ret);
	return ret;
}

void kgr_hook_post_apply(struct kgr_patch *patch, const char *objname)
{
	const struct kgr_hooks *hooks = objname ?
		kgr_object_hooks(patch, objname) : &patch->hooks;

	if (hooks && hooks->post_apply)
		hooks->post_apply(patch);
}

void kgr_hook_pre_revert(struct kgr_patch *patch, const char *objname)
{
	const struct kgr_hooks *hooks = objname ?
		kgr_object_hooks(patch, objname) : &patch->hooks;

	if (hooks && hooks->pre_revert)
		hooks->pre_revert(patch);
}

void kgr_hook_post_revert(struct kgr_patch *patch, const char *objname)
{
	const struct kgr_hooks *hooks = objname ?
		kgr_object_hooks(patch, objname) : &patch->hooks;

	if (hooks && hooks->post_revert)
		hooks->post_revert(patch);
}

/* Module hooks of the loaded modules, the patch's own hooks last. */
void kgr_hooks_post_apply(struct kgr_patch *patch)
{
	const struct kgr_hooks *hooks;

	kgr_for_each_object_hooks(patch, hooks)
		if (kgr_module_loaded(hooks->objname))
			kgr_hook_post_apply(patch, hooks->objname);
	kgr_hook_post_apply(patch, NULL);
}

void kgr_hooks_pre_revert(struct kgr_patch *patch)
{
	const struct kgr_hooks *hooks;

	kgr_hook_pre_revert(patch, NULL);
	kgr_for_each_object_hooks(patch, hooks)
		if (kgr_module_loaded(hooks->objname))
			kgr_hook_pre_revert(patch, hooks->objname);
}

void kgr_hooks_post_revert(struct kgr_patch *patch,
				  const struct kgr_hooks *until)
{
	const struct kgr_hooks *hooks;

	for (hooks = patch->object_hooks; hooks && hooks->objname &&
	     hooks != until; hooks++)
		if (kgr_module_loaded(hooks->objname))
			kgr_hook_post_revert(patch, hooks->objname);
	kgr_hook_post_revert(patch, NULL);
}

/* The patch's pre_apply hook, then those of its loaded modules. */
int kgr_hooks_pre_apply(struct kgr_patch *patch)
{
	const struct kgr_hooks *hooks;
	int ret;

	ret = kgr_hook_pre_apply(patch, NULL);
	if (ret)
		return ret;
	kgr_for_each_object_hooks(patch, hooks) {
		if (!kgr_module_loaded(hooks->objname))
			continue;
		ret = kgr_hook_pre_apply(patch, hooks->objname);
		if (ret) {
			kgr_hooks_post_revert(patch, hooks);
			return ret;
		}
	}
	return 0;
}

/* ---- one module of a patch ---- */

/* @patch has functions, nops, shims or hooks for module @name. */
bool kgr_patch_uses(struct kgr_patch *patch, const char *name)
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
 * functions in @state, the state the rest of the patch is in (FAST: no
 * transition runs; its finish runs the post_apply hooks). All or nothing.
 */
int kgr_object_apply(struct kgr_patch *patch, const char *name,
		     enum kgr_fun_state state)
{
	bool in_transition = state != KGR_FUN_FAST;
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
	ret = kgr_object_push(patch, name, state);
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
void kgr_object_revert(struct kgr_patch *patch, const char *name)
{
	lockdep_assert_held(&kgr_mutex);
	kgr_hook_pre_revert(patch, name);
	kgr_object_pop(patch, name);
	kgr_redirect_sync();
	kgr_hook_post_revert(patch, name);
	kgr_symbols_reset(patch, name, false);
}
