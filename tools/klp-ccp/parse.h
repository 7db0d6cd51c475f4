/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: one translation unit seen through libclang, reduced to what
 * the verdict and the extraction need: the file's top-level entities with
 * their source ranges, tokens and references.
 */
#ifndef KLP_CCP_PARSE_H
#define KLP_CCP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum ent_kind { ENT_FUNC, ENT_VAR, ENT_TYPE, ENT_MACRO };

/* Where a declaration lives: the file itself, a "local.h" next to it, or include/. */
enum ent_where { IN_MAIN, IN_LOCAL, IN_SYSTEM };

/* A use of a file-scope name inside an entity. */
struct ref {
	char *name;		/* "foo", or "struct foo" for types */
	enum ent_kind kind;
	bool internal;		/* static linkage */
	enum ent_where where;	/* of the first declaration */
	bool spelled_in_main;	/* the identifier is in the main file */
	unsigned int off;	/* its offset there, if spelled_in_main */
	char *type;		/* functions and variables: clang's type spelling */
};

/* A static variable declared inside a function (printk_once makes one). */
struct local_static {
	char *name;
	unsigned int line;
	char *macro;		/* the macro it came from, or NULL */
	char *type;		/* clang's type spelling */
	unsigned int decl_off;	/* where its declaration starts, expanded */
	unsigned int name_off;	/* where its name is spelled */
	/* uses spelled in the main file, by offset; and any spelled elsewhere */
	unsigned int *uses;
	size_t nuses, usecap;
	bool used_unspelled;
	bool readonly;		/* const (an array: of const elements) */
};

struct entity {
	char *name;
	enum ent_kind kind;
	enum ent_where where;
	char *file;		/* absolute path */
	unsigned int start, end, line;
	unsigned int name_off;	/* where the name is spelled */
	bool definition;	/* functions: has a body */
	bool internal;		/* static */
	/* functions: a macro call of the main file makes it (BPF_CALL_3) */
	bool macro_made;
	/* macros: include/ defines one of the name too (nfsd.h's ifdebug) */
	bool redefines_system;
	char *code;		/* active tokens, space separated */
	char *head;		/* tokens before the body or initializer */
	char *layout;		/* types: size and field offsets */
	char *fn_fields;	/* types: ";<field>=<type>" of each function pointer */
	/* types: the typedef whose declaration defines this one, or NULL */
	char *within;
	char *type;		/* functions and variables: type spelling */
	struct ref *refs;
	size_t nrefs, refcap;
	struct local_static *statics;
	size_t nstatics, staticcap;
	/* a SYSCALL_DEFINEn body (__do_sys_<name>, spelled by the macro) */
	char *syscall;		/* <name>, or NULL */
	bool compat;		/* COMPAT_SYSCALL_DEFINEn */
	struct tl_strlist wrappers;	/* the wrappers the config builds */
};

/*
 * A static inline function of a header under include/, kept only as the
 * functions it calls: what a changed header inline reaches callers through,
 * and what a patch calling it must link to.
 */
struct hdr_inline {
	char *name;
	char *file;		/* absolute path */
	unsigned int start, end, line;
	struct tl_strlist calls;
	struct tl_strlist globals;	/* those of calls not static */
	/* the global variables it reads, declared "extern" in plain text */
	struct tl_strlist vars;
	/* the static keys it tests, a macro declares; and clang's types */
	struct tl_strlist keys, key_types;
	/* the per-CPU variables it uses (DECLARE_PER_CPU*) */
	struct tl_strlist percpu;
};

/* Where one of tu_model's #include lines is, and what it includes. */
struct include_site {
	char *from;		/* absolute path of the file that has the line */
	unsigned int off;	/* the line's offset there */
	char *header;		/* absolute path of the header, or NULL */
};

/* tucache.c stores every field of it: a new field goes there too. */
struct tu_model {
	char *path;		/* absolute path of the main file */
	const char *text;	/* its contents as parsed */
	size_t len;
	struct entity *ents;
	size_t n, cap;
	/* where the main file's first #include is (len if none) */
	unsigned int first_include;
	char **includes;	/* "#include <...>" lines of the main file */
	struct include_site *sites;	/* where each of them is */
	size_t nincludes, inccap;
	/*
	 * Every #include, in the main file or a local header, that finds a
	 * local header: a definition with one inside it is copied with the
	 * header's text there (extract.c)
	 */
	struct include_site *local_sites;
	size_t nlocal_sites, localcap;
	/* the local headers, and where the main file's #include of each is */
	struct tl_strlist local_headers;
	unsigned int *local_main_off;
	char **errors;		/* "file:line: message" of error diagnostics */
	size_t nerrors, errcap;
	/* the functions named by KPATCH_IGNORE_FUNCTION / KPATCH_FORCE_UNSAFE */
	struct tl_strlist kpatch_ignored, kpatch_forced;
	/* include/'s static inlines, when the parse was asked for them */
	struct hdr_inline *inlines;
	size_t ninlines, inlcap;
	/*
	 * With them: the functions those inlines call that their headers
	 * declare only outside modules ("#ifndef MODULE": asm/tlb.h's
	 * tlb_flush() calls flush_tlb_mm_range()), and those declarations.
	 */
	struct tl_strlist module_hidden, module_hidden_decls;
	/*
	 * tu_find()'s index of ents[0..indexed) by name: a hash slot holds
	 * the first entity of a name + 1, same_name[i] the next one + 1.
	 * Filled as tu_find() finds ents appended (they never move).
	 */
	size_t *first_named, *last_named, *same_name;
	size_t slots, names, indexed;
};

/* A file's contents as the parse must see them instead of the disk's. */
struct unsaved {
	const char *path;	/* absolute */
	const char *text;
	size_t len;
};

/* The files a parse read, each with fnv1a() of its text as clang read it. */
struct tu_deps {
	struct tl_strlist paths;
	uint64_t *hash;
	size_t cap;
	bool unread;		/* clang gave no text of one */
};

/*
 * @files[0] is the main file; the others are the diff's other files.
 * @header_inlines: keep include/'s static inlines too (m->inlines).
 * @deps, unless NULL, gets the files the parse read (tucache.c).
 */
int parse_tu(const struct unsaved *files, size_t nfiles,
	     char *const *argv, int argc, const char *src,
	     bool header_inlines, struct tu_model *m, struct tu_deps *deps,
	     struct tl_err *err);
struct entity *tu_find(struct tu_model *m, const char *name,
		       enum ent_kind kind, bool want_definition);
void tu_free(struct tu_model *m);

/* Is @word one of the tokens "a b c " of @tokens (an entity's code or head)? */
bool tokens_have(const char *tokens, const char *word);
/* Token flags of a function's or variable's head. */
bool head_has(const struct entity *e, const char *word);
/* Declared inline, in any of its spellings. */
bool is_inline(const struct entity *f);

#endif
