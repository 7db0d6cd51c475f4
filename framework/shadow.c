// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shadow.c - shadow variables: new fields for existing objects
 *
 * A fix that needs one more field in a struct cannot change the struct's
 * layout under running code. A shadow variable is that field kept beside
 * the object instead, in a hash keyed by (object address, id). The hash
 * lives in kgr.ko, not in a patch module, so a later patch (stacked or
 * replace_all) finds what an earlier one attached.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/overflow.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/export.h>
#include "internal.h"

/**
 * DOC: shadow variable concurrency
 *
 * Lookups walk the hash under RCU and take no lock. Writers (alloc, free)
 * serialise on kgr_shadow_lock, an irq-safe spinlock, so every call works
 * in atomic context; the allocation itself uses the caller's gfp flags and
 * happens before the lock is taken. Variables are freed after an RCU grace
 * period: a caller that looked one up inside rcu_read_lock() may use it
 * until rcu_read_unlock() even if another CPU frees it meanwhile. Outside
 * such a section, keeping a variable alive while it is used is the
 * caller's business, as is any locking of the data itself.
 */

/* 4096 buckets keyed by object address. Writers hold kgr_shadow_lock. */
static DEFINE_HASHTABLE(kgr_shadow_hash, 12);
static DEFINE_SPINLOCK(kgr_shadow_lock);

/**
 * struct kgr_shadow - one shadow variable
 * @node: in kgr_shadow_hash, under the hash of @obj
 * @rcu: delays the free past lookups in flight
 * @obj: the object the variable is attached to
 * @id: the author's identifier of the variable
 * @data: the variable itself, what the API hands out
 */
struct kgr_shadow {
	struct hlist_node node;
	struct rcu_head rcu;
	void *obj;
	unsigned long id;
	char data[];
};

static struct kgr_shadow *kgr_shadow_find(void *obj, unsigned long id)
{
	struct kgr_shadow *shadow;

	hash_for_each_possible_rcu(kgr_shadow_hash, shadow, node,
				   (unsigned long)obj)
		if (shadow->obj == obj && shadow->id == id)
			return shadow;
	return NULL;
}

/**
 * kgr_shadow_get() - find a shadow variable
 * @obj: the object the variable is attached to
 * @id: the variable's identifier
 *
 * Lock-free; any context.
 *
 * Return: the variable's data, or NULL when (@obj, @id) has none.
 */
void *kgr_shadow_get(void *obj, unsigned long id)
{
	struct kgr_shadow *shadow;
	void *data = NULL;

	rcu_read_lock();
	shadow = kgr_shadow_find(obj, id);
	if (shadow)
		data = shadow->data;
	rcu_read_unlock();
	return data;
}
EXPORT_SYMBOL_GPL(kgr_shadow_get);

/*
 * Allocates outside the lock, then looks again under it: another CPU may
 * have attached (@obj, @id) in between, in which case the new variable is
 * dropped and @ctor never runs. *@existed tells the caller which happened.
 */
static void *kgr_shadow_attach(void *obj, unsigned long id, size_t size,
			       gfp_t gfp, kgr_shadow_ctor_t ctor,
			       void *ctor_data, bool *existed)
{
	struct kgr_shadow *new, *old;
	unsigned long flags;
	int ret;

	*existed = false;
	new = kzalloc(struct_size(new, data, size), gfp);
	if (!new)
		return NULL;
	new->obj = obj;
	new->id = id;

	spin_lock_irqsave(&kgr_shadow_lock, flags);
	old = kgr_shadow_find(obj, id);
	if (old) {
		spin_unlock_irqrestore(&kgr_shadow_lock, flags);
		kfree(new);
		*existed = true;
		return old->data;
	}
	if (ctor) {
		ret = ctor(obj, new->data, ctor_data);
		if (ret) {
			spin_unlock_irqrestore(&kgr_shadow_lock, flags);
			kfree(new);
			pr_err_ratelimited("constructor of shadow variable <%p, %lx> failed: %d\n",
					   obj, id, ret);
			return NULL;
		}
	}
	hash_add_rcu(kgr_shadow_hash, &new->node, (unsigned long)obj);
	spin_unlock_irqrestore(&kgr_shadow_lock, flags);
	return new->data;
}

/**
 * kgr_shadow_alloc() - attach a new shadow variable
 * @obj: the object to attach it to
 * @id: the variable's identifier, chosen by the patch author
 * @size: size of the variable's data
 * @gfp: allocation flags; GFP_ATOMIC where sleeping is not allowed
 * @ctor: optional constructor, run under kgr's shadow lock
 * @ctor_data: argument for @ctor
 *
 * The data starts zeroed, then @ctor fills it in before any kgr_shadow_get()
 * can see it. A variable that already exists for (@obj, @id) is left alone:
 * the call logs an error and returns NULL (use kgr_shadow_get_or_alloc()
 * when that is expected).
 *
 * Return: the new variable's data; NULL when it existed, when memory ran
 * out, or when @ctor failed.
 */
void *kgr_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp,
		       kgr_shadow_ctor_t ctor, void *ctor_data)
{
	bool existed;
	void *data;

	data = kgr_shadow_attach(obj, id, size, gfp, ctor, ctor_data, &existed);
	if (!existed)
		return data;
	pr_err_ratelimited("shadow variable <%p, %lx> already exists\n",
			   obj, id);
	return NULL;
}
EXPORT_SYMBOL_GPL(kgr_shadow_alloc);

/**
 * kgr_shadow_get_or_alloc() - find a shadow variable, attaching it if missing
 * @obj: the object it belongs to
 * @id: the variable's identifier
 * @size: size of the variable's data
 * @gfp: allocation flags
 * @ctor: optional constructor, run only when the variable is created
 * @ctor_data: argument for @ctor
 *
 * Two CPUs racing for the same (@obj, @id) get the same variable, and
 * @ctor runs once.
 *
 * Return: the variable's data, or NULL when it had to be created and
 * memory ran out or @ctor failed.
 */
void *kgr_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			      gfp_t gfp, kgr_shadow_ctor_t ctor,
			      void *ctor_data)
{
	bool existed;
	void *data;

	data = kgr_shadow_get(obj, id);
	if (data)
		return data;
	return kgr_shadow_attach(obj, id, size, gfp, ctor, ctor_data, &existed);
}
EXPORT_SYMBOL_GPL(kgr_shadow_get_or_alloc);

/* kgr_shadow_lock held. @dtor, if any, runs before the memory is queued. */
static void kgr_shadow_detach(struct kgr_shadow *shadow,
			      kgr_shadow_dtor_t dtor)
{
	hash_del_rcu(&shadow->node);
	if (dtor)
		dtor(shadow->obj, shadow->data);
	kfree_rcu(shadow, rcu);
}

/**
 * kgr_shadow_free() - detach and free one shadow variable
 * @obj: the object it is attached to
 * @id: the variable's identifier
 * @dtor: optional, releases what the variable holds; runs under kgr's
 *	shadow lock, so it must not sleep
 *
 * Nothing happens when (@obj, @id) has no variable. The memory is freed
 * after an RCU grace period.
 */
void kgr_shadow_free(void *obj, unsigned long id, kgr_shadow_dtor_t dtor)
{
	struct kgr_shadow *shadow;
	unsigned long flags;

	spin_lock_irqsave(&kgr_shadow_lock, flags);
	shadow = kgr_shadow_find(obj, id);
	if (shadow)
		kgr_shadow_detach(shadow, dtor);
	spin_unlock_irqrestore(&kgr_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(kgr_shadow_free);

/**
 * kgr_shadow_free_all() - detach and free every shadow variable of an id
 * @id: the variables' identifier
 * @dtor: optional, as for kgr_shadow_free()
 *
 * A patch that attached variables calls this when they are no longer used,
 * typically from its post_revert hook: from then on no task runs the
 * patched code that reads them. kgr.ko never frees a variable by itself
 * while it is loaded: a later patch may still rely on it.
 */
void kgr_shadow_free_all(unsigned long id, kgr_shadow_dtor_t dtor)
{
	struct kgr_shadow *shadow;
	struct hlist_node *tmp;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&kgr_shadow_lock, flags);
	hash_for_each_safe(kgr_shadow_hash, bkt, tmp, shadow, node)
		if (shadow->id == id)
			kgr_shadow_detach(shadow, dtor);
	spin_unlock_irqrestore(&kgr_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(kgr_shadow_free_all);

/*
 * At kgr.ko's unload no patch module is left, so no destructor either:
 * leftovers are freed as they are, and counted so the leak is visible.
 */
void kgr_shadow_exit(void)
{
	struct kgr_shadow *shadow;
	struct hlist_node *tmp;
	unsigned int nr = 0;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&kgr_shadow_lock, flags);
	hash_for_each_safe(kgr_shadow_hash, bkt, tmp, shadow, node) {
		kgr_shadow_detach(shadow, NULL);
		nr++;
	}
	spin_unlock_irqrestore(&kgr_shadow_lock, flags);
	if (nr)
		pr_warn("%u shadow variables were never freed; freed them now\n",
			nr);
}
