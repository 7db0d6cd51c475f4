/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kgr: the macros of kpatch's kpatch-macros.h and kpatch-syscall.h, so a
 * fix written for kpatch-build builds as a kgr patch.
 *
 * kpatch-build diffs object files and finds the callbacks and the
 * ignore/force lists in special sections; kgr patches are written (or
 * extracted by klp-ccp) as one C file with a &struct kgr_patch table, so
 * here the callbacks become &struct kgr_hooks, put in the table with
 * KPATCH_KGR_HOOKS(), and the ignore/force lists are read by klp-ccp from
 * the source. klp_shadow_*() calls become kgr_shadow_*() (same arguments,
 * same semantics). Documentation/author-guide.rst has the table.
 *
 * The drop-in include/kgr/kpatch/kpatch-macros.h and kpatch-syscall.h
 * include this file, so a diff's ``#include "kpatch-macros.h"`` resolves
 * with -I include/kgr/kpatch.
 */
#ifndef _KGR_KPATCH_COMPAT_H
#define _KGR_KPATCH_COMPAT_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/syscalls.h>
#include <kgr/kgr.h>
#include <kgr/shadow.h>

struct klp_object;

/**
 * patch_object - what a kpatch callback is passed
 *
 * kpatch passes the &struct klp_object of the patched object; kgr has no
 * such object per patch, so kgr's hooks pass NULL. Callbacks that read
 * ``obj->name`` must be written as kgr hooks instead. (A macro, not
 * kpatch's typedef: the same type.)
 */
#define patch_object struct klp_object

/*
 * The callbacks of this file: tentative definitions, set by the
 * KPATCH_*_CALLBACK() macros (at most one of each kind, as in kpatch).
 */
static int (*__kgr_kpatch_pre_patch)(patch_object *obj) __maybe_unused;
static void (*__kgr_kpatch_post_patch)(patch_object *obj) __maybe_unused;
static void (*__kgr_kpatch_pre_unpatch)(patch_object *obj) __maybe_unused;
static void (*__kgr_kpatch_post_unpatch)(patch_object *obj) __maybe_unused;

static int __maybe_unused __kgr_kpatch_pre_apply(struct kgr_patch *patch)
{
	return __kgr_kpatch_pre_patch ? __kgr_kpatch_pre_patch(NULL) : 0;
}

static void __maybe_unused __kgr_kpatch_post_apply(struct kgr_patch *patch)
{
	if (__kgr_kpatch_post_patch)
		__kgr_kpatch_post_patch(NULL);
}

static void __maybe_unused __kgr_kpatch_pre_revert(struct kgr_patch *patch)
{
	if (__kgr_kpatch_pre_unpatch)
		__kgr_kpatch_pre_unpatch(NULL);
}

static void __maybe_unused __kgr_kpatch_post_revert(struct kgr_patch *patch)
{
	if (__kgr_kpatch_post_unpatch)
		__kgr_kpatch_post_unpatch(NULL);
}

/**
 * KPATCH_PRE_PATCH_CALLBACK - run a function before the patch is applied
 * @_fn: ``int _fn(patch_object *obj)``; an error refuses the patch
 *
 * Becomes &kgr_hooks.pre_apply of the hooks KPATCH_KGR_HOOKS() gives:
 * before any function is redirected (for a module's hooks, also when that
 * module loads while the patch is applied, and then an error refuses the
 * module). @obj is NULL.
 */
#define KPATCH_PRE_PATCH_CALLBACK(_fn)					\
	static int (*__kgr_kpatch_pre_patch)(patch_object *obj) __used = _fn

/**
 * KPATCH_POST_PATCH_CALLBACK - run a function once the patch is applied
 * @_fn: ``void _fn(patch_object *obj)``
 *
 * Becomes &kgr_hooks.post_apply: after the transition to the patch has
 * finished, as livepatch's post-patch callback. @obj is NULL.
 */
#define KPATCH_POST_PATCH_CALLBACK(_fn)					\
	static void (*__kgr_kpatch_post_patch)(patch_object *obj) __used = _fn

/**
 * KPATCH_PRE_UNPATCH_CALLBACK - run a function before the patch is reverted
 * @_fn: ``void _fn(patch_object *obj)``
 *
 * Becomes &kgr_hooks.pre_revert: before the transition back to the old
 * code starts. @obj is NULL.
 */
#define KPATCH_PRE_UNPATCH_CALLBACK(_fn)				\
	static void (*__kgr_kpatch_pre_unpatch)(patch_object *obj) __used = _fn

/**
 * KPATCH_POST_UNPATCH_CALLBACK - run a function once the patch is reverted
 * @_fn: ``void _fn(patch_object *obj)``
 *
 * Becomes &kgr_hooks.post_revert: after every function is back to the old
 * code. @obj is NULL.
 */
#define KPATCH_POST_UNPATCH_CALLBACK(_fn)				\
	static void (*__kgr_kpatch_post_unpatch)(patch_object *obj) __used = _fn

/**
 * KPATCH_KGR_HOOKS - the &struct kgr_hooks running this file's callbacks
 * @_obj: NULL for &kgr_patch.hooks (the callbacks of a vmlinux fix), or
 *	the module name for an entry of &kgr_patch.object_hooks
 *
 * kpatch finds the callbacks in a section; a kgr patch names its hooks in
 * its table: ``.hooks = KPATCH_KGR_HOOKS(NULL),``. Callbacks the file does
 * not set are not called.
 */
#define KPATCH_KGR_HOOKS(_obj)						\
	{								\
		.objname = _obj,					\
		.pre_apply = __kgr_kpatch_pre_apply,			\
		.post_apply = __kgr_kpatch_post_apply,			\
		.pre_revert = __kgr_kpatch_pre_revert,			\
		.post_revert = __kgr_kpatch_post_revert,		\
	}

/**
 * KPATCH_IGNORE_SECTION - a section whose changes do not matter
 * @_sec: the section name, a string
 *
 * kpatch-build compares sections; klp-ccp compares functions and data
 * definitions, so there is nothing to ignore: accepted, and checked to be
 * a string.
 */
#define KPATCH_IGNORE_SECTION(_sec)					\
	_Static_assert(sizeof(_sec "") > 1, "KPATCH_IGNORE_SECTION: a section name")

/**
 * KPATCH_IGNORE_FUNCTION - a changed function not to patch
 * @_fn: the function, declared above
 *
 * klp-ccp reads it from the diff: a changed @_fn gets a row saying so and
 * no KGR_PATCH entry, its change stays out of the patch (patched code
 * calling it calls the running kernel's). Here it only checks that @_fn
 * exists.
 */
#define KPATCH_IGNORE_FUNCTION(_fn)					\
	_Static_assert(__same_type(_fn, _fn), "KPATCH_IGNORE_FUNCTION: a function")

/**
 * KPATCH_FORCE_UNSAFE - patch a function klp-ccp would hold back
 * @_fn: the function, declared above
 *
 * klp-ccp reads it from the diff: a changed @_fn whose only objection is
 * NEEDS HOOK (a static local of the running code starts fresh in the
 * patch) is PATCHABLE, the author having accepted the reset. NOT
 * PATCHABLE stays: code that cannot be redirected cannot be forced.
 */
#define KPATCH_FORCE_UNSAFE(_fn)					\
	_Static_assert(__same_type(_fn, _fn), "KPATCH_FORCE_UNSAFE: a function")

/*
 * kpatch-syscall.h: SYSCALL_DEFINEn without the syscall's metadata and
 * error injection entry, which belong to the running kernel. The
 * functions keep the kernel's names, as kpatch's do: the body
 * __do_sys_<name>, __se_sys_<name>, and the wrappers __x64_sys_<name>
 * and (CONFIG_IA32_EMULATION) __ia32_sys_<name>, which
 * KPATCH_SYSCALL_PATCH() puts in the patch table.
 */
/* A wrapper of the syscall table's ABI, as syscall_wrapper.h's __SYS_STUBx. */
#define __KGR_KPATCH_STUBx(abi, name, ...)				\
	long __##abi##_sys##name(const struct pt_regs *regs);		\
	long __##abi##_sys##name(const struct pt_regs *regs)		\
	{								\
		return __se_sys##name(__VA_ARGS__);			\
	}

#ifdef CONFIG_X86_64
#define __KGR_KPATCH_X64_STUBx(x, name, ...)				\
	__KGR_KPATCH_STUBx(x64, name, SC_X86_64_REGS_TO_ARGS(x, __VA_ARGS__))
#else
#define __KGR_KPATCH_X64_STUBx(x, name, ...)
#endif

#ifdef CONFIG_IA32_EMULATION
#define __KGR_KPATCH_IA32_STUBx(x, name, ...)				\
	__KGR_KPATCH_STUBx(ia32, name, SC_IA32_REGS_TO_ARGS(x, __VA_ARGS__))
#else
#define __KGR_KPATCH_IA32_STUBx(x, name, ...)
#endif

#define __KGR_KPATCH_SYSCALL_DEFINEx(x, name, ...)			\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__));	\
	static inline long __do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__)); \
	__KGR_KPATCH_X64_STUBx(x, name, __VA_ARGS__)			\
	__KGR_KPATCH_IA32_STUBx(x, name, __VA_ARGS__)			\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__))	\
	{								\
		long ret = __do_sys##name(__MAP(x, __SC_CAST, __VA_ARGS__)); \
		__MAP(x, __SC_TEST, __VA_ARGS__);			\
		return ret;						\
	}								\
	static inline long __do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__))

/**
 * DOC: KPATCH_SYSCALL_DEFINE1() to KPATCH_SYSCALL_DEFINE6()
 *
 * ``KPATCH_SYSCALL_DEFINEn(name, type, arg, ...)`` is SYSCALL_DEFINEn()
 * for a patch: it defines the new body and the wrappers of the syscall
 * table's ABI (taking &struct pt_regs) under the kernel's names; list the
 * wrappers in the table with KPATCH_SYSCALL_PATCH(). klp-ccp reads
 * a diff that turns SYSCALL_DEFINEn into KPATCH_SYSCALL_DEFINEn as a
 * change of the body alone. (One DOC block for the six: kernel-doc
 * rewrites any prototype containing SYSCALL_DEFINE as a syscall's.)
 */
#define KPATCH_SYSCALL_DEFINE1(name, ...)				\
	__KGR_KPATCH_SYSCALL_DEFINEx(1, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE2(name, ...)				\
	__KGR_KPATCH_SYSCALL_DEFINEx(2, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE3(name, ...)				\
	__KGR_KPATCH_SYSCALL_DEFINEx(3, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE4(name, ...)				\
	__KGR_KPATCH_SYSCALL_DEFINEx(4, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE5(name, ...)				\
	__KGR_KPATCH_SYSCALL_DEFINEx(5, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE6(name, ...)				\
	__KGR_KPATCH_SYSCALL_DEFINEx(6, _##name, __VA_ARGS__)

/**
 * KPATCH_SYSCALL_PATCH - the &kgr_patch.patches entry of a syscall wrapper
 * @abi: x64, or ia32 (with CONFIG_IA32_EMULATION)
 * @name: the syscall, as given to KPATCH_SYSCALL_DEFINEn()
 *
 * ``KPATCH_SYSCALL_PATCH(x64, foo)`` replaces __x64_sys_foo with the
 * wrapper KPATCH_SYSCALL_DEFINEn(foo, ...) defined; list the ia32 one
 * under ``#ifdef CONFIG_IA32_EMULATION``, as that wrapper is built only
 * then.
 */
#define KPATCH_SYSCALL_PATCH(abi, name)					\
	KGR_PATCH(__##abi##_sys_##name, __##abi##_sys_##name, true)

/*
 * klp_shadow_*(): kgr's shadow variables (include/kgr/shadow.h) take the
 * same arguments and keep the same rules (the constructor and destructor
 * run under a spinlock), so the names map one to one.
 */

/** klp_shadow_ctor_t - kgr_shadow_ctor_t: a shadow variable's constructor */
#define klp_shadow_ctor_t kgr_shadow_ctor_t
/** klp_shadow_dtor_t - kgr_shadow_dtor_t: a shadow variable's destructor */
#define klp_shadow_dtor_t kgr_shadow_dtor_t
/** klp_shadow_get - kgr_shadow_get(): the shadow variable of an object */
#define klp_shadow_get kgr_shadow_get
/** klp_shadow_alloc - kgr_shadow_alloc(): attach a new shadow variable */
#define klp_shadow_alloc kgr_shadow_alloc
/** klp_shadow_get_or_alloc - kgr_shadow_get_or_alloc(): get, else attach */
#define klp_shadow_get_or_alloc kgr_shadow_get_or_alloc
/** klp_shadow_free - kgr_shadow_free(): detach an object's shadow variable */
#define klp_shadow_free kgr_shadow_free
/** klp_shadow_free_all - kgr_shadow_free_all(): detach every one of an id */
#define klp_shadow_free_all kgr_shadow_free_all

#endif /* _KGR_KPATCH_COMPAT_H */
