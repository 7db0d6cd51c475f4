/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inline-expand: which functions must a live patch really replace?
 *
 * Interfaces between the files of the tool, one section per file. The
 * index is a flat, self-contained description of one ELF (its function
 * symbols, the out-of-line instances DWARF describes, every inlined copy
 * and the calls into compiler clones), so it can be cached as one file.
 */
#ifndef IE_H
#define IE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/vec.h"
#include "lib/xalloc.h"

#define IE_NONE UINT32_MAX

/* ---- index.c: the index and its string pool ---- */

/*
 * Addresses are "keys": the link-time address for executables (vmlinux),
 * and section index << 40 | offset for relocatable objects (.o, .ko),
 * so symbols and DWARF of a .o compare without a load layout.
 */
#define IE_KEY_SHIFT 40

enum ie_clone {
	IE_CLONE_NONE,
	IE_CLONE_ISRA,
	IE_CLONE_CONSTPROP,
	IE_CLONE_PART,
	IE_CLONE_COLD,
};

/* An ELF function symbol. */
struct ie_sym {
	uint64_t key;
	uint32_t name;		/* string pool offset */
	uint32_t sympos;	/* 1-based among same-named symbols, kallsyms order */
	uint32_t namecount;	/* how many symbols carry this name */
	uint32_t cold_of;	/* .cold part: the instance it belongs to */
	uint32_t fentry;	/* 1: has a __fentry__ call at its start */
	uint32_t clone;		/* enum ie_clone, from the name's suffix */
};

/* A source-level function: name and the file that declares it. */
struct ie_origin {
	uint32_t name;
	uint32_t file;
};

/* An out-of-line copy of a function (a concrete DW_TAG_subprogram). */
struct ie_inst {
	uint64_t key;
	uint32_t origin;
	uint32_t sym;		/* IE_NONE: no ELF symbol at its entry */
};

/* One inlined copy of @origin inside instance @inst. */
struct ie_inline {
	uint32_t origin;
	uint32_t inst;
	uint32_t parent;	/* enclosing inlined copy, or IE_NONE */
};

/* A direct call from @caller into the out-of-line instance @callee. */
struct ie_call {
	uint32_t callee;
	uint32_t caller;
};

/* A call found in DWARF before every instance is known. */
struct ie_pending_call {
	uint64_t callee_key;
	uint32_t caller;
};

struct ie_index {
	char *strings;			/* string pool, NUL-separated */
	size_t strings_len;
	size_t strings_cap;
	struct tl_vec syms;		/* sorted by key */
	struct tl_vec origins;
	struct tl_vec insts;		/* sorted by origin after finish */
	struct tl_vec inlines;		/* sorted by origin after finish */
	struct tl_vec calls;		/* sorted by callee after finish */
	uint32_t object;		/* module name, or IE_NONE for vmlinux */
	uint32_t relocatable;		/* 1: keys are section-relative */
	/* build-time only, not cached */
	struct tl_vec pending_calls;	/* struct ie_pending_call */
	uint32_t *str_hash;
	size_t str_hash_cap;
	size_t str_count;
	uint32_t *origin_hash;
	size_t origin_hash_cap;
};

void ie_index_init(struct ie_index *idx);
void ie_index_free(struct ie_index *idx);
const char *ie_str(const struct ie_index *idx, uint32_t off);
int ie_intern(struct ie_index *idx, const char *s, uint32_t *off,
	      struct tl_err *err);
int ie_origin_intern(struct ie_index *idx, const char *name, const char *file,
		     uint32_t *id, struct tl_err *err);
uint32_t ie_sym_at(const struct ie_index *idx, uint64_t key,
		   const char *prefer);
void ie_index_finish(struct ie_index *idx);

/* ---- elf.c: ELF symbols, fentry sites, build-id, module name ---- */

struct ie_elf;	/* opaque */
struct Dwarf;

int ie_elf_open(const char *path, struct ie_elf **elf, struct tl_err *err);
void ie_elf_close(struct ie_elf *elf);
const char *ie_elf_path(const struct ie_elf *elf);
/* Hex build-id, empty when the file has none. */
const char *ie_elf_build_id(const struct ie_elf *elf);
int ie_elf_symbols(struct ie_elf *elf, struct ie_index *idx,
		   struct tl_err *err);
/* The DWARF, opened on first use (a cache hit never needs it). */
int ie_elf_dwarf(struct ie_elf *elf, struct Dwarf **dwarf,
		 struct tl_err *err);
/* Turn an address libdw reports into an index key; false if unmapped. */
bool ie_elf_key(struct ie_elf *elf, uint64_t addr, uint64_t *key);

/* ---- dwarf.c: the DWARF walk ---- */

int ie_dwarf_scan(struct ie_elf *elf, struct ie_index *idx,
		  struct tl_err *err);

/* ---- load.c: an ELF's index, built or from the cache file ---- */

int ie_index_load(struct ie_index *idx, const char *path, bool use_cache,
		  struct tl_err *err);

/* ---- closure.c: the analysis ---- */

enum ie_why {
	IE_WHY_SELF,		/* the function's own out-of-line copy */
	IE_WHY_CLONE,		/* a compiler clone of the function */
	IE_WHY_INLINED,		/* holds an inlined copy */
	IE_WHY_CALLS_CLONE,	/* calls a clone an author cannot write */
	IE_WHY_COLD,		/* the cold part of another entry */
};

struct ie_entry {
	uint32_t inst;		/* for IE_WHY_COLD: IE_NONE */
	uint32_t sym;		/* IE_NONE: no ELF symbol */
	uint32_t origin;	/* the queried function that pulled it in */
	uint32_t why;		/* enum ie_why */
	uint32_t occ;		/* IE_WHY_INLINED: the inlined copy */
	uint32_t via;		/* parent entry (clone called, cold owner) */
	bool target;		/* to be patched: listed by --list/--kgr */
};

enum ie_warn_kind {
	IE_WARN_INLINED_EVERYWHERE,	/* origin: no out-of-line copy */
	IE_WARN_NO_CODE,		/* origin: neither copy nor inline */
	IE_WARN_NO_FENTRY,		/* entry: cannot be redirected */
	IE_WARN_NO_SYMBOL,		/* entry: DWARF copy without symbol */
	IE_WARN_DUPLICATE_NAME,		/* entry: sympos needed */
	IE_WARN_MANY_FILES,		/* query: name defined in several files */
};

struct ie_warning {
	uint32_t kind;
	uint32_t ref;		/* origin, entry or query index */
};

struct ie_query {
	const char *arg;	/* as given on the command line */
	uint32_t *origins;
	size_t n_origins;
};

struct ie_closure {
	struct ie_query *queries;
	size_t n_queries;
	struct tl_vec entries;
	struct tl_vec warnings;
};

int ie_closure_run(const struct ie_index *idx, char *const *args, size_t nargs,
		   struct ie_closure *c, struct tl_err *err);
void ie_closure_free(struct ie_closure *c);

/* ---- output.c: tree, list, kgr, json ---- */

enum ie_format {
	IE_FORMAT_TREE,
	IE_FORMAT_LIST,
	IE_FORMAT_KGR,
	IE_FORMAT_JSON,
};

int ie_output(const struct ie_index *idx, const struct ie_closure *c,
	      enum ie_format format, const char *elf_path,
	      struct tl_err *err);

#endif /* IE_H */
