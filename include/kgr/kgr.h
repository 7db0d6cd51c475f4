/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kgr: kGraft-style live patching, the patch author's API.
 *
 * A live patch is one C file: the new versions of the changed functions,
 * a &struct kgr_patch listing which old function each one replaces, and
 * shims for the non-exported symbols the new code needs. The patch module
 * hands the structure to kgr.ko with kgr_patch_kernel() from its init
 * function; kgr.ko redirects the calls with ftrace and moves every task to
 * the new code lazily, one task at a time.
 */
#ifndef _KGR_KGR_H
#define _KGR_KGR_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/kobject.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/static_call.h>
/*
 * Patches replace kernel code and mostly call kernel helpers: the kGraft
 * sample patch, for one, calls ns_capable(&init_user_ns, ...) with no
 * other include than this header and <linux/module.h>.
 */
#include <linux/capability.h>
#include <linux/user_namespace.h>
#include <kgr/entry.h>

struct module;
struct kgr_patch;
struct kgr_ops;
struct kgr_object;

/**
 * enum kgr_fun_state - where a function of a patch stands
 * @KGR_FUN_INIT: not redirected (patch not applied, or target not loaded)
 * @KGR_FUN_SLOW: redirected, transition running: per-task choice
 * @KGR_FUN_FAST: redirected, transition finished: always the new function
 * @KGR_FUN_REVERTING: being reverted: per-task choice
 * @KGR_FUN_SKIPPED: target not found and abort_if_missing was false
 */
enum kgr_fun_state {
	KGR_FUN_INIT,
	KGR_FUN_SLOW,
	KGR_FUN_FAST,
	KGR_FUN_REVERTING,
	KGR_FUN_SKIPPED,
};

/**
 * struct kgr_patch_fun - one function a patch replaces
 * @name: name of the old function, as kallsyms knows it
 * @new_fun: the replacement; same prototype as the old function
 * @objname: module that holds @name, or NULL for vmlinux
 * @sympos: which of several same-named symbols of @objname, counted from 1
 *	in kallsyms order (as the kernel's livepatch counts); 0 when @name
 *	must be unique
 * @abort_if_missing: refuse the whole patch when @name cannot be found;
 *	when false the entry is skipped and logged
 *
 * Fill it with KGR_PATCH(), KGR_PATCH_OBJ() or KGR_PATCH_OBJPOS(); the
 * fields after @abort_if_missing belong to kgr.ko.
 */
struct kgr_patch_fun {
	const char *name;
	void *new_fun;
	const char *objname;
	unsigned long sympos;
	bool abort_if_missing;

	/* private: kgr.ko's bookkeeping */
	struct kgr_patch *patch;
	struct kgr_object *obj;
	unsigned long old_addr;
	unsigned long old_size;
	enum kgr_fun_state state;
	struct kgr_ops *ops;
	struct list_head stack_node;
	bool direct;
	void *entry;
	struct kobject kobj;
	bool kobj_added;
};

/**
 * struct kgr_symbol - a shim: a pointer or a static call set from kallsyms
 * @name: symbol name
 * @objname: module holding the symbol, or NULL for vmlinux
 * @sympos: position among same-named symbols of @objname, as for
 *	&struct kgr_patch_fun; 0 when the name must be unique
 * @addr: where the resolved address is stored, for a pointer shim
 * @call_key: for a call shim, the static call pointed at the symbol
 * @call_tramp: that static call's trampoline
 *
 * Fill it with KGR_SYMBOL(), KGR_SYMBOL_TYPED(), KGR_SYMBOL_OBJPOS() or
 * KGR_SYMBOL_CALL().
 */
struct kgr_symbol {
	const char *name;
	const char *objname;
	unsigned long sympos;
	void **addr;
	struct static_call_key *call_key;
	void *call_tramp;

	/* private: kgr.ko's bookkeeping */
	struct kgr_object *obj;
};

/**
 * struct kgr_hooks - callbacks around a patch's transitions
 * @objname: for &kgr_patch.object_hooks, the module these hooks belong to;
 *	unused in &kgr_patch.hooks
 * @pre_apply: before any function is redirected; an error aborts the apply
 *	(or, for a module hook, refuses the module's load) and leaves nothing
 *	applied
 * @post_apply: after the transition to the patch has finished
 * @pre_revert: before the transition back to the old code starts
 * @post_revert: after every function is back to the old code
 *
 * For a module hook, "apply" and "revert" also happen when that module
 * loads or unloads while the patch is active. Documentation/ says exactly
 * when each runs.
 */
struct kgr_hooks {
	const char *objname;
	int (*pre_apply)(struct kgr_patch *patch);
	void (*post_apply)(struct kgr_patch *patch);
	void (*pre_revert)(struct kgr_patch *patch);
	void (*post_revert)(struct kgr_patch *patch);
};

/**
 * struct kgr_patch - a live patch
 * @name: unique name; also the directory under /sys/kernel/kgr
 * @owner: the patch module: kgr_patch_kernel() fills it in (THIS_MODULE);
 *	if set, it must be that module
 * @replace_all: an all-in-one patch: it supersedes every earlier patch, and
 *	functions it does not patch return to their original code
 * @build_id: optional: hex build-id of the vmlinux the patch was built for;
 *	a mismatch with the running kernel refuses the patch with -ENOEXEC
 * @symbols: optional: shims, ended by KGR_SYMBOL_END; all are resolved
 *	before any function is redirected
 * @hooks: optional callbacks of the patch itself
 * @object_hooks: optional: per-module callbacks, ended by an entry with a
 *	NULL objname
 * @patches: the functions to replace, ended by KGR_PATCH_END
 *
 * The fields between @object_hooks and @patches belong to kgr.ko; among
 * them ``forced``, set for good when the patch took part in a forced
 * transition.
 */
struct kgr_patch {
	const char *name;
	struct module *owner;
	bool replace_all;
	const char *build_id;
	struct kgr_symbol *symbols;
	struct kgr_hooks hooks;
	const struct kgr_hooks *object_hooks;

	/* private: kgr.ko's bookkeeping */
	struct list_head list;
	struct kobject kobj;
	bool kobj_added;
	bool enabled;
	bool forced;
	bool registered;
	struct list_head objects;
	struct kgr_patch_fun *nops;
	unsigned int nr_nops;
	struct kgr_entry_pool *entries;

	struct kgr_patch_fun patches[];
};

/**
 * KGR_PATCH - replace a function of vmlinux
 * @_name: the old function (an identifier, not a string)
 * @_new_function: its replacement
 * @abort: true: refuse the patch if @_name is missing; false: skip it
 */
#define KGR_PATCH(_name, _new_function, abort)				\
	{								\
		.name = #_name,						\
		.new_fun = _new_function,				\
		.abort_if_missing = abort,				\
	}

/**
 * KGR_PATCH_TYPED - replace a function of vmlinux, prototypes checked
 * @_name: the old function; its declaration must be in scope
 * @_new_function: its replacement
 * @abort: as for KGR_PATCH()
 *
 * Fails to compile when @_new_function does not have the type of @_name:
 * kgr cannot check prototypes at run time (&kgr_patch_fun.new_fun is a
 * ``void *``), and a mismatch corrupts the arguments of every call.
 */
#define KGR_PATCH_TYPED(_name, _new_function, abort)			\
	{								\
		.name = #_name,						\
		.new_fun = (char *)(_new_function) +			\
			BUILD_BUG_ON_ZERO(!__same_type(&(_name),	\
						       &(_new_function))), \
		.abort_if_missing = abort,				\
	}

/**
 * KGR_PATCH_OBJ - replace a function of a module
 * @_name: the old function
 * @_new_function: its replacement
 * @_obj: the module name, a string; the module need not be loaded yet: the
 *	function is patched when it loads
 */
#define KGR_PATCH_OBJ(_name, _new_function, _obj)			\
	{								\
		.name = #_name,						\
		.new_fun = _new_function,				\
		.objname = _obj,					\
		.abort_if_missing = true,				\
	}

/**
 * KGR_PATCH_OBJPOS - replace one of several same-named static functions
 * @_name: the old function
 * @_new_function: its replacement
 * @_obj: the module name, or NULL for vmlinux
 * @_sympos: position among the symbols named @_name in kallsyms order,
 *	counted from 1
 */
#define KGR_PATCH_OBJPOS(_name, _new_function, _obj, _sympos)		\
	{								\
		.name = #_name,						\
		.new_fun = _new_function,				\
		.objname = _obj,					\
		.sympos = _sympos,					\
		.abort_if_missing = true,				\
	}

/**
 * KGR_PATCH_END - end of &kgr_patch.patches
 */
#define KGR_PATCH_END { }

/**
 * KGR_SYMBOL - a shim for a non-exported symbol of vmlinux
 * @_var: the author's pointer, e.g. ``static int (*kgr_foo)(int);``
 * @_sym: the symbol (an identifier)
 *
 * Use KGR_SYMBOL_TYPED() instead when a declaration of @_sym is visible, so
 * the compiler checks @_var against it.
 */
#define KGR_SYMBOL(_var, _sym)						\
	{ .name = #_sym, .addr = (void **)&(_var) }

/**
 * KGR_SYMBOL_TYPED - a shim checked against the symbol's visible declaration
 * @_var: the author's pointer
 * @_sym: the symbol; its declaration must be in scope
 *
 * Fails to compile when @_var is not a pointer to the type of @_sym.
 */
#define KGR_SYMBOL_TYPED(_var, _sym)					\
	{								\
		.name = #_sym,						\
		.addr = (void **)&(_var) +				\
			BUILD_BUG_ON_ZERO(!__same_type(_var, &(_sym))),	\
	}

/**
 * KGR_SYMBOL_OBJPOS - a shim for a symbol of a module, or a duplicate name
 * @_var: the author's pointer
 * @_sym: the symbol
 * @_obj: the module name, or NULL for vmlinux
 * @_sympos: position among same-named symbols, counted from 1; 0 when unique
 */
#define KGR_SYMBOL_OBJPOS(_var, _sym, _obj, _sympos)			\
	{								\
		.name = #_sym,						\
		.objname = _obj,					\
		.sympos = _sympos,					\
		.addr = (void **)&(_var),				\
	}

/**
 * KGR_CALL_DECLARE - declare a call shim: a kernel function called directly
 * @_name: the patch calls the function as static_call(@_name)(args)
 * @_func: a function of the target's type: the target itself when its
 *	declaration is in scope (the compiler then checks every call), or a
 *	prototype the patch declares
 *
 * A pointer shim to a function is called indirectly, which traps on a CPU
 * enforcing IBT when the target is sealed (its address is never taken, so
 * objtool removed its endbr64; kgr refuses such a pointer shim there). A
 * call shim is a static call of the patch module that kgr points at the
 * target: a direct call, which needs no endbr64. Pair it with
 * KGR_SYMBOL_CALL() in &kgr_patch.symbols, in the same file as the calls.
 */
#define KGR_CALL_DECLARE(_name, _func)					\
	DEFINE_STATIC_CALL_NULL(_name, _func)

/**
 * KGR_SYMBOL_CALL - resolve a call shim declared with KGR_CALL_DECLARE()
 * @_name: the call shim
 * @_sym: the kernel function, in vmlinux; must be unique
 */
#define KGR_SYMBOL_CALL(_name, _sym)					\
	{								\
		.name = #_sym,						\
		.call_key = &STATIC_CALL_KEY(_name),			\
		.call_tramp = STATIC_CALL_TRAMP_ADDR(_name),		\
	}

/**
 * KGR_SYMBOL_END - end of &kgr_patch.symbols
 */
#define KGR_SYMBOL_END { }

int __kgr_patch_kernel(struct kgr_patch *patch, struct module *owner);

/**
 * kgr_patch_kernel - apply a live patch
 * @patch: the patch, normally a static object of the calling patch module
 *
 * Resolves every target and shim, redirects the old functions and starts
 * the lazy migration of all tasks to the new code; returns before the
 * migration has finished (/sys/kernel/kgr/<name>/transition tells). On
 * error nothing is left applied. The calling module (THIS_MODULE) becomes
 * &kgr_patch.owner: every new function must be its code (not __init),
 * and kgr pins it while its code may run. Applying taints the kernel and
 * the module with TAINT_LIVEPATCH (K), as the kernel's livepatch does.
 *
 * Return: 0, or a negative errno: -ENOENT (a target or shim is missing),
 * -EINVAL (bad field, a new function outside the module, ambiguous name,
 * untraceable target), -EBUSY (a target is redirected by someone else, or
 * another transition runs), -EEXIST (name taken), -ENOEXEC (built for
 * another kernel), -ENOMEM.
 */
#define kgr_patch_kernel(patch) __kgr_patch_kernel(patch, THIS_MODULE)

/**
 * kgr_patch_remove - unregister a reverted patch
 * @patch: the patch passed to kgr_patch_kernel()
 *
 * Called from the patch module's exit function. The module can only be
 * unloaded once the patch is reverted (echo 0 > .../enabled), because
 * kgr.ko holds a reference to it while the patch is applied.
 */
void kgr_patch_remove(struct kgr_patch *patch);

/**
 * module_kgr_patch - the init and exit functions of a patch module
 * @__patch: the module's &struct kgr_patch (an object, not a pointer)
 *
 * Expands to a module init that applies @__patch with kgr_patch_kernel()
 * and a module exit that unregisters it with kgr_patch_remove(), the
 * whole of what most patch modules do besides their table. It also gives
 * the module the entry stubs of kgr's direct path (&struct kgr_entry_pool),
 * which make a patched call cheaper once its transition finished. A module
 * that must do more writes the two functions itself, and its functions
 * take stubs of kgr.ko's pool instead.
 */
#define module_kgr_patch(__patch)					\
KGR_DEFINE_ENTRY_POOL(__patch##_entries);				\
static int __init __patch##_init(void)					\
{									\
	(__patch).entries = &__patch##_entries;				\
	return kgr_patch_kernel(&(__patch));				\
}									\
module_init(__patch##_init);						\
static void __exit __patch##_exit(void)					\
{									\
	kgr_patch_remove(&(__patch));					\
}									\
module_exit(__patch##_exit)

#include <kgr/shadow.h>

#endif /* _KGR_KGR_H */
