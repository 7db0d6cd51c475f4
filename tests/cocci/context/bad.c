// SPDX-License-Identifier: GPL-2.0-or-later
/* Fixture of context.cocci: sleeping where it must not. */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/delay.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <kgr/kgr.h>

static DEFINE_SPINLOCK(kgr_lock);
static DEFINE_MUTEX(kgr_mutex);
static struct kgr_patch other;

static int kgr_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	void **p = shadow_data;

	*p = kmalloc(16, GFP_KERNEL);	// expect
	return *p ? 0 : -ENOMEM;
}

static void kgr_dtor(void *obj, void *shadow_data)
{
	mutex_lock(&kgr_mutex);	// expect
	mutex_unlock(&kgr_mutex);
}

static int kgr_new_show(struct seq_file *m, void *v)
{
	void *s;

	spin_lock(&kgr_lock);
	s = kgr_shadow_alloc(m, 1, 8, GFP_KERNEL, kgr_ctor, NULL);	// expect
	spin_unlock(&kgr_lock);
	rcu_read_lock();
	s = kgr_shadow_get_or_alloc(m, 2, 8, GFP_KERNEL, NULL, NULL);	// expect
	rcu_read_unlock();
	preempt_disable();
	msleep(1);	// expect
	preempt_enable();
	kgr_shadow_free(m, 1, kgr_dtor);
	return s ? 0 : -ENOMEM;
}

static int kgr_pre_apply(struct kgr_patch *patch)
{
	return kgr_patch_kernel(&other);	// expect
}

static void kgr_object_post_revert(struct kgr_patch *patch)
{
	kgr_patch_remove(&other);	// expect
}

static const struct kgr_hooks kgr_object_hooks[] = {
	{ .objname = "kgr_test_target", .post_revert = kgr_object_post_revert },
	{ }
};

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.hooks = { .pre_apply = kgr_pre_apply },
	.object_hooks = kgr_object_hooks,
	.patches = { KGR_PATCH_OBJ(kgr_test_target_show, kgr_new_show,
				   "kgr_test_target"),
		     KGR_PATCH_END }
};

static int __init fixture_init(void)
{
	return kgr_patch_kernel(&patch);
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
