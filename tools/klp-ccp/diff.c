// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: parse a unified diff and apply it to copies of the files in
 * memory. The kernel tree is never written: a diff that does not apply
 * leaves nothing behind.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"

/* Strip the a/ or b/ of "--- a/x" and any tab-separated timestamp. */
static char *diff_path(const char *line)
{
	const char *p = line + 4;
	size_t n = strcspn(p, "\t\n");

	while (n && p[n - 1] == ' ')
		n--;
	if (n > 2 && (p[0] == 'a' || p[0] == 'b') && p[1] == '/') {
		p += 2;
		n -= 2;
	}
	return xstrndup(p, n);
}

static int parse_range(const char **p, unsigned int *start,
		       unsigned int *count)
{
	char *end;

	*start = strtoul(*p, &end, 10);
	if (end == *p)
		return -1;
	*count = 1;
	if (*end == ',') {
		const char *c = end + 1;

		*count = strtoul(c, &end, 10);
		if (end == c)
			return -1;
	}
	*p = end;
	return 0;
}

static int parse_hunk_header(const char *line, struct hunk *h)
{
	const char *p = line + 3;

	if (*p++ != '-' || parse_range(&p, &h->old_start, &h->old_count))
		return -1;
	if (*p++ != ' ' || *p++ != '+' ||
	    parse_range(&p, &h->new_start, &h->new_count))
		return -1;
	return strncmp(p, " @@", 3) ? -1 : 0;
}

/* A path must name a file inside the tree: relative, without "..". */
static int check_path(const char *path)
{
	const char *p = path;

	if (!*path || path[0] == '/')
		return -1;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2))
			return -1;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

int diff_parse(const char *diff_path_name, struct diff *d, struct tl_err *err)
{
	char *text, *line, *next;
	size_t len;
	unsigned int lineno = 0, old_left = 0, new_left = 0;
	struct file_patch *fp = NULL;
	struct hunk *h = NULL;

	d->name = xstrdup(diff_path_name);
	if (read_file(diff_path_name, &text, &len, err))
		return -1;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (h && (old_left || new_left)) {
			char op = *line ? *line : ' ';

			if (op != ' ' && op != '-' && op != '+')
				goto bad_hunk;
			if ((op != '+' && !old_left) ||
			    (op != '-' && !new_left))
				goto bad_hunk;
			tl_grow(&h->lines, &h->cap, h->nlines, sizeof(*h->lines));
			h->lines[h->nlines].op = op;
			h->lines[h->nlines++].text = xstrdup(*line ? line + 1 : "");
			if (op != '+')
				old_left--;
			if (op != '-')
				new_left--;
			continue;
		}
		if (!strncmp(line, "--- ", 4) && next && !strncmp(next, "+++ ", 4)) {
			char *old = diff_path(line);

			line = next;
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			lineno++;
			tl_grow(&d->files, &d->cap, d->nfiles, sizeof(*d->files));
			fp = &d->files[d->nfiles++];
			fp->path = diff_path(line);
			h = NULL;
			/* A created or deleted file is named by its other side. */
			if (!strcmp(old, "/dev/null")) {
				fp->change = FILE_CREATED;
			} else if (!strcmp(fp->path, "/dev/null")) {
				fp->change = FILE_DELETED;
				free(fp->path);
				fp->path = old;
				old = NULL;
			}
			free(old);
			if (check_path(fp->path)) {
				free(text);
				return tl_fail(err, "%s:%u: %s is outside the kernel tree",
						diff_path_name, lineno, fp->path);
			}
			continue;
		}
		if (!strncmp(line, "@@ ", 3)) {
			if (!fp)
				goto bad_hunk;
			tl_grow(&fp->hunks, &fp->cap, fp->nhunks, sizeof(*fp->hunks));
			h = &fp->hunks[fp->nhunks++];
			h->diff_line = lineno;
			if (parse_hunk_header(line, h))
				goto bad_hunk;
			old_left = h->old_count;
			new_left = h->new_count;
			continue;
		}
		/* Anything else is commentary (git headers, "\ No newline"). */
	}
	if (old_left || new_left)
		goto bad_hunk;
	free(text);
	if (!d->nfiles)
		return tl_fail(err, "%s: not a unified diff (no ---/+++ file header)",
				diff_path_name);
	return 0;
bad_hunk:
	free(text);
	return tl_fail(err, "%s:%u: malformed hunk", diff_path_name, lineno);
}

/* The file as an array of lines (pointers into @text, no copies). */
struct lines {
	const char **start;
	size_t *len;
	size_t n;
};

static void split_lines(const char *text, size_t tlen, struct lines *l)
{
	size_t cap = 0, cap2 = 0, i = 0;

	l->start = NULL;
	l->len = NULL;
	l->n = 0;
	while (i < tlen) {
		const char *nl = memchr(text + i, '\n', tlen - i);
		size_t end = nl ? (size_t)(nl - text) : tlen;

		tl_grow(&l->start, &cap, l->n, sizeof(*l->start));
		tl_grow(&l->len, &cap2, l->n, sizeof(*l->len));
		l->start[l->n] = text + i;
		l->len[l->n++] = end - i;
		i = end + 1;
	}
}

static int hunk_matches_at(const struct lines *l, const struct hunk *h,
			   size_t at)
{
	size_t k = at, i;

	for (i = 0; i < h->nlines; i++) {
		if (h->lines[i].op == '+')
			continue;
		if (k >= l->n || l->len[k] != strlen(h->lines[i].text) ||
		    memcmp(l->start[k], h->lines[i].text, l->len[k]))
			return 0;
		k++;
	}
	return 1;
}

/*
 * The function around line @line (1-based) of @text, the way git names a
 * hunk: the nearest line above that starts with an identifier and opens a
 * parenthesis; its name is the identifier before it (a SYSCALL_DEFINEn's
 * first argument). NULL if there is none.
 */
static char *function_at(const char *text, size_t tlen, unsigned int line)
{
	const char *p = text, *heading = NULL, *end = text + tlen;
	unsigned int n;

	for (n = 1; n <= line && p < end; n++) {
		const char *nl = memchr(p, '\n', end - p);
		const char *paren = memchr(p, '(', (nl ? nl : end) - p);

		if ((isalpha((unsigned char)*p) || *p == '_') && paren &&
		    (nl ? nl : end)[-1] != ';')
			heading = p;
		p = nl ? nl + 1 : end;
	}
	if (!heading)
		return NULL;
	p = strchr(heading, '(');
	if (p - heading > 14 && !strncmp(p - 15, "SYSCALL_DEFINE", 14)) {
		heading = p + 1;
		p = heading + strcspn(heading, ",)");
	}
	for (end = p; p > heading && (isalnum((unsigned char)p[-1]) || p[-1] == '_'); p--)
		;
	return p < end ? xstrndup(p, end - p) : NULL;
}

/*
 * A hunk of a later fix that does not apply where earlier fixes changed the
 * file: they change the same lines, and one patch cannot hold both versions.
 */
static int conflict(const char *diff_name, const struct file_patch *c,
		    const struct hunk *h, size_t k, const char *earlier,
		    struct tl_err *err)
{
	unsigned int line = h->old_start;
	char *fn;
	size_t i;

	for (i = 0; i < h->nlines && h->lines[i].op == ' '; i++)
		line++;
	fn = function_at(c->old_text, c->old_len, line);
	tl_fail(err, "%s:%u: hunk %zu of %s does not apply on top of %s: both change %s%s; combine them in one fix",
		diff_name, h->diff_line, k + 1, c->path, earlier,
		fn ? fn : "the same lines", fn ? "()" : "");
	free(fn);
	return -1;
}

/*
 * Like patch(1) without fuzz: each hunk's old lines must match exactly,
 * at the stated line or the nearest offset from it, after the previous
 * hunk. @base is the file as the tree or the fixes before this one
 * (named by @earlier, NULL for none) left it; @fp's new text is the result.
 */
static int apply_one(const char *diff_name, struct file_patch *fp,
		     const struct file_patch *hunks, const char *base,
		     size_t base_len, const char *earlier, struct tl_err *err)
{
	struct lines l;
	struct strbuf out = { 0 };
	size_t pos = 0, k, i;

	split_lines(base, base_len, &l);
	for (k = 0; k < hunks->nhunks; k++) {
		struct hunk *h = &hunks->hunks[k];
		size_t want = h->old_start ? h->old_start - 1 : 0;
		size_t found = SIZE_MAX, d;

		if (!h->old_count)	/* pure insertion after line old_start */
			want = h->old_start;
		for (d = 0; found == SIZE_MAX && d <= l.n; d++) {
			if (want >= d && want - d >= pos &&
			    hunk_matches_at(&l, h, want - d))
				found = want - d;
			else if (want + d <= l.n && want + d >= pos &&
				 hunk_matches_at(&l, h, want + d))
				found = want + d;
		}
		if (found == SIZE_MAX) {
			free(l.start);
			free(l.len);
			sb_free(&out);
			if (earlier)
				return conflict(diff_name, fp, h, k, earlier, err);
			return tl_fail(err, "%s:%u: hunk %zu of %s (@@ -%u,%u +%u,%u @@) does not apply: its context is not in the file",
					diff_name, h->diff_line, k + 1, fp->path,
					h->old_start, h->old_count,
					h->new_start, h->new_count);
		}
		for (; pos < found; pos++) {
			sb_add(&out, l.start[pos], l.len[pos]);
			sb_puts(&out, "\n");
		}
		for (i = 0; i < h->nlines; i++) {
			if (h->lines[i].op == '-') {
				pos++;
				continue;
			}
			sb_puts(&out, h->lines[i].text);
			sb_puts(&out, "\n");
			if (h->lines[i].op == ' ')
				pos++;
		}
	}
	for (; pos < l.n; pos++) {
		sb_add(&out, l.start[pos], l.len[pos]);
		sb_puts(&out, "\n");
	}
	free(l.start);
	free(l.len);
	if (!out.s)
		sb_add(&out, "", 0);
	free(fp->new_text);
	fp->new_text = out.s;
	fp->new_len = out.len;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The entry of @fp's file in @combined, a new one (text not read yet) if none. */
static struct file_patch *combined_file(struct diff *combined,
					const struct file_patch *fp,
					bool *is_new)
{
	struct file_patch *c;
	size_t i;

	for (i = 0; i < combined->nfiles; i++)
		if (!strcmp(combined->files[i].path, fp->path)) {
			*is_new = false;
			return &combined->files[i];
		}
	tl_grow(&combined->files, &combined->cap, combined->nfiles,
		sizeof(*combined->files));
	c = &combined->files[combined->nfiles++];
	c->path = xstrdup(fp->path);
	c->change = fp->change;
	*is_new = true;
	return c;
}

/* The tree's text of a file @fp changes or deletes; "" for one it creates. */
static int read_old(const char *src, struct file_patch *c, struct tl_err *err)
{
	struct strbuf path = { 0 };
	int ret = 0;

	sb_printf(&path, "%s/%s", src, c->path);
	if (c->change == FILE_CREATED) {
		if (!access(path.s, F_OK))
			ret = tl_fail(err, "%s: the diff creates it but the kernel tree %s already has it",
				      c->path, src);
		else
			c->old_text = xstrdup("");
	} else if (read_file(path.s, &c->old_text, &c->old_len, err)) {
		ret = tl_fail(err, "%s: not a file of the kernel tree %s",
			      c->path, src);
	}
	sb_free(&path);
	return ret;
}

/*
 * Each fix of @fixes applies in order on top of the ones before it, as a
 * series: @combined gets one file_patch per file, with the tree's text and
 * the text after every fix (and no hunks).
 */
int diff_apply(const char *src, const struct diff *fixes, size_t nfixes,
	       bool (*skip)(const char *path), struct diff *combined,
	       struct tl_err *err)
{
	struct strbuf names = { 0 };
	size_t f, i;

	for (f = 0; f < nfixes; f++)
		sb_printf(&names, "%s%s", f ? ", " : "", base_name(fixes[f].name));
	combined->name = names.s;
	for (f = 0; f < nfixes; f++) {
		for (i = 0; i < fixes[f].nfiles; i++) {
			const struct file_patch *fp = &fixes[f].files[i];
			const char *fix = base_name(fixes[f].name);
			struct file_patch *c;
			struct strbuf by = { 0 };
			bool is_new;

			c = combined_file(combined, fp, &is_new);
			if (!is_new && (c->change == FILE_DELETED ||
					fp->change == FILE_CREATED))
				return tl_fail(err, "%s: %s %s it, but %s %s it already",
					       fp->path, fixes[f].name,
					       fp->change == FILE_CREATED ? "creates" : "changes",
					       c->changed_by,
					       c->change == FILE_DELETED ? "deletes" : "creates");
			if (!skip(fp->path) &&
			    ((is_new && read_old(src, c, err)) ||
			     apply_one(fixes[f].name, c, fp,
				       is_new ? c->old_text : c->new_text,
				       is_new ? c->old_len : c->new_len,
				       is_new ? NULL : c->changed_by, err)))
				return -1;
			sb_printf(&by, "%s%s%s", is_new ? "" : c->changed_by,
				  is_new ? "" : ", ", fix);
			free(c->changed_by);
			c->changed_by = by.s;
			if (fp->change == FILE_DELETED)
				c->change = FILE_DELETED;
		}
	}
	return 0;
}

void diff_free(struct diff *d)
{
	size_t i, k, j;

	for (i = 0; i < d->nfiles; i++) {
		struct file_patch *fp = &d->files[i];

		for (k = 0; k < fp->nhunks; k++) {
			for (j = 0; j < fp->hunks[k].nlines; j++)
				free(fp->hunks[k].lines[j].text);
			free(fp->hunks[k].lines);
		}
		free(fp->hunks);
		free(fp->path);
		free(fp->old_text);
		free(fp->new_text);
		free(fp->changed_by);
	}
	free(d->files);
	free(d->name);
	memset(d, 0, sizeof(*d));
}
