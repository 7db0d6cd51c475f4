/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: a static inline or a macro of a header is compiled into every
 * function that uses it, so a change to it reaches the running kernel
 * only through those functions: find them in the parsed .c files.
 */
#ifndef KLP_CCP_CALLERS_H
#define KLP_CCP_CALLERS_H

#include <stdbool.h>

#include "parse.h"

/* A header definition the patched callers need in its new version. */
struct hdr_def {
	char *name;
	enum ent_kind kind;		/* ENT_FUNC: a static inline; ENT_MACRO */
	char *file;			/* the header, absolute */
	char *relpath;			/* the header as rows name it */
	unsigned int line, start, end;	/* the definition in the new text */
	bool changed;			/* by the diff; else it uses a changed one */
	bool included;			/* under include/: the patch's #include has the old one */
	bool used;			/* a patched caller reaches it: the patch carries it */
	struct tl_strlist deps;		/* the definitions of the set it uses */
	struct tl_strlist callers;	/* changed ones: "f (fs/x.c)" */
};

struct hdr_changes {
	struct hdr_def *defs;
	size_t n, cap;
	/*
	 * Members a fix adds as aliases of old ones in an anonymous union
	 * (dst_entry's dev_rcu of dev): the running kernel's headers lack
	 * them, so the patch spells the old name. alias_old[i] is
	 * alias_new[i]'s, "" when types disagree on it (no alias then).
	 */
	struct tl_strlist alias_new, alias_old;
};

/* A non-inline function of a .c that uses a definition of the set. */
struct hdr_caller {
	struct entity *e;
	char *why;			/* for its row */
};

/* @e, a definition of header @relpath, changed by the diff or new. */
void hdr_add_def(struct hdr_changes *hc, const struct entity *e,
		 const char *relpath, bool changed);
/* @member, new in its type, is at the offset of its old @old_member. */
void hdr_add_alias(struct hdr_changes *hc, const char *member,
		   const char *old_member);
/* The other inlines and macros of header @m that use the changed ones. */
void hdr_close_header(struct hdr_changes *hc, struct tu_model *m,
		      const char *relpath);
/*
 * The callers in @m (the new version of .c @relpath, parsed with
 * header_inlines) of the set, through the file's and include/'s static
 * inlines and macros; __init and __exit ones are named in the header's
 * row only (they already ran). Adds what they reach through to @hc.
 */
size_t hdr_callers(struct hdr_changes *hc, struct tu_model *m,
		   const char *relpath, struct hdr_caller **out);
void hdr_callers_free(struct hdr_caller *c, size_t n);
void hdr_free(struct hdr_changes *hc);

#endif
