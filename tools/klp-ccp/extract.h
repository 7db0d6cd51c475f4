/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: write the patch module source for the PATCHABLE functions. */
#ifndef KLP_CCP_EXTRACT_H
#define KLP_CCP_EXTRACT_H

#include "diff.h"
#include "verdict.h"

/* A changed .c file with functions to patch, both versions parsed. */
struct source {
	const struct file_patch *fp;
	struct tu_model old, new;
	struct file_flags ff;
	struct symbols syms;	/* no System.map for a module's file */
	struct unsaved prefix;	/* its includer's text, new version (included.h) */
};

struct extract_in {
	const char *diff_name;		/* for the header comment */
	const char *patch_name;		/* kgr_patch.name */
	struct source *srcs;		/* the changed files with targets */
	size_t nsrc;
	const struct verdict_table *table;
	const struct unsaved *files;	/* the diff's new texts */
	size_t nfiles;
	const char *src_root;	/* the kernel tree (--src) */
	const struct symbols *vmlinux;	/* the target's, as vmlinux sees them */
	bool ibt;	/* target built with CONFIG_X86_KERNEL_IBT: call shims */
	bool kallsyms_all;	/* CONFIG_KALLSYMS_ALL: vmlinux's data has symbols */
	bool replace_all;	/* a cumulative patch: it supersedes all others */
	/* changed header definitions: those the patched callers use are copied */
	const struct hdr_changes *hdr;
};

/*
 * A static function the patch copies instead of shimming because the
 * target has no symbol of its name: GCC inlined it, or kept only a clone
 * with another ABI (foo.isra.0). The report names each one.
 */
struct copied_callee {
	char *name, *file;	/* file relative to the tree */
	unsigned int line;
	char *caller;		/* the first copied function that uses it */
	char *why;		/* "inlined in the target", "only as ..." */
};

struct copied_list {
	struct copied_callee *v;
	size_t n, cap;
};

/*
 * A callee the patch cannot take: the target lacks it, or it keeps state
 * in a static local that a copy would split from the running kernel's.
 * extract_patch() fails with it filled, and it gets a NOT PATCHABLE row
 * (the error's message its reason) instead of an exit 2 with none.
 */
struct refusal {
	char *name, *file;	/* the callee; file relative to the tree */
	unsigned int line;	/* of the callee, or of its caller if none */
};

/* The module a source is built into, NULL for vmlinux. */
const char *source_module(const struct source *s);
int extract_patch(const struct extract_in *in, struct strbuf *out,
		  struct copied_list *callees, struct refusal *refused,
		  struct tl_err *err);
void copied_free(struct copied_list *c);

#endif
