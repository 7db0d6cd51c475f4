// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The four output formats: a readable tree (default), --list for
 * scripts, --kgr for pasting into a patch, --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ie.h"
#include "lib/json.h"

struct out {
	const struct ie_index *idx;
	const struct ie_closure *c;
	FILE *f;
};

static const struct ie_entry *entry(const struct out *o, uint32_t i)
{
	return TL_AT(&o->c->entries, struct ie_entry, i);
}

static const struct ie_sym *esym(const struct out *o, const struct ie_entry *e)
{
	return e->sym == IE_NONE ? NULL :
		TL_AT(&o->idx->syms, struct ie_sym, e->sym);
}

static const struct ie_origin *origin(const struct out *o, uint32_t i)
{
	return TL_AT(&o->idx->origins, struct ie_origin, i);
}

static const char *origin_name(const struct out *o, uint32_t i)
{
	return ie_str(o->idx, origin(o, i)->name);
}

/* The name an entry is known by: its symbol, else its DWARF name. */
static const char *entry_name(const struct out *o, const struct ie_entry *e)
{
	const struct ie_inst *n;

	if (e->sym != IE_NONE)
		return ie_str(o->idx, esym(o, e)->name);
	n = TL_AT(&o->idx->insts, struct ie_inst, e->inst);
	return origin_name(o, n->origin);
}

static const char *clone_suffix(enum ie_clone k)
{
	static const char *const names[] = {
		[IE_CLONE_NONE] = "", [IE_CLONE_ISRA] = ".isra",
		[IE_CLONE_CONSTPROP] = ".constprop", [IE_CLONE_PART] = ".part",
		[IE_CLONE_COLD] = ".cold",
	};

	return k < sizeof(names) / sizeof(names[0]) ? names[k] : "";
}

/* "helper <- mid": the inlined copy, then each copy it sits in. */
static void print_chain(const struct out *o, uint32_t occ, const char *sep)
{
	const char *s = "";

	while (occ != IE_NONE) {
		const struct ie_inline *l =
			TL_AT(&o->idx->inlines, struct ie_inline, occ);

		fprintf(o->f, "%s%s", s, origin_name(o, l->origin));
		s = sep;
		occ = l->parent;
	}
}

static void print_reason(const struct out *o, const struct ie_entry *e)
{
	const struct ie_sym *s = esym(o, e);

	switch (e->why) {
	case IE_WHY_SELF:
		fprintf(o->f, "the function itself");
		break;
	case IE_WHY_CLONE:
		fprintf(o->f, "clone (%s) of %s", clone_suffix(s->clone),
			origin_name(o, e->origin));
		break;
	case IE_WHY_INLINED:
		fprintf(o->f, "inlined: ");
		print_chain(o, e->occ, " <- ");
		break;
	case IE_WHY_CALLS_CLONE:
		fprintf(o->f, "calls %s", entry_name(o, entry(o, e->via)));
		break;
	case IE_WHY_COLD:
		fprintf(o->f, "cold part of %s, patched with it",
			entry_name(o, entry(o, e->via)));
		break;
	}
	if (e->why != IE_WHY_COLD && s && s->clone != IE_CLONE_NONE &&
	    !e->target)
		fprintf(o->f, "; a %s clone cannot be written in C: its callers are patched",
			clone_suffix(s->clone));
}

static void print_warning(const struct out *o, const struct ie_warning *w)
{
	const struct ie_entry *e = w->kind == IE_WARN_NO_FENTRY ||
		w->kind == IE_WARN_NO_SYMBOL ||
		w->kind == IE_WARN_DUPLICATE_NAME ? entry(o, w->ref) : NULL;
	const struct ie_sym *s = e ? esym(o, e) : NULL;
	size_t i, j;

	switch (w->kind) {
	case IE_WARN_INLINED_EVERYWHERE:
		fprintf(o->f, "%s: inlined everywhere (no out-of-line copy): every function listed must be patched",
			origin_name(o, w->ref));
		break;
	case IE_WARN_NO_CODE:
		fprintf(o->f, "%s: no code at all", origin_name(o, w->ref));
		break;
	case IE_WARN_NO_FENTRY:
		fprintf(o->f, "%s: no fentry site (notrace?): not patchable",
			entry_name(o, e));
		break;
	case IE_WARN_NO_SYMBOL:
		fprintf(o->f, "%s: out-of-line copy without an ELF symbol: not patchable",
			entry_name(o, e));
		break;
	case IE_WARN_MANY_FILES:
		fprintf(o->f, "%s: defined in several files; use file.c:name to pick one",
			o->c->queries[w->ref].arg);
		break;
	case IE_WARN_DUPLICATE_NAME:
		fprintf(o->f, "%s: duplicate static name, %u symbols; kallsyms sympos:",
			entry_name(o, e), s->namecount);
		/* Each same-named symbol with the file DWARF gives for it. */
		for (i = 0; i < o->idx->syms.len; i++) {
			const struct ie_sym *d =
				TL_AT(&o->idx->syms, struct ie_sym, i);
			const char *file = "?";

			if (d->name != s->name)
				continue;
			for (j = 0; j < o->idx->insts.len; j++) {
				const struct ie_inst *n = TL_AT(&o->idx->insts,
								struct ie_inst, j);

				if (n->sym == i)
					file = ie_str(o->idx,
						      origin(o, n->origin)->file);
			}
			fprintf(o->f, " %u=%s%s", d->sympos, file,
				d == s ? " (this one)" : "");
		}
		break;
	}
}

static void print_warnings(const struct out *o, const char *prefix)
{
	size_t i;

	for (i = 0; i < o->c->warnings.len; i++) {
		fprintf(o->f, "%swarning: ", prefix);
		print_warning(o, TL_AT(&o->c->warnings, struct ie_warning, i));
		fputc('\n', o->f);
	}
}

static void print_tree_entry(const struct out *o, const uint32_t *order,
			     uint32_t id, int depth)
{
	const struct ie_entry *e = entry(o, id);
	const struct ie_sym *s = esym(o, e);
	size_t i;

	fprintf(o->f, "%*s%s", 2 * depth, "", entry_name(o, e));
	if (s && s->namecount > 1)
		fprintf(o->f, " [sympos %u]", s->sympos);
	fprintf(o->f, "%s: ", e->target ? "" : " (not a target)");
	print_reason(o, e);
	fputc('\n', o->f);
	for (i = 0; i < o->c->entries.len; i++)
		if (entry(o, order[i])->via == id)
			print_tree_entry(o, order, order[i], depth + 1);
}

static int cmp_entry_names(const void *a, const void *b, void *arg)
{
	const struct out *o = arg;

	return strcmp(entry_name(o, entry(o, *(const uint32_t *)a)),
		      entry_name(o, entry(o, *(const uint32_t *)b)));
}

/* One tree per function asked for, each level sorted by name. */
static void print_tree(const struct out *o)
{
	uint32_t *order = xmalloc((o->c->entries.len + 1) * sizeof(*order));
	size_t q, j, i;

	for (i = 0; i < o->c->entries.len; i++)
		order[i] = i;
	qsort_r(order, o->c->entries.len, sizeof(*order), cmp_entry_names,
		(void *)o);
	for (q = 0; q < o->c->n_queries; q++) {
		const struct ie_query *query = &o->c->queries[q];

		for (j = 0; j < query->n_origins; j++) {
			uint32_t org = query->origins[j];

			fprintf(o->f, "%s (%s)\n", origin_name(o, org),
				ie_str(o->idx, origin(o, org)->file));
			for (i = 0; i < o->c->entries.len; i++)
				if (entry(o, order[i])->origin == org &&
				    entry(o, order[i])->via == IE_NONE)
					print_tree_entry(o, order, order[i], 1);
		}
	}
	print_warnings(o, "");
	free(order);
}

/* Targets in a stable order: by name, then kallsyms position. */
static int cmp_targets(const void *a, const void *b, void *arg)
{
	const struct out *o = arg;
	const struct ie_sym *x = esym(o, entry(o, *(const uint32_t *)a));
	const struct ie_sym *y = esym(o, entry(o, *(const uint32_t *)b));
	int c = strcmp(ie_str(o->idx, x->name), ie_str(o->idx, y->name));

	return c ? c : (x->sympos > y->sympos) - (x->sympos < y->sympos);
}

static uint32_t *sorted_targets(const struct out *o, size_t *n)
{
	uint32_t *t = xmalloc((o->c->entries.len + 1) * sizeof(*t));
	size_t i;

	*n = 0;
	for (i = 0; i < o->c->entries.len; i++)
		if (entry(o, i)->target)
			t[(*n)++] = i;
	qsort_r(t, *n, sizeof(*t), cmp_targets, (void *)o);
	return t;
}

static const char *object_name(const struct out *o)
{
	return o->idx->object == IE_NONE ? NULL : ie_str(o->idx, o->idx->object);
}

/* kgr_<name> with every character a C identifier cannot have as '_'. */
static const char *new_name(const char *name, char *buf, size_t len)
{
	size_t i = snprintf(buf, len, "kgr_%s", name);

	for (i = i < len ? i : len - 1; i-- > 4;)
		if (!(buf[i] == '_' || (buf[i] >= '0' && buf[i] <= '9') ||
		      ((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z')))
			buf[i] = '_';
	return buf;
}

static void print_list(const struct out *o, bool kgr)
{
	char buf[512];
	const char *obj = object_name(o);
	size_t n, i;
	uint32_t *t = sorted_targets(o, &n);

	for (i = 0; i < n; i++) {
		const struct ie_sym *s = esym(o, entry(o, t[i]));
		const char *name = ie_str(o->idx, s->name);
		bool dup = s->namecount > 1;

		if (!kgr) {
			fprintf(o->f, "%s", name);
			if (obj)
				fprintf(o->f, " obj=%s", obj);
			if (dup)
				fprintf(o->f, " sympos=%u", s->sympos);
			fputc('\n', o->f);
		} else if (dup) {
			fprintf(o->f, "\tKGR_PATCH_OBJPOS(%s, %s, %s%s%s, %u),\n",
				name, new_name(name, buf, sizeof(buf)),
				obj ? "\"" : "", obj ? obj : "NULL",
				obj ? "\"" : "", s->sympos);
		} else if (obj) {
			fprintf(o->f, "\tKGR_PATCH_OBJ(%s, %s, \"%s\"),\n",
				name, new_name(name, buf, sizeof(buf)), obj);
		} else {
			fprintf(o->f, "\tKGR_PATCH(%s, %s, true),\n", name,
				new_name(name, buf, sizeof(buf)));
		}
	}
	if (kgr)
		fprintf(o->f, "\tKGR_PATCH_END\n");
	free(t);
}

static void json_entry(const struct out *o, uint32_t id)
{
	static const char *const why[] = {
		[IE_WHY_SELF] = "self", [IE_WHY_CLONE] = "clone",
		[IE_WHY_INLINED] = "inlined", [IE_WHY_CALLS_CLONE] = "calls_clone",
		[IE_WHY_COLD] = "cold",
	};
	const struct ie_entry *e = entry(o, id);
	const struct ie_sym *s = esym(o, e);
	const char *obj = object_name(o);
	uint32_t occ;

	fprintf(o->f, "    {\"name\": ");
	tl_json_str(o->f, entry_name(o, e));
	fprintf(o->f, ", \"object\": ");
	tl_json_str_or_null(o->f, obj);
	fprintf(o->f, ", \"sympos\": %u, \"target\": %s, \"fentry\": %s, \"reason\": \"%s\", \"function\": ",
		s && s->namecount > 1 ? s->sympos : 0,
		tl_json_bool(e->target), tl_json_bool(s && s->fentry),
		why[e->why]);
	tl_json_str(o->f, origin_name(o, e->origin));
	fprintf(o->f, ", \"clone\": ");
	tl_json_str_or_null(o->f, s && s->clone != IE_CLONE_NONE ?
			    clone_suffix(s->clone) + 1 : NULL);
	fprintf(o->f, ", \"inlined\": [");
	for (occ = e->occ; occ != IE_NONE;) {
		const struct ie_inline *l =
			TL_AT(&o->idx->inlines, struct ie_inline, occ);

		tl_json_str(o->f, origin_name(o, l->origin));
		occ = l->parent;
		if (occ != IE_NONE)
			fprintf(o->f, ", ");
	}
	fprintf(o->f, "], \"via\": ");
	tl_json_str_or_null(o->f, e->via != IE_NONE ?
			    entry_name(o, entry(o, e->via)) : NULL);
	fprintf(o->f, "}");
}

static void print_json(const struct out *o, const char *elf_path)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *saved = o->f;
	struct out m = *o;

	fprintf(o->f, "{\n  \"elf\": ");
	tl_json_str(o->f, elf_path);
	fprintf(o->f, ",\n  \"closure\": [\n");
	for (i = 0; i < o->c->entries.len; i++) {
		json_entry(o, i);
		fprintf(o->f, "%s\n", i + 1 < o->c->entries.len ? "," : "");
	}
	fprintf(o->f, "  ],\n  \"warnings\": [");
	/* Warnings are formatted once, for text; JSON quotes that text. */
	for (i = 0; i < o->c->warnings.len; i++) {
		m.f = open_memstream(&buf, &len);
		if (!m.f)
			tl_oom();
		print_warning(&m, TL_AT(&o->c->warnings, struct ie_warning, i));
		fclose(m.f);
		fprintf(saved, "%s\n    ", i ? "," : "");
		tl_json_str(saved, buf);
		free(buf);
		buf = NULL;
	}
	fprintf(o->f, "%s]\n}\n", o->c->warnings.len ? "\n  " : "");
}

int ie_output(const struct ie_index *idx, const struct ie_closure *c,
	      enum ie_format format, const char *elf_path, struct tl_err *err)
{
	struct out o = { .idx = idx, .c = c, .f = stdout };
	struct out warn_out = { .idx = idx, .c = c, .f = stderr };

	switch (format) {
	case IE_FORMAT_TREE:
		print_tree(&o);
		break;
	case IE_FORMAT_LIST:
	case IE_FORMAT_KGR:
		print_list(&o, format == IE_FORMAT_KGR);
		print_warnings(&warn_out, "inline-expand: ");
		break;
	case IE_FORMAT_JSON:
		print_json(&o, elf_path);
		break;
	}
	if (fflush(stdout) || ferror(stdout))
		return tl_fail(err, "writing the output failed");
	return 0;
}
