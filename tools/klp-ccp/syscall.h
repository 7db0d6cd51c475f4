/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: SYSCALL_DEFINEn bodies. On x86 the body is __do_sys_<name>,
 * a static inline that exists only inlined into the wrappers the config
 * builds (__x64_sys_<name>, __ia32_sys_<name>, which take a pt_regs):
 * a fix of the body replaces those wrappers.
 */
#ifndef KLP_CCP_SYSCALL_H
#define KLP_CCP_SYSCALL_H

#include <stdbool.h>

#include "util.h"

#define SYSCALL_MAX_ARGS 6

/* What SYSCALL_DEFINEn(name, type, arg, ...) says, as written. */
struct syscall_sig {
	unsigned int nargs;
	char *types[SYSCALL_MAX_ARGS];
	char *args[SYSCALL_MAX_ARGS];
	unsigned int body;	/* offset of the body's '{' */
};

/* "__do_sys_foo" gives "foo", "__do_compat_sys_foo" "foo" (compat); else NULL. */
const char *syscall_of_body(const char *fn, bool *compat);
/*
 * Is @fn an x86 entry wrapper of @sys: __x64_sys_*, __ia32_sys_*, or for
 * a @compat body __x64_compat_sys_*, __ia32_compat_sys_*?
 */
bool syscall_is_wrapper(const char *fn, const char *sys, bool compat);
/* Parse the SYSCALL_DEFINEn(...) that starts at @start of @text. */
int syscall_sig_parse(const char *text, unsigned int start, unsigned int end,
		      struct syscall_sig *sig, struct tl_err *err);
void syscall_sig_free(struct syscall_sig *sig);
/* The new body's head: "static long <body>(type arg, ...)". */
void syscall_emit_body_head(struct strbuf *out, const struct syscall_sig *sig,
			    const char *body);
/* A function of @wrapper's ABI, named kgr_<wrapper>, calling @body. */
void syscall_emit_wrapper(struct strbuf *out, const struct syscall_sig *sig,
			  const char *wrapper, const char *body);

#endif
