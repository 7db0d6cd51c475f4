// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: the callers of a changed header definition.
 *
 * The set starts with the static inlines and macros the diff changes in a
 * header and grows by what uses them: the header's other inlines and
 * macros, include/'s static inlines (the functions they call, as the parse
 * kept them), and a .c file's own static inlines and macros. A non-inline
 * function of the .c that uses one of the set is a caller: it is patched
 * with the new code compiled in. Functions are matched by the calls clang
 * resolved; macros by name among the tokens (a macro is not resolved
 * until expanded).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callers.h"

/* A static inline or macro of the .c (or its local headers) in the set. */
struct local_node {
	const char *name;
	bool macro;
	struct tl_strlist deps;
};

struct closure {
	struct hdr_changes *hc;
	struct local_node *nodes;
	size_t n, cap;
};

static struct hdr_def *find_def(const struct hdr_changes *hc, const char *name)
{
	size_t i;

	for (i = 0; i < hc->n; i++)
		if (!strcmp(hc->defs[i].name, name))
			return &hc->defs[i];
	return NULL;
}

static struct local_node *find_node(const struct closure *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->nodes[i].name, name))
			return &c->nodes[i];
	return NULL;
}

static bool refs_func(const struct entity *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nrefs; i++)
		if (e->refs[i].kind == ENT_FUNC && !strcmp(e->refs[i].name, name))
			return true;
	return false;
}

/*
 * Does @e use @name, a function (@macro false) or macro of the set? A
 * macro's body is only tokens: any name of the set spelled there counts.
 */
static bool uses(const struct entity *e, const char *name, bool macro)
{
	if (e->kind == ENT_MACRO || macro)
		return tokens_have(e->code, name);
	return refs_func(e, name);
}

/* The names of the set @e uses, into @deps; how many. */
static size_t deps_of(const struct closure *c, const struct entity *e,
		      struct tl_strlist *deps)
{
	size_t i;

	for (i = 0; i < c->hc->n; i++) {
		const struct hdr_def *d = &c->hc->defs[i];

		if (strcmp(d->name, e->name) && uses(e, d->name, d->kind == ENT_MACRO) &&
		    !tl_strlist_has(deps, d->name))
			tl_strlist_add(deps, d->name);
	}
	for (i = 0; i < c->n; i++)
		if (strcmp(c->nodes[i].name, e->name) &&
		    uses(e, c->nodes[i].name, c->nodes[i].macro) &&
		    !tl_strlist_has(deps, c->nodes[i].name))
			tl_strlist_add(deps, c->nodes[i].name);
	return deps->nr;
}

/* What a caller or a node may pass through: static inlines and macros. */
static bool is_link(const struct entity *e)
{
	return e->kind == ENT_MACRO ||
	       (e->kind == ENT_FUNC && e->definition && e->internal && is_inline(e));
}

static bool is_included(const char *relpath)
{
	return !strncmp(relpath, "include/", 8) ||
	       !strncmp(relpath, "arch/x86/include/", 17);
}

static struct hdr_def *add_def(struct hdr_changes *hc, const char *name,
			       enum ent_kind kind, const char *file,
			       const char *relpath)
{
	struct hdr_def *d;

	tl_grow(&hc->defs, &hc->cap, hc->n, sizeof(*hc->defs));
	d = &hc->defs[hc->n++];
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(name);
	d->kind = kind;
	d->file = xstrdup(file);
	d->relpath = xstrdup(relpath);
	d->included = is_included(relpath);
	return d;
}

void hdr_add_def(struct hdr_changes *hc, const struct entity *e,
		 const char *relpath, bool changed)
{
	struct hdr_def *d = add_def(hc, e->name, e->kind, e->file, relpath);

	d->changed = changed;
	d->line = e->line;
	d->start = e->start;
	d->end = e->end;
}

void hdr_add_alias(struct hdr_changes *hc, const char *member,
		   const char *old_member)
{
	size_t i;

	/* Two types alias it to different members: no one #define is right. */
	for (i = 0; i < hc->alias_new.nr; i++) {
		if (strcmp(hc->alias_new.names[i], member))
			continue;
		if (strcmp(hc->alias_old.names[i], old_member))
			hc->alias_old.names[i][0] = '\0';
		return;
	}
	tl_strlist_add(&hc->alias_new, member);
	tl_strlist_add(&hc->alias_old, old_member);
}

void hdr_close_header(struct hdr_changes *hc, struct tu_model *m,
		      const char *relpath)
{
	struct closure c = { .hc = hc };
	bool grew = true;
	size_t i;

	while (grew) {
		grew = false;
		for (i = 0; i < m->n; i++) {
			struct entity *e = &m->ents[i];
			struct tl_strlist deps = { 0 };
			struct hdr_def *d;

			if (e->where != IN_MAIN || !is_link(e) || find_def(hc, e->name) ||
			    !deps_of(&c, e, &deps)) {
				tl_strlist_free(&deps);
				continue;
			}
			d = add_def(hc, e->name, e->kind, e->file, relpath);
			d->line = e->line;
			d->start = e->start;
			d->end = e->end;
			tl_strlist_free(&deps);
			grew = true;
		}
	}
	/* What each definition of this header uses, once the set is whole. */
	for (i = 0; i < m->n; i++) {
		struct entity *e = &m->ents[i];
		struct hdr_def *d = e->where == IN_MAIN ? find_def(hc, e->name) : NULL;

		if (d && !strcmp(d->relpath, relpath) && d->kind == e->kind && !d->deps.nr)
			deps_of(&c, e, &d->deps);
	}
}

/* include/'s static inlines that call one of the set join it. */
static bool grow_by_header_inlines(struct closure *c, struct tu_model *m)
{
	size_t i, k;
	bool grew = false;

	for (i = 0; i < m->ninlines; i++) {
		const struct hdr_inline *h = &m->inlines[i];
		struct tl_strlist deps = { 0 };
		struct hdr_def *d;

		if (find_def(c->hc, h->name) || find_node(c, h->name))
			continue;
		for (k = 0; k < h->calls.nr; k++) {
			d = find_def(c->hc, h->calls.names[k]);
			if (d && d->kind == ENT_FUNC)
				tl_strlist_add(&deps, d->name);
		}
		if (!deps.nr)
			continue;
		/* never changed itself: its path is for the patch only */
		d = add_def(c->hc, h->name, ENT_FUNC, h->file, h->file);
		d->included = true;
		d->line = h->line;
		d->start = h->start;
		d->end = h->end;
		d->deps = deps;
		grew = true;
	}
	return grew;
}

/* The .c's own static inlines and macros that use the set join it. */
static bool grow_by_file(struct closure *c, struct tu_model *m)
{
	bool grew = false;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct entity *e = &m->ents[i];
		struct tl_strlist deps = { 0 };
		struct local_node *nd;

		if (e->where == IN_SYSTEM || !is_link(e) || find_node(c, e->name) ||
		    find_def(c->hc, e->name) || !deps_of(c, e, &deps)) {
			tl_strlist_free(&deps);
			continue;
		}
		tl_grow(&c->nodes, &c->cap, c->n, sizeof(*c->nodes));
		nd = &c->nodes[c->n++];
		nd->name = e->name;
		nd->macro = e->kind == ENT_MACRO;
		nd->deps = deps;
		grew = true;
	}
	return grew;
}

/*
 * Mark what caller "@who" reaches through @name: the set's definitions
 * it needs copied, and the changed ones' lists of callers. @first_changed
 * gets the first changed definition found.
 */
static void reach(struct closure *c, const char *name, const char *who,
		  struct tl_strlist *seen, struct hdr_def **first_changed)
{
	struct hdr_def *d;
	struct local_node *nd;
	const struct tl_strlist *deps;
	size_t i;

	if (tl_strlist_has(seen, name))
		return;
	tl_strlist_add(seen, name);
	d = find_def(c->hc, name);
	nd = d ? NULL : find_node(c, name);
	if (d) {
		d->used = true;
		if (d->changed && !tl_strlist_has(&d->callers, who))
			tl_strlist_add(&d->callers, who);
		if (d->changed && !*first_changed)
			*first_changed = d;
		deps = &d->deps;
	} else if (nd) {
		deps = &nd->deps;
	} else {
		return;
	}
	for (i = 0; i < deps->nr; i++)
		reach(c, deps->names[i], who, seen, first_changed);
}

static const char *kind_name(const struct hdr_def *d)
{
	return d->kind == ENT_MACRO ? "macro" : "inline";
}

size_t hdr_callers(struct hdr_changes *hc, struct tu_model *m,
		   const char *relpath, struct hdr_caller **out)
{
	struct closure c = { .hc = hc };
	size_t i, k, n = 0, cap = 0;

	while (grow_by_header_inlines(&c, m) | grow_by_file(&c, m))
		;
	*out = NULL;
	for (i = 0; i < m->n; i++) {
		struct entity *e = &m->ents[i];
		struct tl_strlist deps = { 0 }, seen = { 0 };
		struct hdr_def *changed = NULL;
		struct strbuf who = { 0 }, why = { 0 };
		bool init;

		if (e->where != IN_MAIN || e->kind != ENT_FUNC || !e->definition ||
		    is_link(e) || !deps_of(&c, e, &deps)) {
			tl_strlist_free(&deps);
			continue;
		}
		init = head_has(e, "__init") || head_has(e, "__exit");
		sb_printf(&who, "%s (%s%s)", e->name, relpath,
			  init ? ": init code, already ran: not patched" : "");
		for (k = 0; k < deps.nr; k++)
			reach(&c, deps.names[k], who.s, &seen, &changed);
		if (changed && !init) {
			if (!strcmp(deps.names[0], changed->name))
				sb_printf(&why, "uses the changed %s %s of %s",
					  kind_name(changed), changed->name,
					  changed->relpath);
			else
				sb_printf(&why, "uses %s, which uses the changed %s %s of %s",
					  deps.names[0], kind_name(changed),
					  changed->name, changed->relpath);
			tl_grow(out, &cap, n, sizeof(**out));
			(*out)[n].e = e;
			(*out)[n++].why = why.s;
		}
		sb_free(&who);
		tl_strlist_free(&deps);
		tl_strlist_free(&seen);
	}
	for (i = 0; i < c.n; i++)
		tl_strlist_free(&c.nodes[i].deps);
	free(c.nodes);
	return n;
}

void hdr_callers_free(struct hdr_caller *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(c[i].why);
	free(c);
}

void hdr_free(struct hdr_changes *hc)
{
	size_t i;

	for (i = 0; i < hc->n; i++) {
		free(hc->defs[i].name);
		free(hc->defs[i].file);
		free(hc->defs[i].relpath);
		tl_strlist_free(&hc->defs[i].deps);
		tl_strlist_free(&hc->defs[i].callers);
	}
	free(hc->defs);
	tl_strlist_free(&hc->alias_new);
	tl_strlist_free(&hc->alias_old);
	memset(hc, 0, sizeof(*hc));
}
