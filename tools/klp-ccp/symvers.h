/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: what the target kernel exports (Module.symvers) and, when a
 * real System.map is at hand, which symbols exist and in what order.
 */
#ifndef KLP_CCP_SYMVERS_H
#define KLP_CCP_SYMVERS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct name_set {
	char **slot;
	unsigned int *count;
	size_t cap, n;
};

struct symbols {
	struct name_set exported;
	struct name_set in_map;		/* names of System.map, with counts */
	char **map;			/* System.map names in address order */
	size_t nmap;
	char *map_path;			/* NULL when no System.map was found */
};

int symbols_load(const char *symvers, const char *map, struct symbols *s,
		 struct tl_err *err);
bool sym_exported(const struct symbols *s, const char *name);
/* How many symbols of that name; -1 without a System.map. */
int sym_count(const struct symbols *s, const char *name);
int sympos_for(const struct symbols *s, const char *name,
	       char *const *file_names, size_t nfile, unsigned long *pos,
	       struct tl_err *err);
void symbols_free(struct symbols *s);

#endif
