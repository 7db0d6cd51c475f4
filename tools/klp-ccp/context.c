// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: which changed header definitions the run's .c files use. The
 * bench hands each .c the diffs of the headers it includes: a struct of
 * lockdep.h that grows a field must not make every includer NEEDS SHADOW
 * VARIABLE, nor a list.h inline no function of it calls NOT PATCHABLE.
 */
#include <stdlib.h>
#include <string.h>

#include "context.h"

static bool is_diff_header(const struct diff *d, const char *path)
{
	size_t i, n = strlen(path);

	if (n < 2 || strcmp(path + n - 2, ".h"))
		return false;
	for (i = 0; i < d->nfiles; i++)
		if (!strcmp(d->files[i].path, path))
			return true;
	return false;
}

/* Does @e's code access field @field ("-> f" or ". f")? */
static bool accesses_field(const struct entity *e, const char *field)
{
	struct strbuf arrow = { 0 }, dot = { 0 };
	bool hit;

	sb_printf(&arrow, "-> %s ", field);
	sb_printf(&dot, ". %s ", field);
	hit = e->code && (strstr(e->code, arrow.s) || strstr(e->code, dot.s));
	sb_free(&arrow);
	sb_free(&dot);
	return hit;
}

/*
 * A field of type @name whose "name@offset" is not in the old layout: a
 * new or moved one, which a .c may use without spelling the type.
 */
static bool uses_changed_field(struct source *s, const char *name,
			       const struct entity *e)
{
	struct entity *nt = tu_find(&s->new, name, ENT_TYPE, false);
	struct entity *ot = tu_find(&s->old, name, ENT_TYPE, false);
	const char *p;

	if (!nt || !ot || !nt->layout || !ot->layout)
		return false;
	for (p = strchr(nt->layout, ';'); p; p = strchr(p + 1, ';')) {
		size_t len = strcspn(p + 1, ";");
		char *f = xstrndup(p + 1, len), *at = strchr(f, '@');
		bool hit = false;
		struct strbuf same = { 0 };

		sb_printf(&same, ";%s;", f);
		if (at) {
			struct strbuf old_layout = { 0 };

			sb_printf(&old_layout, "%s;", ot->layout);
			*at = '\0';
			hit = !strstr(old_layout.s, same.s) && accesses_field(e, f);
			sb_free(&old_layout);
		}
		sb_free(&same);
		free(f);
		if (hit)
			return true;
	}
	return false;
}

/* A function pointer field of type @name whose prototype changes, used by @e. */
static bool uses_changed_fn_field(struct source *s, const char *name,
				  const struct entity *e)
{
	struct entity *nt = tu_find(&s->new, name, ENT_TYPE, false);
	struct entity *ot = tu_find(&s->old, name, ENT_TYPE, false);
	const char *p;
	bool hit = false;

	for (p = nt && ot ? nt->fn_fields : NULL; p && !hit && (p = strchr(p, ';')); p++) {
		size_t len = strcspn(p + 1, ";");
		char *f = xstrndup(p, len + 1), *eq = strchr(f, '=');
		struct strbuf in = { 0 }, want = { 0 };

		sb_printf(&in, "%s;", ot->fn_fields ? ot->fn_fields : "");
		sb_printf(&want, "%s;", f);
		if (eq && !strstr(in.s, want.s)) {
			*eq = '\0';
			hit = accesses_field(e, f + 1);
		}
		sb_free(&in);
		sb_free(&want);
		free(f);
	}
	return hit;
}

static bool source_uses(struct source *s, const char *name)
{
	size_t i, k;

	for (i = 0; i < s->new.n; i++) {
		const struct entity *e = &s->new.ents[i];

		if (e->where != IN_MAIN)
			continue;
		/* A prototype the header changes of a function the .c defines. */
		if (!strcmp(e->name, name))
			return true;
		for (k = 0; k < e->nrefs; k++)
			if (!strcmp(e->refs[k].name, name))
				return true;
		if (uses_changed_field(s, name, e) ||
		    uses_changed_fn_field(s, name, e))
			return true;
	}
	return false;
}

static bool used(const struct row *r, const struct hdr_changes *hc,
		 struct source *srcs, size_t nsrc)
{
	size_t i;

	for (i = 0; i < hc->n; i++)
		if (!strcmp(hc->defs[i].name, r->name) &&
		    !strcmp(hc->defs[i].relpath, r->file))
			return hc->defs[i].callers.nr > 0;
	for (i = 0; i < nsrc; i++)
		if (source_uses(&srcs[i], r->name))
			return true;
	return false;
}

void context_drop_unused(struct verdict_table *t, const struct diff *d,
			 const struct hdr_changes *hc,
			 struct source *srcs, size_t nsrc,
			 struct tl_strlist *dropped)
{
	size_t i = 0;

	while (i < t->n) {
		struct row *r = &t->rows[i];
		struct strbuf what = { 0 };

		if (r->v == V_TOOL_ERROR || !is_diff_header(d, r->file) ||
		    used(r, hc, srcs, nsrc)) {
			i++;
			continue;
		}
		sb_printf(&what, "%s: %s", r->file, r->name);
		tl_strlist_add(dropped, what.s);
		sb_free(&what);
		verdict_drop(t, i);
	}
}
