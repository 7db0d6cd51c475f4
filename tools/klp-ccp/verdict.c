// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: the rules. Every changed definition gets one row: the verdict,
 * why, and where. The rules follow from how kgr works: it redirects calls
 * to whole functions with ftrace, the old data stays where it is, and
 * code that already ran (init) or cannot be traced cannot be replaced.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch.h"
#include "kthread.h"
#include "statics.h"
#include "syscall.h"
#include "verdict.h"

static const char *const names[] = {
	[V_NOT_BUILT] = "NOT BUILT",
	[V_PATCHABLE] = "PATCHABLE",
	[V_NEEDS_SHADOW] = "NEEDS SHADOW VARIABLE",
	[V_NEEDS_HOOK] = "NEEDS HOOK",
	[V_NOT_PATCHABLE] = "NOT PATCHABLE",
	[V_TOOL_ERROR] = "TOOL ERROR",
};

const char *verdict_name(enum verdict v)
{
	return names[v];
}

static struct row *add_row(struct verdict_table *t, const char *name,
			   const char *file, unsigned int line, enum verdict v,
			   const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static struct row *add_row(struct verdict_table *t, const char *name,
			   const char *file, unsigned int line, enum verdict v,
			   const char *fmt, ...)
{
	struct row *r;
	va_list ap;
	char *reason;
	int len;

	/* A header's row lists all its callers: no fixed limit. */
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	reason = xmalloc(len + 1);
	va_start(ap, fmt);
	vsnprintf(reason, len + 1, fmt, ap);
	va_end(ap);
	tl_grow(&t->rows, &t->cap, t->n, sizeof(*t->rows));
	r = &t->rows[t->n++];
	r->name = xstrdup(name);
	r->file = xstrdup(file);
	r->line = line;
	r->v = v;
	r->reason = reason;
	return r;
}

/* kgr.ko and what it stands on: ftrace and the kernel's own livepatch. */
bool is_framework_path(const char *relpath)
{
	static const char *const prefixes[] = {
		"framework/", "include/kgr/", "kernel/livepatch/",
		"kernel/trace/ftrace.c", "arch/x86/kernel/ftrace",
		"include/linux/ftrace.h", "include/linux/livepatch.h",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(relpath, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

void verdict_framework(struct verdict_table *t, const char *relpath)
{
	add_row(t, "(file)", relpath, 0, V_NOT_PATCHABLE,
		"change to the live patching framework itself (kgr, ftrace or livepatch): the patching machinery cannot replace itself; ship a new kgr.ko or kernel");
}

void verdict_not_c(struct verdict_table *t, const char *relpath)
{
	add_row(t, "(file)", relpath, 0, V_NOT_PATCHABLE,
		"not C source (build file or assembly): live patching replaces C functions only");
}

/*
 * __UNIQUE_ID(x) is x plus __COUNTER__: any use of it the fix adds
 * renumbers the ones below (modinfo, initcall anchors, dynamic debug),
 * so such a name says nothing about what changed.
 */
static bool is_unique_id(const char *name)
{
	return !strncmp(name, "__UNIQUE_ID_", 12);
}

void verdict_not_built(struct verdict_table *t, const char *relpath,
		       const char *why)
{
	add_row(t, "(file)", relpath, 0, V_NOT_BUILT,
		"%s: the running kernel has no code of it, the fix does not apply to it", why);
}

void verdict_included_out(struct verdict_table *t, const char *relpath,
			  const char *includer)
{
	add_row(t, "(file)", relpath, 0, V_NOT_BUILT,
		"not built by this config: %s includes it inside a conditional the config leaves out; the running kernel has no code of it, the fix does not apply to it",
		includer);
}

void verdict_deleted(struct verdict_table *t, const char *relpath)
{
	add_row(t, "(file)", relpath, 0, V_NOT_PATCHABLE,
		"file deleted: its code and data stay in the running kernel and its callers still reach them; a live patch replaces functions, it cannot unload an object: patch the callers instead");
}

/*
 * The patch that a cumulative one supersedes replaces @name (of module
 * @obj, NULL: vmlinux) and the new one does not: loading it would revert
 * that function, and its fix, to the running kernel's code.
 */
void verdict_reverted(struct verdict_table *t, const char *old_patch,
		      unsigned int line, const char *name, const char *obj)
{
	add_row(t, name, old_patch, line, V_NOT_PATCHABLE,
		"the superseded patch replaces it%s%s%s and this one does not: loading this one would revert its fix; add that fix to the chosen ones",
		obj ? " (in " : "", obj ? obj : "", obj ? ")" : "");
}

/*
 * klp-ccp could not tell how @relpath is compiled: no verdict for it, but
 * the other files of the diff still get theirs.
 */
void verdict_tool_error(struct verdict_table *t, const char *relpath,
			const char *why)
{
	add_row(t, "(file)", relpath, 0, V_TOOL_ERROR, "%s", why);
}

void verdict_refused(struct verdict_table *t, const char *name,
		     const char *relpath, unsigned int line, const char *why)
{
	add_row(t, name, relpath, line, V_NOT_PATCHABLE, "%s", why);
}

/*
 * A new .c file is new code: the running kernel has none of it and nothing
 * there calls it. Only a patch module carrying it could run it, and the
 * patch is extracted from the files that change.
 */
void verdict_new_file(struct verdict_table *t, const struct file_analysis *fa)
{
	size_t i;

	for (i = 0; i < fa->new->n; i++) {
		const struct entity *e = &fa->new->ents[i];

		if (e->where != IN_MAIN || !e->definition || is_unique_id(e->name) ||
		    (e->kind != ENT_FUNC && e->kind != ENT_VAR))
			continue;
		add_row(t, e->name, fa->relpath, e->line, V_NOT_PATCHABLE,
			"new file: new %s, which the running kernel neither has nor %s; klp-ccp copies new code only from a changed file: move it into its user's file",
			e->kind == ENT_FUNC ? "function" : "variable",
			e->kind == ENT_FUNC ? "calls" : "uses");
	}
}

static bool refs_name(const struct entity *e, const char *name,
		      enum ent_kind kind)
{
	size_t i;

	for (i = 0; i < e->nrefs; i++)
		if (e->refs[i].kind == kind && !strcmp(e->refs[i].name, name))
			return true;
	return false;
}

/* Is @e a function of the main file that calls @name? */
static bool calls(const struct entity *e, const char *name)
{
	return e->kind == ENT_FUNC && e->definition && e->where == IN_MAIN &&
	       strcmp(e->name, name) && refs_name(e, name, ENT_FUNC);
}

/* The functions of @m that call @name, as "a, b". */
static char *callers_of(struct tu_model *m, const char *name)
{
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; i < m->n; i++)
		if (calls(&m->ents[i], name))
			sb_printf(&sb, "%s%s", sb.len ? ", " : "", m->ents[i].name);
	return sb.s;
}

/*
 * The old version of @e: the same-named entity of the same rank, so that a
 * tentative "static struct x y;" is compared with its old self and the
 * full definition further down with its own.
 */
static struct entity *old_version(struct tu_model *old, struct tu_model *new,
				  const struct entity *e)
{
	size_t i, rank = 0;

	for (i = 0; &new->ents[i] != e; i++)
		rank += new->ents[i].kind == e->kind && !strcmp(new->ents[i].name, e->name);
	for (i = 0; i < old->n; i++) {
		if (old->ents[i].kind != e->kind || strcmp(old->ents[i].name, e->name))
			continue;
		if (!rank--)
			return &old->ents[i];
	}
	return NULL;
}

/* Is every name of the list "a, b" one of @names_list? */
static bool all_in(const char *list, const struct tl_strlist *names)
{
	char *copy = xstrdup(list), *tok, *save = NULL;
	bool all = names->nr > 0;

	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		all &= tl_strlist_has(names, tok);
	free(copy);
	return all;
}

static bool macro_changed(struct tu_model *old, struct entity *nm)
{
	struct entity *om = tu_find(old, nm->name, ENT_MACRO, false);

	return !om || strcmp(om->code, nm->code);
}

/* Is ";<name>@<off>" (up to @end) of one layout, or "@<off>;" if !@name, in @layout? */
static bool layout_has(const char *layout, const char *field, const char *end,
		       bool name)
{
	struct strbuf want = { 0 }, in = { 0 };
	const char *at = memchr(field, '@', end - field);
	bool hit;

	if (name || !at)
		sb_add(&want, field, end - field);
	else
		sb_add(&want, at, end - at);
	sb_puts(&want, ";");
	sb_printf(&in, "%s;", layout);
	hit = strstr(in.s, want.s) != NULL;
	sb_free(&want);
	sb_free(&in);
	return hit;
}

/*
 * Objects of the type in the running kernel no longer fit: its size
 * changes, an old field moves or goes, or a new one takes room no old
 * field had (padding). A new field at an old one's offset is an alias
 * of it in a union, which the old objects already hold.
 */
static bool layout_changed(struct tu_model *old, struct entity *nt)
{
	struct entity *ot = tu_find(old, nt->name, ENT_TYPE, false);
	const char *p, *end;

	if (!ot || !strcmp(ot->layout, nt->layout))
		return false;
	if (strcspn(ot->layout, ";") != strcspn(nt->layout, ";") ||
	    strncmp(ot->layout, nt->layout, strcspn(nt->layout, ";")))
		return true;
	for (p = strchr(ot->layout, ';'); p; p = strchr(p + 1, ';')) {
		end = p + 1 + strcspn(p + 1, ";");
		if (!layout_has(nt->layout, p, end, true))
			return true;
	}
	for (p = strchr(nt->layout, ';'); p; p = strchr(p + 1, ';')) {
		end = p + 1 + strcspn(p + 1, ";");
		if (!layout_has(ot->layout, p, end, false))
			return true;
	}
	return false;
}

/*
 * The fields of @nt, whose layout did not change, that @ot lacks: each an
 * alias, in a union, of an old field at its offset that @nt keeps.
 */
static void member_aliases(struct tu_model *old, const struct entity *nt,
			   struct hdr_changes *hc)
{
	struct entity *ot = tu_find(old, nt->name, ENT_TYPE, false);
	const char *p, *end, *q, *qend, *at;
	struct strbuf name = { 0 }, was = { 0 };

	for (p = strchr(nt->layout, ';'); ot && p; p = strchr(p + 1, ';')) {
		end = p + 1 + strcspn(p + 1, ";");
		at = memchr(p, '@', end - p);
		if (!at || layout_has(ot->layout, p, end, true))
			continue;
		for (q = strchr(ot->layout, ';'); q; q = strchr(q + 1, ';')) {
			qend = q + 1 + strcspn(q + 1, ";");
			if ((size_t)(qend - q) <= (size_t)(end - at) ||
			    memcmp(qend - (end - at), at, end - at) ||
			    !layout_has(nt->layout, q, qend, true))
				continue;
			name.len = was.len = 0;
			sb_add(&name, p + 1, at - p - 1);
			sb_add(&was, q + 1, qend - (end - at) - q - 1);
			hdr_add_alias(hc, name.s, was.s);
			break;
		}
	}
	sb_free(&name);
	sb_free(&was);
}

/* The type ";@field=" has in a type's fn_fields, or NULL; *@len its length. */
static const char *fn_field_type(const char *fields, const char *field,
				 size_t flen, size_t *len)
{
	const char *p;

	for (p = fields; p && (p = strchr(p, ';')); p++)
		if (!strncmp(p + 1, field, flen) && p[1 + flen] == '=') {
			p += 2 + flen;
			*len = strcspn(p, ";");
			return p;
		}
	return NULL;
}

/*
 * A function pointer field whose prototype changes (syn_recv_sock of
 * inet_connection_sock_af_ops gains an argument): the layout stays, but
 * the functions the running kernel stores there, and every call through
 * it, take the old arguments. They cannot change one file at a time.
 */
static void judge_fn_fields(struct verdict_table *t, const char *file,
			    struct tu_model *old, struct entity *nt)
{
	struct entity *ot = tu_find(old, nt->name, ENT_TYPE, false);
	const char *p, *ty, *oty;
	size_t flen, len, olen;

	for (p = nt->fn_fields; ot && p && (p = strchr(p, ';')); p++) {
		flen = strcspn(p + 1, "=");
		ty = p + 2 + flen;
		len = strcspn(ty, ";");
		oty = fn_field_type(ot->fn_fields, p + 1, flen, &olen);
		if (!oty || (olen == len && !strncmp(oty, ty, len)))
			continue;
		add_row(t, nt->name, file, nt->line, V_NOT_PATCHABLE,
			"the prototype of its function pointer %.*s changes from %.*s to %.*s: the functions the running kernel stores there, and every call through it, take the old arguments",
			(int)flen, p + 1, (int)olen, oty, (int)len, ty);
		return;
	}
}

/* Why a changed function body differs, when the tokens alone do not say. */
static const char *changed_by_macro(struct tu_model *old, struct tu_model *new,
				    struct entity *f)
{
	size_t i;

	for (i = 0; i < f->nrefs; i++) {
		struct entity *m;

		if (f->refs[i].kind != ENT_MACRO)
			continue;
		m = tu_find(new, f->refs[i].name, ENT_MACRO, false);
		if (m && m->where != IN_SYSTEM && macro_changed(old, m))
			return m->name;
	}
	return NULL;
}

/*
 * A static that a kernel macro hides in a function and whose loss nobody
 * notices: what it is, or NULL for state that matters.
 */
void static_describe(struct strbuf *sb, const struct local_static *s,
		     const char *kind)
{
	if (s->macro)
		sb_printf(sb, "%s() %s", s->macro, kind);
	else
		sb_printf(sb, "%s %s", s->name, kind);
}

const char *hidden_static_kind(const struct local_static *s)
{
	static const struct {
		const char *name, *kind;
	} known[] = {
		{ "__already_done", "once-only flag" },	/* DO_ONCE_LITE: *_once, WARN_ONCE */
		{ "__warned", "once-only flag" },
		{ "__print_once", "once-only flag" },
		{ "__key", "lockdep class key" },	/* *_init() of locks, waitqueues, work */
		{ "__msg", "constant message" },	/* NL_SET_ERR_MSG */
		{ "_entry", "printk index entry" },
		{ "_entry_ptr", "printk index entry" },
		{ "_rs", "rate limit" },		/* *_ratelimited */
		{ "__UNIQUE_ID_ddebug", "dynamic debug descriptor" },	/* pr_debug */
		/* __ADDRESSABLE() of static_call(): a pointer in .discard */
		{ "__UNIQUE_ID___addressable_", "address marker" },
	};
	size_t i;

	for (i = 0; s->macro && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(s->name, known[i].name) ||
		    (is_unique_id(known[i].name) &&
		     !strncmp(s->name, known[i].name, strlen(known[i].name))))
			return known[i].kind;
	/* a const table holds no state; the author's others are state */
	return s->readonly ? "read-only copy" : NULL;
}

/* Equal names, __UNIQUE_ID_x<n> equal to __UNIQUE_ID_x<m>. */
static bool same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (!is_unique_id(a) || !is_unique_id(b))
		return !strcmp(a, b);
	while (la && a[la - 1] >= '0' && a[la - 1] <= '9')
		la--;
	while (lb && b[lb - 1] >= '0' && b[lb - 1] <= '9')
		lb--;
	return la == lb && !strncmp(a, b, la);
}

/* The running code's static local @name of @old_f, or NULL. */
static const struct local_static *old_static(const struct entity *old_f,
					     const char *name)
{
	size_t i;

	for (i = 0; old_f && i < old_f->nstatics; i++)
		if (same_name(old_f->statics[i].name, name))
			return &old_f->statics[i];
	return NULL;
}

/*
 * The statics the patched copy starts afresh with, as "pr_info_once()
 * once-only flag, count (new)"; NULL if none. Each (macro, kind) once.
 */
static char *fresh_statics(const struct entity *f, const struct entity *old_f)
{
	struct strbuf sb = { 0 };
	struct tl_strlist seen = { 0 };
	size_t i;

	for (i = 0; i < f->nstatics; i++) {
		const struct local_static *s = &f->statics[i];
		const char *kind = hidden_static_kind(s);
		struct strbuf one = { 0 };

		if (kind)
			static_describe(&one, s, kind);
		else if (!old_static(old_f, s->name))
			sb_printf(&one, "%s (new)", s->name);
		if (one.s && !tl_strlist_has(&seen, one.s)) {
			tl_strlist_add(&seen, one.s);
			sb_printf(&sb, "%s%s", sb.len ? ", " : "", one.s);
		}
		sb_free(&one);
	}
	tl_strlist_free(&seen);
	return sb.s;
}

/*
 * The wrappers a changed syscall body reaches the kernel through: those
 * the config builds (the file declares them), kept when the symbols file
 * has them; NULL and the row written when there is none to patch.
 * SYSCALL_DEFINE0's wrappers are aliases of one function: one is patched.
 */
static char *syscall_targets(struct verdict_table *t,
			     const struct file_analysis *fa,
			     const struct entity *f, const struct entity *old_f,
			     struct tl_strlist *wrappers)
{
	struct strbuf sb = { 0 };
	bool define0 = strstr(f->head, "SYSCALL_DEFINE0") != NULL;
	size_t i;

	/* kpatch's KPATCH_SYSCALL_DEFINEn is SYSCALL_DEFINEn */
	if (old_f && strcmp(old_f->head, f->head +
			    (strncmp(f->head, "KPATCH_", 7) ? 0 : 7))) {
		add_row(t, f->name, fa->relpath, f->line, V_NOT_PATCHABLE,
			"the arguments of syscall %s change: user space calls it with the old ones",
			f->syscall);
		return NULL;
	}
	for (i = 0; i < f->wrappers.nr; i++) {
		const char *w = f->wrappers.names[i];

		if (sym_count(fa->syms, w) == 0 || (define0 && wrappers->nr))
			continue;
		tl_strlist_add(wrappers, w);
		sb_printf(&sb, "%s%s", sb.len ? ", " : "", w);
	}
	if (!wrappers->nr) {
		add_row(t, f->name, fa->relpath, f->line, V_NOT_PATCHABLE,
			"syscall body, inlined into its wrappers, but the target kernel has none of them (%s)",
			fa->syms->map_path ? fa->syms->map_path : "none built by the config");
		return NULL;
	}
	sb_printf(&sb, " (%s%s)", fa->syms->map_path ? "built by the config and in " :
		  "those the config builds",
		  fa->syms->map_path ? fa->syms->map_path : "");
	if (define0 && f->wrappers.nr > wrappers->nr)
		sb_puts(&sb, ", which is the code of its aliases too (SYSCALL_DEFINE0)");
	return sb.s;
}

/* The row of @name of @file, NULL if it has none yet. */
static const struct row *find_row(const struct verdict_table *t,
				  const char *name, const char *file)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].name, name) && !strcmp(t->rows[i].file, file))
			return &t->rows[i];
	return NULL;
}

static bool has_row(const struct verdict_table *t, const char *name,
		    const char *file)
{
	return find_row(t, name, file) != NULL;
}

static void judge_function(struct verdict_table *t,
			   const struct file_analysis *fa, struct entity *f,
			   struct entity *old_f, const char *why);

/*
 * Changed @f exists only inlined: its callers are patched instead, each
 * judged as a changed function whose copy has the new code (a caller
 * inlined too, in turn through its own). @f's row comes first, so that
 * a call cycle ends, and gets its verdict once the callers are judged.
 * __init and __exit callers ran already, and a caller whose own row is
 * NOT PATCHABLE is not redirected: the row names them as left out, and
 * with no caller left nothing would carry the new code.
 */
static void judge_callers(struct verdict_table *t,
			  const struct file_analysis *fa, struct entity *f,
			  const char *how)
{
	size_t at = t->n, i;
	struct strbuf why = { 0 }, through = { 0 }, left_out = { 0 };
	struct strbuf reason = { 0 };
	struct row *r;

	add_row(t, f->name, fa->relpath, f->line, V_PATCHABLE,
		"exists only inlined (%s)", how);
	sb_printf(&why, "inlines changed %s", f->name);
	for (i = 0; i < fa->new->n; i++) {
		struct entity *c = &fa->new->ents[i];
		const struct row *cr;
		const char *left = NULL;

		if (!calls(c, f->name))
			continue;
		if (head_has(c, "__init"))
			left = "__init";
		else if (head_has(c, "__exit"))
			left = "__exit";
		else {
			if (!has_row(t, c->name, fa->relpath))
				judge_function(t, fa, c, tu_find(fa->old, c->name, ENT_FUNC, true),
					       why.s);
			cr = find_row(t, c->name, fa->relpath);
			if (cr && cr->v == V_NOT_PATCHABLE)
				left = "NOT PATCHABLE";
		}
		if (left)
			sb_printf(&left_out, "%s%s, %s", left_out.len ? "; " : "",
				  c->name, left);
		else
			sb_printf(&through, "%s%s", through.len ? ", " : "", c->name);
	}
	/* judging the callers grew t->rows: @f's row is found again */
	r = &t->rows[at];
	free(r->reason);
	if (through.len) {
		sb_printf(&reason, "exists only inlined (%s): patched through its callers %s",
			  how, through.s);
		if (left_out.len)
			sb_printf(&reason, " (left out: %s)", left_out.s);
	} else {
		r->v = V_NOT_PATCHABLE;
		sb_printf(&reason, "exists only inlined (%s), and none of its callers is left to patch it through (left out: %s): __init and __exit code already ran, a NOT PATCHABLE caller is not redirected",
			  how, left_out.s);
	}
	r->reason = reason.s;
	sb_free(&why);
	sb_free(&through);
	sb_free(&left_out);
}

static void judge_function(struct verdict_table *t,
			   const struct file_analysis *fa, struct entity *f,
			   struct entity *old_f, const char *why)
{
	const char *file = fa->relpath;
	struct tl_strlist wrappers = { 0 }, locals = { 0 };
	char *callers, *fresh, *via = NULL;
	struct strbuf forced = { 0 }, kept = { 0 };
	struct row *r;
	size_t i;

	if (head_has(f, "__init") || head_has(f, "__exit")) {
		add_row(t, f->name, file, f->line, V_NOT_PATCHABLE,
			"%s code: it already ran at boot or load and its memory is freed",
			head_has(f, "__init") ? "__init" : "__exit");
		return;
	}
	if (head_has(f, "notrace") || head_has(f, "noinstr") || !fa->flags->traced) {
		callers = callers_of(fa->new, f->name);
		add_row(t, f->name, file, f->line, V_NOT_PATCHABLE,
			"%s: ftrace cannot redirect it; patch its callers instead: %s",
			fa->flags->traced ? "notrace" : "file built without -pg (CFLAGS_REMOVE/ccflags-remove)",
			callers ? callers : "(none in this file)");
		free(callers);
		return;
	}
	if (f->syscall) {
		via = syscall_targets(t, fa, f, old_f, &wrappers);
		if (!via)
			return;
	} else if (f->internal && (is_inline(f) || sym_count(fa->syms, f->name) == 0)) {
		callers = callers_of(fa->new, f->name);
		if (callers && all_in(callers, fa->targets)) {
			add_row(t, f->name, file, f->line, V_PATCHABLE,
				"exists only inlined: copied into its patched callers %s",
				callers);
			free(callers);
			return;
		}
		if (callers)
			judge_callers(t, fa, f, is_inline(f) ?
				      "declared inline" : "no symbol in System.map");
		else
			add_row(t, f->name, file, f->line, V_NOT_PATCHABLE,
				"exists only inlined (%s), and nothing in this file calls it",
				is_inline(f) ? "declared inline" : "no symbol in System.map");
		free(callers);
		return;
	}
	if (old_f && !f->internal && strcmp(old_f->head, f->head)) {
		add_row(t, f->name, file, f->line, V_NOT_PATCHABLE,
			"prototype of global %s%s changes: its callers elsewhere are compiled against the old one",
			f->name, sym_exported(fa->syms, f->name) ? " (exported)" : "");
		return;
	}
	for (i = 0; i < f->nrefs; i++) {
		struct entity *ty;

		if (f->refs[i].kind != ENT_TYPE)
			continue;
		ty = tu_find(fa->new, f->refs[i].name, ENT_TYPE, false);
		if (ty && ty->where != IN_SYSTEM && layout_changed(fa->old, ty)) {
			add_row(t, f->name, file, f->line, V_NEEDS_SHADOW,
				"uses %s, whose layout changes while objects of it exist: keep the new field in a kgr_shadow variable",
				ty->name);
			goto out;
		}
	}
	for (i = 0; i < f->nstatics; i++) {
		struct local_static *s = &f->statics[i];
		const struct local_static *old_s = old_static(old_f, s->name);
		struct local_sym ls;
		struct tl_err serr;

		if (hidden_static_kind(s) || !old_s)
			continue;
		/* the author said the reset is fine: kept as kpatch-build's */
		if (tl_strlist_has(&fa->new->kpatch_forced, f->name)) {
			sb_printf(&forced, "%s%s", forced.len ? ", " : "", s->name);
			continue;
		}
		if (strcmp(s->type, old_s->type))
			tl_fail(&serr, "its type changes from %s to %s", old_s->type, s->type);
		else if (!static_local_sym(fa->syms, fa->new, f, s, &ls, &serr)) {
			sb_printf(&kept, "; static local %s: the running kernel's (%s)",
				  s->name, ls.sym);
			tl_strlist_add(&locals, s->name);
			continue;
		}
		add_row(t, f->name, file, s->line, V_NEEDS_HOOK,
			"static local %s%s%s%s holds state of the running code: the patch gets a fresh copy and that state is not carried over; carry it in a hook (shim to the old variable) or accept the reset (%s)",
			s->name, s->macro ? " (from " : "",
			s->macro ? s->macro : "", s->macro ? "())" : "",
			serr.msg);
		goto out;
	}
	fresh = fresh_statics(f, old_f);
	r = add_row(t, f->name, file, f->line, V_PATCHABLE, "%s%s%s%s%s%s%s%s", why,
		    via ? "; syscall body, inlined into its wrappers: the patch replaces " : "",
		    via ? via : "", kept.s ? kept.s : "",
		    fresh ? "; static locals start fresh in the patch: " : "",
		    fresh ? fresh : "",
		    forced.s ? "; KPATCH_FORCE_UNSAFE: these static locals start fresh, their state is not carried over: " : "",
		    forced.s ? forced.s : "");
	r->target = true;
	r->patched_as = wrappers;
	r->locals = locals;
	wrappers = (struct tl_strlist){ 0 };
	locals = (struct tl_strlist){ 0 };
	free(fresh);
out:
	tl_strlist_free(&wrappers);
	tl_strlist_free(&locals);
	sb_free(&forced);
	sb_free(&kept);
	free(via);
}

static void judge_variable(struct verdict_table *t, const char *file,
			   struct entity *nv, struct entity *ov)
{
	static const char *const sections[] = {
		"const", "__initdata", "__initconst", "__read_mostly",
		"__ro_after_init", "__section", "__cacheline_aligned",
		"__percpu", "DEFINE_PER_CPU",
	};
	size_t i;

	if (head_has(nv, "__initdata") || head_has(nv, "__initconst")) {
		add_row(t, nv->name, file, nv->line, V_NOT_PATCHABLE,
			"init data: freed after boot");
		return;
	}
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (head_has(nv, sections[i]) == head_has(ov, sections[i]))
			continue;
		add_row(t, nv->name, file, nv->line, V_NOT_PATCHABLE,
			"data definition changes section (%s %s): the object stays where the running kernel has it",
			head_has(nv, sections[i]) ? "gains" : "loses", sections[i]);
		return;
	}
	add_row(t, nv->name, file, nv->line, V_NOT_PATCHABLE,
		"data definition changes (initializer or type): the object already exists in memory with its old value");
}

/*
 * A diagnostic without its location: "f.c:12: error: x" and "fatal error:
 * x" (clang's "too many errors emitted" has no location) give "x".
 */
static const char *diag_message(const char *diag)
{
	const char *p = strstr(diag, "error: ");

	return p ? p + 7 : diag;
}

/*
 * A kernel thread's function (a loop until kthread_should_stop()) stays on
 * its stack: a patch of it, or of what is inlined into it, would wait for
 * that thread for ever.
 */
static void judge_kthread_fn(struct row *r, const struct tu_model *new)
{
	struct strbuf reason = { 0 };
	const char *starter;
	unsigned int line;

	starter = kthread_starter(new->text, new->len, r->name, &line);
	if (!starter)
		return;
	sb_printf(&reason, "the function of the kernel thread that %s() at line %u starts: a thread that loops in it never leaves it, so the transition would not finish (a hook that stops and restarts the thread, or a fix outside it); %s",
		  starter, line, r->reason);
	free(r->reason);
	r->reason = reason.s;
	r->v = V_NEEDS_HOOK;
}

int verdict_source(struct verdict_table *t, const struct file_analysis *fa,
		   struct tl_err *err)
{
	struct tu_model *old = fa->old, *new = fa->new;
	const char *file = fa->relpath;
	size_t i, k, first = t->n;
	bool *used;

	/*
	 * Errors the patched file has and the original had not, compared
	 * without their location (lines move) and one for one.
	 */
	used = xcalloc(old->nerrors + 1, sizeof(*used));
	for (i = 0; i < new->nerrors; i++) {
		const char *msg = diag_message(new->errors[i]);

		for (k = 0; k < old->nerrors; k++)
			if (!used[k] && !strcmp(diag_message(old->errors[k]), msg))
				break;
		if (k == old->nerrors) {
			free(used);
			return tl_fail(err, "%s: the patched file does not compile: %s",
					file, new->errors[i]);
		}
		used[k] = true;
	}
	free(used);
	for (i = 0; i < new->n; i++) {
		struct entity *e = &new->ents[i];
		struct entity *o;
		const char *mac;

		if (e->where != IN_MAIN)
			continue;
		switch (e->kind) {
		case ENT_TYPE:
			if (layout_changed(old, e))
				add_row(t, e->name, file, e->line, V_NEEDS_SHADOW,
					"layout changes while objects of it exist in the running kernel: keep the new field in a kgr_shadow variable");
			else
				judge_fn_fields(t, file, old, e);
			break;
		case ENT_VAR:
			o = old_version(old, new, e);
			if (!e->definition || head_has(e, "extern") ||
			    is_unique_id(e->name))
				break;
			if (!o && kpatch_callback(e->name))
				add_row(t, kpatch_callback(e->name)->macro, file, e->line,
					V_PATCHABLE, "kpatch callback: runs as kgr's %s hook",
					kpatch_callback(e->name)->hook);
			else if (!o)
				add_row(t, e->name, file, e->line, V_PATCHABLE,
					"new variable: it lives in the patch module");
			else if (strcmp(o->code, e->code))
				judge_variable(t, file, e, o);
			break;
		case ENT_FUNC:
			if (!e->definition)
				break;
			o = tu_find(old, e->name, ENT_FUNC, true);
			if (!o)
				break;	/* new helper: copied with its callers */
			if (has_row(t, e->name, file))
				break;	/* judged as an inlined function's caller */
			mac = changed_by_macro(old, new, e);
			if (tl_strlist_has(&new->kpatch_ignored, e->name) &&
			    (strcmp(o->code, e->code) || mac))
				add_row(t, e->name, file, e->line, V_PATCHABLE,
					"KPATCH_IGNORE_FUNCTION: its change stays out of the patch (the running code stays)");
			else if (strcmp(o->code, e->code))
				judge_function(t, fa, e, o, "code changes");
			else if (mac)
				judge_function(t, fa, e, o, "uses a changed macro");
			else if (tl_strlist_has(fa->targets, e->name))
				judge_function(t, fa, e, o, "inlines changed code (--targets)");
			break;
		default:
			break;
		}
	}
	for (i = first; i < t->n; i++)
		if (t->rows[i].target && t->rows[i].v == V_PATCHABLE)
			judge_kthread_fn(&t->rows[i], new);
	return 0;
}

/*
 * Headers are compiled into many files: only new declarations are free.
 * A changed static inline or macro goes into @hc: its callers are
 * patched instead (verdict_caller), and its row says which.
 */
void verdict_header(struct verdict_table *t, const struct file_analysis *fa,
		    struct hdr_changes *hc)
{
	struct tu_model *old = fa->old, *new = fa->new;
	const char *file = fa->relpath;
	size_t i, first = hc->n;

	for (i = 0; i < new->n; i++) {
		struct entity *e = &new->ents[i];
		struct entity *o;

		if (e->where != IN_MAIN)
			continue;
		o = tu_find(old, e->name, e->kind, e->kind == ENT_FUNC && e->definition);
		/*
		 * A new static inline or macro is free, but what uses it needs
		 * it: the patch's #include has the old header (the fix's new
		 * ip_tunnel_limit_headroom(), which ip_tunnel_adj_headroom()
		 * and ip6_tunnel.c now call).
		 */
		if (!o && (e->kind == ENT_MACRO ||
			   (e->kind == ENT_FUNC && e->definition && e->internal &&
			    is_inline(e))))
			hdr_add_def(hc, e, file, false);
		if (!o || !strcmp(o->code, e->code))
			continue;
		switch (e->kind) {
		case ENT_FUNC:
			if (e->definition && e->internal && is_inline(e))
				hdr_add_def(hc, e, file, true);
			else if (e->definition)
				add_row(t, e->name, file, e->line, V_NOT_PATCHABLE,
					"non-static function defined in a header is compiled into every user; patch its callers instead (tools/inline-expand lists them)");
			else
				add_row(t, e->name, file, e->line, V_NOT_PATCHABLE,
					"%s prototype changes: every caller%s is compiled against the old one",
					sym_exported(fa->syms, e->name) ? "exported" : "global",
					sym_exported(fa->syms, e->name) ? ", including modules," : "");
			break;
		case ENT_TYPE:
			if (layout_changed(old, e)) {
				add_row(t, e->name, file, e->line, V_NEEDS_SHADOW,
					"layout changes while objects of it exist in the running kernel: keep the new field in a kgr_shadow variable");
			} else {
				judge_fn_fields(t, file, old, e);
				member_aliases(old, e, hc);
			}
			break;
		case ENT_MACRO:
			hdr_add_def(hc, e, file, true);
			break;
		case ENT_VAR:
			add_row(t, e->name, file, e->line, V_NOT_PATCHABLE,
				"declaration of a global variable changes");
			break;
		}
	}
	if (hc->n > first)
		hdr_close_header(hc, new, file);
}

/* A function patched because it uses a changed header definition. */
void verdict_caller(struct verdict_table *t, const struct file_analysis *fa,
		    const struct hdr_caller *c)
{
	size_t i;

	/* Changed itself too: it has its row, and its copy has the new header's code. */
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].name, c->e->name) &&
		    !strcmp(t->rows[i].file, fa->relpath))
			return;
	judge_function(t, fa, c->e, tu_find(fa->old, c->e->name, ENT_FUNC, true),
		       c->why);
}

/*
 * The rows of the changed header definitions: informational when callers
 * were found (the patch replaces them), else the old refusal. Only the
 * files klp-ccp parsed were searched.
 */
void verdict_header_callers(struct verdict_table *t,
			    const struct hdr_changes *hc)
{
	static const char more[] =
		"callers in other files are not covered: name their .c with --callers-in (tools/inline-expand lists them from a debug vmlinux)";
	size_t i, k;

	for (i = 0; i < hc->n; i++) {
		const struct hdr_def *d = &hc->defs[i];
		const char *what = d->kind == ENT_MACRO ? "macro" : "static inline";
		struct strbuf list = { 0 };

		if (!d->changed)
			continue;
		for (k = 0; k < d->callers.nr; k++)
			sb_printf(&list, "%s%s", k ? ", " : "", d->callers.names[k]);
		if (list.s)
			add_row(t, d->name, d->relpath, d->line, V_PATCHABLE,
				"%s in a header, compiled into its users: patched through its callers: %s; %s",
				what, list.s, more);
		else
			add_row(t, d->name, d->relpath, d->line, V_NOT_PATCHABLE,
				"%s in a header is compiled into every user, and no caller was found in the files given (the diff's .c files, --callers-in); %s",
				what, more);
		sb_free(&list);
	}
}

enum verdict verdict_worst(const struct verdict_table *t)
{
	enum verdict w = V_PATCHABLE;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].v > w)
			w = t->rows[i].v;
	return w;
}

bool verdict_has_target(const struct verdict_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].target)
			return true;
	return false;
}

static void row_free(struct row *r)
{
	free(r->name);
	free(r->file);
	free(r->reason);
	tl_strlist_free(&r->patched_as);
	tl_strlist_free(&r->locals);
}

void verdict_drop(struct verdict_table *t, size_t i)
{
	row_free(&t->rows[i]);
	memmove(&t->rows[i], &t->rows[i + 1], (t->n - i - 1) * sizeof(*t->rows));
	t->n--;
}

void verdict_append(struct verdict_table *to, struct verdict_table *from)
{
	size_t i;

	for (i = 0; i < from->n; i++) {
		tl_grow(&to->rows, &to->cap, to->n, sizeof(*to->rows));
		to->rows[to->n++] = from->rows[i];
	}
	free(from->rows);
	memset(from, 0, sizeof(*from));
}

void verdict_free(struct verdict_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		row_free(&t->rows[i]);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
