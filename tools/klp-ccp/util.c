// SPDX-License-Identifier: GPL-2.0-or-later
/* klp-ccp: error, buffer and file helpers. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int ccp_fail(struct ccp_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void die_oom(void)
{
	fputs("klp-ccp: out of memory\n", stderr);
	exit(EXIT_USAGE);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		die_oom();
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

void grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void **p = arr;
	size_t old = *cap;

	if (n < *cap)
		return;
	*cap = n * 2 + 8;
	*p = xrealloc(*p, *cap * size);
	memset((char *)*p + old * size, 0, (*cap - old) * size);
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		sb->cap = (sb->len + n + 1) * 2;
		sb->s = xrealloc(sb->s, sb->cap);
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(small)) {
		sb_add(sb, small, n);
		return;
	}
	char *big = xcalloc(n + 1, 1);

	va_start(ap, fmt);
	vsnprintf(big, n + 1, fmt, ap);
	va_end(ap);
	sb_add(sb, big, n);
	free(big);
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

int read_file(const char *path, char **text, size_t *len, struct ccp_err *err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[65536];
	size_t n;

	if (!f)
		return ccp_fail(err, "%s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	if (ferror(f)) {
		fclose(f);
		sb_free(&sb);
		return ccp_fail(err, "%s: read error", path);
	}
	fclose(f);
	if (!sb.s)
		sb_add(&sb, "", 0);
	*text = sb.s;
	*len = sb.len;
	return 0;
}

int write_file(const char *path, const char *text, size_t len,
	       struct ccp_err *err)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return ccp_fail(err, "%s: %s", path, strerror(errno));
	bool short_write = fwrite(text, 1, len, f) != len;

	if (fclose(f) != 0 || short_write)
		return ccp_fail(err, "%s: write error", path);
	return 0;
}
