/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: a cumulative patch keeps every function of the one it supersedes. */
#ifndef KLP_CCP_SUPERSEDE_H
#define KLP_CCP_SUPERSEDE_H

#include "extract.h"

/*
 * A NOT PATCHABLE row in @t for each function the patch source @old_patch
 * replaces and @t's targets (in @srcs) do not; *@nold: how many it replaces.
 * An unreadable @old_patch, one without KGR_PATCH entries, or one named
 * @new_name (the new patch's kgr_patch.name) is an error.
 */
int supersede_check(struct verdict_table *t, const char *old_patch,
		    const char *new_name, const struct source *srcs,
		    size_t nsrc, size_t *nold, struct tl_err *err);

#endif
