// SPDX-License-Identifier: GPL-2.0-or-later
/* Bad input of cocci-check: line 7 is not C. */
#include <kgr/kgr.h>

static int kgr_new_capable(int cap)
{
	return cap +;
}

static struct kgr_patch patch = {
	.name = "fixture",
	.patches = { KGR_PATCH(capable, kgr_new_capable, true), KGR_PATCH_END }
};
