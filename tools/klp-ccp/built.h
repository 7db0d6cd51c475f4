/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: whether the target's config builds a file at all. */
#ifndef KLP_CCP_BUILT_H
#define KLP_CCP_BUILT_H

#include "config.h"
#include "flags.h"

/*
 * 1: @cfg's Kbuild does not build @relpath (a .c file), *@why says which
 * Makefile line leaves it out; 0: it is built, or Kbuild could not tell
 * (the flags step then says why); -1 with @err set. If Kbuild had to be
 * asked, @recipe's lines (flags.h's kbuild_file_recipe()) ran in the same
 * make -n, whose output *@make_out gets (the caller frees it); else NULL.
 */
int built_check(const struct build_env *env, const struct kconfig *cfg,
		const char *relpath, const char *recipe, char **make_out,
		char **why, struct tl_err *err);

#endif
