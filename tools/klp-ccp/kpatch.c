// SPDX-License-Identifier: GPL-2.0-or-later
/* klp-ccp: kpatch's macros, as include/kgr/kpatch-compat.h defines them. */
#include <stddef.h>
#include <string.h>

#include "kpatch.h"

static const struct kpatch_callback callbacks[] = {
	{ "__kgr_kpatch_pre_patch", "KPATCH_PRE_PATCH_CALLBACK", "pre_apply" },
	{ "__kgr_kpatch_post_patch", "KPATCH_POST_PATCH_CALLBACK", "post_apply" },
	{ "__kgr_kpatch_pre_unpatch", "KPATCH_PRE_UNPATCH_CALLBACK", "pre_revert" },
	{ "__kgr_kpatch_post_unpatch", "KPATCH_POST_UNPATCH_CALLBACK", "post_revert" },
};

const struct kpatch_callback *kpatch_callback(const char *var)
{
	size_t i;

	for (i = 0; i < sizeof(callbacks) / sizeof(callbacks[0]); i++)
		if (!strcmp(callbacks[i].var, var))
			return &callbacks[i];
	return NULL;
}

bool kpatch_ignores(const char *macro)
{
	return !strcmp(macro, "KPATCH_IGNORE_FUNCTION");
}

bool kpatch_forces(const char *macro)
{
	return !strcmp(macro, "KPATCH_FORCE_UNSAFE");
}

bool kpatch_header_include(const char *line)
{
	return strstr(line, "kpatch-macros.h") || strstr(line, "kpatch-syscall.h") ||
	       strstr(line, "kgr/kpatch-compat.h");
}

bool kpatch_compat_name(const char *name)
{
	return !strncmp(name, "klp_shadow_", 11) || !strncmp(name, "KPATCH_", 7);
}
