// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: a cumulative (replace_all) patch supersedes the previous one:
 * once it is applied, every function the previous one replaced and it
 * does not goes back to the running kernel's code. Distributions ship the
 * fixes of patch N again in patch N+1, so such a function is a fix that
 * would silently disappear: it gets a row, and no patch is written.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "supersede.h"

/* A function the old patch replaces: KGR_PATCH*(name, new, [obj, ...]). */
struct replaced {
	char *name, *obj;	/* obj: NULL for vmlinux */
	unsigned int line;
};

static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The macro argument at *@p, trimmed, a string's quotes dropped; *@p moves past it. */
static char *next_arg(const char **p)
{
	const char *s = *p + strspn(*p, " \t\n"), *end;

	end = s + strcspn(s, ",)");
	*p = *end == ',' ? end + 1 : end;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	if (end - s >= 2 && *s == '"' && end[-1] == '"')
		return xstrndup(s + 1, end - s - 2);
	return xstrndup(s, end - s);
}

/* Every KGR_PATCH, KGR_PATCH_TYPED, KGR_PATCH_OBJ and KGR_PATCH_OBJPOS entry. */
static size_t read_replaced(const char *text, struct replaced **out)
{
	const char *p = text;
	size_t n = 0, cap = 0;
	unsigned int line = 1;
	const char *counted = text;

	*out = NULL;
	while ((p = strstr(p, "KGR_PATCH"))) {
		const char *m = p + 9, *open;
		bool has_obj;
		struct replaced *r;
		char *skip;

		if (p > text && is_ident(p[-1])) {
			p = m;
			continue;
		}
		for (open = m; is_ident(*open); open++)
			;
		has_obj = !strncmp(m, "_OBJ", 4);
		if (*open != '(' || (open != m && strncmp(m, "_TYPED", 6) && !has_obj)) {
			p = open;
			continue;
		}
		for (; counted < p; counted++)
			line += *counted == '\n';
		p = open + 1;
		tl_grow(out, &cap, n, sizeof(**out));
		r = &(*out)[n++];
		r->line = line;
		r->name = next_arg(&p);
		skip = next_arg(&p);
		free(skip);
		r->obj = has_obj ? next_arg(&p) : NULL;
		if (r->obj && !strcmp(r->obj, "NULL")) {
			free(r->obj);
			r->obj = NULL;
		}
	}
	return n;
}

/* kgr_patch.name of the patch source @text: the first .name = "..." of its table. */
static char *patch_name_of(const char *text)
{
	const char *p = strstr(text, "struct kgr_patch ");
	const char *name = p ? strstr(p, ".name = \"") : NULL;

	if (!name)
		return NULL;
	name += strlen(".name = \"");
	return xstrndup(name, strcspn(name, "\"\n"));
}

static bool same_obj(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* Does a target of @t replace @name of @obj (the wrappers of a syscall row)? */
static bool replaced_by(const struct verdict_table *t, const struct source *srcs,
			size_t nsrc, const char *name, const char *obj)
{
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		const struct row *r = &t->rows[i];

		if (!r->target)
			continue;
		if (r->patched_as.nr) {
			if (!obj && tl_strlist_has(&r->patched_as, name))
				return true;
			continue;
		}
		for (k = 0; k < nsrc && strcmp(srcs[k].fp->path, r->file); k++)
			;
		if (k < nsrc && !strcmp(r->name, name) &&
		    same_obj(source_module(&srcs[k]), obj))
			return true;
	}
	return false;
}

int supersede_check(struct verdict_table *t, const char *old_patch,
		    const char *new_name, const struct source *srcs,
		    size_t nsrc, size_t *nold, struct tl_err *err)
{
	struct replaced *old;
	char *text, *old_name;
	size_t len, i;
	int ret = 0;

	if (read_file(old_patch, &text, &len, err))
		return -1;
	*nold = read_replaced(text, &old);
	old_name = patch_name_of(text);
	free(text);
	if (!*nold)
		ret = tl_fail(err, "%s: no KGR_PATCH entry: not the source of a kgr patch",
			      old_patch);
	/* kgr refuses a second patch of a name (and insmod a second module). */
	else if (old_name && !strcmp(old_name, new_name))
		ret = tl_fail(err, "%s: the superseded patch is named %s too: kgr refuses a patch of the name of a loaded one; name the new one with -o",
			      old_patch, old_name);
	for (i = 0; i < *nold; i++) {
		if (!ret && !replaced_by(t, srcs, nsrc, old[i].name, old[i].obj))
			verdict_reverted(t, old_patch, old[i].line, old[i].name,
					 old[i].obj);
		free(old[i].name);
		free(old[i].obj);
	}
	free(old);
	free(old_name);
	return ret;
}
