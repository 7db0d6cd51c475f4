/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: Kbuild's compiler probes answered from a cache (probe.c). */
#ifndef KLP_CCP_PROBES_H
#define KLP_CCP_PROBES_H

#include "flags.h"

/*
 * Unless KLP_CCP_PROBE_CACHE=off, sets @env's probe_bin, links to
 * klp-ccp-probe in its tmpdir, and probe_cache, the cache they share.
 */
int probes_setup(struct build_env *env, struct tl_err *err);
/* Appends to @sh, before its "make -n M=@mdir", the cache's variables. */
void probes_env(const struct build_env *env, const char *mdir,
		struct strbuf *sh);
/* Appends to @sh, among make's arguments, a try-run that reuses one dir. */
void probes_try_run(const char *mdir, struct strbuf *sh);
void probes_free(struct build_env *env);

#endif
