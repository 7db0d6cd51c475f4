// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The analysis: from the functions an author changed to every function a
 * patch must replace so that no copy of the old code stays reachable.
 *
 * - each out-of-line copy of a changed function: itself or a clone;
 * - each out-of-line function holding an inlined copy, at any depth
 *   (DWARF nests the inlined copies, the index keeps the outermost
 *   out-of-line function of each);
 * - a clone whose calling convention is not C (.isra, .constprop, .part)
 *   cannot be replaced by a C function, so its callers are, and a caller
 *   that is such a clone again passes the job on to its own callers;
 * - .cold parts belong to the function they were split from.
 */
#include <stdlib.h>
#include <string.h>

#include "ie.h"

struct run {
	const struct ie_index *idx;
	struct ie_closure *c;
	uint32_t *entry_of_inst;	/* IE_NONE until the inst is added */
	uint32_t *clone_queue;
	size_t queue_head, queue_len;
	struct tl_err *err;
};

static const struct ie_sym *sym_of(const struct ie_index *idx, uint32_t s)
{
	return TL_AT(&idx->syms, struct ie_sym, s);
}

/* Clones an author cannot write in C: their callers are patched. */
static bool patch_callers(const struct ie_sym *s)
{
	return s->clone == IE_CLONE_ISRA || s->clone == IE_CLONE_CONSTPROP ||
	       s->clone == IE_CLONE_PART;
}

static void warn(struct run *r, enum ie_warn_kind kind, uint32_t ref)
{
	struct ie_warning *w = tl_vec_push(&r->c->warnings);

	w->kind = kind;
	w->ref = ref;
}

static struct ie_entry *push_entry(struct run *r, uint32_t *id)
{
	struct ie_entry *e = tl_vec_push(&r->c->entries);

	*id = r->c->entries.len - 1;
	e->inst = e->sym = e->occ = e->via = IE_NONE;
	return e;
}

static void add_cold_parts(struct run *r, uint32_t inst, uint32_t owner,
			   uint32_t origin)
{
	size_t i;

	for (i = 0; i < r->idx->syms.len; i++) {
		struct ie_entry *e;
		uint32_t id;

		if (sym_of(r->idx, i)->cold_of != inst)
			continue;
		e = push_entry(r, &id);
		e->sym = i;
		e->origin = origin;
		e->why = IE_WHY_COLD;
		e->via = owner;
	}
}

/* Add instance @inst once; the first reason found is the one shown. */
static void add_inst(struct run *r, uint32_t inst, uint32_t origin,
		     enum ie_why why, uint32_t occ, uint32_t via)
{
	const struct ie_inst *n = TL_AT(&r->idx->insts, struct ie_inst, inst);
	const struct ie_sym *s;
	struct ie_entry *e;
	uint32_t id;

	if (r->entry_of_inst[inst] != IE_NONE)
		return;
	e = push_entry(r, &id);
	r->entry_of_inst[inst] = id;
	e->inst = inst;
	e->sym = n->sym;
	e->origin = origin;
	e->occ = occ;
	e->via = via;
	e->why = why;
	if (n->sym == IE_NONE) {
		warn(r, IE_WARN_NO_SYMBOL, id);
		return;
	}
	s = sym_of(r->idx, n->sym);
	if (why == IE_WHY_SELF && s->clone != IE_CLONE_NONE)
		e->why = IE_WHY_CLONE;
	if (patch_callers(s)) {
		r->clone_queue[r->queue_len++] = id;
	} else if (!s->fentry) {
		warn(r, IE_WARN_NO_FENTRY, id);
	} else {
		e->target = true;
		if (s->namecount > 1)
			warn(r, IE_WARN_DUPLICATE_NAME, id);
	}
	add_cold_parts(r, inst, id, origin);
}

static void expand_origin(struct run *r, uint32_t origin)
{
	const struct ie_index *idx = r->idx;
	bool out_of_line = false, inlined = false;
	size_t i;

	for (i = 0; i < idx->insts.len; i++) {
		if (TL_AT(&idx->insts, struct ie_inst, i)->origin != origin)
			continue;
		out_of_line = true;
		add_inst(r, i, origin, IE_WHY_SELF, IE_NONE, IE_NONE);
	}
	for (i = 0; i < idx->inlines.len; i++) {
		const struct ie_inline *l =
			TL_AT(&idx->inlines, struct ie_inline, i);

		if (l->origin != origin)
			continue;
		inlined = true;
		add_inst(r, l->inst, origin, IE_WHY_INLINED, i, IE_NONE);
	}
	while (r->queue_head < r->queue_len) {
		uint32_t clone = r->clone_queue[r->queue_head++];
		const struct ie_entry *ce =
			TL_AT(&r->c->entries, struct ie_entry, clone);
		uint32_t clone_inst = ce->inst;

		for (i = 0; i < idx->calls.len; i++) {
			const struct ie_call *call =
				TL_AT(&idx->calls, struct ie_call, i);

			if (call->callee == clone_inst)
				add_inst(r, call->caller, origin,
					 IE_WHY_CALLS_CLONE, IE_NONE, clone);
		}
	}
	if (!out_of_line)
		warn(r, inlined ? IE_WARN_INLINED_EVERYWHERE : IE_WARN_NO_CODE,
		     origin);
}

/* "path/file.c" matches "file.c", "path/file.c", not "myfile.c". */
static bool file_matches(const char *path, const char *want, size_t len)
{
	size_t plen = strlen(path);

	if (plen < len || strncmp(path + plen - len, want, len))
		return false;
	return plen == len || path[plen - len - 1] == '/';
}

/* Every origin the argument names; "file.c:name" narrows to one file. */
static int resolve_query(struct run *r, struct ie_query *q, size_t qi)
{
	const struct ie_index *idx = r->idx;
	const char *colon = strrchr(q->arg, ':');
	const char *name = colon ? colon + 1 : q->arg;
	uint32_t first_file = IE_NONE;
	bool many_files = false;
	size_t i;

	q->origins = xcalloc(idx->origins.len, sizeof(*q->origins));
	for (i = 0; i < idx->origins.len; i++) {
		const struct ie_origin *o =
			TL_AT(&idx->origins, struct ie_origin, i);

		if (strcmp(ie_str(idx, o->name), name) ||
		    (colon && !file_matches(ie_str(idx, o->file), q->arg,
					    colon - q->arg)))
			continue;
		if (first_file != IE_NONE && first_file != o->file)
			many_files = true;
		first_file = o->file;
		q->origins[q->n_origins++] = i;
	}
	if (!q->n_origins)
		return tl_fail(r->err, "unknown function '%s'", q->arg);
	if (many_files)
		warn(r, IE_WARN_MANY_FILES, qi);
	return 0;
}

int ie_closure_run(const struct ie_index *idx, char *const *args, size_t nargs,
		   struct ie_closure *c, struct tl_err *err)
{
	struct run r = { .idx = idx, .c = c, .err = err };
	size_t i, j;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	tl_vec_init(&c->entries, sizeof(struct ie_entry));
	tl_vec_init(&c->warnings, sizeof(struct ie_warning));
	c->queries = xcalloc(nargs, sizeof(*c->queries));
	r.entry_of_inst = xmalloc((idx->insts.len + 1) * sizeof(uint32_t));
	r.clone_queue = xmalloc((idx->insts.len + 1) * sizeof(uint32_t));
	memset(r.entry_of_inst, 0xff, (idx->insts.len + 1) * sizeof(uint32_t));
	c->n_queries = nargs;
	for (i = 0; i < nargs && !ret; i++) {
		c->queries[i].arg = args[i];
		ret = resolve_query(&r, &c->queries[i], i);
	}
	for (i = 0; i < nargs && !ret; i++)
		for (j = 0; j < c->queries[i].n_origins; j++)
			expand_origin(&r, c->queries[i].origins[j]);
	free(r.entry_of_inst);
	free(r.clone_queue);
	if (ret)
		ie_closure_free(c);
	return ret;
}

void ie_closure_free(struct ie_closure *c)
{
	size_t i;

	for (i = 0; c->queries && i < c->n_queries; i++)
		free(c->queries[i].origins);
	free(c->queries);
	free(c->entries.data);
	free(c->warnings.data);
	memset(c, 0, sizeof(*c));
}
