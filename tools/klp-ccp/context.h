/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: --context-headers. A .c fix taken with the header hunks it
 * needs to compile: the headers' changed definitions that none of the
 * run's .c files uses are another fix's business, not judged in this run.
 */
#ifndef KLP_CCP_CONTEXT_H
#define KLP_CCP_CONTEXT_H

#include "callers.h"
#include "diff.h"
#include "extract.h"
#include "verdict.h"

/*
 * Drop the rows of @d's headers' definitions that no file of @srcs uses
 * (a changed macro or static inline: none of its functions calls it; a
 * type, function or variable: none defines it or refers to it, nor to a
 * field whose place changes); their "header: name" go to @dropped.
 */
void context_drop_unused(struct verdict_table *t, const struct diff *d,
			 const struct hdr_changes *hc,
			 struct source *srcs, size_t nsrc,
			 struct tl_strlist *dropped);

#endif
