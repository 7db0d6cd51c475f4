/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: write the patch module source for the PATCHABLE functions. */
#ifndef KLP_CCP_EXTRACT_H
#define KLP_CCP_EXTRACT_H

#include "verdict.h"

struct extract_in {
	const char *relpath;		/* the changed source file */
	const char *diff_name;		/* for the header comment */
	const char *patch_name;		/* kgr_patch.name */
	struct tu_model *old, *new;
	const struct file_flags *flags;
	const struct symbols *syms;
	const struct verdict_table *table;
	const struct unsaved *files;	/* the diff's new texts */
	size_t nfiles;
};

int extract_patch(const struct extract_in *in, struct strbuf *out,
		  struct tl_err *err);

#endif
