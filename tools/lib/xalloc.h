/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tools/lib: allocation, with one out-of-memory policy for every tool:
 * print "<tool>: out of memory" and exit. The tools are short-lived
 * command-line programs whose only sensible answer to a failed malloc
 * is to stop; an error path after every allocation would be code no test
 * reaches (git's xmalloc makes the same choice). Each tool's Makefile
 * names the tool (TL_PROG) and the exit status (TL_OOM_EXIT, the one its
 * contract gives a failure that is no verdict) when it builds xalloc.o.
 */
#ifndef TL_XALLOC_H
#define TL_XALLOC_H

#include <stddef.h>

__attribute__((noreturn)) void tl_oom(void);

/* Never NULL; a zero size still returns a unique pointer. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
