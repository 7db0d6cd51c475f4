// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core.c - kgr's patch registry
 *
 * A patch is registered by kgr_patch_kernel(), which checks it, reserves
 * its name, creates its sysfs directory and applies it (transition.c), and
 * stays registered (and visible in sysfs) until kgr_patch_remove(). The
 * module notifier's callbacks patch and unpatch the modules that come and
 * go for every active patch. Also kgr.ko's init and exit.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/elf.h>
#include <linux/module.h>
#include <linux/string.h>
#include "internal.h"

/* Largest build-id kgr compares, in bytes (SHA-1 is 20). */
#define KGR_BUILD_ID_MAX 64

/* Note type of a GNU build-id (elf.h of the toolchain; not in the kernel's). */
#define KGR_NT_GNU_BUILD_ID 3

/* ---- validation ---- */

static int kgr_check_fields(const struct kgr_patch *patch)
{
	const struct kgr_patch_fun *fun, *other;
	const struct kgr_hooks *hooks, *prev;
	const struct kgr_symbol *sym;

	if (!patch->name || !*patch->name || strchr(patch->name, '/')) {
		pr_err("patch with an empty or invalid name refused\n");
		return -EINVAL;
	}
	if (!patch->patches[0].name) {
		pr_err("%s: no function to patch\n", patch->name);
		return -EINVAL;
	}
	kgr_for_each_fun(patch, fun) {
		if (!*fun->name || !fun->new_fun ||
		    (fun->objname && !*fun->objname)) {
			pr_err("%s: entry %td ('%s'): empty name, object or new function\n",
			       patch->name, fun - patch->patches, fun->name);
			return -EINVAL;
		}
		for (other = patch->patches; other != fun; other++) {
			if (!strcmp(other->name, fun->name) &&
			    kgr_same_sympos(other->sympos, fun->sympos) &&
			    kgr_obj_match(other->objname, fun->objname)) {
				pr_err("%s: '%s' is patched twice\n",
				       patch->name, fun->name);
				return -EINVAL;
			}
		}
	}
	kgr_for_each_symbol(patch, sym) {
		if (!*sym->name || !sym->addr == !sym->call_key ||
		    (sym->call_key && !sym->call_tramp) ||
		    (sym->objname && !*sym->objname)) {
			pr_err("%s: shim '%s': empty name, object or pointer\n",
			       patch->name, sym->name);
			return -EINVAL;
		}
	}
	kgr_for_each_object_hooks(patch, hooks) {
		if (!*hooks->objname) {
			pr_err("%s: object hooks with an empty module name\n",
			       patch->name);
			return -EINVAL;
		}
		for (prev = patch->object_hooks; prev != hooks; prev++) {
			if (!strcmp(prev->objname, hooks->objname)) {
				pr_err("%s: two entries of object hooks for %s\n",
				       patch->name, hooks->objname);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/*
 * Every new function must be code of the patch module, which kgr pins
 * while it may run: not another module's, not the kernel's, and not
 * __init code, which is freed once the module's init has returned. A
 * built-in caller (@owner NULL: KUnit, where kgr is built in) is trusted.
 */
static int kgr_check_owner(const struct kgr_patch *patch,
			   struct module *owner)
{
	const struct kgr_patch_fun *fun;
	unsigned long addr;

	if (!owner)
		return 0;
	kgr_for_each_fun(patch, fun) {
		addr = (unsigned long)fun->new_fun;
		if (within_module_core(addr, owner))
			continue;
		pr_err("%s: the new function of '%s' is %s module %s\n",
		       patch->name, fun->name,
		       within_module_init(addr, owner) ? "__init code of" :
		       "not in", owner->name);
		return -EINVAL;
	}
	return 0;
}

/*
 * The running kernel's GNU build-id, as /sys/kernel/notes shows it, in
 * lower-case hex into @hex. Empty when the kernel has none.
 */
static void kgr_kernel_build_id(char *hex, size_t len)
{
	const char *start = (const char *)kgr_lookup_name("__start_notes");
	const char *end = (const char *)kgr_lookup_name("__stop_notes");
	const char *p = start;

	hex[0] = '\0';
	if (!start || !end)
		return;
	while (p + sizeof(Elf64_Nhdr) <= end) {
		const Elf64_Nhdr *n = (const Elf64_Nhdr *)p;
		const char *name = p + sizeof(*n);
		const u8 *desc = (const u8 *)name + ALIGN(n->n_namesz, 4);

		if ((const char *)desc + n->n_descsz > end)
			return;
		if (n->n_type == KGR_NT_GNU_BUILD_ID && n->n_namesz == 4 &&
		    !memcmp(name, "GNU", 4)) {
			if (n->n_descsz * 2 + 1 <= len)
				bin2hex(hex, desc, n->n_descsz)[0] = '\0';
			return;
		}
		p = (const char *)desc + ALIGN(n->n_descsz, 4);
	}
}

static int kgr_check_build_id(const struct kgr_patch *patch)
{
	char running[2 * KGR_BUILD_ID_MAX + 1];

	if (!patch->build_id)
		return 0;
	kgr_kernel_build_id(running, sizeof(running));
	if (!strcasecmp(patch->build_id, running))
		return 0;
	pr_err("%s: built for kernel build-id %s, running %s\n", patch->name,
	       patch->build_id, running[0] ? running : "(none)");
	return -ENOEXEC;
}

static struct kgr_patch *kgr_find_patch(const char *name)
{
	struct kgr_patch *patch;

	list_for_each_entry(patch, &kgr_patches, list)
		if (!strcmp(patch->name, name))
			return patch;
	return NULL;
}

/*
 * kgr.ko's fields of a patch being registered start from zero, also when
 * the same object was registered before (a KUnit test reusing a patch).
 */
static void kgr_init_private(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun;

	memset(&patch->kobj, 0, sizeof(patch->kobj));
	patch->kobj_added = false;
	patch->enabled = false;
	patch->forced = false;
	patch->registered = false;
	patch->nops = NULL;
	patch->nr_nops = 0;
	INIT_LIST_HEAD(&patch->objects);
	kgr_for_each_fun(patch, fun) {
		fun->patch = patch;
		fun->old_addr = 0;
		fun->old_size = 0;
		fun->state = KGR_FUN_INIT;
		fun->ops = NULL;
		memset(&fun->kobj, 0, sizeof(fun->kobj));
		fun->kobj_added = false;
	}
}

/*
 * Give up the name @patch reserved in kgr_patches, then (sysfs needs the
 * records until its directories are gone) its sysfs and its records.
 */
static void kgr_unregister(struct kgr_patch *patch)
{
	mutex_lock(&kgr_mutex);
	list_del(&patch->list);
	patch->registered = false;
	kgr_direct_del_entries(patch);
	mutex_unlock(&kgr_mutex);
	kgr_sysfs_del_patch(patch);
	kgr_objects_free(patch);
}

int __kgr_patch_kernel(struct kgr_patch *patch, struct module *owner)
{
	int ret;

	if (!patch) {
		pr_err("NULL patch refused\n");
		return -EINVAL;
	}
	ret = kgr_check_fields(patch);
	if (ret)
		return ret;
	if (patch->owner && patch->owner != owner) {
		pr_err("%s: .owner is not the module that registers the patch\n",
		       patch->name);
		return -EINVAL;
	}
	ret = kgr_check_owner(patch, owner);
	if (!ret)
		ret = kgr_check_build_id(patch);
	if (ret)
		return ret;
	patch->owner = owner;

	/* Reserve the name: sysfs must be created without kgr_mutex. */
	mutex_lock(&kgr_mutex);
	if (kgr_find_patch(patch->name)) {
		pr_err("%s: a patch of that name is already registered\n",
		       patch->name);
		mutex_unlock(&kgr_mutex);
		return -EEXIST;
	}
	kgr_init_private(patch);
	ret = kgr_objects_build(patch);
	if (ret) {
		pr_err("%s: not applied: %d\n", patch->name, ret);
		mutex_unlock(&kgr_mutex);
		return ret;
	}
	kgr_direct_add_entries(patch);
	list_add_tail(&patch->list, &kgr_patches);
	mutex_unlock(&kgr_mutex);

	ret = kgr_sysfs_add_patch(patch);
	if (ret) {
		pr_err("%s: not applied: %d\n", patch->name, ret);
		kgr_unregister(patch);
		return ret;
	}

	mutex_lock(&kgr_mutex);
	ret = kgr_apply(patch);
	if (!ret)
		patch->registered = true;
	mutex_unlock(&kgr_mutex);
	if (ret)
		kgr_unregister(patch);
	return ret;
}
EXPORT_SYMBOL_GPL(__kgr_patch_kernel);

void kgr_patch_remove(struct kgr_patch *patch)
{
	mutex_lock(&kgr_mutex);
	if (!patch->registered) {
		mutex_unlock(&kgr_mutex);
		return;
	}
	if (WARN(patch->enabled || kgr_transition_patch() == patch,
		 "kgr: %s: removal of an applied patch refused\n",
		 patch->name)) {
		mutex_unlock(&kgr_mutex);
		return;
	}
	list_del(&patch->list);
	patch->registered = false;
	kgr_direct_del_entries(patch);
	mutex_unlock(&kgr_mutex);
	kgr_sysfs_del_patch(patch);
	kgr_objects_free(patch);
}
EXPORT_SYMBOL_GPL(kgr_patch_remove);

/* ---- modules that come and go ---- */

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

	if (!trans || !kgr_object_find(trans, mod->name))
		return 0;
	return kgr_transition_ranges_changed();
}

/*
 * The module notifier's COMING callback: patch @mod for every active patch
 * that touches it, then add it to the set of loaded modules. All or
 * nothing: a failure refuses the module's load.
 */
static int kgr_module_coming(struct module *mod)
{
	struct kgr_patch *patch, *done;
	struct kgr_object *obj;
	int ret = 0;

	mutex_lock(&kgr_mutex);
	/* Seen COMING by kgr.ko's init already: patched by any apply since. */
	if (kgr_module_known(mod)) {
		mutex_unlock(&kgr_mutex);
		return 0;
	}
	/* Oldest first, so that newer patches end up on top. */
	list_for_each_entry(patch, &kgr_patches, list) {
		obj = kgr_object_find(patch, mod->name);
		if (!obj || !kgr_patch_active(patch))
			continue;
		ret = kgr_object_apply(patch, obj,
				       kgr_transition_patch() == patch ?
				       kgr_transition_fun_state() :
				       KGR_FUN_FAST);
		if (ret) {
			pr_err("%s: refusing to load module %s: %d\n",
			       patch->name, mod->name, ret);
			done = patch;
			goto undo;
		}
	}
	/* From here on, undo every patch: start from the list head. */
	done = list_entry(&kgr_patches, struct kgr_patch, list);
	ret = kgr_module_add(mod);
	if (ret) {
		pr_err("refusing to load module %s: cannot track it: %d\n",
		       mod->name, ret);
		goto undo;
	}
	ret = kgr_module_update_transition(mod);
	if (ret) {
		pr_err("%s: refusing to load module %s: %d\n",
		       kgr_transition_patch()->name, mod->name, ret);
		kgr_module_del(mod);
		goto undo;
	}
	kgr_redirect_direct_update();
	mutex_unlock(&kgr_mutex);
	return 0;

undo:
	list_for_each_entry_continue_reverse(done, &kgr_patches, list) {
		obj = kgr_object_find(done, mod->name);
		if (obj && obj->patched)
			kgr_object_revert(done, obj);
	}
	kgr_redirect_direct_update();
	mutex_unlock(&kgr_mutex);
	return ret;
}

/* The GOING callback: unpatch @mod, newest patch first. */
static void kgr_module_going(struct module *mod)
{
	struct kgr_object *obj;
	struct kgr_patch *patch;

	mutex_lock(&kgr_mutex);
	/* Its symbol table is about to be freed. */
	kgr_kallsyms_forget();
	if (!kgr_module_known(mod)) {
		/* Its load was refused by kgr: nothing of it is patched. */
		mutex_unlock(&kgr_mutex);
		return;
	}
	list_for_each_entry_reverse(patch, &kgr_patches, list) {
		obj = kgr_object_find(patch, mod->name);
		if (obj && obj->patched)
			kgr_object_revert(patch, obj);
	}
	kgr_redirect_module_going(mod);
	kgr_module_del(mod);
	/* Stale ranges only make checks too strict: a warning is enough. */
	if (kgr_module_update_transition(mod))
		pr_warn("transition still checks stacks for the code of %s\n",
			mod->name);
	kgr_redirect_direct_update();
	mutex_unlock(&kgr_mutex);
}

static const struct kgr_sysfs_ops kgr_sysfs_ops = {
	.set_enabled = kgr_patch_set_enabled,
	.force = kgr_patch_force,
	.in_transition = kgr_patch_in_transition,
};

static int __init kgr_init(void)
{
	int ret;

	ret = kgr_kallsyms_init();
	if (!ret)
		ret = kgr_redirect_init();
	if (!ret)
		ret = kgr_migrate_init();
	if (ret)
		goto err;
	ret = kgr_sysfs_init(&kgr_sysfs_ops);
	if (ret)
		goto migrate;
	ret = kgr_module_init(kgr_module_coming, kgr_module_going);
	if (ret)
		goto sysfs;
	mutex_lock(&kgr_mutex);
	ret = kgr_modules_add_loaded();
	mutex_unlock(&kgr_mutex);
	if (ret)
		goto module;
	return 0;
module:
	kgr_module_exit();
sysfs:
	kgr_sysfs_exit();
migrate:
	kgr_migrate_exit();
err:
	pr_err("not loaded: %d\n", ret);
	return ret;
}

/* Every patch module holds a reference on kgr.ko: nothing is registered. */
static void __exit kgr_exit(void)
{
	kgr_module_exit();
	kgr_kallsyms_forget();
	kgr_redirect_exit();
	kgr_sysfs_exit();
	kgr_migrate_exit();
	kgr_shadow_exit();
}

module_init(kgr_init);
module_exit(kgr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kGraft-style live patching");
