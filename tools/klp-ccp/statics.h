/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: the running kernel's copy of a changed function's static
 * local, which the patch reaches through a shim instead of its own.
 */
#ifndef KLP_CCP_STATICS_H
#define KLP_CCP_STATICS_H

#include "parse.h"
#include "symvers.h"

/* A static local as kallsyms has it. */
struct local_sym {
	char *sym;		/* "last_msg.10" */
	unsigned long sympos;
};

/* Names of @m's definitions: the neighbours that place a sympos. */
size_t tu_def_names(const struct tu_model *m, char ***out);
/*
 * The symbol of static local @s of function @f (new code @m), which the
 * running code has with the same type: 0, or -1 with @err saying why
 * none is sure.
 */
int static_local_sym(const struct symbols *syms, const struct tu_model *m,
		     const struct entity *f, const struct local_static *s,
		     struct local_sym *out, struct tl_err *err);
/* Where the patch drops the declaration of @s: [@start, @end) of @m's text. */
void static_decl_range(const struct tu_model *m, const struct local_static *s,
		       unsigned int *start, unsigned int *end);

#endif
