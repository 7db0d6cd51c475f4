// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: build the patch file from source ranges located by libclang.
 *
 * The patched functions are copied as the author wrote them (macros and
 * all), renamed kgr_<name>; what they use is pulled in by need: file-local
 * types, macros and static inline helpers are copied, exported symbols are
 * called directly, and every other symbol becomes an include/kgr shim.
 * Renaming is done on the identifier offsets clang reported, never by
 * searching the text.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

enum use { USE_KEEP, USE_COPY, USE_SHIM, USE_PATCHED };

/* One pulled-in entity, or one shim. */
struct item {
	struct entity *e;		/* copied entity, or NULL for a shim */
	const struct ref *shim;		/* the reference a shim was made for */
	unsigned long sympos;
};

/* A local header ("internal.h") read to copy definitions from. */
struct local_file {
	char *path, *text;
	size_t len;
};

struct extract_ctx {
	const struct extract_in *in;
	struct item *items;
	size_t n, cap;
	struct local_file *files;
	size_t nfiles, filecap;
	struct tl_err *err;
};

static const struct local_file *local_file(struct extract_ctx *x,
					   const char *path)
{
	struct local_file *f;
	size_t i;

	for (i = 0; i < x->nfiles; i++)
		if (!strcmp(x->files[i].path, path))
			return &x->files[i];
	tl_grow(&x->files, &x->filecap, x->nfiles, sizeof(*x->files));
	f = &x->files[x->nfiles];
	/* A header the diff adds or changes is read as the diff leaves it. */
	for (i = 0; i < x->in->nfiles; i++)
		if (!strcmp(x->in->files[i].path, path))
			break;
	if (i < x->in->nfiles) {
		f->text = xstrndup(x->in->files[i].text, x->in->files[i].len);
		f->len = x->in->files[i].len;
	} else if (read_file(path, &f->text, &f->len, x->err)) {
		return NULL;
	}
	f->path = xstrdup(path);
	x->nfiles++;
	return f;
}

static struct item *find_item(struct extract_ctx *x, const char *name,
			      enum ent_kind kind)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const char *n = x->items[i].e ? x->items[i].e->name : x->items[i].shim->name;
		enum ent_kind k = x->items[i].e ? x->items[i].e->kind : x->items[i].shim->kind;

		if (k == kind && !strcmp(n, name))
			return &x->items[i];
	}
	return NULL;
}

/* Names of this file's definitions: the neighbours that place a sympos. */
static size_t file_names(struct tu_model *m, char ***out)
{
	size_t i, n = 0, cap = 0;

	*out = NULL;
	for (i = 0; i < m->n; i++) {
		if (m->ents[i].where != IN_MAIN || m->ents[i].kind == ENT_MACRO ||
		    m->ents[i].kind == ENT_TYPE || !m->ents[i].definition)
			continue;
		tl_grow(out, &cap, n, sizeof(char *));
		(*out)[n++] = m->ents[i].name;
	}
	return n;
}

/* A function or variable the fix adds to the file. */
static bool is_new_def(const struct extract_in *in, const struct entity *d)
{
	return d && d->where == IN_MAIN && d->definition &&
	       (d->kind == ENT_FUNC || d->kind == ENT_VAR) &&
	       !tu_find(in->old, d->name, d->kind, true);
}

/*
 * Patched functions and the global definitions the fix adds are copied as
 * static kgr_<name>: the running kernel has no such global, and a header
 * may declare it extern.
 */
static bool renamed(const struct extract_in *in, const struct entity *e)
{
	if (e->kind == ENT_FUNC && row_is_target(in->table, e->name))
		return true;
	return !e->internal && is_new_def(in, e);
}

/* How the new code reaches @r. */
static enum use use_of(struct extract_ctx *x, const struct ref *r,
		       struct entity **def)
{
	const struct extract_in *in = x->in;
	struct entity *d = NULL;

	*def = NULL;
	switch (r->kind) {
	case ENT_TYPE:
	case ENT_MACRO:
		d = tu_find(in->new, r->name, r->kind, false);
		*def = d;
		return d && d->where != IN_SYSTEM ? USE_COPY : USE_KEEP;
	case ENT_FUNC:
		if (row_is_target(in->table, r->name))
			return USE_PATCHED;
		d = tu_find(in->new, r->name, ENT_FUNC, true);
		*def = d;
		if (d && d->where == IN_SYSTEM)
			d = NULL;
		if (is_new_def(in, d))
			return USE_COPY;	/* never a shim: the kernel lacks it */
		if (d && d->definition && d->internal &&
		    (head_has(d, "inline") || head_has(d, "__always_inline") ||
		     !tu_find(in->old, r->name, ENT_FUNC, true) ||
		     sym_count(in->syms, r->name) == 0))
			return USE_COPY;
		break;
	case ENT_VAR:
		d = tu_find(in->new, r->name, ENT_VAR, true);
		*def = d;
		if (is_new_def(in, d))
			return USE_COPY;	/* a new variable */
		break;
	}
	if (r->internal && r->where == IN_SYSTEM)
		return USE_KEEP;		/* static inline of a header */
	if (!r->internal && sym_exported(in->syms, r->name) && r->where == IN_SYSTEM)
		return USE_KEEP;
	return USE_SHIM;
}

static int pull(struct extract_ctx *x, struct entity *e);

/* Is @r's identifier really in the main file's text (not in a macro body)? */
static bool spelled_here(const struct tu_model *m, const struct ref *r)
{
	size_t n = strlen(r->name);

	return r->spelled_in_main && r->off + n <= m->len &&
	       !strncmp(m->text + r->off, r->name, n);
}

static int pull_refs(struct extract_ctx *x, struct entity *e)
{
	size_t i;

	for (i = 0; i < e->nrefs; i++) {
		const struct ref *r = &e->refs[i];
		struct entity *d;
		struct item *it;
		enum use u = use_of(x, r, &d);

		if (u == USE_COPY && d && pull(x, d))
			return -1;
		/*
		 * A name spelled inside a header's macro cannot be renamed;
		 * if it is not exported, modpost says so when the patch is built.
		 */
		if (u != USE_SHIM || !spelled_here(x->in->new, r) ||
		    !strncmp(r->name, "__builtin", 9) ||
		    find_item(x, r->name, r->kind))
			continue;
		if (sym_count(x->in->syms, r->name) == 0)
			return tl_fail(x->err, "%s: %s uses %s, which does not exist in the target kernel (not in %s)",
					x->in->relpath, e->name, r->name,
					x->in->syms->map_path);
		tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
		it = &x->items[x->n++];
		it->shim = r;
		if (r->internal) {
			char **names;
			size_t nn = file_names(x->in->new, &names);
			int ret = sympos_for(x->in->syms, r->name, names, nn,
					     &it->sympos, x->err);

			free(names);
			if (ret)
				return -1;
		}
	}
	return 0;
}

static int pull(struct extract_ctx *x, struct entity *e)
{
	struct item *it;

	if (find_item(x, e->name, e->kind))
		return 0;
	/* The headers package lacks "local.h": its definitions are copied. */
	if (e->where == IN_LOCAL && !local_file(x, e->file))
		return -1;
	tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
	it = &x->items[x->n++];
	it->e = e;
	return pull_refs(x, e);
}

/*
 * "RET (ARGS)" to "RET (*kgr_NAME)(ARGS)"; other types by pointer. clang
 * spells a noreturn function "RET (ARGS) __attribute__((noreturn))": the
 * attribute goes after the declarator, where GCC keeps it for the pointer
 * (and KGR_SYMBOL_TYPED finds the types the same).
 */
static void shim_decl(struct strbuf *out, const struct ref *r)
{
	const char *t = r->type;
	const char *attr = strstr(t, " __attribute__((");
	size_t len = strlen(t);

	if (r->kind == ENT_FUNC && attr)
		len = attr - t;
	if (r->kind == ENT_FUNC && len && t[len - 1] == ')') {
		int depth = 0;
		size_t i = len;

		while (i--) {
			depth += t[i] == ')' ? 1 : t[i] == '(' ? -1 : 0;
			if (!depth)
				break;
		}
		sb_printf(out, "static %.*s(*kgr_%s)%.*s%s;\n", (int)i, t, r->name,
			  (int)(len - i), t + i, t + len);
		/*
		 * GCC drops what follows a noreturn call, objtool's
		 * unreachable() annotation included, and then cannot see that
		 * an indirect call does not return: call through the plain
		 * type, then say so.
		 */
		if (strstr(t + len, "noreturn"))
			sb_printf(out, "#define kgr_%s(...) ({ ((%.*s(*)%.*s)kgr_%s)(__VA_ARGS__); unreachable(); })\n",
				  r->name, (int)i, t, (int)(len - i), t + i, r->name);
	} else if (strchr(t, '(')) {
		sb_printf(out, "static typeof(%s) *kgr_%s;\n", t, r->name);
	} else if (strchr(t, '[')) {
		const char *b = strchr(t, '[');

		while (b > t && b[-1] == ' ')
			b--;
		sb_printf(out, "static %.*s (*kgr_%s)%s;\n", (int)(b - t), t,
			  r->name, strchr(t, '['));
	} else {
		sb_printf(out, "static %s%s*kgr_%s;\n", t,
			  t[len - 1] == '*' ? "" : " ", r->name);
	}
}

static bool next_is_call(const char *text, size_t len, size_t off)
{
	while (off < len && isspace((unsigned char)text[off]))
		off++;
	return off < len && text[off] == '(';
}

/* The text of @e with its references renamed, as it goes in the patch. */
static void emit_entity(struct extract_ctx *x, struct entity *e,
			struct strbuf *out)
{
	const struct tu_model *m = x->in->new;
	unsigned int pos = e->start, end = e->end;
	bool rename = renamed(x->in, e);
	size_t i;

	if (e->kind == ENT_MACRO)
		sb_puts(out, "#define ");
	if (e->where == IN_LOCAL) {
		/* Copied as is: names in a local header are not renamed. */
		const struct local_file *f = local_file(x, e->file);

		sb_add(out, f->text + e->start, e->end - e->start);
		sb_puts(out, e->kind == ENT_VAR || e->kind == ENT_TYPE ? ";\n\n" : "\n\n");
		return;
	}
	if ((rename || e->kind == ENT_VAR) && !e->internal)
		sb_puts(out, "static ");
	/* References in offset order, plus the definition's own name if renamed. */
	for (;;) {
		const struct ref *best = NULL;
		unsigned int best_off = end;
		struct entity *d;

		if (rename && e->name_off >= pos && e->name_off < best_off)
			best_off = e->name_off;
		for (i = 0; i < e->nrefs; i++) {
			const struct ref *r = &e->refs[i];

			if (r->spelled_in_main && r->off >= pos && r->off < best_off &&
			    (r->kind == ENT_FUNC || r->kind == ENT_VAR)) {
				best = r;
				best_off = r->off;
			}
		}
		if (best_off >= end)
			break;
		sb_add(out, m->text + pos, best_off - pos);
		if (!best) {			/* the definition's own name */
			sb_printf(out, "kgr_%s", e->name);
			pos = best_off + strlen(e->name);
			continue;
		}
		pos = best_off + strlen(best->name);
		if (strncmp(m->text + best_off, best->name, strlen(best->name))) {
			pos = best_off;		/* spelled differently: leave it */
			sb_add(out, m->text + pos, 1);
			pos++;
			continue;
		}
		switch (use_of(x, best, &d)) {
		case USE_COPY:
			sb_printf(out, "%s%s", d && renamed(x->in, d) ? "kgr_" : "",
				  best->name);
			break;
		case USE_PATCHED:
			sb_printf(out, "kgr_%s", best->name);
			break;
		case USE_SHIM:
			if (!find_item(x, best->name, best->kind)) {
				sb_puts(out, best->name);
				break;
			}
			if (best->kind == ENT_FUNC && next_is_call(m->text, m->len, pos))
				sb_printf(out, "kgr_%s", best->name);
			else
				sb_printf(out, "(*kgr_%s)", best->name);
			break;
		default:
			sb_puts(out, best->name);
		}
	}
	sb_add(out, m->text + pos, end - pos);
	/* Declarations' extents stop before their ';'. */
	sb_puts(out, e->kind == ENT_VAR || e->kind == ENT_TYPE ? ";\n\n" : "\n\n");
}

static int cmp_items(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int xm = x->e->where == IN_MAIN, ym = y->e->where == IN_MAIN;

	/* Local headers come first, as their #include did. */
	if (xm != ym)
		return xm - ym;
	if (!xm && strcmp(x->e->file, y->e->file))
		return strcmp(x->e->file, y->e->file);
	return (x->e->start > y->e->start) - (x->e->start < y->e->start);
}

static void emit_symbols(struct extract_ctx *x, struct strbuf *out)
{
	const char *obj = x->in->flags->module ? x->in->flags->modname : NULL;
	size_t i, nshim = 0;

	for (i = 0; i < x->n; i++)
		nshim += !x->items[i].e;
	if (!nshim)
		return;
	sb_puts(out, "\t.symbols = (struct kgr_symbol[]){\n");
	for (i = 0; i < x->n; i++) {
		const struct item *it = &x->items[i];

		if (it->e)
			continue;
		if (obj || it->sympos)
			sb_printf(out, "\t\tKGR_SYMBOL_OBJPOS(kgr_%s, %s, %s%s%s, %lu),\n",
				  it->shim->name, it->shim->name, obj ? "\"" : "",
				  obj ? obj : "NULL", obj ? "\"" : "", it->sympos);
		else if (it->shim->where == IN_SYSTEM)
			sb_printf(out, "\t\tKGR_SYMBOL_TYPED(kgr_%s, %s),\n",
				  it->shim->name, it->shim->name);
		else
			sb_printf(out, "\t\tKGR_SYMBOL(kgr_%s, %s),\n",
				  it->shim->name, it->shim->name);
	}
	sb_puts(out, "\t\tKGR_SYMBOL_END\n\t},\n");
}

static int emit_patches(struct extract_ctx *x, struct strbuf *out)
{
	const struct verdict_table *t = x->in->table;
	const char *obj = x->in->flags->module ? x->in->flags->modname : NULL;
	size_t i;

	sb_puts(out, "\t.patches = {\n");
	for (i = 0; i < t->n; i++) {
		const char *n = t->rows[i].name;
		unsigned long pos = 0;

		if (!t->rows[i].target)
			continue;
		if (sym_count(x->in->syms, n) > 1) {
			char **names;
			size_t nn = file_names(x->in->new, &names);
			int ret = sympos_for(x->in->syms, n, names, nn, &pos, x->err);

			free(names);
			if (ret)
				return -1;
		}
		if (obj || pos)
			sb_printf(out, "\t\tKGR_PATCH_OBJPOS(%s, kgr_%s, %s%s%s, %lu),\n",
				  n, n, obj ? "\"" : "", obj ? obj : "NULL",
				  obj ? "\"" : "", pos);
		else
			sb_printf(out, "\t\tKGR_PATCH(%s, kgr_%s, true),\n", n, n);
	}
	sb_puts(out, "\t\tKGR_PATCH_END\n\t}\n");
	return 0;
}

int extract_patch(const struct extract_in *in, struct strbuf *out,
		  struct tl_err *err)
{
	struct extract_ctx x = { .in = in, .err = err };
	size_t i, ncopied = 0;
	struct item *copied;
	int ret = -1;

	for (i = 0; i < in->table->n; i++) {
		struct entity *e;

		if (!in->table->rows[i].target)
			continue;
		e = tu_find(in->new, in->table->rows[i].name, ENT_FUNC, true);
		if (e && pull(&x, e))
			goto out;
	}
	sb_printf(out, "// SPDX-License-Identifier: GPL-2.0\n/*\n * kgr live patch %s, generated by klp-ccp from %s\n * against %s.\n */\n",
		  in->patch_name, in->diff_name, in->relpath);
	sb_puts(out, "#include <linux/module.h>\n#include <kgr/kgr.h>\n");
	for (i = 0; i < in->new->nincludes; i++)
		if (!strstr(in->new->includes[i], "<linux/module.h>"))
			sb_printf(out, "%s\n", in->new->includes[i]);
	sb_puts(out, "\n");

	copied = xcalloc(x.n, sizeof(*copied));
	for (i = 0; i < x.n; i++)
		if (x.items[i].e)
			copied[ncopied++] = x.items[i];
	qsort(copied, ncopied, sizeof(*copied), cmp_items);
	/* Types and macros first: shims may be typed with them. */
	for (i = 0; i < ncopied; i++)
		if (copied[i].e->kind == ENT_TYPE || copied[i].e->kind == ENT_MACRO)
			emit_entity(&x, copied[i].e, out);
	for (i = 0; i < x.n; i++)
		if (!x.items[i].e)
			shim_decl(out, x.items[i].shim);
	if (x.n > ncopied)
		sb_puts(out, "\n");
	for (i = 0; i < ncopied; i++)
		if (copied[i].e->kind == ENT_VAR || copied[i].e->kind == ENT_FUNC)
			emit_entity(&x, copied[i].e, out);
	free(copied);

	sb_printf(out, "static struct kgr_patch patch = {\n\t.name = \"%s\",\n\t.owner = THIS_MODULE,\n",
		  in->patch_name);
	emit_symbols(&x, out);
	if (emit_patches(&x, out))
		goto out;
	sb_puts(out, "};\n\n"
		"static int __init kgr_patcher_init(void)\n{\n\treturn kgr_patch_kernel(&patch);\n}\n\n"
		"static void __exit kgr_patcher_exit(void)\n{\n\tkgr_patch_remove(&patch);\n}\n\n"
		"module_init(kgr_patcher_init);\nmodule_exit(kgr_patcher_exit);\n");
	sb_printf(out, "MODULE_DESCRIPTION(\"kgr live patch %s\");\nMODULE_LICENSE(\"GPL\");\n",
		  in->patch_name);
	ret = 0;
out:
	for (i = 0; i < x.nfiles; i++) {
		free(x.files[i].path);
		free(x.files[i].text);
	}
	free(x.files);
	free(x.items);
	return ret;
}
