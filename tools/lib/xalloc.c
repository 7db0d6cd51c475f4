// SPDX-License-Identifier: GPL-2.0-or-later
/* tools/lib: allocation that exits on out-of-memory (see xalloc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#if !defined(TL_PROG) || !defined(TL_OOM_EXIT)
#error "the tool's Makefile defines TL_PROG and TL_OOM_EXIT (tools/lib/lib.mk)"
#endif

void tl_oom(void)
{
	fflush(stdout);
	fputs(TL_PROG ": out of memory\n", stderr);
	exit(TL_OOM_EXIT);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		tl_oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		tl_oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		tl_oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xcalloc(n + 1, 1);

	memcpy(p, s, n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}
