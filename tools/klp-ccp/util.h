/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: small helpers shared by every file: errors, buffers, files. */
#ifndef KLP_CCP_UTIL_H
#define KLP_CCP_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Exit codes of the command line contract. */
enum { EXIT_PATCHABLE = 0, EXIT_NOT_PATCHABLE = 1, EXIT_USAGE = 2 };

/* An error travelling up to main, which prints it. */
struct ccp_err {
	char msg[1024];
};

int ccp_fail(struct ccp_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A growable string. */
struct strbuf {
	char *s;
	size_t len, cap;
};

void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *sb);

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grow *arr (of *cap elements of size @size) so that index @n fits. */
void grow(void *arr, size_t *cap, size_t n, size_t size);

int read_file(const char *path, char **text, size_t *len, struct ccp_err *err);
int write_file(const char *path, const char *text, size_t len,
	       struct ccp_err *err);

#endif
