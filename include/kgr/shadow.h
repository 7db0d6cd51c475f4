/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kgr shadow variables: new fields attached to existing objects without
 * changing their layout, keyed by (object address, id).
 */
#ifndef _KGR_SHADOW_H
#define _KGR_SHADOW_H

#include <linux/types.h>
#include <linux/gfp.h>

/**
 * typedef kgr_shadow_ctor_t - initialises a new shadow variable
 * @obj: the object the variable is attached to
 * @shadow_data: the new variable's data, not yet visible to others
 * @ctor_data: the caller's argument
 *
 * Runs under kgr's shadow lock: it must not sleep.
 * Return: 0, or a negative errno that cancels the allocation.
 */
typedef int (*kgr_shadow_ctor_t)(void *obj, void *shadow_data, void *ctor_data);

/**
 * typedef kgr_shadow_dtor_t - releases what a shadow variable holds
 * @obj: the object the variable is attached to
 * @shadow_data: the variable's data, freed after this returns
 *
 * Runs under kgr's shadow lock: it must not sleep.
 */
typedef void (*kgr_shadow_dtor_t)(void *obj, void *shadow_data);

void *kgr_shadow_get(void *obj, unsigned long id);
void *kgr_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp,
		       kgr_shadow_ctor_t ctor, void *ctor_data);
void *kgr_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			      gfp_t gfp, kgr_shadow_ctor_t ctor,
			      void *ctor_data);
void kgr_shadow_free(void *obj, unsigned long id, kgr_shadow_dtor_t dtor);
void kgr_shadow_free_all(unsigned long id, kgr_shadow_dtor_t dtor);

#endif /* _KGR_SHADOW_H */
