// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture of context.cocci: GFP_ATOMIC under locks, GFP_KERNEL outside
 * them and in hooks, which may sleep; a constructor that does not.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <kgr/kgr.h>

static DEFINE_SPINLOCK(kgr_lock);
static DEFINE_MUTEX(kgr_mutex);
static char *kgr_greeting;

static int kgr_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	*(unsigned long *)shadow_data = 1;
	return 0;
}

static int kgr_new_show(struct seq_file *m, void *v)
{
	void *s;

	s = kgr_shadow_get_or_alloc(m, 1, 8, GFP_KERNEL, kgr_ctor, NULL);
	spin_lock(&kgr_lock);
	s = kgr_shadow_alloc(m, 2, 8, GFP_ATOMIC, kgr_ctor, NULL);
	spin_unlock(&kgr_lock);
	mutex_lock(&kgr_mutex);
	seq_puts(m, kgr_greeting);
	mutex_unlock(&kgr_mutex);
	return s ? 0 : -ENOMEM;
}

static int kgr_pre_apply(struct kgr_patch *patch)
{
	kgr_greeting = kasprintf(GFP_KERNEL, "hello from %s", patch->name);
	return kgr_greeting ? 0 : -ENOMEM;
}

static void kgr_post_revert(struct kgr_patch *patch)
{
	kgr_shadow_free_all(1, NULL);
	kfree(kgr_greeting);
}

static struct kgr_patch patch = {
	.name = "fixture",
	.owner = THIS_MODULE,
	.hooks = { .pre_apply = kgr_pre_apply,
		   .post_revert = kgr_post_revert },
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
