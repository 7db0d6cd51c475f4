/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: what a fix written for kpatch-build says with kpatch's macros
 * (include/kgr/kpatch-compat.h maps them onto kgr): its callbacks, the
 * functions it ignores or forces, and the header the patch then needs.
 */
#ifndef KLP_CCP_KPATCH_H
#define KLP_CCP_KPATCH_H

#include <stdbool.h>

#define KPATCH_COMPAT_INCLUDE "#include <kgr/kpatch-compat.h>"

/* A KPATCH_*_CALLBACK(): the variable it defines, and kgr's hook. */
struct kpatch_callback {
	const char *var, *macro, *hook;
};

/* The callback macro that defines @var, or NULL. */
const struct kpatch_callback *kpatch_callback(const char *var);
/* KPATCH_IGNORE_FUNCTION and KPATCH_FORCE_UNSAFE: they name a function. */
bool kpatch_ignores(const char *macro);
bool kpatch_forces(const char *macro);
/* An #include of kpatch's headers: the patch includes the compat header. */
bool kpatch_header_include(const char *line);
/* A name the compat header maps (klp_shadow_*, KPATCH_*). */
bool kpatch_compat_name(const char *name);

#endif
