/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: a header's parses, kept between runs ($KLP_CCP_PARSE_CACHE).
 */
#ifndef KLP_CCP_TUCACHE_H
#define KLP_CCP_TUCACHE_H

#include "parse.h"

struct tu_cache {
	const char *dir;	/* NULL: no cache */
	const char *tmpdir;	/* this run's scratch dir, which the flags name */
};

/* @tc from $KLP_CCP_PARSE_CACHE (its directory made); none if unset or empty. */
int tucache_setup(struct tu_cache *tc, const char *tmpdir, struct tl_err *err);

/*
 * parse_tu(), answered from @tc's directory when a run before parsed the
 * same: same klp-ccp, libclang, flags and main file, and every file it
 * read as this run would read it. @tc NULL: parse_tu().
 */
int parse_tu_cached(const struct tu_cache *tc, const struct unsaved *files,
		    size_t nfiles, char *const *argv, int argc,
		    const char *src, bool header_inlines, struct tu_model *m,
		    struct tl_err *err);

#endif
