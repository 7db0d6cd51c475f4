// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: a header's parses, kept between runs.
 *
 * bench/stable-delta runs klp-ccp once per .c file and hands each the
 * diffs of the changed headers it includes; each such header is parsed
 * as a unit of its own, old and new. Over the 896 files of its delta
 * that is 1054 header units of 119 headers: the same parses, run after
 * run. With $KLP_CCP_PARSE_CACHE a directory, a header's model is kept
 * there under a key of what goes into the parse (klp-ccp's binary,
 * libclang's version, the tree, the flags, the header's text), with the
 * files the parse read and a hash of each; a later run takes it only
 * if each of them reads the same in that run (a diff's file its new
 * text, the others the disk's). Up to SLOTS entries a key: a header's
 * new version reads other headers of the diff, which differ from run to
 * run.
 */
#include <clang-c/Index.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"
#include "tucache.h"

#define SLOTS 16
#define MAGIC "klp-ccp parse cache 4"
/* What the scratch dir's name becomes in keys and entries: it changes every run. */
#define TMP_MARK "\001TMPDIR"

int tucache_setup(struct tu_cache *tc, const char *tmpdir, struct tl_err *err)
{
	const char *dir = getenv("KLP_CCP_PARSE_CACHE");

	tc->dir = NULL;
	tc->tmpdir = tmpdir;
	if (!dir || !*dir)
		return 0;
	if (mkdir(dir, 0777) && errno != EEXIST)
		return tl_fail(err, "KLP_CCP_PARSE_CACHE=%s: %s", dir, strerror(errno));
	tc->dir = dir;
	return 0;
}

/* A field of @s, the scratch dir's name in it written as TMP_MARK. */
static void put_norm(struct strbuf *sb, const char *s, const char *tmpdir)
{
	char *norm = replace_all(s, tmpdir ? tmpdir : "", TMP_MARK);

	rec_put(sb, norm);
	free(norm);
}

/* What goes into the parse but the files it reads: a record. */
static void make_key(struct strbuf *key, const struct tu_cache *tc,
		     const struct unsaved *main_file, char *const *argv,
		     int argc, const char *src, bool header_inlines)
{
	CXString ver = clang_getClangVersion();
	struct strbuf id = { 0 };
	struct stat st = { 0 };
	int i;

	rec_put(key, MAGIC);
	/* A rebuilt klp-ccp may read a parse differently. */
	stat("/proc/self/exe", &st);
	sb_printf(&id, "%llu %lld.%ld %llu %llu", (unsigned long long)st.st_size,
		  (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		  (unsigned long long)st.st_ino, (unsigned long long)st.st_dev);
	rec_put(key, id.s);
	rec_put(key, clang_getCString(ver) ? clang_getCString(ver) : "");
	clang_disposeString(ver);
	rec_put(key, src);
	rec_put_num(key, header_inlines);
	rec_put_num(key, argc);
	for (i = 0; i < argc; i++)
		put_norm(key, argv[i], tc->tmpdir);
	put_norm(key, main_file->path, tc->tmpdir);
	id.len = 0;
	sb_printf(&id, "%zu %016llx", main_file->len,
		  (unsigned long long)fnv1a(main_file->text, main_file->len));
	rec_put(key, id.s);
	sb_free(&id);
}

/* The hash of @path's text as this run's parse would read it; false: none. */
static bool dep_hash(const char *path, const struct unsaved *files,
		     size_t nfiles, uint64_t *hash)
{
	struct tl_err err = { 0 };
	char *text;
	size_t i, len;

	for (i = 0; i < nfiles; i++)
		if (same_path(path, files[i].path)) {
			*hash = fnv1a(files[i].text, files[i].len);
			return true;
		}
	if (read_file(path, &text, &len, &err))
		return false;
	*hash = fnv1a(text, len);
	free(text);
	return true;
}

static void put_entity(struct strbuf *sb, const struct entity *e)
{
	size_t i, k;

	rec_put_opt(sb, e->name);
	rec_put_num(sb, e->kind);
	rec_put_num(sb, e->where);
	rec_put_opt(sb, e->file);
	rec_put_num(sb, e->start);
	rec_put_num(sb, e->end);
	rec_put_num(sb, e->line);
	rec_put_num(sb, e->name_off);
	rec_put_num(sb, e->definition);
	rec_put_num(sb, e->internal);
	rec_put_num(sb, e->macro_made);
	rec_put_num(sb, e->redefines_system);
	rec_put_opt(sb, e->code);
	rec_put_opt(sb, e->head);
	rec_put_opt(sb, e->layout);
	rec_put_opt(sb, e->fn_fields);
	rec_put_opt(sb, e->within);
	rec_put_opt(sb, e->type);
	rec_put_num(sb, e->nrefs);
	for (i = 0; i < e->nrefs; i++) {
		const struct ref *f = &e->refs[i];

		rec_put_opt(sb, f->name);
		rec_put_num(sb, f->kind);
		rec_put_num(sb, f->internal);
		rec_put_num(sb, f->where);
		rec_put_num(sb, f->spelled_in_main);
		rec_put_num(sb, f->off);
		rec_put_opt(sb, f->type);
	}
	rec_put_num(sb, e->nstatics);
	for (i = 0; i < e->nstatics; i++) {
		const struct local_static *s = &e->statics[i];

		rec_put_opt(sb, s->name);
		rec_put_num(sb, s->line);
		rec_put_opt(sb, s->macro);
		rec_put_opt(sb, s->type);
		rec_put_num(sb, s->decl_off);
		rec_put_num(sb, s->name_off);
		rec_put_num(sb, s->nuses);
		for (k = 0; k < s->nuses; k++)
			rec_put_num(sb, s->uses[k]);
		rec_put_num(sb, s->used_unspelled);
		rec_put_num(sb, s->readonly);
	}
	rec_put_opt(sb, e->syscall);
	rec_put_num(sb, e->compat);
	rec_put_list(sb, &e->wrappers);
}

static void get_entity(struct rec_reader *r, struct entity *e)
{
	size_t i, k;

	e->name = rec_get_opt(r);
	e->kind = rec_get_num(r);
	e->where = rec_get_num(r);
	e->file = rec_get_opt(r);
	e->start = rec_get_num(r);
	e->end = rec_get_num(r);
	e->line = rec_get_num(r);
	e->name_off = rec_get_num(r);
	e->definition = rec_get_num(r);
	e->internal = rec_get_num(r);
	e->macro_made = rec_get_num(r);
	e->redefines_system = rec_get_num(r);
	e->code = rec_get_opt(r);
	e->head = rec_get_opt(r);
	e->layout = rec_get_opt(r);
	e->fn_fields = rec_get_opt(r);
	e->within = rec_get_opt(r);
	e->type = rec_get_opt(r);
	e->nrefs = e->refcap = rec_get_count(r);
	e->refs = xcalloc(e->nrefs + 1, sizeof(*e->refs));
	for (i = 0; i < e->nrefs; i++) {
		struct ref *f = &e->refs[i];

		f->name = rec_get_opt(r);
		f->kind = rec_get_num(r);
		f->internal = rec_get_num(r);
		f->where = rec_get_num(r);
		f->spelled_in_main = rec_get_num(r);
		f->off = rec_get_num(r);
		f->type = rec_get_opt(r);
	}
	e->nstatics = e->staticcap = rec_get_count(r);
	e->statics = xcalloc(e->nstatics + 1, sizeof(*e->statics));
	for (i = 0; i < e->nstatics; i++) {
		struct local_static *s = &e->statics[i];

		s->name = rec_get_opt(r);
		s->line = rec_get_num(r);
		s->macro = rec_get_opt(r);
		s->type = rec_get_opt(r);
		s->decl_off = rec_get_num(r);
		s->name_off = rec_get_num(r);
		s->nuses = s->usecap = rec_get_count(r);
		s->uses = xcalloc(s->nuses + 1, sizeof(*s->uses));
		for (k = 0; k < s->nuses; k++)
			s->uses[k] = rec_get_num(r);
		s->used_unspelled = rec_get_num(r);
		s->readonly = rec_get_num(r);
	}
	e->syscall = rec_get_opt(r);
	e->compat = rec_get_num(r);
	rec_get_list(r, &e->wrappers);
}

static void put_inline(struct strbuf *sb, const struct hdr_inline *h)
{
	rec_put_opt(sb, h->name);
	rec_put_opt(sb, h->file);
	rec_put_num(sb, h->start);
	rec_put_num(sb, h->end);
	rec_put_num(sb, h->line);
	rec_put_list(sb, &h->calls);
	rec_put_list(sb, &h->globals);
	rec_put_list(sb, &h->vars);
	rec_put_list(sb, &h->keys);
	rec_put_list(sb, &h->key_types);
	rec_put_list(sb, &h->percpu);
}

static void get_inline(struct rec_reader *r, struct hdr_inline *h)
{
	h->name = rec_get_opt(r);
	h->file = rec_get_opt(r);
	h->start = rec_get_num(r);
	h->end = rec_get_num(r);
	h->line = rec_get_num(r);
	rec_get_list(r, &h->calls);
	rec_get_list(r, &h->globals);
	rec_get_list(r, &h->vars);
	rec_get_list(r, &h->keys);
	rec_get_list(r, &h->key_types);
	rec_get_list(r, &h->percpu);
}

/* Every field but path, text and len, which are the main file's. */
static void put_model(struct strbuf *sb, const struct tu_model *m)
{
	size_t i;

	rec_put_num(sb, m->n);
	for (i = 0; i < m->n; i++)
		put_entity(sb, &m->ents[i]);
	rec_put_num(sb, m->first_include);
	rec_put_num(sb, m->nincludes);
	for (i = 0; i < m->nincludes; i++) {
		rec_put_opt(sb, m->includes[i]);
		rec_put_opt(sb, m->sites[i].from);
		rec_put_num(sb, m->sites[i].off);
		rec_put_opt(sb, m->sites[i].header);
	}
	rec_put_num(sb, m->nlocal_sites);
	for (i = 0; i < m->nlocal_sites; i++) {
		rec_put_opt(sb, m->local_sites[i].from);
		rec_put_num(sb, m->local_sites[i].off);
		rec_put_opt(sb, m->local_sites[i].header);
	}
	rec_put_list(sb, &m->local_headers);
	for (i = 0; i < m->local_headers.nr; i++)
		rec_put_num(sb, m->local_main_off[i]);
	rec_put_num(sb, m->nerrors);
	for (i = 0; i < m->nerrors; i++)
		rec_put_opt(sb, m->errors[i]);
	rec_put_list(sb, &m->kpatch_ignored);
	rec_put_list(sb, &m->kpatch_forced);
	rec_put_num(sb, m->ninlines);
	for (i = 0; i < m->ninlines; i++)
		put_inline(sb, &m->inlines[i]);
	rec_put_list(sb, &m->module_hidden);
	rec_put_list(sb, &m->module_hidden_decls);
}

/* false: a damaged entry, @m freed. */
static bool get_model(struct rec_reader *r, const struct unsaved *main_file,
		      struct tu_model *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->path = xstrdup(main_file->path);
	m->text = main_file->text;
	m->len = main_file->len;
	m->n = m->cap = rec_get_count(r);
	m->ents = xcalloc(m->n + 1, sizeof(*m->ents));
	for (i = 0; i < m->n; i++)
		get_entity(r, &m->ents[i]);
	m->first_include = rec_get_num(r);
	m->nincludes = m->inccap = rec_get_count(r);
	m->includes = xcalloc(m->nincludes + 1, sizeof(*m->includes));
	m->sites = xcalloc(m->nincludes + 1, sizeof(*m->sites));
	for (i = 0; i < m->nincludes; i++) {
		m->includes[i] = rec_get_opt(r);
		m->sites[i].from = rec_get_opt(r);
		m->sites[i].off = rec_get_num(r);
		m->sites[i].header = rec_get_opt(r);
	}
	m->nlocal_sites = m->localcap = rec_get_count(r);
	m->local_sites = xcalloc(m->nlocal_sites + 1, sizeof(*m->local_sites));
	for (i = 0; i < m->nlocal_sites; i++) {
		m->local_sites[i].from = rec_get_opt(r);
		m->local_sites[i].off = rec_get_num(r);
		m->local_sites[i].header = rec_get_opt(r);
	}
	rec_get_list(r, &m->local_headers);
	m->local_main_off = xcalloc(m->local_headers.nr + 1, sizeof(*m->local_main_off));
	for (i = 0; i < m->local_headers.nr; i++)
		m->local_main_off[i] = rec_get_num(r);
	m->nerrors = m->errcap = rec_get_count(r);
	m->errors = xcalloc(m->nerrors + 1, sizeof(*m->errors));
	for (i = 0; i < m->nerrors; i++)
		m->errors[i] = rec_get_opt(r);
	rec_get_list(r, &m->kpatch_ignored);
	rec_get_list(r, &m->kpatch_forced);
	m->ninlines = m->inlcap = rec_get_count(r);
	m->inlines = xcalloc(m->ninlines + 1, sizeof(*m->inlines));
	for (i = 0; i < m->ninlines; i++)
		get_inline(r, &m->inlines[i]);
	rec_get_list(r, &m->module_hidden);
	rec_get_list(r, &m->module_hidden_decls);
	if (!r->bad && r->p == r->end)
		return true;
	tu_free(m);
	return false;
}

/*
 * Entry @path: 1 and @m if it is @key's and every file it lists reads
 * the same; 0 if not; -1 if there is none.
 */
static int load(const char *path, const struct strbuf *key,
		const struct tu_cache *tc, const struct unsaved *files,
		size_t nfiles, struct tu_model *m)
{
	struct tl_err err = { 0 };
	struct rec_reader r;
	char *text, *stored;
	size_t len, i, n;
	int ret = 0;

	if (access(path, F_OK))
		return -1;
	if (read_file(path, &text, &len, &err))
		return 0;
	r = (struct rec_reader){ text, text + len, false };
	stored = rec_get(&r);
	r.bad |= strcmp(stored, key->s) != 0;
	free(stored);
	n = rec_get_count(&r);
	for (i = 0; i < n && !r.bad; i++) {
		char *hash = rec_get(&r), *dep = rec_get(&r), *real, *end;
		uint64_t want = strtoull(hash, &end, 16), got;

		real = replace_all(dep, TMP_MARK, tc->tmpdir ? tc->tmpdir : "");
		r.bad |= *end || !dep_hash(real, files, nfiles, &got) || got != want;
		free(real);
		free(dep);
		free(hash);
	}
	if (!r.bad)
		ret = get_model(&r, &files[0], m);
	free(text);
	return ret;
}

static int cmp_dep(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry: @key, the files read (once each) with their hashes, the model. */
static void store(const char *path, const struct strbuf *key,
		  const struct tu_cache *tc, struct tu_deps *deps,
		  const struct tu_model *m)
{
	struct strbuf sb = { 0 }, tmp = { 0 };
	struct tl_err err = { 0 };
	char **deps_rec, hash[24];
	size_t i, n = 0;

	if (deps->unread)
		return;
	deps_rec = xcalloc(deps->paths.nr + 1, sizeof(*deps_rec));
	for (i = 0; i < deps->paths.nr; i++) {
		struct strbuf one = { 0 };

		snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)deps->hash[i]);
		rec_put(&one, hash);
		put_norm(&one, deps->paths.names[i], tc->tmpdir);
		deps_rec[i] = one.s;
	}
	qsort(deps_rec, deps->paths.nr, sizeof(*deps_rec), cmp_dep);
	for (i = 0; i < deps->paths.nr; i++)
		n += !i || strcmp(deps_rec[i], deps_rec[i - 1]);
	rec_put(&sb, key->s);
	rec_put_num(&sb, n);
	for (i = 0; i < deps->paths.nr; i++)
		if (!i || strcmp(deps_rec[i], deps_rec[i - 1]))
			sb_puts(&sb, deps_rec[i]);
	put_model(&sb, m);
	/* A model naming the scratch dir would name one that is gone. */
	if (!tc->tmpdir || !memmem(sb.s, sb.len, tc->tmpdir, strlen(tc->tmpdir))) {
		sb_printf(&tmp, "%s.%ld.tmp", path, (long)getpid());
		if (!write_file(tmp.s, sb.s, sb.len, &err) && rename(tmp.s, path))
			unlink(tmp.s);
	}
	for (i = 0; i < deps->paths.nr; i++)
		free(deps_rec[i]);
	free(deps_rec);
	sb_free(&sb);
	sb_free(&tmp);
}

int parse_tu_cached(const struct tu_cache *tc, const struct unsaved *files,
		    size_t nfiles, char *const *argv, int argc,
		    const char *src, bool header_inlines, struct tu_model *m,
		    struct tl_err *err)
{
	struct strbuf key = { 0 }, path = { 0 };
	struct tu_deps deps = { 0 };
	struct stat st;
	size_t i, base;
	int k, got = 0, ret = 0;

	if (!tc || !tc->dir)
		return parse_tu(files, nfiles, argv, argc, src, header_inlines,
				m, NULL, err);
	/* A file the diff creates may hide one of the disk's that a parse read. */
	for (i = 1; i < nfiles; i++)
		if (stat(files[i].path, &st))
			return parse_tu(files, nfiles, argv, argc, src,
					header_inlines, m, NULL, err);
	make_key(&key, tc, &files[0], argv, argc, src, header_inlines);
	sb_printf(&path, "%s/%016llx.", tc->dir,
		  (unsigned long long)fnv1a(key.s, key.len));
	base = path.len;
	/* Up to the first free slot, which a miss fills. */
	for (k = 0; k < SLOTS && !got; k++) {
		path.len = base;
		sb_printf(&path, "%d", k);
		got = load(path.s, &key, tc, files, nfiles, m);
	}
	if (got > 0) {
		time_phase("parse: from the cache");
	} else {
		ret = parse_tu(files, nfiles, argv, argc, src, header_inlines,
			       m, &deps, err);
		if (!ret && got < 0)
			store(path.s, &key, tc, &deps, m);
	}
	tl_strlist_free(&deps.paths);
	free(deps.hash);
	sb_free(&key);
	sb_free(&path);
	return ret;
}
