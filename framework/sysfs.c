// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysfs.c - /sys/kernel/kgr, the administrator's view of the patches
 *
 * /sys/kernel/kgr/in_progress
 * /sys/kernel/kgr/<patch>/{enabled,transition,replace_all,force,forced,
 *			    blocking}
 * /sys/kernel/kgr/<patch>/<object>/patched
 * /sys/kernel/kgr/<patch>/<object>/<function,sympos>/{object,old_addr,
 *							sympos,state,direct}
 *
 * The patch and function kobjects are embedded in the patch module's
 * static struct kgr_patch, those of the object directories ("vmlinux" or
 * a module name) in the patch's object records (object.c), one per object
 * with functions. kgr_sysfs_del_patch() waits until every one of them is
 * released, so the records and the patch module's memory can go once it
 * returns.
 *
 * No read takes kgr_mutex: a reader must never hold up a transition, nor
 * wait for one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/capability.h>
#include "internal.h"
#include "fault.h"

static struct kobject *kgr_root_kobj;
/* The registry's side of the files; set once by kgr_sysfs_init(). */
static const struct kgr_sysfs_ops *kgr_sysfs_ops;

/*
 * Releases that kgr_sysfs_put() asked for and that have not run yet. With
 * CONFIG_DEBUG_KOBJECT_RELEASE a release runs seconds after the last put,
 * from a workqueue; the waiters of kgr_sysfs_wait() sleep until it has.
 */
static atomic_t kgr_sysfs_releasing = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(kgr_sysfs_release_wq);

/*
 * Drops the last reference of a kobject that has no other holder, and
 * counts its release as pending until the ktype's release has run.
 */
static void kgr_sysfs_put(struct kobject *kobj)
{
	atomic_inc(&kgr_sysfs_releasing);
	kobject_put(kobj);
}

static void kgr_sysfs_released(void)
{
	if (atomic_dec_and_test(&kgr_sysfs_releasing))
		wake_up_all(&kgr_sysfs_release_wq);
}

static void kgr_sysfs_wait(void)
{
	wait_event(kgr_sysfs_release_wq, !atomic_read(&kgr_sysfs_releasing));
}

/* Embedded kobjects: their owners free the memory after kgr_sysfs_wait(). */
static void kgr_sysfs_release_embedded(struct kobject *kobj)
{
	kgr_sysfs_released();
}

static struct kgr_patch *to_patch(struct kobject *kobj)
{
	return container_of(kobj, struct kgr_patch, kobj);
}

static struct kgr_patch_fun *to_fun(struct kobject *kobj)
{
	return container_of(kobj, struct kgr_patch_fun, kobj);
}

/* ---- /sys/kernel/kgr/in_progress ---- */

static ssize_t in_progress_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", kgr_sysfs_ops->in_transition(NULL));
}

static struct kobj_attribute in_progress_attr = __ATTR_RO(in_progress);

/* ---- /sys/kernel/kgr/<patch>/ ---- */

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_patch(kobj)->enabled));
}

/*
 * Changing what code the kernel runs is loading a module's worth of power:
 * the writer needs CAP_SYS_MODULE, as finit_module() does. The file modes
 * alone let any uid 0 write, even one whose capabilities were dropped (a
 * container's root, a service confined by its unit).
 */
static int kgr_sysfs_may_change(void)
{
	return capable(CAP_SYS_MODULE) ? 0 : -EPERM;
}

/*
 * The words a boolean attribute takes, each alone with at most a trailing
 * newline: kstrtobool() looks at the first characters only, and would take
 * "0garbage" or "no thanks" for a revert.
 */
static const char * const kgr_sysfs_false[] = { "0", "n", "N", "off" };
static const char * const kgr_sysfs_true[] = { "1", "y", "Y", "on" };

static int kgr_sysfs_parse_bool(const char *buf, size_t count, bool *val)
{
	/* A NUL inside the write would hide the rest from sysfs_streq(). */
	if (strnlen(buf, count) != count)
		return -EINVAL;
	if (sysfs_match_string(kgr_sysfs_false, buf) >= 0)
		*val = false;
	else if (sysfs_match_string(kgr_sysfs_true, buf) >= 0)
		*val = true;
	else
		return -EINVAL;
	return 0;
}

/*
 * Parsed before anything is touched: a bad write changes nothing. Core
 * decides whether the request makes sense in the patch's current state.
 */
static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool enable;
	int ret;

	ret = kgr_sysfs_may_change();
	if (ret)
		return ret;
	ret = kgr_sysfs_parse_bool(buf, count, &enable);
	if (ret)
		return ret;
	ret = kgr_sysfs_ops->set_enabled(to_patch(kobj), enable);
	return ret ? ret : count;
}

static ssize_t transition_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  kgr_sysfs_ops->in_transition(to_patch(kobj)));
}

static ssize_t replace_all_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_patch(kobj)->replace_all);
}

/* Writing 0 is accepted and does nothing, as for /sys/kernel/livepatch. */
static ssize_t force_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	bool force;
	int ret;

	ret = kgr_sysfs_may_change();
	if (ret)
		return ret;
	ret = kgr_sysfs_parse_bool(buf, count, &force);
	if (ret)
		return ret;
	if (!force)
		return count;
	ret = kgr_sysfs_ops->force(to_patch(kobj));
	return ret ? ret : count;
}

/* Set for good by a forced transition: the module stays loaded. */
static ssize_t forced_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_patch(kobj)->forced));
}

/* Only the patch in transition has blockers; migrate.c checks whose. */
static ssize_t blocking_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return kgr_migrate_blocking_show(buf, to_patch(kobj));
}

static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);
static struct kobj_attribute transition_attr = __ATTR_RO(transition);
static struct kobj_attribute replace_all_attr = __ATTR_RO(replace_all);
static struct kobj_attribute force_attr = __ATTR_WO(force);
static struct kobj_attribute forced_attr = __ATTR_RO(forced);
/* Pids and names of other users' tasks: root only. */
static struct kobj_attribute blocking_attr = __ATTR_RO_MODE(blocking, 0400);

static struct attribute *kgr_patch_attrs[] = {
	&enabled_attr.attr,
	&transition_attr.attr,
	&replace_all_attr.attr,
	&force_attr.attr,
	&forced_attr.attr,
	&blocking_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(kgr_patch);

static const struct kobj_type kgr_patch_ktype = {
	.release = kgr_sysfs_release_embedded,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kgr_patch_groups,
};

/* ---- /sys/kernel/kgr/<patch>/<object>/ ---- */

/* Set under kgr_mutex as the object is applied and reverted. */
static ssize_t patched_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct kgr_object *obj = container_of(kobj, struct kgr_object, kobj);

	return sysfs_emit(buf, "%d\n", READ_ONCE(obj->patched));
}

static struct kobj_attribute patched_attr = __ATTR_RO(patched);

static struct attribute *kgr_obj_attrs[] = {
	&patched_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(kgr_obj);

static const struct kobj_type kgr_obj_ktype = {
	.release = kgr_sysfs_release_embedded,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kgr_obj_groups,
};

/* ---- /sys/kernel/kgr/<patch>/<object>/<function,sympos>/ ---- */

static ssize_t object_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", kgr_objname(to_fun(kobj)->objname));
}

/* Set under kgr_mutex when the target is resolved or its module goes. */
static ssize_t old_addr_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "0x%lx\n", READ_ONCE(to_fun(kobj)->old_addr));
}

static ssize_t sympos_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%lu\n", to_fun(kobj)->sympos);
}

static const char * const kgr_fun_state_names[] = {
	[KGR_FUN_INIT] = "init",
	[KGR_FUN_SLOW] = "slow",
	[KGR_FUN_FAST] = "fast",
	[KGR_FUN_REVERTING] = "reverting",
	[KGR_FUN_SKIPPED] = "skipped",
};

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	enum kgr_fun_state state = READ_ONCE(to_fun(kobj)->state);

	if (state >= ARRAY_SIZE(kgr_fun_state_names))
		return sysfs_emit(buf, "unknown (%d)\n", state);
	return sysfs_emit(buf, "%s\n", kgr_fun_state_names[state]);
}

/* 1 while calls go straight to this function: the direct path. */
static ssize_t direct_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_fun(kobj)->direct));
}

static struct kobj_attribute object_attr = __ATTR_RO(object);
/* A kernel address: root only, it would defeat KASLR for everyone else. */
static struct kobj_attribute old_addr_attr = __ATTR_RO_MODE(old_addr, 0400);
static struct kobj_attribute sympos_attr = __ATTR_RO(sympos);
static struct kobj_attribute state_attr = __ATTR_RO(state);
static struct kobj_attribute direct_attr = __ATTR_RO(direct);

static struct attribute *kgr_fun_attrs[] = {
	&object_attr.attr,
	&old_addr_attr.attr,
	&sympos_attr.attr,
	&state_attr.attr,
	&direct_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(kgr_fun);

static const struct kobj_type kgr_fun_ktype = {
	.release = kgr_sysfs_release_embedded,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kgr_fun_groups,
};

/* Out of sysfs now (waiting for callers in flight), freed when released. */
static void kgr_sysfs_remove(struct kobject *kobj)
{
	kobject_del(kobj);
	kgr_sysfs_put(kobj);
}

/* The function directories first: each lives in its object's. */
static void kgr_sysfs_del_children(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun;
	struct kgr_object *obj;

	kgr_for_each_fun(patch, fun) {
		if (!fun->kobj_added)
			continue;
		kgr_sysfs_remove(&fun->kobj);
		fun->kobj_added = false;
	}
	kgr_for_each_object(patch, obj) {
		if (!obj->kobj_added)
			continue;
		kgr_sysfs_remove(&obj->kobj);
		obj->kobj_added = false;
	}
}

/* The directory of @obj, which the patch's own functions live in. */
static int kgr_sysfs_add_obj(struct kgr_patch *patch, struct kgr_object *obj)
{
	int ret;

	kobject_init(&obj->kobj, &kgr_obj_ktype);
	ret = kgr_fallible("kobject_add(object)", -ENOMEM,
			   kobject_add(&obj->kobj, &patch->kobj, "%s",
				       kgr_objname(obj->name)));
	if (ret) {
		pr_err("%s: cannot create the sysfs directory of object %s: %d\n",
		       patch->name, kgr_objname(obj->name), ret);
		kgr_sysfs_put(&obj->kobj);
		return ret;
	}
	obj->kobj_added = true;
	return 0;
}

static int kgr_sysfs_add_fun(struct kgr_patch *patch,
			     struct kgr_patch_fun *fun)
{
	int ret;

	kobject_init(&fun->kobj, &kgr_fun_ktype);
	ret = kgr_fallible("kobject_add(function)", -ENOMEM,
			   kobject_add(&fun->kobj, &fun->obj->kobj, "%s,%lu",
				       fun->name, fun->sympos ? fun->sympos : 1));
	if (ret) {
		pr_err("%s: cannot create the sysfs directory of %s: %d\n",
		       patch->name, fun->name, ret);
		kgr_sysfs_put(&fun->kobj);
		return ret;
	}
	fun->kobj_added = true;
	return 0;
}

/* The directories of the objects with functions, then of the functions. */
static int kgr_sysfs_add_children(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun;
	struct kgr_object *obj;
	int ret;

	kgr_for_each_object(patch, obj) {
		if (!obj->nr_funs)
			continue;
		ret = kgr_sysfs_add_obj(patch, obj);
		if (ret)
			return ret;
	}
	kgr_for_each_fun(patch, fun) {
		ret = kgr_sysfs_add_fun(patch, fun);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * kgr_sysfs_add_patch() - create /sys/kernel/kgr/<patch> and its functions
 * @patch: a patch being registered; its functions end with KGR_PATCH_END
 *
 * Must be called without kgr_mutex, for the same reason as
 * kgr_sysfs_del_patch(): on failure it removes what it created, and a
 * write to the new files may already be waiting for kgr_mutex. The caller
 * makes sure the name is free: sysfs reports a duplicate with a stack dump.
 * On failure nothing of @patch is left in sysfs.
 *
 * Return: 0, or a negative errno.
 */
int kgr_sysfs_add_patch(struct kgr_patch *patch)
{
	int ret;

	lockdep_assert_not_held(&kgr_mutex);

	kobject_init(&patch->kobj, &kgr_patch_ktype);
	ret = kgr_fallible("kobject_add(patch)", -ENOMEM,
			   kobject_add(&patch->kobj, kgr_root_kobj, "%s",
				       patch->name));
	if (ret) {
		pr_err("%s: cannot create /sys/kernel/kgr/%s: %d\n",
		       patch->name, patch->name, ret);
		kgr_sysfs_put(&patch->kobj);
		kgr_sysfs_wait();
		return ret;
	}
	patch->kobj_added = true;

	ret = kgr_sysfs_add_children(patch);
	if (ret)
		kgr_sysfs_del_patch(patch);
	return ret;
}

/**
 * kgr_sysfs_del_patch() - remove /sys/kernel/kgr/<patch>
 * @patch: a patch added by kgr_sysfs_add_patch(), or one never added
 *
 * Must be called without kgr_mutex: kobject_del() waits for the sysfs
 * reads and writes in flight, and those take kgr_mutex. Returns once every
 * kobject of @patch is released, so the patch module may be freed.
 */
void kgr_sysfs_del_patch(struct kgr_patch *patch)
{
	lockdep_assert_not_held(&kgr_mutex);

	if (!patch->kobj_added)
		return;
	kgr_sysfs_del_children(patch);
	kgr_sysfs_remove(&patch->kobj);
	patch->kobj_added = false;
	kgr_sysfs_wait();
}

/* kobject_del() first: the release may be delayed, in_progress must go now. */
void kgr_sysfs_exit(void)
{
	kobject_del(kgr_root_kobj);
	kobject_put(kgr_root_kobj);
}

int kgr_sysfs_init(const struct kgr_sysfs_ops *ops)
{
	int ret;

	kgr_sysfs_ops = ops;
	kgr_root_kobj = kgr_fallible("kobject_create_and_add(kgr)", NULL,
				     kobject_create_and_add("kgr", kernel_kobj));
	if (!kgr_root_kobj) {
		pr_err("cannot create /sys/kernel/kgr\n");
		return -ENOMEM;
	}
	ret = kgr_fallible("sysfs_create_file(in_progress)", -ENOMEM,
			   sysfs_create_file(kgr_root_kobj,
					     &in_progress_attr.attr));
	if (ret)
		kgr_sysfs_exit();
	return ret;
}

