/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: a kallsyms copy's names and counts, kept between runs. */
#ifndef KLP_CCP_SYMCACHE_H
#define KLP_CCP_SYMCACHE_H

#include "symvers.h"

/*
 * Fill @s's map (map, in_map, mods, map_text) as read from map file @path
 * from cache directory @dir: 0, or -1 when no entry fits, which may leave
 * part of it filled for the caller to free.
 */
int symcache_load(const char *dir, const char *path, struct symbols *s);
/* Keep @s's map, just read from @path, in @dir: a cache, it may fail. */
void symcache_store(const char *dir, const char *path,
		    const struct symbols *s);

#endif
