/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: functions that kernel threads run. */
#ifndef KLP_CCP_KTHREAD_H
#define KLP_CCP_KTHREAD_H

#include <stddef.h>

/*
 * Does @text start a kernel thread running @fn (kthread_run(@fn, ...)
 * and the like)? The starter's name, and its line in *@line; else NULL.
 */
const char *kthread_starter(const char *text, size_t len, const char *fn,
			    unsigned int *line);

#endif
