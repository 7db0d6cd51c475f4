/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: a file parsed behind the text of a .c file that includes it. */
#ifndef KLP_CCP_INCLUDED_H
#define KLP_CCP_INCLUDED_H

#include <stdbool.h>
#include <stddef.h>

#include "diff.h"
#include "flags.h"
#include "parse.h"

/* The sibling that includes a .c file, and where its #include line starts. */
struct includer {
	char *relpath;		/* "arch/x86/mm/init_64.c" */
	char *text;		/* its whole text */
	size_t line_start;	/* offset of the #include line in @text */
	char *spelled;		/* what it includes: "\"ident_map.c\"", "<net/x.h>" */
};

/*
 * Does a .c file of @relpath's directory include it? true with @inc
 * filled (includer_free() frees it).
 */
bool included_by_sibling(const struct build_env *env, const char *relpath,
			 struct includer *inc);
void includer_free(struct includer *inc);

/*
 * A .c file of @d that includes the header @relpath (its old text), as
 * <@relpath past include/> or as "x.h" beside it: true with @inc filled.
 */
bool included_by_diff(const struct diff *d, const char *relpath,
		      struct includer *inc);

/*
 * @ff parses @relpath behind @inc's text above its #include line:
 * @old, a file that is not on disk (an unsaved file of the parse, in
 * @inc's directory so that its quoted includes are found), is
 * force-included. @new is the same for the new version: the includer's
 * new text when @d changes it. Both are allocated (included_prefix_free()).
 */
void included_prefix(const struct build_env *env, const struct diff *d,
		     const char *relpath, const struct includer *inc,
		     struct file_flags *ff, struct unsaved *old,
		     struct unsaved *new);
void included_prefix_free(struct unsaved *prefix);

/*
 * Did the parse of @m get past its prefix's end? Not when the includer's
 * #include line is in a conditional the config leaves out (wl.c includes
 * fastmap-wl.c under CONFIG_MTD_UBI_FASTMAP).
 */
bool included_live(struct tu_model *m);

#endif
