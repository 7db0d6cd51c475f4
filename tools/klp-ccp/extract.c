// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: build the patch file from source ranges located by libclang.
 *
 * The patched functions are copied as the author wrote them (macros and
 * all), renamed kgr_<name>; what they use is pulled in by need: file-local
 * types, macros and static inline helpers are copied, exported symbols are
 * called directly, and every other symbol becomes an include/kgr shim.
 * Renaming is done on the identifier offsets clang reported, never by
 * searching the text. One patch takes the functions of every changed
 * source file: each item remembers the file (source) it comes from.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "kpatch.h"
#include "statics.h"
#include "syscall.h"

enum use { USE_KEEP, USE_COPY, USE_SHIM, USE_PATCHED };

/* One pulled-in entity, or one shim. */
struct item {
	size_t src;			/* index of its source file */
	struct entity *e;		/* copied entity, or NULL for a shim */
	const struct ref *shim;		/* the reference a shim was made for */
	unsigned long sympos;
	char *cname;			/* a shim's pointer: kgr_<name>[_<file>] */
	struct syscall_sig sig;		/* a syscall body's SYSCALL_DEFINEn */
	bool call;			/* a call shim: static_call(cname)(...) */
	bool alias;			/* a copied macro spells it: #define to (*cname) */
	/* a static local's shim: the local, and the ref made for it */
	const struct local_static *local;
	struct ref *own;
	char *trace;			/* a tracepoint's: the trace_foo() it replaces */
	char *trace_type;	/* and its type: "void (ARGS)" */
	bool percpu;		/* a shim of a per-CPU variable */
	const char *obj;	/* a shim's module, when another than its source's */
	bool hdr;	/* a call shim a system header's declaration names */
	/* emitted ahead of #include line early - 1 of its source, if not 0 */
	size_t early;
	/* copied for the compiler only: see pull_expansion_siblings() */
	bool unused;
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
	struct copied_list *copied;
	struct refusal *refused;
	struct tl_err *err;
	struct ref **made;	/* references no parse gave: tracepoints' */
	size_t nmade, madecap;
	/* "file:start" of the local headers' text already emitted */
	struct tl_strlist emitted;
	/* what only the unused functions of a copied expansion call */
	struct tl_strlist declared;
	struct strbuf decls;
};

static void refuse(struct extract_ctx *x, const char *file, const char *name,
		   unsigned int line)
{
	x->refused->name = xstrdup(name);
	x->refused->file = xstrdup(file);
	x->refused->line = line;
}

static const struct local_file *local_file(struct extract_ctx *x,
					   const char *path)
{
	struct local_file *f;
	size_t i;

	for (i = 0; i < x->nfiles; i++)
		if (!strcmp(x->files[i].path, path))
			return &x->files[i];
	/*
	 * A header the diff adds or changes is read as the diff leaves it,
	 * however the includer spelled its path (sfh1_1/../amd_sfh_common.h).
	 */
	tl_grow(&x->files, &x->filecap, x->nfiles, sizeof(*x->files));
	f = &x->files[x->nfiles];
	for (i = 0; i < x->in->nfiles; i++)
		if (same_path(x->in->files[i].path, path))
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

static const char *item_name(const struct item *it)
{
	return it->e ? it->e->name : it->shim->name;
}

/*
 * The item for @name as seen from source @src: a static of one file is
 * not the same-named static of another; a global, or a definition of a
 * shared header, is one item for all.
 */
static struct item *find_item(struct extract_ctx *x, size_t src,
			      const char *name, enum ent_kind kind)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const struct item *it = &x->items[i];
		enum ent_kind k = it->e ? it->e->kind : it->shim->kind;
		bool per_file = it->e ? it->e->where == IN_MAIN : it->shim->internal;

		if (k == kind && !strcmp(item_name(it), name) &&
		    (!per_file || it->src == src))
			return &x->items[i];
	}
	return NULL;
}

static struct source *source_of(const struct extract_ctx *x, size_t src)
{
	return &x->in->srcs[src];
}

/* The source holding @file, the file of a verdict row. */
static bool source_by_file(const struct extract_ctx *x, const char *file,
			   size_t *src)
{
	for (*src = 0; *src < x->in->nsrc; (*src)++)
		if (!strcmp(source_of(x, *src)->fp->path, file))
			return true;
	return false;
}

/* A function or variable the fix adds to source @src. */
static bool is_new_def(const struct extract_ctx *x, size_t src,
		       const struct entity *d)
{
	return d && d->where == IN_MAIN && d->definition &&
	       (d->kind == ENT_FUNC || d->kind == ENT_VAR) &&
	       !tu_find(&source_of(x, src)->old, d->name,
			d->kind, true);
}

/* Is @name, seen from @src, a function the patch replaces? */
static bool is_patched(const struct extract_ctx *x, size_t src,
		       const char *name, bool internal)
{
	const struct verdict_table *t = x->in->table;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].target && !strcmp(t->rows[i].name, name) &&
		    (!internal || !strcmp(t->rows[i].file, source_of(x, src)->fp->path)))
			return true;
	return false;
}

/*
 * Patched functions and the global definitions the fix adds are copied as
 * static kgr_<name>: the running kernel has no such global, and a header
 * may declare it extern.
 */
static bool renamed(const struct extract_ctx *x, size_t src,
		    const struct entity *e)
{
	if (e->kind == ENT_FUNC && e->where == IN_MAIN &&
	    is_patched(x, src, e->name, e->internal))
		return true;
	return !e->internal && is_new_def(x, src, e);
}

/* A global the fix adds in another source file: copied from there. */
static struct entity *new_elsewhere(struct extract_ctx *x, size_t src,
				    const struct ref *r, size_t *dsrc)
{
	size_t i;

	for (i = 0; !r->internal && i < x->in->nsrc; i++) {
		struct entity *d = tu_find(&x->in->srcs[i].new, r->name, r->kind, true);

		if (i != src && is_new_def(x, i, d) && !d->internal) {
			*dsrc = i;
			return d;
		}
	}
	return NULL;
}

/*
 * Is local header function @d written out there? A tracepoint's
 * trace_<name>() of a local trace header is made by DEFINE_EVENT():
 * copying that line would define the tracepoint again.
 */
static bool written_in_header(struct extract_ctx *x, const struct entity *d)
{
	const struct local_file *f = local_file(x, d->file);

	return f && ident_written_at(f->text, f->len, d->name_off, d->name);
}

/*
 * What asm or a link-time constant names, which no shim can stand for:
 * static calls' keys and trampolines (static_call() calls the trampoline
 * from asm), tracepoints, static keys (asm goto takes the key's address
 * as an immediate).
 */
static bool shim_unfit(const struct ref *r)
{
	static const char *const prefixes[] = { "__SCK__", "__SCT__",
		"__tracepoint_", "__traceiter_" };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(r->name, prefixes[i], strlen(prefixes[i])))
			return true;
	return r->type && (strstr(r->type, "static_key") ||
			   strstr(r->type, "struct tracepoint"));
}

/*
 * The module other than @src's own that exports @r, or NULL. The patch
 * reaches it through a shim of that module, not by name: a reference by
 * name would make the patch depend on that module, which then must load
 * for the patch to load (hv_sock's patch on a machine without Hyper-V,
 * whose hv_vmbus exports vmbus_open and fails its init). What a shim
 * cannot stand for (shim_unfit()) stays a reference by name.
 */
static const char *other_module_export(const struct extract_ctx *x,
				       size_t src, const struct ref *r)
{
	const struct source *s = &x->in->srcs[src];
	const char *own = source_module(s), *by;

	if (!own || shim_unfit(r))
		return NULL;
	by = sym_exporter(&s->syms, r->name);
	return by && strcmp(by, own) ? by : NULL;
}

/*
 * Does @text, outside [@skip_start, @skip_end), assign @name, step it or
 * take its address ("enabled = 0", "n++", "&x")?
 */
static bool spelled_written(const char *text, const char *name,
			    unsigned int skip_start, unsigned int skip_end)
{
	static const char *const ops[] = { "+=", "-=", "*=", "/=", "%=", "&=",
		"|=", "^=", "<<=", ">>=", "++", "--" };
	size_t n = strlen(name), i;
	const char *p, *a, *b;

	for (p = text; (p = strstr(p, name)); p += n) {
		if ((p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) ||
		    isalnum((unsigned char)p[n]) || p[n] == '_' ||
		    ((unsigned int)(p - text) >= skip_start &&
		     (unsigned int)(p - text) < skip_end))
			continue;
		for (a = p + n; isspace((unsigned char)*a); a++)
			;
		for (b = p; b > text && isspace((unsigned char)b[-1]); b--)
			;
		if ((a[0] == '=' && a[1] != '=') ||
		    (b > text && b[-1] == '&' && (b - 1 == text || b[-2] != '&')) ||
		    (b - text >= 2 && (!strncmp(b - 2, "++", 2) || !strncmp(b - 2, "--", 2))))
			return true;
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (!strncmp(a, ops[i], strlen(ops[i])))
				return true;
	}
	return false;
}

/*
 * A static of the file that the target has no symbol of, though its
 * symbols list data (a module's always do), and that the file never
 * writes where it spells it: GCC folded it into its uses
 * (BFA_TRC_FILE()'s __trc_fileno), so the running kernel keeps no state
 * of it, and a copy with its initializer has its value. One the file
 * writes (binfmt_misc's enabled) has storage: no symbol is then an error.
 */
static bool folded_static(const struct extract_ctx *x, const struct source *s,
			  const struct entity *d)
{
	return d && d->internal && d->definition && d->where == IN_MAIN &&
	       (x->in->kallsyms_all || s->ff.module) &&
	       sym_count(&s->syms, d->name) == 0 &&
	       !spelled_written(s->fp->new_text, d->name, d->start, d->end);
}

/* How the new code of @src reaches @r; @def and @dsrc: what is copied. */
static enum use use_of(struct extract_ctx *x, size_t src, const struct ref *r,
		       struct entity **def, size_t *dsrc)
{
	struct source *s = &x->in->srcs[src];
	struct entity *d = NULL;

	*def = NULL;
	*dsrc = src;
	switch (r->kind) {
	case ENT_TYPE:
	case ENT_MACRO:
		d = tu_find(&s->new, r->name, r->kind, false);
		/* a struct a typedef defines is copied as that typedef */
		while (d && d->within)
			d = tu_find(&s->new, d->within, ENT_TYPE, false);
		*def = d;
		return d && d->where != IN_SYSTEM ? USE_COPY : USE_KEEP;
	case ENT_FUNC:
		if (is_patched(x, src, r->name, r->internal))
			return USE_PATCHED;
		d = tu_find(&s->new, r->name, ENT_FUNC, true);
		if (d && d->where == IN_SYSTEM)
			d = NULL;
		if (!d || !d->definition)
			d = new_elsewhere(x, src, r, dsrc);
		*def = d;
		if (is_new_def(x, *dsrc, d))
			return USE_COPY;	/* never a shim: the kernel lacks it */
		/*
		 * inlined, or only a clone such as foo.isra.0: no shim resolves;
		 * a static of a local header is one (libclang gives no head
		 * tokens to "__printf(5, 6) static inline void f()")
		 */
		if (d && d->definition && d->internal &&
		    (head_has(d, "inline") || head_has(d, "__always_inline") ||
		     (d->where == IN_LOCAL && written_in_header(x, d)) ||
		     sym_count(&s->syms, r->name) == 0))
			return USE_COPY;
		break;
	case ENT_VAR:
		d = tu_find(&s->new, r->name, ENT_VAR, true);
		if (!d || d->where != IN_MAIN || !d->definition)
			d = new_elsewhere(x, src, r, dsrc);
		*def = d;
		if (is_new_def(x, *dsrc, d) ||
		    folded_static(x, &x->in->srcs[*dsrc], d))
			return USE_COPY;	/* new, or folded: no state */
		break;
	}
	if (r->internal && r->where == IN_SYSTEM)
		return USE_KEEP;		/* static inline of a header */
	if (!r->internal && sym_exported(&s->syms, r->name) && r->where == IN_SYSTEM &&
	    !other_module_export(x, src, r))
		return USE_KEEP;
	return USE_SHIM;
}

static int pull(struct extract_ctx *x, size_t src, struct entity *e);

/*
 * @name's extern declaration in a local header, even when the file defines
 * it too (blk-cgroup.h's blkcg_root, defined and exported by
 * blk-cgroup.c, spelled by the header's blkg_lookup()).
 */
static struct entity *local_declaration(struct tu_model *m, const char *name,
					enum ent_kind kind)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct entity *e = &m->ents[i];

		if (e->kind == kind && e->where == IN_LOCAL && !e->internal &&
		    !e->definition && !strcmp(e->name, name))
			return e;
	}
	return NULL;
}

/*
 * Exported by another object than the file's (usb-storage's
 * usb_stor_probe1 for ums-eneub6250): no shim of this object finds it, so
 * the patch references it by name, and modpost resolves it.
 */
static bool exported_elsewhere(struct extract_ctx *x, size_t src,
			       const char *name)
{
	const struct symbols *syms = &source_of(x, src)->syms;

	return sym_exported(syms, name) && sym_count(syms, name) == 0;
}


/*
 * A static function that the symbols file lacks under its own name: GCC
 * inlined it everywhere or kept only a clone with another ABI. A shim
 * would not resolve, so use_of() copies it. Declared inline ones are
 * copied anyway and not reported.
 */
static bool missing_callee(const struct source *s, const struct entity *d)
{
	return d->kind == ENT_FUNC && d->definition && d->internal &&
	       d->where == IN_MAIN && !head_has(d, "inline") &&
	       !head_has(d, "__always_inline") &&
	       sym_count(&s->syms, d->name) == 0;
}

/*
 * Record callee @d of @caller as copied, and why. Its static locals would
 * be the copy's own: state the running kernel keeps (a counter, a lock)
 * cannot be split that way, so only the kernel macros' hidden statics
 * may start fresh; file-static variables it uses stay shims.
 */
static int note_copied_callee(struct extract_ctx *x, size_t src,
			      const struct entity *caller, const struct entity *d)
{
	const struct source *s = source_of(x, src);
	const char *clone = sym_clone(&s->syms, d->name);
	struct copied_callee *c;
	struct strbuf why = { 0 }, fresh = { 0 }, one = { 0 };
	size_t i;

	for (i = 0; i < d->nstatics; i++) {
		const struct local_static *ls = &d->statics[i];
		const char *kind = hidden_static_kind(ls);

		if (!kind) {
			sb_free(&fresh);
			sb_free(&one);
			refuse(x, s->fp->path, d->name, d->line);
			return tl_fail(x->err, "%s: %s calls %s, which the target kernel has %s%s: it must be copied into the patch, but its static local %s (line %u) would then be the copy's own, apart from the running kernel's state; patch it by hand (reach %s through a shim)",
				       s->fp->path, caller->name, d->name,
				       clone ? "only as " : "only inlined",
				       clone ? clone : "", ls->name, ls->line,
				       ls->name);
		}
		static_describe(&one, ls, kind);
		if (!fresh.len || !strstr(fresh.s, one.s))
			sb_printf(&fresh, "%s%s", fresh.len ? ", " : "", one.s);
		one.len = 0;
	}
	sb_free(&one);
	if (clone)
		sb_printf(&why, "only as %s in the target", clone);
	else
		sb_puts(&why, "inlined in the target");
	if (fresh.len)
		sb_printf(&why, "; static locals start fresh in the copy: %s",
			  fresh.s);
	sb_free(&fresh);
	tl_grow(&x->copied->v, &x->copied->cap, x->copied->n,
		sizeof(*x->copied->v));
	c = &x->copied->v[x->copied->n++];
	c->name = xstrdup(d->name);
	c->file = xstrdup(s->fp->path);
	c->line = d->line;
	c->caller = xstrdup(caller->name);
	c->why = why.s;
	return 0;
}

/* Is @r's identifier really in the main file's text (not in a macro body)? */
static bool spelled_here(const struct tu_model *m, const struct ref *r)
{
	return r->spelled_in_main && ident_written_at(m->text, m->len, r->off, r->name);
}

/* A C name no other item has: kgr_<name>, else kgr_<name>_<file stem>. */
static char *shim_cname(struct extract_ctx *x, size_t src, const char *name)
{
	const char *path = source_of(x, src)->fp->path, *base = strrchr(path, '/');
	struct strbuf sb = { 0 };
	bool taken = is_patched(x, src, name, false);
	size_t i;

	for (i = 0; i < x->n; i++)
		taken |= !strcmp(item_name(&x->items[i]), name) ||
			 (x->items[i].local && !strcmp(x->items[i].local->name, name));
	sb_printf(&sb, "kgr_%s", name);
	if (!taken)
		return sb.s;
	base = base ? base + 1 : path;
	sb_puts(&sb, "_");
	for (i = 0; base[i] && base[i] != '.'; i++)
		sb_add(&sb, isalnum((unsigned char)base[i]) ? &base[i] : "_", 1);
	return sb.s;
}

/*
 * Is variable @name per-CPU (DEFINE_PER_CPU* or DECLARE_PER_CPU*)? Its
 * shim points into the per-CPU area: __percpu, for sparse.
 */
static bool is_percpu(struct tu_model *m, const char *name)
{
	const struct entity *d = tu_find(m, name, ENT_VAR, false);

	return d && d->head && strstr(d->head, "_PER_CPU");
}

static int add_shim(struct extract_ctx *x, size_t src, const struct entity *e,
		    const struct ref *r)
{
	struct source *s = source_of(x, src);
	const char *by = other_module_export(x, src, r);
	struct item *it;

	if (!by && sym_count(&s->syms, r->name) == 0) {
		refuse(x, s->fp->path, r->name, e->line);
		return tl_fail(x->err, "%s: %s uses %s, which does not exist in the target kernel (not in %s)",
				s->fp->path, e->name, r->name, s->syms.map_path);
	}
	tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
	it = &x->items[x->n];
	memset(it, 0, sizeof(*it));
	it->src = src;
	it->shim = r;
	it->cname = shim_cname(x, src, r->name);
	it->percpu = r->kind == ENT_VAR && is_percpu(&s->new, r->name);
	it->obj = by;
	x->n++;
	if (r->internal) {
		char **names;
		size_t nn = tu_def_names(&s->new, &names);
		int ret = sympos_for(&s->syms, r->name, names, nn, &it->sympos,
				     x->err);

		free(names);
		if (ret)
			return -1;
	}
	return 0;
}

/* The identifier at @p (after blanks), as [*start, *end). */
static const char *ident_at(const char *p, const char **start)
{
	while (isspace((unsigned char)*p))
		p++;
	*start = p;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return p;
}

static bool ident_is(const char *s, const char *e, const char *name)
{
	return (size_t)(e - s) == strlen(name) && !strncmp(s, name, e - s);
}

/*
 * Does a header of directory @dir (include/trace/events/, or a local
 * trace header's own) define event @event with a
 * condition (TRACE_EVENT_CONDITION(event, ...), DEFINE_EVENT_CONDITION(
 * class, event, ...), DECLARE_TRACE_CONDITION(event, ...))? The kernel's
 * trace_<event>() tests it before the probes run, and their field
 * assignments may rely on it (f2fs's "TP_CONDITION(page->mapping)"). An
 * unreadable directory or header counts as yes: the caller then does not
 * shim.
 */
static bool trace_event_has_condition(const char *dir, const char *event)
{
	struct dirent *de;
	bool found = false;
	DIR *d;

	d = opendir(dir);
	found = !d;
	while (d && !found && (de = readdir(d))) {
		struct strbuf path = { 0 };
		struct tl_err err = { 0 };
		const char *p, *a, *ae, *b = NULL, *be = NULL;
		char *text;
		size_t len;

		if (!strstr(de->d_name, ".h"))
			continue;
		sb_printf(&path, "%s/%s", dir, de->d_name);
		if (read_file(path.s, &text, &len, &err)) {
			/* cannot tell: no shim, as for the directory */
			found = true;
			sb_free(&path);
			break;
		}
		for (p = text; !found && (p = strstr(p, "_CONDITION(")); p++) {
			ae = ident_at(p + strlen("_CONDITION("), &a);
			for (p = ae; isspace((unsigned char)*p); p++)
				;
			if (*p == ',')
				be = ident_at(p + 1, &b);
			found = ident_is(a, ae, event) || (b && ident_is(b, be, event));
			b = NULL;
		}
		free(text);
		sb_free(&path);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * trace_foo() of a system header (include/trace/events/) is a static
 * inline whose static call needs __SCK__tp_func_foo and its trampoline,
 * which a module reaches only when EXPORT_TRACEPOINT_SYMBOL exports them:
 * else the patch does not link (modpost: undefined). The tracepoint
 * itself, __tracepoint_foo, is then a shim, and trace_foo is #defined to
 * a function of the patch that does what the inline does through it: if
 * the event is enabled and this CPU online, call its iterator (the
 * probes) with preemption off. Not for an event with a condition, which
 * it cannot test: that call stays, and the patch does not link.
 *
 * A local trace header's event ("trace.h" of cfg80211, nfstrace.h) is
 * the same, and its DEFINE_EVENT is not copied: its static call's
 * __ADDRESSABLE(key) cannot take a shim's name, and its class and
 * helper macros would all have to come along.
 *
 * An unexported event with a condition cannot be fired as the kernel
 * does, nor called: @user is refused. 1 if @r goes through the patch's
 * function, 0 if it stays as it is, -1 refused.
 */
static int trace_shim(struct extract_ctx *x, size_t src,
		      const struct entity *user, const struct ref *r)
{
	const struct symbols *syms = &source_of(x, src)->syms;
	const char *event = r->name + strlen("trace_");
	struct strbuf name = { 0 }, dir = { 0 };
	const struct entity *d;
	struct item *it;
	struct ref *m;
	char *cname;
	bool cond;

	if (r->kind != ENT_FUNC || !r->internal || !r->type ||
	    strncmp(r->name, "trace_", 6))
		return 0;
	if (r->where == IN_SYSTEM) {
		sb_printf(&dir, "%s/include/trace/events", x->in->src_root);
	} else if (r->where == IN_LOCAL &&
		   (d = tu_find(&source_of(x, src)->new, r->name, ENT_FUNC, true)) &&
		   d->where == IN_LOCAL && strrchr(d->file, '/')) {
		sb_printf(&dir, "%.*s", (int)(strrchr(d->file, '/') - d->file),
			  d->file);
	} else {
		return 0;
	}
	sb_printf(&name, "__tracepoint_%s", event);
	it = find_item(x, src, name.s, ENT_VAR);
	if (it || sym_count(syms, name.s) <= 0 || sym_exported(syms, name.s)) {
		sb_free(&name);
		sb_free(&dir);
		return it && it->trace;
	}
	cond = trace_event_has_condition(dir.s, event);
	sb_free(&dir);
	if (cond) {
		refuse(x, source_of(x, src)->fp->path, r->name, user->line);
		tl_fail(x->err, "%s: %s calls %s, whose event has a condition (TP_CONDITION) that a module cannot test, and whose tracepoint %s is not exported: a module can neither call it nor fire the event as the kernel does",
			source_of(x, src)->fp->path, user->name, r->name, name.s);
		sb_free(&name);
		return -1;
	}
	m = xcalloc(1, sizeof(*m));
	*m = (struct ref){ .name = name.s, .kind = ENT_VAR, .where = IN_SYSTEM,
			   .type = xstrdup("struct tracepoint") };
	tl_grow(&x->made, &x->madecap, x->nmade, sizeof(*x->made));
	x->made[x->nmade++] = m;
	cname = shim_cname(x, src, m->name);
	tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
	x->items[x->n++] = (struct item){ .src = src, .shim = m, .cname = cname,
					  .trace = xstrdup(r->name),
					  .trace_type = xstrdup(r->type) };
	return 1;
}

/* Has @name a call shim of hdr_call_shim()? */
static bool hdr_item(const struct extract_ctx *x, const char *name)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->items[i].hdr && !strcmp(x->items[i].shim->name, name))
			return true;
	return false;
}

/* Where @path lies in the tree @root, or @path outside it. */
static const char *in_tree(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n && root[n - 1] == '/')
		n--;
	return !strncmp(path, root, n) && path[n] == '/' ? path + n + 1 : path;
}

/* A name the header may call as it is: no call shim. */
static bool hdr_call_exempt(struct extract_ctx *x, size_t src, const char *name)
{
	const struct symbols *syms = &source_of(x, src)->syms;
	struct entity *d = tu_find(&source_of(x, src)->new, name, ENT_FUNC, true);

	/* static call keys and trampolines: the tracepoint shims' business */
	if (!strncmp(name, "__builtin", 9) || !strncmp(name, "__SCT__", 7) ||
	    !strncmp(name, "__SCK__", 7) || sym_exported(syms, name) ||
	    is_patched(x, src, name, false) || is_new_def(x, src, d))
		return true;
	return hdr_item(x, name);
}

/*
 * Function @name, which vmlinux does not export, called by a system
 * header's static inline @via (NULL: a system macro's expansion in
 * @user): the header's own code links to it (modpost: undefined). Its
 * call shim's trampoline takes the name, #defined before the first
 * #include so that the header declares and calls the trampoline: a direct
 * call, which kgr points at the target, sealed by IBT or not.
 *
 * Only a function vmlinux has once: one the target lacks is not called
 * there either, the header's call is dead code under its config (a
 * sizeof() switch's __xchg_wrong_size(), an IS_ENABLED() branch), which
 * the compiler drops; so without a symbols file nothing is shimmed. The
 * file's own module's function, or a name vmlinux has twice, is refused.
 */
static int hdr_call_shim(struct extract_ctx *x, size_t src,
			 const struct entity *user, const char *name,
			 const struct hdr_inline *via)
{
	const struct source *s = source_of(x, src);
	int n = sym_count(x->in->vmlinux, name);
	bool in_mod = source_module(s) && sym_count(&s->syms, name) > 0;
	struct strbuf how = { 0 };
	struct ref *m;
	char *cname;

	if (n < 0 || (n == 0 && !in_mod) || hdr_call_exempt(x, src, name))
		return 0;
	if (n != 1) {
		if (via)
			sb_printf(&how, "calls %s, a static inline of %s,",
				  via->name, in_tree(via->file, x->in->src_root));
		else
			sb_puts(&how, "expands a system header's macro,");
		refuse(x, s->fp->path, name, user->line);
		tl_fail(x->err, "%s: %s %s which calls %s: not exported, so the patch can reach it only through kallsyms, and %s (%s)",
			s->fp->path, user->name, how.s, name,
			n ? "vmlinux of the target kernel has more than one of that name" :
			"it is a function of the module, not of vmlinux, which alone a call shim reaches",
			x->in->vmlinux->map_path);
		sb_free(&how);
		return -1;
	}
	m = xcalloc(1, sizeof(*m));
	*m = (struct ref){ .name = xstrdup(name), .kind = ENT_FUNC,
			   .where = IN_SYSTEM };
	tl_grow(&x->made, &x->madecap, x->nmade, sizeof(*x->made));
	x->made[x->nmade++] = m;
	cname = shim_cname(x, src, name);
	tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
	x->items[x->n++] = (struct item){ .src = src, .shim = m, .cname = cname,
					  .call = true, .hdr = true };
	return 0;
}

/*
 * Variable @name, which vmlinux does not export, read by system header
 * inline @via: its shim is a pointer the name is #defined to before the
 * first #include ("#define huge_zero_page (*kgr_huge_zero_page)"), so
 * the header's "extern struct page *huge_zero_page;" declares the shim,
 * which the patch then defines, and its inline reads through it. A shim
 * the copied code has for it already becomes that one. Only a variable
 * vmlinux has once, as for the call shims; a module's is refused.
 * A static key (@key_type, clang's type of it) may be declared in the
 * inline's body: its shim is defined with that type, and the patch's
 * branches read the keys (see emit_key_reads()).
 */
static int hdr_var_shim(struct extract_ctx *x, size_t src,
			const struct entity *user, const char *name,
			const struct hdr_inline *via, const char *key_type)
{
	struct source *s = source_of(x, src);
	int n = sym_count(x->in->vmlinux, name);
	bool in_mod = source_module(s) && sym_count(&s->syms, name) > 0;
	struct item *it = find_item(x, src, name, ENT_VAR);
	struct ref *m;

	if (n < 0 || (n == 0 && !in_mod) || (it && it->hdr) ||
	    sym_exported(&s->syms, name) || is_new_def(x, src,
			tu_find(&s->new, name, ENT_VAR, true)))
		return 0;
	if (n != 1) {
		refuse(x, s->fp->path, name, user->line);
		return tl_fail(x->err, "%s: %s calls %s, a static inline of %s, which reads %s: not exported, so the patch can reach it only through kallsyms, and %s (%s)",
			       s->fp->path, user->name, via->name,
			       in_tree(via->file, x->in->src_root), name,
			       n ? "vmlinux of the target kernel has more than one of that name" :
			       "it is a variable of the module, not of vmlinux, which alone the header's name can be pointed at",
			       x->in->vmlinux->map_path);
	}
	if (it && !it->e) {
		it->hdr = true;
		return 0;
	}
	m = xcalloc(1, sizeof(*m));
	*m = (struct ref){ .name = xstrdup(name), .kind = ENT_VAR,
			   .where = IN_SYSTEM,
			   .type = key_type ? xstrdup(key_type) : NULL };
	tl_grow(&x->made, &x->madecap, x->nmade, sizeof(*x->made));
	x->made[x->nmade++] = m;
	tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
	x->items[x->n] = (struct item){ .src = src, .shim = m,
					.cname = shim_cname(x, src, name),
					.hdr = true };
	x->n++;
	return 0;
}

/*
 * Per-CPU variable @name, used by system header inline @via: the header's
 * accessors (this_cpu_inc() and the like) take the variable itself, whose
 * address is a link-time offset into the per-CPU areas, and a name the
 * header declares cannot be pointed at the running kernel's variable as a
 * plain one can (hdr_var_shim()). Exported, or the fix's own: it links.
 * Otherwise the author has to write that access: refused, naming it.
 */
static int hdr_percpu_use(struct extract_ctx *x, size_t src,
			  const struct entity *user, const char *name,
			  const struct hdr_inline *via)
{
	struct source *s = source_of(x, src);

	if (sym_exported(&s->syms, name) || is_new_def(x, src,
			tu_find(&s->new, name, ENT_VAR, true)))
		return 0;
	refuse(x, s->fp->path, name, user->line);
	return tl_fail(x->err, "%s: %s calls %s, a static inline of %s, which uses the per-CPU variable %s: not exported, and a per-CPU name the header declares cannot be pointed at the running kernel's through kallsyms (its accessors need the variable's link-time offset)",
		       s->fp->path, user->name, via->name,
		       in_tree(via->file, x->in->src_root), name);
}

/* Is trace_foo() replaced by the function through its tracepoint shim? */
static bool trace_shimmed(const struct extract_ctx *x, const char *name)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->items[i].trace && !strcmp(x->items[i].trace, name))
			return true;
	return false;
}

/* The functions system static inline @name reaches, through others too. */
static int walk_inline(struct extract_ctx *x, size_t src,
		       const struct entity *user, const char *name,
		       struct tl_strlist *seen)
{
	const struct tu_model *m = &source_of(x, src)->new;
	size_t i, k;

	if (tl_strlist_has(seen, name) || trace_shimmed(x, name))
		return 0;
	tl_strlist_add(seen, name);
	for (i = 0; i < m->ninlines; i++) {
		const struct hdr_inline *h = &m->inlines[i];

		if (strcmp(h->name, name))
			continue;
		for (k = 0; k < h->globals.nr; k++)
			if (hdr_call_shim(x, src, user, h->globals.names[k], h))
				return -1;
		for (k = 0; k < h->vars.nr; k++)
			if (hdr_var_shim(x, src, user, h->vars.names[k], h, NULL))
				return -1;
		for (k = 0; k < h->keys.nr; k++)
			if (hdr_var_shim(x, src, user, h->keys.names[k], h,
					 h->key_types.names[k]))
				return -1;
		for (k = 0; k < h->percpu.nr; k++)
			if (hdr_percpu_use(x, src, user, h->percpu.names[k], h))
				return -1;
		for (k = 0; k < h->calls.nr; k++)
			if (!tl_strlist_has(&h->globals, h->calls.names[k]) &&
			    walk_inline(x, src, user, h->calls.names[k], seen))
				return -1;
	}
	return 0;
}

/*
 * The system headers' static inlines and macros the copied code uses are
 * compiled in the patch, and what they call must link: a function vmlinux
 * does not export gets a call shim the header's declaration names.
 */
static int pull_header_calls(struct extract_ctx *x)
{
	struct tl_strlist seen = { 0 };
	size_t i, k, n = x->n;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		const struct entity *e = x->items[i].e;
		size_t src = x->items[i].src;
		const struct tu_model *m = &source_of(x, src)->new;

		for (k = 0; e && k < e->nrefs && !ret; k++) {
			const struct ref *r = &e->refs[k];

			if (r->kind != ENT_FUNC || r->where != IN_SYSTEM)
				continue;
			if (r->internal)
				ret = walk_inline(x, src, e, r->name, &seen);
			else if (e->where == IN_MAIN && e->kind != ENT_MACRO &&
				 !spelled_here(m, r))
				ret = hdr_call_shim(x, src, e, r->name, NULL);
		}
	}
	tl_strlist_free(&seen);
	return ret;
}

/* Is @name ("slab_address", "struct slab") a word of @text? */
static bool names_word(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = text; (p = strstr(p, name)); p++)
		if ((p == text || (!isalnum((unsigned char)p[-1]) && p[-1] != '_')) &&
		    !isalnum((unsigned char)p[n]) && p[n] != '_')
			return true;
	return false;
}

/* @it and what it uses go ahead of #include line @k of its source. */
static void mark_early(struct extract_ctx *x, struct item *it, size_t k)
{
	size_t i;

	if (it->early)
		return;
	it->early = k + 1;
	for (i = 0; it->e && i < it->e->nrefs; i++) {
		const struct ref *r = &it->e->refs[i];
		struct item *dep = find_item(x, it->src, r->name, r->kind);

		/*
		 * A function of the file itself stays below: the header sees
		 * its declaration (ext4_mark_inode_dirty() of ext4.h, which
		 * trace/events/ext4.h names, calls the patched
		 * __ext4_mark_inode_dirty(), whose trace call needs the header).
		 */
		if (dep && !(dep->e && dep->e->where == IN_MAIN &&
			     dep->e->kind == ENT_FUNC))
			mark_early(x, dep, k);
	}
}

/* Does the compiler see local entity @e before #include line @site? */
static bool seen_before(const struct tu_model *m, const struct entity *e,
			const struct include_site *site)
{
	size_t i;

	if (strcmp(site->from, m->path))
		return !strcmp(e->file, site->from) && e->end <= site->off;
	for (i = 0; i < m->local_headers.nr; i++)
		if (!strcmp(m->local_headers.names[i], e->file))
			return m->local_main_off[i] < site->off;
	return false;
}

/*
 * <trace/define_trace.h>, which a trace header includes last, defines its
 * events only under CREATE_TRACE_POINTS, which the patch never defines:
 * the events are the running kernel's. Not included, nothing goes ahead.
 */
static bool defines_events(const char *include)
{
	return !strcmp(include, "#include <trace/define_trace.h>");
}

/*
 * A system header included below local definitions that it uses: a local
 * header's own (mm/slab.h defines struct slab and slab_address(), then
 * includes <linux/slub_def.h>, whose inlines use both), or the file's
 * local headers' (fs/f2fs's files include "f2fs.h", then
 * <trace/events/f2fs.h>, which uses its nid_t). The definitions seen
 * before the #include that the system header names are copied, whether
 * the patched code uses them or not, and go ahead of its #include line
 * in the patch with what they use, where the compiler saw them.
 */
static int pull_late_includes(struct extract_ctx *x)
{
	size_t src, k, i;
	int ret = 0;

	for (src = 0; src < x->in->nsrc && !ret; src++) {
		struct tu_model *m = &x->in->srcs[src].new;

		for (k = 0; k < m->nincludes && !ret; k++) {
			const struct include_site *site = &m->sites[k];
			struct tl_err ignored;
			char *text;
			size_t len;

			if (!site->header || defines_events(m->includes[k]) ||
			    read_file(site->header, &text, &len, &ignored))
				continue;
			for (i = 0; i < m->n && !ret; i++) {
				struct entity *e = &m->ents[i];
				struct item *it;

				if (e->where != IN_LOCAL || e->kind == ENT_VAR ||
				    (e->kind == ENT_FUNC && !e->definition) ||
				    !seen_before(m, e, site) ||
				    !names_word(text, e->name))
					continue;
				ret = pull(x, src, e);
				it = ret ? NULL : find_item(x, src, e->name, e->kind);
				if (it)
					mark_early(x, it, k);
			}
			free(text);
		}
	}
	return ret;
}

/* Is there a shim of @r's name already (not a copy of it)? */
static bool has_shim(struct extract_ctx *x, size_t src, const struct ref *r)
{
	const struct item *it = find_item(x, src, r->name, r->kind);

	return it && !it->e;
}

/*
 * Would "#define @name (*kgr_@name)" break the copied code? It does where
 * @name is also a member (stmmac's tc, a module parameter and hw->tc)
 * and, with @tags, a tag spelled after it (ath11k's enum
 * ath11k_debug_mask beside its variable). Then a copied macro that
 * spells it keeps it by name. Tags count only for another module's
 * export, which links by name: a static of the module does not, and
 * its tag is mostly spelled in the types copied ahead of the definition
 * (kvm_intel's vmcs_config and struct vmcs_config).
 */
static bool alias_clash(struct tu_model *m, const char *name, bool tags)
{
	static const char *const kinds[] = { "struct ", "union ", "enum " };
	struct strbuf sb = { 0 };
	bool clash = false;
	size_t i;

	for (i = 0; tags && i < sizeof(kinds) / sizeof(kinds[0]) && !clash; i++) {
		sb.len = 0;
		sb_printf(&sb, "%s%s", kinds[i], name);
		clash = tu_find(m, sb.s, ENT_TYPE, false);
	}
	sb.len = 0;
	sb_printf(&sb, ";%s@", name);
	for (i = 0; i < m->n && !clash; i++)
		clash = m->ents[i].kind == ENT_TYPE && m->ents[i].layout &&
			strstr(m->ents[i].layout, sb.s);
	sb_free(&sb);
	return clash;
}

static int pull_refs(struct extract_ctx *x, size_t src, struct entity *e)
{
	const struct tu_model *m = &source_of(x, src)->new;
	size_t i;

	for (i = 0; i < e->nrefs; i++) {
		const struct ref *r = &e->refs[i];
		struct entity *d;
		size_t dsrc;
		enum use u = use_of(x, src, r, &d, &dsrc);
		const char *by = other_module_export(x, src, r);
		bool other, alias;
		int traced = trace_shim(x, src, e, r);

		if (traced < 0)
			return -1;
		if (traced && r->where == IN_LOCAL)
			continue;
		if (u == USE_COPY && d && !find_item(x, dsrc, d->name, d->kind) &&
		    !is_new_def(x, dsrc, d) && missing_callee(source_of(x, dsrc), d) &&
		    note_copied_callee(x, dsrc, e, d))
			return -1;
		if (u == USE_COPY && d && pull(x, dsrc, d))
			return -1;
		/*
		 * The text of a copied macro or local header inline is not
		 * renamed: a symbol it spells that no export reaches gets its
		 * shim, and the name is defined to the shim (#define
		 * __nilfs_msg (*kgr___nilfs_msg)). So does a local header's
		 * name that a macro pastes in the file's own code, which no
		 * macro's text spells (hfi1_cdbg(SDMA, ...) calls
		 * __hfi1_trace_SDMA of trace_dbg.h). An exported one that the
		 * file's own code already reaches through a shim goes through
		 * it too (xhci.h's xhci_urb_to_transfer_ring() calls
		 * xhci_get_endpoint_index(), which xhci.c's patched code calls
		 * through kgr_xhci_get_endpoint_index).
		 */
		alias = u == USE_SHIM && (e->kind == ENT_MACRO || e->where == IN_LOCAL ||
					  r->where == IN_LOCAL) &&
			r->type && !spelled_here(m, r) && strncmp(r->name, "__builtin", 9);
		/* by name, then: a scan of the model, only for such names */
		if (alias && alias_clash(&source_of(x, src)->new, r->name, by)) {
			alias = false;
			by = NULL;
		}
		if (alias &&
		    (!sym_exported(&source_of(x, src)->syms, r->name) ||
		     has_shim(x, src, r) || by) &&
		    (sym_count(&source_of(x, src)->syms, r->name) != 0 || by)) {
			struct item *it = find_item(x, src, r->name, r->kind);

			if (!it && add_shim(x, src, e, r))
				return -1;
			it = it ? it : &x->items[x->n - 1];
			it->alias = !it->e;
			continue;
		}
		/*
		 * An exported global of a local header that a copied macro or
		 * a local header's inline spells, or that another module
		 * exports (libahci's ahci_handle_port_intr, in ahci.h for
		 * ahci.c: no shim of ahci's finds it): its declaration is
		 * copied, for a direct reference modpost resolves.
		 */
		other = exported_elsewhere(x, src, r->name);
		if (u == USE_SHIM && !by && (!r->spelled_in_main || other) &&
		    (r->kind == ENT_FUNC || r->kind == ENT_VAR) &&
		    (d = local_declaration(&source_of(x, src)->new, r->name,
					   r->kind))) {
			if (pull(x, src, d))
				return -1;
			if (other)
				continue;
		}
		/*
		 * A name spelled inside a header's macro cannot be renamed;
		 * if it is not exported, modpost says so when the patch is built.
		 */
		if (u != USE_SHIM || !spelled_here(m, r) ||
		    !strncmp(r->name, "__builtin", 9) ||
		    find_item(x, src, r->name, r->kind))
			continue;
		if (add_shim(x, src, e, r))
			return -1;
	}
	return 0;
}

/*
 * Two files may define the same static name: identical definitions (a
 * pr_fmt) are copied once, different ones cannot share one patch.
 */
static int clash(struct extract_ctx *x, size_t src, const struct entity *e)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const struct item *it = &x->items[i];

		if (!it->e || it->src == src || it->e->kind != e->kind ||
		    strcmp(it->e->name, e->name))
			continue;
		if (!strcmp(it->e->code, e->code))
			return 1;
		return tl_fail(x->err, "%s and %s both define %s, differently: one patch cannot hold both (split the diff)",
			       source_of(x, it->src)->fp->path,
			       source_of(x, src)->fp->path, e->name);
	}
	return 0;
}

static const struct row *target_row(const struct extract_ctx *x, size_t src,
				    const char *name);

/*
 * The static locals of patched function @e that the verdict found in the
 * running kernel: each a shim to its symbol ("last_msg.10"), kgr_<var>,
 * or kgr_<var>_<N> when another shim has that name.
 */
static int pull_locals(struct extract_ctx *x, size_t src, const struct entity *e)
{
	const struct source *s = source_of(x, src);
	const struct row *r = e->kind == ENT_FUNC ? target_row(x, src, e->name) : NULL;
	size_t i, k;

	for (i = 0; r && i < r->locals.nr; i++) {
		const struct local_static *ls = NULL;
		struct local_sym sym;
		struct strbuf cn = { 0 };
		struct item *it;
		struct ref *own;

		for (k = 0; k < e->nstatics && !ls; k++)
			if (!strcmp(e->statics[k].name, r->locals.names[i]))
				ls = &e->statics[k];
		if (static_local_sym(&s->syms, &s->new, e, ls, &sym, x->err))
			return -1;
		sb_printf(&cn, "kgr_%s", ls->name);
		for (k = 0; k < x->n; k++)
			if (x->items[k].cname && !strcmp(x->items[k].cname, cn.s))
				break;
		if (k < x->n)
			sb_printf(&cn, "_%s", strrchr(sym.sym, '.') + 1);
		own = xcalloc(1, sizeof(*own));
		own->name = xstrdup(sym.sym);
		own->kind = ENT_VAR;
		own->internal = true;
		own->where = IN_MAIN;
		own->type = xstrdup(ls->type);
		tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
		it = &x->items[x->n++];
		memset(it, 0, sizeof(*it));
		it->src = src;
		it->shim = it->own = own;
		it->local = ls;
		it->sympos = sym.sympos;
		it->cname = cn.s;
	}
	return 0;
}

/*
 * What a struct a typedef defines uses is the typedef's: a macro its text
 * expands (fc_port's "u8 iocb[IOCB_SIZE]") is the struct's reference.
 */
static int pull_within(struct extract_ctx *x, size_t src,
		       const struct entity *e)
{
	struct tu_model *m = &source_of(x, src)->new;
	size_t i;

	for (i = 0; e->kind == ENT_TYPE && i < m->n; i++)
		if (m->ents[i].within && !strcmp(m->ents[i].within, e->name) &&
		    pull_refs(x, src, &m->ents[i]))
			return -1;
	return 0;
}

static int pull(struct extract_ctx *x, size_t src, struct entity *e)
{
	struct item *it;
	int c;

	if (find_item(x, src, e->name, e->kind))
		return 0;
	c = e->where == IN_MAIN ? clash(x, src, e) : 0;
	if (c)
		return c > 0 ? 0 : -1;
	/* The headers package lacks "local.h": its definitions are copied. */
	if (e->where == IN_LOCAL && !local_file(x, e->file))
		return -1;
	tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
	it = &x->items[x->n++];
	memset(it, 0, sizeof(*it));
	it->src = src;
	it->e = e;
	if (e->syscall &&
	    syscall_sig_parse(source_of(x, src)->new.text, e->start, e->end,
			      &it->sig, x->err))
		return -1;
	if (e->where == IN_MAIN && pull_locals(x, src, e))
		return -1;
	return pull_refs(x, src, e) ? -1 : pull_within(x, src, e);
}

/* Where "(ARGS)" starts in a function type "RET (ARGS)" of @len bytes. */
static size_t params_start(const char *t, size_t len)
{
	int depth = 0;
	size_t i = len;

	while (i--) {
		depth += t[i] == ')' ? 1 : t[i] == '(' ? -1 : 0;
		if (!depth)
			break;
	}
	return i;
}

/* "RET NAME(ARGS);" for function reference @r, in x->decls. */
static void declare_function(struct extract_ctx *x, const struct ref *r)
{
	const char *t = r->type, *attr = strstr(t, " __attribute__((");
	size_t len = attr ? (size_t)(attr - t) : strlen(t);
	size_t i = params_start(t, len);

	sb_printf(&x->decls, "%.*s%s%.*s;\n", (int)i, t, r->name,
		  (int)(len - i), t + i);
	tl_strlist_add(&x->declared, r->name);
}

/*
 * The references of @e, a function the patch copies but never calls,
 * resolved for the compiler only: types and macros are pulled, a static
 * inline of a local header is copied unused in turn, and any other
 * function of the file or a local header gets a plain declaration,
 * never a shim: GCC drops an unused static inline, so nothing calls it.
 */
static int pull_unused_refs(struct extract_ctx *x, size_t src,
			    const struct entity *e)
{
	size_t j;

	for (j = 0; j < e->nrefs; j++) {
		const struct ref *r = &e->refs[j];
		struct entity *d;
		size_t dsrc;
		enum use u = use_of(x, src, r, &d, &dsrc);

		if (u == USE_COPY && d && d->kind == ENT_FUNC && d->where == IN_LOCAL) {
			if (find_item(x, dsrc, d->name, d->kind))
				continue;
			tl_grow(&x->items, &x->cap, x->n, sizeof(*x->items));
			x->items[x->n++] = (struct item){ .src = dsrc, .e = d,
							  .unused = true };
		} else if (u == USE_COPY && d) {
			if (pull(x, dsrc, d))
				return -1;
		} else if (u == USE_SHIM && r->kind == ENT_FUNC && r->type &&
			   r->where != IN_SYSTEM && !find_item(x, src, r->name, r->kind) &&
			   !tl_strlist_has(&x->declared, r->name)) {
			declare_function(x, r);
		}
	}
	return 0;
}

/*
 * One macro expansion of a local header may define several functions
 * (BTRFS_SETGET_FUNCS: btrfs_foo, btrfs_set_foo, btrfs_token_foo...),
 * and its text is copied once, whole: the functions of it the patch
 * does not use must compile too, as must the unused copies they need.
 */
static int pull_expansion_siblings(struct extract_ctx *x)
{
	size_t i, k;

	for (i = 0; i < x->n; i++) {
		const struct entity *e = x->items[i].e;
		size_t src = x->items[i].src;
		struct tu_model *m = &source_of(x, src)->new;

		if (x->items[i].unused && pull_unused_refs(x, src, e))
			return -1;
		if (!e || e->where != IN_LOCAL)
			continue;
		for (k = 0; k < m->n; k++) {
			const struct entity *sib = &m->ents[k];

			if (sib != e && sib->where == IN_LOCAL && sib->start == e->start &&
			    !strcmp(sib->file, e->file) &&
			    !find_item(x, src, sib->name, sib->kind) &&
			    pull_unused_refs(x, src, sib))
				return -1;
		}
	}
	return 0;
}

/*
 * "RET (ARGS)" to "RET (*kgr_NAME)(ARGS)"; other types by pointer. On an
 * IBT target a function only called is a call shim: KGR_CALL_DECLARE
 * with its declaration, or with a prototype "RET kgr_NAME_type(ARGS)". clang
 * spells a noreturn function "RET (ARGS) __attribute__((noreturn))": the
 * attribute goes after the declarator, where GCC keeps it for the pointer
 * (and KGR_SYMBOL_TYPED finds the types the same).
 */
/*
 * The static call trampoline of a local trace header's event: its type,
 * typeof (__traceiter_foo), is declared by the copied DEFINE_EVENT,
 * which declares the shim extern too, through the #define of its name;
 * defined after that, not static.
 */
static bool declared_later(const struct item *it)
{
	/* not a per-CPU variable's "typeof(struct foo)" */
	return it->alias && !strncmp(it->shim->type, "typeof", 6) &&
	       strstr(it->shim->type, "__traceiter_");
}

/*
 * trace_foo() through the shim of __tracepoint_foo: see trace_shim(). A
 * function, kgr_trace_foo(), that trace_foo is #defined to, for every
 * use: a call, a pointer to it (xhci_dbg_trace(xhci,
 * trace_xhci_dbg_cancel_urb, ...)), a name a macro puts in parentheses
 * (ice's "(trace_ice_##name)(args)"). The iterator is "int
 * __traceiter_foo(void *__data, ARGS)", ARGS those of trace_foo().
 * trace_foo_enabled() reads the tracepoint's key through the shim too
 * (blk-iocost's TRACE_IOCG_PATH() calls it).
 */
static void trace_function(struct strbuf *out, const struct item *it)
{
	const char *t = it->trace_type;
	const char *attr = strstr(t, " __attribute__((");
	size_t len = attr ? (size_t)(attr - t) : strlen(t);
	size_t i = params_start(t, len), p, n = 0;
	struct strbuf params = { 0 }, types = { 0 }, args = { 0 };
	int depth = 0;

	/* split "(T0, T1)" at its top-level commas: "typeof(T0) a0, ..." */
	for (p = i + 1; p < len - 1; p = i + 1) {
		for (i = p; i < len - 1 && (depth || t[i] != ','); i++)
			depth += t[i] == '(' ? 1 : t[i] == ')' ? -1 : 0;
		while (t[p] == ' ')
			p++;
		if (i - p == 4 && !strncmp(t + p, "void", 4) && !n && i == len - 1)
			break;
		/* "void (*)(int)" and "int [4]" name no parameter after them */
		if (memchr(t + p, '(', i - p) || memchr(t + p, '[', i - p))
			sb_printf(&params, "%stypeof(%.*s) a%zu", n ? ", " : "",
				  (int)(i - p), t + p, n);
		else
			sb_printf(&params, "%s%.*s%sa%zu", n ? ", " : "", (int)(i - p),
				  t + p, t[i - 1] == '*' ? "" : " ", n);
		sb_printf(&types, ", %.*s", (int)(i - p), t + p);
		sb_printf(&args, ", a%zu", n++);
	}
	sb_printf(out, "static inline void kgr_%s(%s)\n{\n"
		  "\tif (static_key_enabled(&%s->key) &&\n"
		  "\t    cpu_online(raw_smp_processor_id())) {\n"
		  "\t\tpreempt_disable_notrace();\n"
		  "\t\t((int (*)(void *%s))%s->iterator)(NULL%s);\n"
		  "\t\tpreempt_enable_notrace();\n\t}\n}\n#define %s kgr_%s\n",
		  it->trace, params.s ? params.s : "void", it->cname,
		  types.s ? types.s : "", it->cname, args.s ? args.s : "",
		  it->trace, it->trace);
	sb_printf(out, "static inline bool kgr_%s_enabled(void)\n{\n"
		  "\treturn static_key_enabled(&%s->key);\n}\n"
		  "#define %s_enabled kgr_%s_enabled\n",
		  it->trace, it->cname, it->trace, it->trace);
	sb_free(&params);
	sb_free(&types);
	sb_free(&args);
}

static void shim_decl(struct strbuf *out, const struct item *it)
{
	const struct ref *r = it->shim;
	const char *t = r->type, *cn = it->cname;
	const char *attr;
	size_t len;

	/* the header declared it: see hdr_var_shim() */
	if (it->hdr && r->kind == ENT_VAR && r->type) {
		const char *dim = strchr(r->type, '[');
		int base = dim ? (int)(dim - r->type) : (int)strlen(r->type);

		while (base && r->type[base - 1] == ' ')
			base--;
		sb_printf(out, "extern %.*s (*%s)%s;\n%.*s (*%s)%s;\n", base,
			  r->type, cn, dim ? dim : "", base, r->type, cn,
			  dim ? dim : "");
		return;
	}
	if (it->hdr && r->kind == ENT_VAR) {
		sb_printf(out, "typeof(%s) %s;\n", cn, cn);
		return;
	}
	/* the header's declaration is the trampoline's: see hdr_call_shim() */
	if (it->hdr) {
		sb_printf(out, "KGR_CALL_DECLARE(%s, %s);\n", cn, r->name);
		return;
	}
	attr = strstr(t, " __attribute__((");
	len = strlen(t);
	if (r->kind == ENT_FUNC && attr)
		len = attr - t;
	if (it->call && r->where == IN_SYSTEM) {
		/* its declaration is in scope: every call is type-checked */
		sb_printf(out, "KGR_CALL_DECLARE(%s, %s);\n", cn, r->name);
	} else if (it->call) {
		size_t i = params_start(t, len);

		sb_printf(out, "extern %.*s%s_type%.*s;\nKGR_CALL_DECLARE(%s, %s_type);\n",
			  (int)i, t, cn, (int)(len - i), t + i, cn, cn);
	} else if (r->kind == ENT_FUNC && len && t[len - 1] == ')') {
		size_t i = params_start(t, len);

		sb_printf(out, "static %.*s(*%s)%.*s%s;\n", (int)i, t, cn,
			  (int)(len - i), t + i, t + len);
		/*
		 * GCC drops what follows a noreturn call, objtool's
		 * unreachable() annotation included, and then cannot see that
		 * an indirect call does not return: call through the plain
		 * type, then say so.
		 */
		if (strstr(t + len, "noreturn"))
			sb_printf(out, "#define %s(...) ({ ((%.*s(*)%.*s)%s)(__VA_ARGS__); unreachable(); })\n",
				  cn, (int)i, t, (int)(len - i), t + i, cn);
	} else if (strchr(t, '(') || strchr(t, '[')) {
		/*
		 * Not "T (*p)[N]": a "(" after the type's tag calls a macro of
		 * its name (ata_port_info() of libata.h, for ahci's table).
		 */
		sb_printf(out, "static typeof(%s)%s *%s;\n", t,
			  it->percpu ? " __percpu" : "", cn);
	} else {
		sb_printf(out, "static %s%s%s*%s;\n", t,
			  t[len - 1] == '*' ? "" : " ",
			  it->percpu ? "__percpu " : "", cn);
	}
}

static bool next_is_call(const char *text, size_t len, size_t off)
{
	while (off < len && isspace((unsigned char)text[off]))
		off++;
	return off < len && text[off] == '(';
}

/* How a reference of source @src to @r is spelled in the patch. */
static void emit_ref(struct extract_ctx *x, size_t src, const struct ref *r,
		     size_t after, struct strbuf *out)
{
	const struct tu_model *m = &source_of(x, src)->new;
	const struct item *it;
	struct entity *d;
	size_t dsrc;

	switch (use_of(x, src, r, &d, &dsrc)) {
	case USE_COPY:
		sb_printf(out, "%s%s", d && renamed(x, dsrc, d) ? "kgr_" : "",
			  r->name);
		break;
	case USE_PATCHED:
		sb_printf(out, "kgr_%s", r->name);
		break;
	case USE_SHIM:
		it = find_item(x, src, r->name, r->kind);
		if (!it || it->e)	/* none, or its declaration copied */
			sb_puts(out, r->name);
		else if (it->call)
			sb_printf(out, "static_call(%s)", it->cname);
		else if (r->kind == ENT_FUNC && next_is_call(m->text, m->len, after))
			sb_puts(out, it->cname);
		else
			sb_printf(out, "(*%s)", it->cname);
		break;
	default:
		sb_puts(out, r->name);
	}
}

/* The row of a patched function of source @src. */
static const struct row *target_row(const struct extract_ctx *x, size_t src,
				    const char *name)
{
	const struct verdict_table *t = x->in->table;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].target && !strcmp(t->rows[i].name, name) &&
		    !strcmp(t->rows[i].file, source_of(x, src)->fp->path))
			return &t->rows[i];
	return NULL;
}

/* The wrappers that replace the running kernel's, around the new body. */
static void emit_syscall_wrappers(struct extract_ctx *x, const struct item *it,
				  struct strbuf *out)
{
	const struct row *r = target_row(x, it->src, it->e->name);
	struct strbuf body = { 0 };
	size_t i;

	sb_printf(&body, "kgr_%s", it->e->name);
	for (i = 0; r && i < r->patched_as.nr; i++)
		syscall_emit_wrapper(out, &it->sig, r->patched_as.names[i], body.s);
	sb_free(&body);
}

/*
 * KPATCH_PRE_PATCH_CALLBACK(fn) and friends, written again: the variable
 * they define has no extent of its own in the file.
 */
static void emit_kpatch_callback(struct extract_ctx *x, const struct item *it,
				 struct strbuf *out)
{
	const struct entity *e = it->e;
	size_t i;

	sb_printf(out, "%s(", kpatch_callback(e->name)->macro);
	for (i = 0; i < e->nrefs && e->refs[i].kind != ENT_FUNC; i++)
		;
	if (i < e->nrefs)
		emit_ref(x, it->src, &e->refs[i], 0, out);
	sb_puts(out, ");\n\n");
}

/*
 * The first place in [@pos, @end) where the copy of @of's function
 * differs for a static local reached in the running kernel: its
 * declaration, dropped (*@decl), or a use, spelled (*kgr_<var>). Its
 * item, NULL if none; @off and @to: the text it replaces.
 */
static const struct item *next_local(const struct extract_ctx *x,
				     const struct item *of, unsigned int pos,
				     unsigned int end, unsigned int *off,
				     unsigned int *to, bool *decl)
{
	const struct entity *e = of->e;
	const struct item *found = NULL;
	size_t i, k;

	for (i = 0; i < x->n; i++) {
		const struct local_static *ls = x->items[i].local;
		unsigned int a, b;

		if (!ls || x->items[i].src != of->src || ls < e->statics ||
		    ls >= e->statics + e->nstatics)
			continue;
		static_decl_range(&source_of(x, of->src)->new, ls, &a, &b);
		if (a >= pos && a < end) {
			found = &x->items[i];
			end = *off = a;
			*to = b;
			*decl = true;
		}
		for (k = 0; k < ls->nuses; k++) {
			if (ls->uses[k] < pos || ls->uses[k] >= end)
				continue;
			found = &x->items[i];
			end = *off = ls->uses[k];
			*to = end + strlen(ls->name);
			*decl = false;
		}
	}
	return found;
}

/* The text of @it's entity from @pos to @end, its references renamed. */
static void emit_text(struct extract_ctx *x, const struct item *it,
		      unsigned int pos, unsigned int end, struct strbuf *out)
{
	const struct entity *e = it->e;
	const struct tu_model *m = &source_of(x, it->src)->new;
	bool rename = renamed(x, it->src, e);
	size_t i;

	/* References in offset order, plus the definition's own name if renamed. */
	for (;;) {
		const struct ref *best = NULL;
		const struct item *lo;
		unsigned int best_off = end, lo_off, lo_to;
		bool decl;

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
		lo = next_local(x, it, pos, best_off, &lo_off, &lo_to, &decl);
		if (lo) {
			sb_add(out, m->text + pos, lo_off - pos);
			if (!decl)
				sb_printf(out, "(*%s)", lo->cname);
			pos = lo_to;
			continue;
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
		if (!ident_written_at(m->text, m->len, best_off, best->name)) {
			pos = best_off;		/* spelled differently: leave it */
			sb_add(out, m->text + pos, 1);
			pos++;
			continue;
		}
		emit_ref(x, it->src, best, pos, out);
	}
	sb_add(out, m->text + pos, end - pos);
}

/* Nested local #includes expanded inside each other, at most this deep. */
#define NESTED_INCLUDE_DEPTH	8

/*
 * The first #include of a local header in @file within [@pos, @end). A
 * definition filled from one (nouveau's struct nvkm_device from
 * <core/layout.h>, which a -I of its Makefile finds and the headers
 * package lacks) is copied with the header's text in its place.
 */
static const struct include_site *nested_include(const struct tu_model *m,
						 const char *file,
						 unsigned int pos,
						 unsigned int end)
{
	const struct include_site *next = NULL;
	size_t i;

	for (i = 0; i < m->nlocal_sites; i++) {
		const struct include_site *s = &m->local_sites[i];

		if (s->off >= pos && s->off < end &&
		    (!next || s->off < next->off) && !strcmp(s->from, file))
			next = s;
	}
	return next;
}

/* Where the line at @off of @text ends (its newline), at most @end. */
static unsigned int line_end(const char *text, unsigned int off,
			     unsigned int end)
{
	const char *eol = memchr(text + off, '\n', end - off);

	return eol ? (unsigned int)(eol - text) : end;
}

/*
 * Nested #include @s of @text: the header's text, its own nested ones
 * expanded; the line as it is if the header cannot be read. Returns
 * where the text goes on.
 */
static unsigned int emit_nested(struct extract_ctx *x,
				const struct tu_model *m, const char *text,
				const struct include_site *s, unsigned int end,
				int depth, struct strbuf *out);

static void emit_local_text(struct extract_ctx *x, const struct tu_model *m,
			    const char *file, const char *text,
			    unsigned int pos, unsigned int end, int depth,
			    struct strbuf *out)
{
	const struct include_site *s;

	while (depth < NESTED_INCLUDE_DEPTH &&
	       (s = nested_include(m, file, pos, end))) {
		sb_add(out, text + pos, s->off - pos);
		pos = emit_nested(x, m, text, s, end, depth, out);
	}
	sb_add(out, text + pos, end - pos);
}

static unsigned int emit_nested(struct extract_ctx *x,
				const struct tu_model *m, const char *text,
				const struct include_site *s, unsigned int end,
				int depth, struct strbuf *out)
{
	const struct local_file *h = local_file(x, s->header);
	unsigned int eol = line_end(text, s->off, end), skip = 0;
	static const char spdx[] = "// SPDX-License-Identifier:";
	static const char spdx_c[] = "/* SPDX-License-Identifier:";

	if (!h) {
		sb_add(out, text + s->off, eol - s->off);
		return eol;
	}
	/* The reviewer sees where it came from; the patch has its own SPDX. */
	sb_printf(out, "/* klp-ccp: %.*s */\n", (int)(eol - s->off),
		  text + s->off);
	if (!strncmp(h->text, spdx, strlen(spdx)) ||
	    !strncmp(h->text, spdx_c, strlen(spdx_c)))
		skip = line_end(h->text, 0, h->len) + 1;
	if (skip > h->len)
		skip = h->len;
	emit_local_text(x, m, s->header, h->text, skip, h->len, depth + 1,
			out);
	return eol;
}

/* emit_text(), with the nested local #includes of the main file expanded. */
static void emit_main_text(struct extract_ctx *x, const struct item *it,
			   unsigned int pos, unsigned int end,
			   struct strbuf *out)
{
	const struct tu_model *m = &source_of(x, it->src)->new;
	const struct include_site *s;

	while ((s = nested_include(m, m->path, pos, end))) {
		emit_text(x, it, pos, s->off, out);
		pos = emit_nested(x, m, m->text, s, end, 0, out);
	}
	emit_text(x, it, pos, end, out);
}

/*
 * A macro's "#define ", after an #undef when it replaces one of include/
 * (its header had the #undef, outside the macro's text).
 */
static void emit_define(struct strbuf *out, const struct entity *e)
{
	if (e->kind != ENT_MACRO)
		return;
	if (e->redefines_system)
		sb_printf(out, "#undef %s\n", e->name);
	sb_puts(out, "#define ");
}

/*
 * The type @it's function defines in passing, copied on its own ("static
 * __always_inline struct sgt_iter {...} __sgt_iter(...)" of i915's
 * i915_scatterlist.h): the function's text names it by its tag instead,
 * or the patch defines it twice. NULL if none.
 */
static const struct entity *type_within(struct extract_ctx *x,
					const struct item *it)
{
	const struct entity *e = it->e;
	const struct tu_model *m = &source_of(x, it->src)->new;
	size_t i;

	for (i = 0; e->kind == ENT_FUNC && i < m->n; i++) {
		const struct entity *t = &m->ents[i];

		if (t->kind == ENT_TYPE && t->start >= e->start && t->end <= e->end &&
		    !strcmp(t->file, e->file) && find_item(x, it->src, t->name, ENT_TYPE))
			return t;
	}
	return NULL;
}

/* Whether the text at @start of @file is not in the patch yet; now it is. */
static bool first_emission(struct extract_ctx *x, const char *file,
			   unsigned int start)
{
	struct strbuf at = { 0 };
	bool first;

	sb_printf(&at, "%s:%u", file, start);
	first = !tl_strlist_has(&x->emitted, at.s);
	if (first)
		tl_strlist_add(&x->emitted, at.s);
	sb_free(&at);
	return first;
}

/*
 * A type or variable of the main file that a macro call making a copied
 * function defines too (BPF_CALL_3's typedef btf_bpf_foo): not emitted
 * on its own, the call defines it where the function goes.
 */
static bool made_by_macro_call(const struct extract_ctx *x,
			       const struct item *it)
{
	const struct entity *e = it->e;
	size_t i;

	if (e->where != IN_MAIN || e->kind == ENT_MACRO || e->macro_made)
		return false;
	for (i = 0; i < x->n; i++) {
		const struct entity *f = x->items[i].e;

		if (f && f != e && x->items[i].src == it->src && f->macro_made &&
		    f->start <= e->start && e->end <= f->end)
			return true;
	}
	return false;
}

/*
 * The macro call that makes @it's function, once for all it makes
 * (add_macro_made()), renamed where an argument spells the name of one
 * the patch replaces: BPF_CALL_3(kgr_bpf_foo, ...) { body } defines
 * kgr_bpf_foo, and ____kgr_bpf_foo that it inlines. Never "static": the
 * macro says what it defines.
 */
static void emit_macro_call(struct extract_ctx *x, const struct item *it,
			    struct strbuf *out)
{
	const struct entity *e = it->e;
	size_t i;

	if (!first_emission(x, e->file, e->start))
		return;
	for (i = 0; i < x->n; i++) {
		const struct entity *o = x->items[i].e;

		if (o && o != e && x->items[i].src == it->src && o->macro_made &&
		    o->start == e->start && o->end == e->end &&
		    o->name_off < o->end && renamed(x, it->src, o)) {
			it = &x->items[i];
			break;
		}
	}
	emit_text(x, it, e->start, e->end, out);
	sb_puts(out, "\n\n");
}

/* The text of @e with its references renamed, as it goes in the patch. */
static void emit_entity(struct extract_ctx *x, const struct item *it,
			struct strbuf *out)
{
	struct entity *e = it->e;
	unsigned int pos = e->start;
	bool rename = renamed(x, it->src, e);
	const struct entity *type = type_within(x, it);

	if (e->where == IN_LOCAL) {
		/* Copied as is: names in a local header are not renamed. */
		const struct local_file *f = local_file(x, e->file);

		/* once: EXT4_INODE_BIT_FNS(state, ...) makes three functions */
		if (!first_emission(x, e->file, e->start))
			return;
		emit_define(out, e);
		if (type) {
			sb_add(out, f->text + pos, type->start - pos);
			sb_puts(out, type->name);
			pos = type->end;
		}
		emit_local_text(x, &source_of(x, it->src)->new, e->file,
				f->text, pos, e->end, 0, out);
		sb_puts(out, e->kind == ENT_FUNC && e->definition ? "\n\n" :
			e->kind == ENT_MACRO ? "\n\n" : ";\n\n");
		return;
	}
	if (made_by_macro_call(x, it))
		return;
	if (e->macro_made) {
		emit_macro_call(x, it, out);
		return;
	}
	emit_define(out, e);
	if (e->kind == ENT_VAR && kpatch_callback(e->name)) {
		emit_kpatch_callback(x, it, out);
		return;
	}
	if ((rename || e->kind == ENT_VAR) && !e->internal)
		sb_puts(out, "static ");
	if (e->syscall) {	/* a plain function, then the wrappers below */
		struct strbuf body = { 0 };

		sb_printf(&body, "kgr_%s", e->name);
		syscall_emit_body_head(out, &it->sig, body.s);
		sb_free(&body);
		pos = it->sig.body;
	}
	if (type && type->start >= pos) {
		emit_main_text(x, it, pos, type->start, out);
		sb_puts(out, type->name);
		pos = type->end;
	}
	emit_main_text(x, it, pos, e->end, out);
	/* Declarations' extents stop before their ';'. */
	sb_puts(out, e->kind == ENT_VAR || e->kind == ENT_TYPE ? ";\n\n" : "\n\n");
	if (e->syscall)
		emit_syscall_wrappers(x, it, out);
}

/*
 * Is the function of copied[@j] used by a copied definition emitted
 * before it? Its file declared it ahead (fs/exec.c's
 * bprm_creds_from_file, which begin_new_exec calls above it).
 */
static bool used_before(const struct item *copied, size_t j)
{
	const struct entity *f = copied[j].e;
	size_t i, k;

	for (i = 0; i < j; i++) {
		const struct entity *e = copied[i].e;

		if (!e || (e->kind != ENT_FUNC && e->kind != ENT_VAR) ||
		    (f->internal && copied[i].src != copied[j].src))
			continue;
		for (k = 0; k < e->nrefs; k++)
			if (e->refs[k].kind == ENT_FUNC &&
			    !strcmp(e->refs[k].name, f->name))
				return true;
	}
	return false;
}

/* Where the body of function @e starts: its "{" outside parentheses. */
static unsigned int body_start(const char *text, const struct entity *e)
{
	unsigned int i, depth = 0;

	for (i = e->name_off; i < e->end; i++) {
		if (text[i] == '(')
			depth++;
		else if (text[i] == ')' && depth)
			depth--;
		else if (text[i] == '{' && !depth)
			return i;
	}
	return 0;
}

/* Declare ahead, as their files did, the functions used above their copy. */
static void emit_ahead(struct extract_ctx *x, const struct item *copied,
		       size_t ncopied, struct strbuf *out)
{
	bool any = false;
	size_t j;

	for (j = 0; j < ncopied; j++) {
		const struct item *it = &copied[j];
		const struct entity *e = it->e;
		const char *text;
		unsigned int body;
		bool local;

		/* a macro call cannot be declared ahead */
		if (!e || e->kind != ENT_FUNC || !e->definition || e->syscall ||
		    e->macro_made || !used_before(copied, j))
			continue;
		local = e->where == IN_LOCAL;
		text = local ? local_file(x, e->file)->text :
		       source_of(x, it->src)->new.text;
		body = body_start(text, e);
		if (!body)
			continue;
		if (local)	/* copied as is, as emit_entity() does */
			sb_add(out, text + e->start, body - e->start);
		else if (renamed(x, it->src, e) && !e->internal)
			sb_puts(out, "static ");
		if (!local)
			emit_text(x, it, e->start, body, out);
		while (out->len && isspace((unsigned char)out->s[out->len - 1]))
			out->len--;
		sb_puts(out, ";\n");
		any = true;
	}
	if (any)
		sb_puts(out, "\n");
}

/*
 * A shim that a copied macro spells may size a copied type (hid-nintendo's
 * leds[JC_NUM_LEDS], JC_NUM_LEDS being ARRAY_SIZE() of the shimmed
 * joycon_player_led_names): declared, with its #define, ahead of the
 * types when its own type names none of them and its #define rewrites no
 * tag or member of its name.
 */
static bool shim_ahead(struct extract_ctx *x, const struct item *it,
		       const struct item *copied, size_t ncopied)
{
	size_t i;

	if (it->e || !it->alias || it->early || it->hdr || it->call ||
	    it->trace || !it->shim->type || declared_later(it) ||
	    hdr_item(x, it->shim->name))
		return false;
	for (i = 0; i < ncopied; i++)
		if ((copied[i].e->kind == ENT_TYPE || copied[i].e->kind == ENT_MACRO) &&
		    names_word(it->shim->type, copied[i].e->name))
			return false;
	return !alias_clash(&source_of(x, it->src)->new, it->shim->name, true);
}

/*
 * A tagged type, which a declaration ahead ("enum foo;") names; not an
 * untagged enum, named after its first constant ("enum {A, ...}").
 */
static bool is_tag(const char *name)
{
	if (!strncmp(name, "enum ", 5))
		return name[5] && strspn(name + 5, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
				  strlen(name + 5);
	return !strncmp(name, "struct ", 7) || !strncmp(name, "union ", 6);
}

/*
 * The structs and unions of the tree that @e names but no header the
 * patch includes declares, nor the patch copies: a local header's opaque
 * "struct dm_block;". Declared ahead like the copied ones, or the first
 * prototype naming one would declare a type of its own (prototype scope)
 * and every other would clash with it.
 */
static void add_opaque_tags(const struct entity *e, struct tl_strlist *tags)
{
	size_t i;

	for (i = 0; i < e->nrefs; i++) {
		const struct ref *r = &e->refs[i];

		if (r->kind == ENT_TYPE && r->where != IN_SYSTEM &&
		    is_tag(r->name) && !tl_strlist_has(tags, r->name))
			tl_strlist_add(tags, r->name);
	}
}

/*
 * In the order the compiler saw them (their index in the parse, local
 * headers where they were included): a struct of "a.h" may embed one of
 * "b.h", a local header may use a macro the file defines first.
 */
static int cmp_items(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->src != y->src)
		return (x->src > y->src) - (x->src < y->src);
	return (x->e > y->e) - (x->e < y->e);
}

/* The module a source file is built into, NULL for vmlinux. */
const char *source_module(const struct source *s)
{
	return s->ff.module ? s->ff.modname : NULL;
}

static const char *obj_of(const struct extract_ctx *x, size_t src)
{
	return source_module(source_of(x, src));
}

/* The hooks running the kpatch callbacks: of vmlinux, or of a module. */
static void emit_kpatch_hooks(struct extract_ctx *x, struct strbuf *out)
{
	const char *obj;
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->items[i].e && x->items[i].e->kind == ENT_VAR &&
		    kpatch_callback(x->items[i].e->name))
			break;
	if (i == x->n)
		return;
	obj = obj_of(x, x->items[i].src);
	if (obj)
		sb_printf(out, "\t.object_hooks = (const struct kgr_hooks[]){\n\t\tKPATCH_KGR_HOOKS(\"%s\"),\n\t\t{ }\n\t},\n",
			  obj);
	else
		sb_puts(out, "\t.hooks = KPATCH_KGR_HOOKS(NULL),\n");
}

static void emit_symbols(struct extract_ctx *x, struct strbuf *out)
{
	size_t i, nshim = 0;

	for (i = 0; i < x->n; i++)
		nshim += !x->items[i].e;
	if (!nshim)
		return;
	sb_puts(out, "\t.symbols = (struct kgr_symbol[]){\n");
	for (i = 0; i < x->n; i++) {
		const struct item *it = &x->items[i];
		const char *obj = it->obj ? it->obj : obj_of(x, it->src);

		if (it->e)
			continue;
		if (it->call)
			sb_printf(out, "\t\tKGR_SYMBOL_CALL(%s, %s),\n",
				  it->cname, it->shim->name);
		else if (obj || it->sympos)
			sb_printf(out, "\t\tKGR_SYMBOL_OBJPOS(%s, %s, %s%s%s, %lu),\n",
				  it->cname, it->shim->name, obj ? "\"" : "",
				  obj ? obj : "NULL", obj ? "\"" : "", it->sympos);
		else if (it->shim->where == IN_SYSTEM)
			sb_printf(out, "\t\tKGR_SYMBOL_TYPED(%s, %s),\n",
				  it->cname, it->shim->name);
		else
			sb_printf(out, "\t\tKGR_SYMBOL(%s, %s),\n",
				  it->cname, it->shim->name);
	}
	sb_puts(out, "\t\tKGR_SYMBOL_END\n\t},\n");
}

static int emit_patches(struct extract_ctx *x, struct strbuf *out)
{
	const struct verdict_table *t = x->in->table;
	size_t i, k, src;

	sb_puts(out, "\t.patches = {\n");
	for (i = 0; i < t->n; i++) {
		const char *n = t->rows[i].name, *obj;
		struct source *s;
		unsigned long pos = 0;

		if (!t->rows[i].target || !source_by_file(x, t->rows[i].file, &src))
			continue;
		for (k = 0; k < t->rows[i].patched_as.nr; k++)
			sb_printf(out, "\t\tKGR_PATCH(%s, kgr_%s, true),\n",
				  t->rows[i].patched_as.names[k],
				  t->rows[i].patched_as.names[k]);
		if (t->rows[i].patched_as.nr)
			continue;
		s = source_of(x, src);
		obj = obj_of(x, src);
		if (sym_count(&s->syms, n) > 1) {
			char **names;
			size_t nn = tu_def_names(&s->new, &names);
			int ret = sympos_for(&s->syms, n, names, nn, &pos, x->err);

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

/*
 * Is every use of shim @it in the copied code a call? Only then can a
 * call shim replace the pointer: it has no address to take.
 */
static bool only_called(const struct extract_ctx *x, const struct item *it)
{
	const struct tu_model *m = &source_of(x, it->src)->new;
	size_t i, k;

	for (i = 0; i < x->n; i++) {
		const struct entity *e = x->items[i].e;

		if (!e || x->items[i].src != it->src)
			continue;
		for (k = 0; k < e->nrefs; k++) {
			const struct ref *r = &e->refs[k];

			if (r->kind == it->shim->kind && !strcmp(r->name, it->shim->name) &&
			    spelled_here(m, r) &&
			    !next_is_call(m->text, m->len, r->off + strlen(r->name)))
				return false;
		}
	}
	return true;
}

/*
 * On a kernel built with IBT, objtool seals the functions whose address
 * the kernel never takes, and kgr refuses a pointer shim to one: a
 * function of vmlinux (unique name) that the patch only calls gets a call
 * shim, a direct call. noreturn functions keep their pointer.
 */
static void mark_call_shims(struct extract_ctx *x)
{
	size_t i;

	for (i = 0; x->in->ibt && i < x->n; i++) {
		struct item *it = &x->items[i];

		if (it->e || it->alias || it->hdr || it->shim->kind != ENT_FUNC ||
		    obj_of(x, it->src) ||
		    it->sympos || strstr(it->shim->type, "noreturn") ||
		    !strchr(it->shim->type, '('))
			continue;
		it->call = only_called(x, it);
	}
}

/* The kpatch callbacks the changed files define go with the patch. */
static int pull_kpatch_callbacks(struct extract_ctx *x)
{
	size_t src, i;

	for (src = 0; src < x->in->nsrc; src++) {
		struct tu_model *m = &source_of(x, src)->new;

		for (i = 0; i < m->n; i++) {
			struct entity *e = &m->ents[i];

			if (e->kind == ENT_VAR && e->where == IN_MAIN &&
			    kpatch_callback(e->name) && e->definition &&
			    !head_has(e, "extern") && pull(x, src, e))
				return -1;
		}
	}
	return 0;
}

/* Every patched function, from the file its row names. */
static int pull_targets(struct extract_ctx *x)
{
	const struct verdict_table *t = x->in->table;
	size_t i, k, src;

	for (i = 0; i < t->n; i++) {
		struct entity *e;

		if (!t->rows[i].target || !source_by_file(x, t->rows[i].file, &src))
			continue;
		for (k = 0; k < i; k++)
			if (t->rows[k].target && !strcmp(t->rows[k].name, t->rows[i].name))
				return tl_fail(x->err, "%s and %s both patch a function %s: one patch cannot hold both (split the diff)",
					       t->rows[k].file, t->rows[i].file,
					       t->rows[i].name);
		e = tu_find(&x->in->srcs[src].new, t->rows[i].name, ENT_FUNC, true);
		if (e && pull(x, src, e))
			return -1;
	}
	return pull_kpatch_callbacks(x);
}

/* Does the copied code use a name of kpatch that kgr maps (klp_shadow_*)? */
static bool uses_kpatch_compat(const struct extract_ctx *x)
{
	size_t i, k;

	for (i = 0; i < x->n; i++)
		for (k = 0; x->items[i].e && k < x->items[i].e->nrefs; k++)
			if (kpatch_compat_name(x->items[i].e->refs[k].name))
				return true;
	return false;
}

/*
 * Before the first #include: the names of hdr_call_shim()'s functions
 * are their trampolines' (STATIC_CALL_TRAMP(), whose prefix no header
 * included yet can spell).
 */
static void emit_hdr_call_names(struct extract_ctx *x, struct strbuf *out)
{
	bool first = true;
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (!x->items[i].hdr)
			continue;
		if (first)
			sb_puts(out, "/* Not exported, used by the system headers' inlines and macros. */\n");
		first = false;
		if (x->items[i].shim->kind == ENT_VAR)
			sb_printf(out, "#define %s (*%s)\n", x->items[i].shim->name,
				  x->items[i].cname);
		else
			sb_printf(out, "#define %s __SCT__%s\n",
				  x->items[i].shim->name, x->items[i].cname);
	}
}

/*
 * A static key the patch reaches through a shim has no address at link
 * time, which a static branch's jump entry needs ("i" constraint): the
 * patch's static_branch_likely/unlikely() then read the key's count, as
 * a kernel without CONFIG_JUMP_LABEL does; before any header's inline
 * uses them. The running kernel's own branches are not touched.
 */
static void emit_key_reads(struct extract_ctx *x, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const struct ref *r = x->items[i].shim;

		if (!x->items[i].e && r->kind == ENT_VAR && r->type &&
		    !strncmp(r->type, "struct static_key_", 18))
			break;
	}
	if (i == x->n)
		return;
	sb_puts(out, "/* Static keys reached through shims: the branches read them. */\n"
		"#include <linux/jump_label.h>\n"
		"#undef static_branch_likely\n#undef static_branch_unlikely\n"
		"#define static_branch_likely(x) likely_notrace(static_key_enabled(&(x)->key))\n"
		"#define static_branch_unlikely(x) unlikely_notrace(static_key_enabled(&(x)->key))\n");
}

static void emit_entity(struct extract_ctx *x, const struct item *it,
			struct strbuf *out);

/*
 * A macro its file defines above its first #include is one the headers
 * may test as they are included (printk.h's "#ifndef pr_fmt"): the
 * patch defines it above its own.
 */
static bool before_includes(const struct extract_ctx *x, const struct item *it)
{
	const struct entity *e = it->e;

	return e && e->kind == ENT_MACRO && e->where == IN_MAIN &&
	       e->start < source_of(x, it->src)->new.first_include;
}

/*
 * What the headers declare only outside modules but call from inlines
 * a module build compiles too (asm/tlb.h's tlb_flush() calls
 * flush_tlb_mm_range() of tlbflush.h's "#ifndef MODULE"): declared after
 * linux/module.h, their structs ahead, before the headers that call them.
 */
static void emit_module_hidden(const struct extract_ctx *x, struct strbuf *out)
{
	struct tl_strlist names = { 0 }, tags = { 0 };
	struct strbuf decls = { 0 };
	size_t i, k;

	for (i = 0; i < x->in->nsrc; i++) {
		const struct tu_model *m = &x->in->srcs[i].new;

		for (k = 0; k < m->module_hidden.nr; k++) {
			const char *d = m->module_hidden_decls.names[k];
			const char *p = d;

			if (tl_strlist_has(&names, m->module_hidden.names[k]))
				continue;
			tl_strlist_add(&names, m->module_hidden.names[k]);
			sb_printf(&decls, "%s\n", d);
			while ((p = strstr(p, "struct "))) {
				const char *t = p + 7;

				while (isalnum((unsigned char)*t) || *t == '_')
					t++;
				if ((p == d || (!isalnum((unsigned char)p[-1]) && p[-1] != '_')) &&
				    t > p + 7) {
					char *tag = xstrndup(p, t - p);

					if (!tl_strlist_has(&tags, tag))
						tl_strlist_add(&tags, tag);
					free(tag);
				}
				p = t;
			}
		}
	}
	if (names.nr) {
		sb_puts(out, "/* Declared by their headers for vmlinux only (#ifndef MODULE). */\n");
		for (i = 0; i < tags.nr; i++)
			sb_printf(out, "%s;\n", tags.names[i]);
		sb_puts(out, decls.s);
	}
	sb_free(&decls);
	tl_strlist_free(&names);
	tl_strlist_free(&tags);
}

/* The items pull_late_includes() put ahead of #include line @k of @src. */
static void emit_early(struct extract_ctx *x, size_t src, size_t k,
		       struct strbuf *out)
{
	struct item *early = xcalloc(x->n + 1, sizeof(*early));
	size_t i, n = 0;

	for (i = 0; i < x->n; i++)
		if (x->items[i].src == src && x->items[i].early == k + 1)
			early[n++] = x->items[i];
	qsort(early, n, sizeof(*early), cmp_items);
	for (i = 0; i < n; i++)
		if (early[i].e && early[i].e->kind == ENT_TYPE &&
		    is_tag(early[i].e->name))
			sb_printf(out, "%s;\n", early[i].e->name);
	for (i = 0; i < n; i++)
		if (early[i].e && (early[i].e->kind == ENT_TYPE ||
				   early[i].e->kind == ENT_MACRO))
			emit_entity(x, &early[i], out);
	for (i = 0; i < n; i++)
		if (!early[i].e)
			shim_decl(out, &early[i]);
	for (i = 0; i < n; i++)
		if (early[i].alias && !hdr_item(x, early[i].shim->name))
			sb_printf(out, "#define %s (*%s)\n", early[i].shim->name,
				  early[i].cname);
	emit_ahead(x, early, n, out);
	for (i = 0; i < n; i++)
		if (early[i].e && early[i].e->kind == ENT_FUNC)
			emit_entity(x, &early[i], out);
	free(early);
}

/*
 * #include lines the diff adds to the header @site includes: the patch
 * includes the running kernel's header, which lacks them, while the fix's
 * code (and its copied inlines) may need what they declare
 * (asm/insn-eval.h gains <asm/insn.h> with insn_assign_reg(), whose
 * callers then use MAX_INSN_SIZE). Emitted ahead of the header's line.
 */
static void emit_added_includes(const struct extract_in *in,
				const struct include_site *site,
				struct tl_strlist *seen, struct strbuf *out)
{
	const char *p, *end, *nl;
	char *old = NULL, *line;
	size_t i, len;
	struct tl_err ignored = { 0 };

	if (!site->header)
		return;
	for (i = 0; i < in->nfiles; i++)
		if (same_path(in->files[i].path, site->header))
			break;
	if (i == in->nfiles || read_file(site->header, &old, &len, &ignored))
		return;
	p = in->files[i].text;
	end = p + in->files[i].len;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		if (strncmp(p, "#include <", 10))
			continue;
		line = xstrndup(p, nl - p);
		if (!names_word(old, line + 9) && !tl_strlist_has(seen, line)) {
			tl_strlist_add(seen, line);
			sb_printf(out, "%s\n", line);
		}
		free(line);
	}
	free(old);
}

/*
 * The header comment, the macros of before_includes() and the
 * #include <...> lines of every source, once, each after what
 * pull_late_includes() put ahead of it.
 */
static void emit_head(struct extract_ctx *x, struct strbuf *out)
{
	const struct extract_in *in = x->in;
	struct tl_strlist seen = { 0 };
	size_t i, k;

	sb_printf(out, "// SPDX-License-Identifier: GPL-2.0\n/*\n * %skgr live patch %s, generated by klp-ccp from %s\n * against ",
		  in->replace_all ? "cumulative (replace_all) " : "",
		  in->patch_name, in->diff_name);
	for (i = 0; i < in->nsrc; i++) {
		const struct file_patch *fp = in->srcs[i].fp;

		sb_printf(out, "%s%s", i ? ", " : "", fp->path);
		/* Of several fixes, those that change the file, for review. */
		if (strcmp(fp->changed_by, in->diff_name))
			sb_printf(out, " (%s)", fp->changed_by);
	}
	sb_puts(out, ".\n */\n");
	for (i = 0; i < x->n; i++)
		if (before_includes(x, &x->items[i]))
			emit_entity(x, &x->items[i], out);
	emit_hdr_call_names(x, out);
	emit_key_reads(x, out);
	sb_puts(out, "#include <linux/module.h>\n#include <kgr/kgr.h>\n");
	tl_strlist_add(&seen, "#include <linux/module.h>");
	emit_module_hidden(x, out);
	for (i = 0; i < in->nsrc; i++) {
		const struct tu_model *m = &in->srcs[i].new;

		for (k = 0; k < m->nincludes; k++) {
			emit_early(x, i, k, out);
			if (tl_strlist_has(&seen, m->includes[k]) ||
			    defines_events(m->includes[k]))
				continue;
			emit_added_includes(in, &m->sites[k], &seen, out);
			tl_strlist_add(&seen, m->includes[k]);
			sb_printf(out, "%s\n", m->includes[k]);
		}
	}
	if (!tl_strlist_has(&seen, KPATCH_COMPAT_INCLUDE) && uses_kpatch_compat(x))
		sb_printf(out, "%s\n", KPATCH_COMPAT_INCLUDE);
	tl_strlist_free(&seen);
	sb_puts(out, "\n");
}

/* Does @text (up to @len) spell member @name: "->name", ".name"? */
static bool spells_member(const char *text, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p, *end = text + len;

	for (p = text; p + n < end && (p = memmem(p, end - p, name, n)); p += n) {
		const char *b = p;

		while (b > text && isspace((unsigned char)b[-1]))
			b--;
		if (p + n < end && (isalnum((unsigned char)p[n]) || p[n] == '_'))
			continue;
		if ((b > text && b[-1] == '.') ||
		    (b - text >= 2 && b[-2] == '-' && b[-1] == '>'))
			return true;
	}
	return false;
}

/*
 * A member the fix adds as an alias of an old one (a union { dev;
 * dev_rcu; } where dst_entry had dev) is not in the running kernel's
 * header: where the copied code spells it, it is the old member.
 */
static int emit_member_aliases(struct extract_ctx *x, struct strbuf *out)
{
	const struct hdr_changes *hc = x->in->hdr;
	size_t i, k;

	for (i = 0; hc && i < hc->alias_new.nr; i++) {
		const char *member = hc->alias_new.names[i];
		bool spelled = false;

		if (!hc->alias_old.names[i][0])
			continue;

		for (k = 0; k < x->in->nsrc && !spelled; k++) {
			const struct file_patch *fp = x->in->srcs[k].fp;

			spelled = spells_member(fp->new_text, fp->new_len, member);
		}
		for (k = 0; k < hc->n && !spelled; k++) {
			const struct hdr_def *d = &hc->defs[k];
			const struct local_file *f;

			if (!d->used || !d->included)
				continue;
			f = local_file(x, d->file);
			if (!f)
				return -1;
			spelled = spells_member(f->text + d->start,
						d->end - d->start, member);
		}
		if (spelled)
			sb_printf(out, "/* A member the fix adds as an alias of the running kernel's. */\n#define %s %s\n\n",
				  member, hc->alias_old.names[i]);
	}
	return 0;
}

/*
 * The #include lines give the running kernel's header; the patched
 * callers need the fix's version of what they use from it. Macros are
 * redefined; a static inline is copied as kgr_<name> and its name
 * defined to that, so that every use below, one a macro expands to
 * included, gets the new code. Other headers' inlines that use it are
 * copied the same way (theirs, above, call the old one).
 */
static int emit_header_defs(struct extract_ctx *x, struct strbuf *out)
{
	const struct hdr_changes *hc = x->in->hdr;
	bool first = true;
	int pass;
	size_t i;

	for (pass = 0; hc && pass < 2; pass++) {
		for (i = 0; i < hc->n; i++) {
			const struct hdr_def *d = &hc->defs[i];
			const struct local_file *f;

			if (!d->used || !d->included ||
			    (d->kind == ENT_MACRO) != (pass == 0))
				continue;
			f = local_file(x, d->file);
			if (!f)
				return -1;
			if (first)
				sb_puts(out, "/* As the fix leaves the headers: the patched functions use these. */\n");
			first = false;
			if (d->kind == ENT_MACRO)
				sb_printf(out, "#undef %s\n#define %.*s\n\n", d->name,
					  (int)(d->end - d->start), f->text + d->start);
			else
				sb_printf(out, "#define %s kgr_%s\n%.*s\n\n", d->name,
					  d->name, (int)(d->end - d->start),
					  f->text + d->start);
		}
	}
	return 0;
}

/*
 * A symbol exported to a namespace (EXPORT_SYMBOL_NS(__iwl_err, IWLWIFI))
 * that the copied code reaches directly, a macro's expansion included:
 * modpost wants the patch to import it, as the module's other file did.
 */
static void emit_imports(struct extract_ctx *x, struct strbuf *out)
{
	struct tl_strlist seen = { 0 };
	size_t i, k;

	for (i = 0; i < x->n; i++) {
		const struct item *it = &x->items[i];

		for (k = 0; it->e && k < it->e->nrefs; k++) {
			const struct ref *r = &it->e->refs[k];
			const char *ns;
			struct entity *d;
			size_t dsrc;

			if ((r->kind != ENT_FUNC && r->kind != ENT_VAR) ||
			    has_shim(x, it->src, r) ||
			    (use_of(x, it->src, r, &d, &dsrc) == USE_SHIM &&
			     spelled_here(&source_of(x, it->src)->new, r) &&
			     !exported_elsewhere(x, it->src, r->name)))
				continue;
			ns = sym_namespace(&source_of(x, it->src)->syms, r->name);
			if (!ns || tl_strlist_has(&seen, ns))
				continue;
			tl_strlist_add(&seen, ns);
			sb_printf(out, "MODULE_IMPORT_NS(%s);\n", ns);
		}
	}
	tl_strlist_free(&seen);
}

/*
 * A function the patch replaces or adds, spelled in a copied macro:
 * "acm_ctrl_msg(...)" in its text must call kgr_acm_ctrl_msg.
 */
static void emit_renamed_aliases(struct extract_ctx *x, const struct item *copied,
				 size_t ncopied, struct strbuf *out)
{
	struct tl_strlist seen = { 0 };
	size_t i, k;

	for (i = 0; i < ncopied; i++) {
		const struct entity *e = copied[i].e;

		for (k = 0; e->kind == ENT_MACRO && k < e->nrefs; k++) {
			const struct ref *r = &e->refs[k];
			struct entity *d;
			size_t dsrc;
			enum use u;

			if (r->kind != ENT_FUNC || tl_strlist_has(&seen, r->name))
				continue;
			u = use_of(x, copied[i].src, r, &d, &dsrc);
			if (u != USE_PATCHED &&
			    !(u == USE_COPY && d && renamed(x, dsrc, d)))
				continue;
			tl_strlist_add(&seen, r->name);
			sb_printf(out, "#define %s kgr_%s\n", r->name, r->name);
		}
	}
	if (seen.nr)
		sb_puts(out, "\n");
	tl_strlist_free(&seen);
}

void copied_free(struct copied_list *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].file);
		free(c->v[i].caller);
		free(c->v[i].why);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int extract_patch(const struct extract_in *in, struct strbuf *out,
		  struct copied_list *callees, struct refusal *refused,
		  struct tl_err *err)
{
	struct extract_ctx x = { .in = in, .copied = callees,
				 .refused = refused, .err = err };
	struct tl_strlist tags = { 0 };
	size_t i, ncopied = 0, nahead;
	struct item *copied;
	bool *ahead;
	int ret = -1;

	if (pull_targets(&x) || pull_late_includes(&x) ||
	    pull_header_calls(&x) || pull_expansion_siblings(&x))
		goto out;
	mark_call_shims(&x);
	emit_head(&x, out);
	if (emit_member_aliases(&x, out) || emit_header_defs(&x, out))
		goto out;
	copied = xcalloc(x.n, sizeof(*copied));
	for (i = 0; i < x.n; i++)
		if (x.items[i].e && !x.items[i].early)
			copied[ncopied++] = x.items[i];
	qsort(copied, ncopied, sizeof(*copied), cmp_items);
	/*
	 * Types and macros first: shims may be typed with them. Structs,
	 * unions and enums are declared ahead, as a header's "struct foo;"
	 * did: a copied type may point to one copied after it, or take it
	 * as a parameter (nouveau's device.h declares enum nvkm_subdev_type
	 * of subdev.h, which it includes later).
	 */
	for (i = 0; i < ncopied; i++)
		if (copied[i].e->kind == ENT_TYPE && is_tag(copied[i].e->name) &&
		    !tl_strlist_has(&tags, copied[i].e->name))
			tl_strlist_add(&tags, copied[i].e->name);
	for (i = 0; i < ncopied; i++)
		add_opaque_tags(copied[i].e, &tags);
	for (i = 0; i < tags.nr; i++)
		sb_printf(out, "%s;\n", tags.names[i]);
	if (tags.nr)
		sb_puts(out, "\n");
	ahead = xcalloc(x.n ? x.n : 1, sizeof(*ahead));
	for (i = 0, nahead = 0; i < x.n; i++) {
		ahead[i] = shim_ahead(&x, &x.items[i], copied, ncopied);
		if (ahead[i]) {
			shim_decl(out, &x.items[i]);
			sb_printf(out, "#define %s (*%s)\n", x.items[i].shim->name,
				  x.items[i].cname);
			nahead++;
		}
	}
	if (nahead)
		sb_puts(out, "\n");
	for (i = 0; i < ncopied; i++)
		if ((copied[i].e->kind == ENT_TYPE || copied[i].e->kind == ENT_MACRO) &&
		    !before_includes(&x, &copied[i]))
			emit_entity(&x, &copied[i], out);
	emit_renamed_aliases(&x, copied, ncopied, out);
	if (x.decls.len)
		sb_puts(out, x.decls.s);
	for (i = 0; i < x.n; i++)
		if (!x.items[i].e && !x.items[i].early && !ahead[i] &&
		    !declared_later(&x.items[i]))
			shim_decl(out, &x.items[i]);
	for (i = 0; i < x.n; i++)
		if (x.items[i].alias && !x.items[i].early && !ahead[i] &&
		    !hdr_item(&x, x.items[i].shim->name))
			sb_printf(out, "#define %s (*%s)\n", x.items[i].shim->name,
				  x.items[i].cname);
	for (i = 0; i < x.n; i++)
		if (x.items[i].trace)
			trace_function(out, &x.items[i]);
	if (x.n > ncopied)
		sb_puts(out, "\n");
	emit_ahead(&x, copied, ncopied, out);
	for (i = 0; i < ncopied; i++)
		if (copied[i].e->kind == ENT_VAR || copied[i].e->kind == ENT_FUNC)
			emit_entity(&x, &copied[i], out);
	free(copied);
	free(ahead);
	/* the trace header (or its copied DEFINE_EVENT) declared these */
	for (i = 0; i < x.n; i++)
		if (!x.items[i].e && declared_later(&x.items[i]))
			sb_printf(out, "%s *%s;\n", x.items[i].shim->type,
				  x.items[i].cname);

	sb_printf(out, "static struct kgr_patch patch = {\n\t.name = \"%s\",\n\t.owner = THIS_MODULE,\n",
		  in->patch_name);
	if (in->replace_all)
		sb_puts(out, "\t.replace_all = true,\n");
	emit_kpatch_hooks(&x, out);
	emit_symbols(&x, out);
	if (emit_patches(&x, out))
		goto out;
	/* module_kgr_patch(): the module's own stubs for the direct path */
	sb_puts(out, "};\n\nmodule_kgr_patch(patch);\n\n");
	sb_printf(out, "MODULE_DESCRIPTION(\"kgr live patch %s\");\nMODULE_LICENSE(\"GPL\");\n",
		  in->patch_name);
	emit_imports(&x, out);
	ret = 0;
out:
	tl_strlist_free(&tags);
	tl_strlist_free(&x.emitted);
	tl_strlist_free(&x.declared);
	sb_free(&x.decls);
	for (i = 0; i < x.nfiles; i++) {
		free(x.files[i].path);
		free(x.files[i].text);
	}
	for (i = 0; i < x.n; i++) {
		free(x.items[i].cname);
		free(x.items[i].trace);
		free(x.items[i].trace_type);
		syscall_sig_free(&x.items[i].sig);
		if (x.items[i].own) {
			free(x.items[i].own->name);
			free(x.items[i].own->type);
			free(x.items[i].own);
		}
	}
	for (i = 0; i < x.nmade; i++) {
		free(x.made[i]->name);
		free(x.made[i]->type);
		free(x.made[i]);
	}
	free(x.made);
	free(x.files);
	free(x.items);
	return ret;
}
