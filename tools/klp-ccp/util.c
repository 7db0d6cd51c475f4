// SPDX-License-Identifier: GPL-2.0-or-later
/* klp-ccp: buffer and file helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

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

char *replace_all(const char *s, const char *from, const char *to)
{
	struct strbuf out = { 0 };
	size_t fl = strlen(from);
	const char *p;

	while (fl && (p = strstr(s, from))) {
		sb_add(&out, s, p - s);
		sb_puts(&out, to);
		s = p + fl;
	}
	sb_puts(&out, s);
	return out.s;
}

uint64_t fnv1a(const void *s, size_t len)
{
	const unsigned char *p = s;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

int read_file(const char *path, char **text, size_t *len, struct tl_err *err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[65536];
	size_t n;

	if (!f)
		return tl_fail(err, "%s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	if (ferror(f)) {
		fclose(f);
		sb_free(&sb);
		return tl_fail(err, "%s: read error", path);
	}
	fclose(f);
	if (!sb.s)
		sb_add(&sb, "", 0);
	*text = sb.s;
	*len = sb.len;
	return 0;
}

/* The decompressor of a file of that suffix: what distributions ship. */
static const char *decompressor(const char *path)
{
	static const char *const map[][2] = {
		{ ".xz", "xz" }, { ".zst", "zstd" }, { ".gz", "gzip" },
	};
	size_t i, n = strlen(path);

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t k = strlen(map[i][0]);

		if (n > k && !strcmp(path + n - k, map[i][0]))
			return map[i][1];
	}
	return NULL;
}

int read_file_any(const char *path, char **text, size_t *len,
		  struct tl_err *err)
{
	const char *tool = decompressor(path);
	struct strbuf cmd = { 0 }, out = { 0 };
	char buf[65536];
	size_t n;
	FILE *p;

	if (!tool)
		return read_file(path, text, len, err);
	if (access(path, R_OK))
		return tl_fail(err, "%s: %s", path, strerror(errno));
	if (strchr(path, '\''))
		return tl_fail(err, "%s: unsupported quote in path", path);
	sb_printf(&cmd, "%s -dc '%s' 2>/dev/null", tool, path);
	p = popen(cmd.s, "r");
	sb_free(&cmd);
	if (!p)
		return tl_fail(err, "%s: cannot run %s", path, tool);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_add(&out, buf, n);
	if (pclose(p) != 0 || !out.len) {
		sb_free(&out);
		return tl_fail(err, "%s: not a valid %s file (or no %s installed)",
			       path, strrchr(path, '.'), tool);
	}
	*text = out.s;
	*len = out.len;
	return 0;
}

int write_file(const char *path, const char *text, size_t len,
	       struct tl_err *err)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return tl_fail(err, "%s: %s", path, strerror(errno));
	bool short_write = fwrite(text, 1, len, f) != len;

	if (fclose(f) != 0 || short_write)
		return tl_fail(err, "%s: write error", path);
	return 0;
}

/* @p with "//", "/./" and "dir/../" resolved, as text: no symlinks read. */
static char *path_lexical(const char *p)
{
	size_t len = strlen(p), n = 0, depth = 0, l;
	size_t *starts = xcalloc(len + 1, sizeof(*starts));
	char *out = xcalloc(len + 2, 1);
	const char *seg, *end;

	for (seg = p; *seg; seg = *end ? end + 1 : end) {
		end = seg + strcspn(seg, "/");
		l = end - seg;
		if (!l || (l == 1 && *seg == '.'))
			continue;
		if (l == 2 && !strncmp(seg, "..", 2) && depth &&
		    strcmp(out + starts[depth - 1], "..")) {
			n = starts[--depth];
			n -= n > 0;	/* the '/' before it */
			out[n] = '\0';
			continue;
		}
		if (n || *p == '/')
			out[n++] = '/';
		starts[depth++] = n;
		memcpy(out + n, seg, l);
		n += l;
		out[n] = '\0';
	}
	free(starts);
	return out;
}

bool same_path(const char *a, const char *b)
{
	char *x = path_lexical(a), *y = path_lexical(b);
	bool same = !strcmp(x, y);

	free(x);
	free(y);
	return same;
}

bool ident_written_at(const char *text, size_t len, size_t off, const char *name)
{
	size_t n = strlen(name);
	char next;

	if (off + n > len || strncmp(text + off, name, n))
		return false;
	next = off + n < len ? text[off + n] : 0;
	return !(next == '_' || isalnum((unsigned char)next));
}

void time_phase(const char *what)
{
	static int on = -1;
	static struct timespec last;
	struct timespec now;

	if (on < 0) {
		on = getenv("KLP_CCP_TIMES") != NULL;
		clock_gettime(CLOCK_MONOTONIC, &last);
	}
	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "klp-ccp: time %.3f %s\n", (now.tv_sec - last.tv_sec) +
		(now.tv_nsec - last.tv_nsec) / 1e9, what);
	last = now;
}
