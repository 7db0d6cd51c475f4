/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kpatch's kpatch-syscall.h for a fix written for kpatch-build: kgr's
 * KPATCH_SYSCALL_DEFINEn (with -I include/kgr/kpatch).
 */
#include <kgr/kpatch-compat.h>
