// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * module.c - the modules kgr treats as loaded, and the module notifier
 *
 * A patch may replace functions of a module that is not loaded when the
 * patch is applied. kgr's module notifier hands each module to the
 * callbacks core.c gave kgr_module_init() while the module is COMING
 * (ftrace already knows its fentry sites, its init has not run) and while
 * it is GOING; core.c patches or unpatches it and adds it to, or removes
 * it from, the set kept here. A failure at COMING refuses the load.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include "internal.h"
#include "fault.h"

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

/* What core.c does when a module comes and goes; set by kgr_module_init(). */
static int (*kgr_coming_cb)(struct module *mod);
static void (*kgr_going_cb)(struct module *mod);

static struct kgr_module *kgr_module_find(struct module *mod)
{
	struct kgr_module *m;

	list_for_each_entry(m, &kgr_modules, node)
		if (m->mod == mod)
			return m;
	return NULL;
}

bool kgr_module_known(struct module *mod)
{
	lockdep_assert_held(&kgr_mutex);
	return kgr_module_find(mod);
}

int kgr_module_add(struct module *mod)
{
	struct kgr_module *m;

	lockdep_assert_held(&kgr_mutex);
	m = kgr_fallible("kmalloc(module)", NULL, kmalloc(sizeof(*m), GFP_KERNEL));
	if (!m)
		return -ENOMEM;
	m->mod = mod;
	list_add(&m->node, &kgr_modules);
	return 0;
}

void kgr_module_del(struct module *mod)
{
	struct kgr_module *m;

	lockdep_assert_held(&kgr_mutex);
	m = kgr_module_find(mod);
	if (!m)
		return;
	list_del(&m->node);
	kfree(m);
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

static int kgr_module_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct module *mod = data;

	switch (action) {
	case MODULE_STATE_COMING:
		return notifier_from_errno(kgr_coming_cb(mod));
	case MODULE_STATE_GOING:
		kgr_going_cb(mod);
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
 * kgr's notifier is found in the set there and left alone. kgr_mutex,
 * which must not be held while the notifier registers: a module loading
 * meanwhile holds the chain and waits for kgr_mutex in the notifier.
 */
int kgr_modules_add_loaded(void)
{
	struct list_head *modules = (void *)kgr_lookup_name("modules");
	struct kgr_module *m;
	struct module *mod;
	int ret = 0;

	lockdep_assert_held(&kgr_mutex);
	if (!modules) {
		pr_err("kernel symbol modules not found\n");
		return -ENOENT;
	}
	preempt_disable();
	list_for_each_entry_rcu(mod, modules, list) {
		if (mod->state != MODULE_STATE_LIVE &&
		    mod->state != MODULE_STATE_COMING)
			continue;
		m = kgr_fallible("kmalloc(loaded module)", NULL,
				 kmalloc(sizeof(*m), GFP_ATOMIC));
		if (!m) {
			ret = -ENOMEM;
			break;
		}
		m->mod = mod;
		list_add(&m->node, &kgr_modules);
	}
	preempt_enable();
	return ret;
}

int kgr_module_init(int (*coming)(struct module *mod),
		    void (*going)(struct module *mod))
{
	kgr_coming_cb = coming;
	kgr_going_cb = going;
	return kgr_fallible("register_module_notifier", -ENOMEM,
			    register_module_notifier(&kgr_module_nb));
}

void kgr_module_exit(void)
{
	unregister_module_notifier(&kgr_module_nb);
	kgr_modules_free();
}
