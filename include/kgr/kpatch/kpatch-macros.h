/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kpatch's kpatch-macros.h for a fix written for kpatch-build: kgr's
 * mapping of the callback, ignore and force macros (with -I include/kgr/kpatch).
 */
#include <kgr/kpatch-compat.h>
