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

/* Names with counts; the names are the owner's, not the set's. */
struct name_set {
	struct name_slot {
		const char *name;
		unsigned int hash, count;
	} *slot;
	size_t cap, n;
};

/* The symbols of one module of a kallsyms copy, in its order. */
struct mod_symbols {
	char *name;			/* as kallsyms shows it: [name] */
	char *label;			/* "<file> [name]", for errors */
	struct name_set in_map;
	char **map;
	size_t nmap, cap;
};

/*
 * map, nmap, in_map and map_path are vmlinux's; syms_for_module() gives a
 * copy whose are a module's.
 */
struct symbols {
	char *symvers_text;		/* Module.symvers, holding exported's names */
	struct name_set exported;
	/* exports to a namespace (EXPORT_SYMBOL_NS): name, and namespace */
	struct tl_strlist ns_syms, ns_names;
	/* modules' exports, "name\tmodule", sorted (sym_exporter()) */
	struct tl_strlist mod_exports;
	struct name_set in_map;		/* names of System.map, with counts */
	char **map;			/* System.map names in address order */
	size_t nmap;
	char *map_text;			/* the map's text, holding its names */
	size_t map_len;			/* its length, the last '\0' included */
	void *cache_map;		/* symcache.c's mapping map_text is in, or NULL */
	size_t cache_len;
	struct tl_strlist mod_names;	/* and the names of symbols_add_module() */
	char *map_path;			/* NULL when no System.map was found */
	struct mod_symbols *mods;	/* modules of a kallsyms copy */
	size_t nmods;
};

/*
 * @map: a System.map or kallsyms copy; @required: it was asked for
 * (--symbols), so a missing or stub file is an error, not "unknown".
 */
int symbols_load(const char *symvers, const char *map, bool required,
		 const char *cache_dir, struct symbols *s, struct tl_err *err);
/* @s as a file of module @mod sees it; map_path NULL if @mod is not in it. */
struct symbols syms_for_module(const struct symbols *s, const char *mod);
/* Whether @s has module @mod's symbols (a kallsyms copy, or its .ko). */
bool syms_module_known(const struct symbols *s, const char *mod);
/* Module @mod's symbols, in kallsyms order, read from @path. */
void symbols_add_module(struct symbols *s, const char *path, const char *mod,
			const struct tl_strlist *names);
/* A kallsyms copy lacking module @mod is an error; System.map is not. */
int syms_have_module(const struct symbols *s, const char *mod,
		     struct tl_err *err);
bool sym_exported(const struct symbols *s, const char *name);
/* The module that exports @name ("hv_vmbus"); NULL: vmlinux, or no export. */
const char *sym_exporter(const struct symbols *s, const char *name);
/* The namespace @name is exported to, or NULL. */
const char *sym_namespace(const struct symbols *s, const char *name);
/* How many symbols of that name; -1 without a System.map. */
int sym_count(const struct symbols *s, const char *name);
/*
 * A symbol of @s that is GCC's clone of @name with another ABI
 * ("name.isra.0", ".constprop.N", ".part.N", ".cold"), or NULL.
 */
const char *sym_clone(const struct symbols *s, const char *name);
/*
 * How many of the names nearest map[@i] that are unique in @s are names
 * of @file_names: how much the symbol there looks like one of that file's.
 */
size_t sym_file_score(const struct symbols *s, size_t i,
		      char *const *file_names, size_t nfile);
int sympos_for(const struct symbols *s, const char *name,
	       char *const *file_names, size_t nfile, unsigned long *pos,
	       struct tl_err *err);
void symbols_free(struct symbols *s);

#endif
