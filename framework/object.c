// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * object.c - the objects of a patch: vmlinux and each module it touches
 *
 * A patch's objects are records (struct kgr_object) built when it
 * registers, from its functions, shims and object hooks: membership is a
 * pointer, never a name compared again. What applying or reverting one
 * object takes lives here too: its shims, its old functions, its hooks,
 * pushing and popping its redirections. transition.c composes them for a
 * whole patch (kgr_apply(), kgr_transition_finish()); core.c's module
 * callbacks compose them for one module as it comes or goes. Everything
 * here but building and freeing the records runs under kgr_mutex.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/static_call.h>
#include <asm/cpufeature.h>
#include "internal.h"
#include "fault.h"

/* ---- the records ---- */

/* The record of object @name (NULL: vmlinux) in @patch, or NULL. */
struct kgr_object *kgr_object_find(struct kgr_patch *patch, const char *name)
{
	struct kgr_object *obj;

	kgr_for_each_object(patch, obj)
		if (kgr_obj_match(obj->name, name))
			return obj;
	return NULL;
}

/* The record of @name, added at the end of the list if missing. */
static struct kgr_object *kgr_object_get(struct kgr_patch *patch,
					 const char *name, bool nops_only)
{
	struct kgr_object *obj = kgr_object_find(patch, name);

	if (obj)
		return obj;
	obj = kgr_fallible("kzalloc(object)", NULL,
			   kzalloc(sizeof(*obj), GFP_KERNEL));
	if (!obj)
		return NULL;
	obj->name = name;
	obj->nops_only = nops_only;
	list_add_tail(&obj->node, &patch->objects);
	return obj;
}

/*
 * The records of a patch being registered, hooked objects first in the
 * order of &kgr_patch.object_hooks (the order their hooks run in), and
 * each function and shim pointed at its object. All or nothing.
 */
int kgr_objects_build(struct kgr_patch *patch)
{
	const struct kgr_hooks *hooks;
	struct kgr_patch_fun *fun;
	struct kgr_symbol *sym;
	struct kgr_object *obj;

	kgr_for_each_object_hooks(patch, hooks) {
		obj = kgr_object_get(patch, hooks->objname, false);
		if (!obj)
			goto nomem;
		obj->hooks = hooks;
	}
	kgr_for_each_fun(patch, fun) {
		obj = kgr_object_get(patch, fun->objname, false);
		if (!obj)
			goto nomem;
		fun->obj = obj;
		obj->nr_funs++;
	}
	kgr_for_each_symbol(patch, sym) {
		sym->obj = kgr_object_get(patch, sym->objname, false);
		if (!sym->obj)
			goto nomem;
	}
	return 0;
nomem:
	kgr_objects_free(patch);
	return -ENOMEM;
}

/* Once the patch's sysfs directories are released, or never made. */
void kgr_objects_free(struct kgr_patch *patch)
{
	struct kgr_object *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &patch->objects, node) {
		list_del(&obj->node);
		kfree(obj);
	}
}

/*
 * A replace_all patch's nop may target an object the patch itself does
 * not name: it gets a record for as long as the nops live.
 */
struct kgr_object *kgr_object_get_for_nop(struct kgr_patch *patch,
					  const char *name)
{
	return kgr_object_get(patch, name, true);
}

/* Drop the records only nops needed, with the nops. */
void kgr_objects_drop_nops(struct kgr_patch *patch)
{
	struct kgr_object *obj, *tmp;

	lockdep_assert_held(&kgr_mutex);
	list_for_each_entry_safe(obj, tmp, &patch->objects, node) {
		if (!obj->nops_only)
			continue;
		list_del(&obj->node);
		kfree(obj);
	}
}

/* True when @obj is vmlinux or a module that is loaded now. kgr_mutex. */
bool kgr_object_present(const struct kgr_object *obj)
{
	lockdep_assert_held(&kgr_mutex);
	return !obj->name || kgr_module_loaded(obj->name);
}

/*
 * The whole patch was applied (@patched: its present objects are now
 * patched) or its functions were all popped (none is). kgr_mutex.
 */
void kgr_objects_set_patched(struct kgr_patch *patch, bool patched)
{
	struct kgr_object *obj;

	kgr_for_each_object(patch, obj)
		WRITE_ONCE(obj->patched, patched && kgr_object_present(obj));
}

/* ---- resolution: shims and old functions ---- */

/* A NULL static call returns at once, like the kernel's. */
static void kgr_symbol_set(struct kgr_symbol *sym, unsigned long addr)
{
	if (sym->call_key)
		__static_call_update(sym->call_key, sym->call_tramp,
				     (void *)addr);
	else
		*sym->addr = (void *)addr;
}

/* Clear the shims of @obj, or every shim of @patch when @obj is NULL. */
void kgr_symbols_reset(struct kgr_patch *patch, const struct kgr_object *obj)
{
	struct kgr_symbol *sym;

	kgr_for_each_symbol(patch, sym)
		if (!obj || sym->obj == obj)
			kgr_symbol_set(sym, 0);
}

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

/*
 * Fill in the shims of @obj, or (@obj NULL) of every present object. All
 * or nothing: on error the shims filled here are cleared.
 */
int kgr_symbols_resolve(struct kgr_patch *patch, const struct kgr_object *obj)
{
	struct kgr_symbol *sym;
	unsigned long addr;
	int ret;

	kgr_for_each_symbol(patch, sym) {
		if (obj ? sym->obj != obj : !kgr_object_present(sym->obj))
			continue;
		ret = kgr_resolve(patch->name, sym->objname, sym->name,
				  sym->sympos, &addr, NULL);
		if (ret) {
			pr_err("%s: shim '%s' of %s cannot be resolved: %d\n",
			       patch->name, sym->name, kgr_objname(sym->objname),
			       ret);
			kgr_symbols_reset(patch, obj);
			return ret;
		}
		if (!sym->call_key && kgr_shim_sealed(patch, sym, addr)) {
			kgr_symbols_reset(patch, obj);
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

/* The hooks of @obj, or the patch's own when @obj is NULL. */
static const struct kgr_hooks *kgr_hooks_of(struct kgr_patch *patch,
					    const struct kgr_object *obj)
{
	return obj ? obj->hooks : &patch->hooks;
}

static int kgr_hook_pre_apply(struct kgr_patch *patch,
			      const struct kgr_object *obj)
{
	const struct kgr_hooks *hooks = kgr_hooks_of(patch, obj);
	int ret;

	if (!hooks || !hooks->pre_apply)
		return 0;
	ret = kgr_fallible("pre_apply hook", -EINVAL, hooks->pre_apply(patch));
	if (ret)
		pr_err("%s: pre_apply hook of %s failed: %d\n", patch->name,
		       kgr_objname(obj ? obj->name : NULL), ret);
	return ret;
}

static void kgr_hook_post_apply(struct kgr_patch *patch,
				const struct kgr_object *obj)
{
	const struct kgr_hooks *hooks = kgr_hooks_of(patch, obj);

	if (hooks && hooks->post_apply)
		hooks->post_apply(patch);
}

static void kgr_hook_pre_revert(struct kgr_patch *patch,
				const struct kgr_object *obj)
{
	const struct kgr_hooks *hooks = kgr_hooks_of(patch, obj);

	if (hooks && hooks->pre_revert)
		hooks->pre_revert(patch);
}

static void kgr_hook_post_revert(struct kgr_patch *patch,
				 const struct kgr_object *obj)
{
	const struct kgr_hooks *hooks = kgr_hooks_of(patch, obj);

	if (hooks && hooks->post_revert)
		hooks->post_revert(patch);
}

/* An object whose hooks run with the whole patch's: hooked and loaded. */
static bool kgr_object_hooked(const struct kgr_object *obj)
{
	return obj->hooks && kgr_object_present(obj);
}

/* Module hooks of the loaded modules, the patch's own hooks last. */
void kgr_hooks_post_apply(struct kgr_patch *patch)
{
	struct kgr_object *obj;

	kgr_for_each_object(patch, obj)
		if (kgr_object_hooked(obj))
			kgr_hook_post_apply(patch, obj);
	kgr_hook_post_apply(patch, NULL);
}

void kgr_hooks_pre_revert(struct kgr_patch *patch)
{
	struct kgr_object *obj;

	kgr_hook_pre_revert(patch, NULL);
	kgr_for_each_object(patch, obj)
		if (kgr_object_hooked(obj))
			kgr_hook_pre_revert(patch, obj);
}

void kgr_hooks_post_revert(struct kgr_patch *patch,
			   const struct kgr_object *until)
{
	struct kgr_object *obj;

	kgr_for_each_object(patch, obj) {
		if (obj == until)
			break;
		if (kgr_object_hooked(obj))
			kgr_hook_post_revert(patch, obj);
	}
	kgr_hook_post_revert(patch, NULL);
}

/* The patch's pre_apply hook, then those of its loaded modules. */
int kgr_hooks_pre_apply(struct kgr_patch *patch)
{
	struct kgr_object *obj;
	int ret;

	ret = kgr_hook_pre_apply(patch, NULL);
	if (ret)
		return ret;
	kgr_for_each_object(patch, obj) {
		if (!kgr_object_hooked(obj))
			continue;
		ret = kgr_hook_pre_apply(patch, obj);
		if (ret) {
			kgr_hooks_post_revert(patch, obj);
			return ret;
		}
	}
	return 0;
}

/* ---- one module of a patch ---- */

/* Pop the functions and nops of @obj; the caller syncs. */
static void kgr_object_pop(struct kgr_patch *patch, struct kgr_object *obj)
{
	struct kgr_patch_fun *fun;

	kgr_for_each_entry(patch, fun) {
		if (fun->obj != obj)
			continue;
		if (kgr_fun_redirected(fun))
			kgr_redirect_del(fun);
		WRITE_ONCE(fun->state, KGR_FUN_INIT);
		WRITE_ONCE(fun->old_addr, 0);
	}
}

/* Resolve the functions and nops of @obj. */
static int kgr_object_resolve(struct kgr_patch *patch, struct kgr_object *obj)
{
	struct kgr_patch_fun *fun;
	int ret;

	kgr_for_each_entry(patch, fun) {
		if (fun->obj != obj)
			continue;
		fun->patch = patch;
		ret = kgr_fun_resolve(fun);
		if (ret)
			return ret;
	}
	return 0;
}

/* Push the resolved functions and nops of @obj in @state. */
static int kgr_object_push(struct kgr_patch *patch, struct kgr_object *obj,
			   enum kgr_fun_state state)
{
	struct kgr_patch_fun *fun;
	int ret;

	/* Addresses on the direct path leave it first, in one update. */
	kgr_for_each_entry(patch, fun)
		if (fun->obj == obj && fun->old_addr)
			kgr_redirect_prepare(fun);
	ret = kgr_redirect_commit();
	if (ret)
		return ret;
	kgr_for_each_entry(patch, fun) {
		if (fun->obj != obj || !fun->old_addr)
			continue;
		WRITE_ONCE(fun->state, state);
		ret = kgr_redirect_add(fun);
		if (ret) {
			fun->state = KGR_FUN_INIT;
			return ret;
		}
	}
	/* One ftrace update for all: the caller pops them if it fails. */
	return kgr_redirect_commit();
}

/*
 * Patch module @obj for @patch: shims, its pre_apply hook, then its
 * functions in @state, the state the rest of the patch is in (FAST: no
 * transition runs; its finish runs the post_apply hooks). All or nothing.
 * kgr_mutex.
 */
int kgr_object_apply(struct kgr_patch *patch, struct kgr_object *obj,
		     enum kgr_fun_state state)
{
	bool in_transition = state != KGR_FUN_FAST;
	struct kgr_patch_fun *fun;
	int ret;

	lockdep_assert_held(&kgr_mutex);
	ret = kgr_symbols_resolve(patch, obj);
	if (ret)
		return ret;
	ret = kgr_object_resolve(patch, obj);
	if (ret)
		goto err_funs;
	ret = kgr_hook_pre_apply(patch, obj);
	if (ret)
		goto err_funs;
	ret = kgr_object_push(patch, obj, state);
	if (ret)
		goto err_hook;
	/* During a transition, its finish runs the post_apply hooks. */
	if (!in_transition)
		kgr_hook_post_apply(patch, obj);
	WRITE_ONCE(obj->patched, true);
	return 0;

err_hook:
	kgr_object_pop(patch, obj);
	kgr_redirect_sync();
	kgr_hook_post_revert(patch, obj);
err_funs:
	kgr_for_each_entry(patch, fun)
		if (fun->obj == obj)
			fun->old_addr = 0;
	kgr_symbols_reset(patch, obj);
	return ret;
}

/* Undo kgr_object_apply(), hooks included. kgr_mutex. */
void kgr_object_revert(struct kgr_patch *patch, struct kgr_object *obj)
{
	lockdep_assert_held(&kgr_mutex);
	kgr_hook_pre_revert(patch, obj);
	kgr_object_pop(patch, obj);
	kgr_redirect_sync();
	kgr_hook_post_revert(patch, obj);
	kgr_symbols_reset(patch, obj);
	WRITE_ONCE(obj->patched, false);
}
