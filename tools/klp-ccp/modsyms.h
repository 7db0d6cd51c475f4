/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: a module's symbols read from its .ko, for a target whose
 * kallsyms copy lacks the module (it was not loaded when the copy was
 * taken) or when there is no copy: --modules names the target's
 * /lib/modules/<version> (an unpacked linux-image package will do).
 */
#ifndef KLP_CCP_MODSYMS_H
#define KLP_CCP_MODSYMS_H

#include "util.h"

/* The .ko of module @mod (KBUILD_MODNAME) under @dir/kernel. */
int modsyms_path(const char *dir, const char *mod, char **path,
		 struct tl_err *err);
/* The names kallsyms lists for the module at @path, in its order. */
int modsyms_read(const char *path, struct tl_strlist *names,
		 struct tl_err *err);

#endif
