// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: from a fix written as a source diff to a kgr live patch.
 *
 * klp-ccp [--check] [--json] [--cumulative [--supersedes <previous patch.c>]]
 *         [--context-headers] --src <tree> --config <.config[.xz]> --symvers <Module.symvers>
 *         [-o <patch.c>] [--targets <inline-expand --list output>]
 *         [--symbols <System.map or /proc/kallsyms copy>]
 *         [--modules <the target's /lib/modules/<version>>]
 *         [--callers-in <file.c>]... [-j <jobs>] <fix.diff>...
 *
 * Several diffs apply in the order given, each on top of the ones before
 * it, and give one patch; --cumulative makes it a replace_all patch.
 * --context-headers: the diffs' header hunks are there for the .c files
 * to compile; definitions of them that no .c file uses get no row.
 *
 * Prints one verdict row per changed definition. Exit 0: everything is
 * PATCHABLE (and, without --check, the patch file is written); 1: not;
 * 2: usage or input error; 3: a file got a TOOL ERROR row (the others
 * got their verdicts). -j N: the files' verdicts in up to N worker
 * processes at a time; the output is that of -j 1.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "built.h"
#include "config.h"
#include "context.h"
#include "diff.h"
#include "extract.h"
#include "flags.h"
#include "included.h"
#include "parse.h"
#include "probes.h"
#include "report.h"
#include "supersede.h"
#include "modsyms.h"
#include "symvers.h"
#include "tucache.h"
#include "verdict.h"
#include "worker.h"

struct options {
	bool check, json, cumulative, context_headers;
	const char *src, *config, *symvers, *out, *targets, *symbols;
	const char *modules;	/* the target's /lib/modules/<version> */
	const char *supersedes;		/* the previous cumulative patch's source */
	struct tl_strlist diffs;	/* the fixes, in the order they apply */
	/* .c files the diff leaves alone, searched for a changed header's callers */
	struct tl_strlist callers_in;
	unsigned int jobs;	/* -j: worker processes at a time; 1: none */
};

static int usage(void)
{
	fputs("usage: klp-ccp [--check] [--json] [--cumulative [--supersedes <previous patch.c>]]\n"
	      "               [--context-headers] --src <kernel tree> --config <.config or .config.xz>\n"
	      "               --symvers <Module.symvers> [-o <patch.c>]\n"
	      "               [--targets <inline-expand --list output>]\n"
	      "               [--symbols <System.map or /proc/kallsyms copy>]\n"
	      "               [--modules <the target's /lib/modules/<version>>]\n"
	      "               [--callers-in <file.c>]... [-j <jobs>] <fix.diff>...\n",
	      stderr);
	return EXIT_USAGE;
}

/* -j's value: a whole number from 1 to 1024. */
static int parse_jobs(const char *arg, unsigned int *jobs, struct tl_err *err)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 1 || n > 1024)
		return tl_usage(err, "-j %s: the number of jobs must be a whole number from 1 to 1024",
				arg);
	*jobs = n;
	return 0;
}

/* -1: usage() unless @err says what is wrong. */
static int parse_args(int argc, char **argv, struct options *o,
		      struct tl_err *err)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char **slot = NULL;

		if (!strcmp(argv[i], "--check"))
			o->check = true;
		else if (!strcmp(argv[i], "--json"))
			o->json = true;
		else if (!strcmp(argv[i], "--cumulative"))
			o->cumulative = true;
		else if (!strcmp(argv[i], "--context-headers"))
			o->context_headers = true;
		else if (!strcmp(argv[i], "--supersedes"))
			slot = &o->supersedes;
		else if (!strcmp(argv[i], "--src"))
			slot = &o->src;
		else if (!strcmp(argv[i], "--config"))
			slot = &o->config;
		else if (!strcmp(argv[i], "--symvers"))
			slot = &o->symvers;
		else if (!strcmp(argv[i], "-o"))
			slot = &o->out;
		else if (!strcmp(argv[i], "--targets"))
			slot = &o->targets;
		else if (!strcmp(argv[i], "--symbols"))
			slot = &o->symbols;
		else if (!strcmp(argv[i], "--modules"))
			slot = &o->modules;
		else if (!strcmp(argv[i], "--callers-in") && i + 1 < argc)
			tl_strlist_add(&o->callers_in, argv[++i]);
		else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
			if (parse_jobs(argv[++i], &o->jobs, err))
				return -1;
		}
		else if (argv[i][0] == '-')
			return -1;
		else
			tl_strlist_add(&o->diffs, argv[i]);
		if (slot) {
			if (++i == argc)
				return -1;
			*slot = argv[i];
		}
	}
	/* Only a replace_all patch supersedes another. */
	if (o->supersedes && !o->cumulative)
		return -1;
	return o->src && o->config && o->symvers && o->diffs.nr ? 0 : -1;
}

/* inline-expand --list: "name [obj=<module>] [sympos=<n>]" per line. */
static int read_targets(const char *path, struct tl_strlist *names,
			struct tl_err *err)
{
	char *text, *line, *next;
	size_t len;

	if (read_file(path, &text, &len, err))
		return -1;
	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		tl_strlist_addn(names, line, strcspn(line, " \t"));
	}
	free(text);
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Debian ships only a stub System.map; a real one may be given or installed. */
static char *system_map_path(const char *build)
{
	const char *env = getenv("KLP_CCP_SYSTEM_MAP");
	const char *base = strrchr(build, '/');
	struct strbuf p = { 0 };

	if (env)
		return xstrdup(env);
	base = base ? base + 1 : build;
	if (!strncmp(base, "linux-headers-", 14))
		base += 14;
	sb_printf(&p, "/boot/System.map-%s", base);
	return p.s;
}

/*
 * A file built into a module counts names and sympos in that module's own
 * symbols: those of a kallsyms copy taken while it was loaded, else none
 * (System.map covers vmlinux only).
 */
static struct symbols syms_for(const struct symbols *all,
			       const struct file_flags *ff)
{
	if (ff->module)
		return syms_for_module(all, ff->modname ? ff->modname : "");
	return *all;
}

/*
 * The symbols of @ff's module, from its .ko under @modules, unless a
 * kallsyms copy has them already.
 */
static int module_symbols(struct symbols *all, const char *modules,
			  const struct file_flags *ff, struct tl_err *err)
{
	const char *mod = ff->modname ? ff->modname : "";
	struct tl_strlist names = { 0 };
	char *path = NULL;
	int ret;

	if (!ff->module || !modules || syms_module_known(all, mod))
		return 0;
	ret = modsyms_path(modules, mod, &path, err);
	if (!ret)
		ret = modsyms_read(path, &names, err);
	if (!ret)
		symbols_add_module(all, path, mod, &names);
	tl_strlist_free(&names);
	free(path);
	return ret;
}

/*
 * A file of a module whose symbols nothing gives (a kallsyms copy without
 * it, and no --modules) cannot be checked.
 */
static int symbols_cover(struct symbols *all, const char *modules,
			 const struct file_flags *ff, const char *relpath,
			 struct tl_err *err)
{
	char why[sizeof(err->msg)];

	if (!module_symbols(all, modules, ff, err) &&
	    (!ff->module || !syms_have_module(all, ff->modname ? ff->modname : "", err)))
		return 0;
	strcpy(why, err->msg);
	return tl_fail(err, "%s: %s", relpath, why);
}

/*
 * The diff's files as the new version of @fp sees them: @fp first, then
 * every other file the diff creates or changes (a header it adds or edits).
 */
static size_t new_files(const struct build_env *env, const struct diff *d,
			const struct file_patch *fp, struct unsaved **out,
			struct tl_strlist *paths)
{
	size_t i, n = 0;

	*out = xcalloc(d->nfiles + 2, sizeof(**out));
	for (i = 0; i <= d->nfiles; i++) {
		const struct file_patch *f = i ? &d->files[i - 1] : fp;
		struct strbuf abs = { 0 };

		if ((i && f == fp) || !f->new_text || f->change == FILE_DELETED)
			continue;
		sb_printf(&abs, "%s/%s", env->src, f->path);
		tl_strlist_add(paths, abs.s);
		sb_free(&abs);
		(*out)[n].text = f->new_text;
		(*out)[n++].len = f->new_len;
	}
	for (i = 0; i < n; i++)
		(*out)[i].path = paths->names[paths->nr - n + i];
	return n;
}

/* Does the diff change a header? Then .c files are searched for its callers. */
static bool changes_header(const struct diff *d)
{
	size_t i;

	for (i = 0; i < d->nfiles; i++)
		if (ends_with(d->files[i].path, ".h") && d->files[i].change == FILE_CHANGED)
			return true;
	return false;
}

/*
 * Parse both versions of one file with its build flags @ff, behind
 * @prefix and @new_prefix if it is parsed behind an includer's text.
 */
static int parse_pair(const struct build_env *env, const struct tu_cache *tc,
		      const struct diff *d, const struct file_patch *fp,
		      const struct unsaved *prefix,
		      const struct unsaved *new_prefix,
		      struct file_flags *ff, struct tu_model *old,
		      struct tu_model *new, struct tl_err *err)
{
	struct tl_strlist paths = { 0 };
	struct strbuf abs = { 0 };
	struct unsaved *files, main_old[2];
	size_t n;
	int ret = -1;

	if (ends_with(fp->path, ".h")) {
		ff->argv = xrealloc(ff->argv, (ff->argc + 2) * sizeof(char *));
		ff->argv[ff->argc++] = xstrdup("-x");
		ff->argv[ff->argc++] = xstrdup("c");
	} else {
		/* A .c file is parsed in one run; a header in many (tucache.c). */
		tc = NULL;
	}
	sb_printf(&abs, "%s/%s", env->src, fp->path);
	main_old[0] = (struct unsaved){ abs.s, fp->old_text, fp->old_len };
	main_old[1] = prefix->path ? *prefix : main_old[0];
	n = new_files(env, d, fp, &files, &paths);
	if (prefix->path)
		files[n++] = *new_prefix;
	/*
	 * A failed parse_tu() leaves nothing to free. The new version keeps
	 * include/'s static inlines: a changed one's callers are found
	 * through them, and the patch must link to what those the copied
	 * code calls do (extract.c).
	 */
	if (!parse_tu_cached(tc, main_old, prefix->path ? 2 : 1, ff->argv, ff->argc, env->src,
			     false, old, err)) {
		time_phase("parse: old model");
		if (!parse_tu_cached(tc, files, n, ff->argv, ff->argc, env->src,
				     !ends_with(fp->path, ".h"), new, err))
			ret = 0;
		else
			tu_free(old);
	}
	time_phase("parse: new model");
	free(files);
	tl_strlist_free(&paths);
	sb_free(&abs);
	return ret;
}

/* kgr_patch.name and the default output file come from -o's base name. */
static char *patch_name(const struct options *o, const struct verdict_table *t)
{
	struct strbuf sb = { 0 };
	size_t i;

	if (o->out) {
		const char *b = strrchr(o->out, '/');

		b = b ? b + 1 : o->out;
		sb_add(&sb, b, strcspn(b, "."));
	} else {
		for (i = 0; i < t->n && !t->rows[i].target; i++)
			;
		sb_printf(&sb, "kgr_%s", i < t->n ? t->rows[i].name : "patch");
	}
	for (i = 0; i < sb.len; i++)
		if (!isalnum((unsigned char)sb.s[i]))
			sb.s[i] = '_';
	return sb.s;
}

struct run {
	struct options o;
	char *real_src;		/* --src, its links resolved */
	struct build_env env;
	struct tu_cache tc;	/* $KLP_CCP_PARSE_CACHE: headers' parses */
	struct kconfig cfg;
	struct symbols syms;
	struct diff *fixes;	/* as parsed, one per diff argument */
	struct diff d;		/* the fixes applied to the tree, in order */
	struct tl_strlist targets;
	struct verdict_table table;
	/* the changed .c files with functions to patch */
	struct source *srcs;
	size_t nsrc, srccap;
	/* changed static inlines and macros of headers, and what uses them */
	struct hdr_changes hdr;
	/* the --callers-in files, unchanged: old and new text are the same */
	struct file_patch *unchanged;
	/* init/main.c's flags, which headers and new files are parsed with */
	struct file_flags generic_ff;
	/* -j: files of d whose worker kept a parse, parsed again if needed */
	size_t *unparsed;
	size_t nunparsed;
	bool progress;		/* several files, stderr a terminal */
	size_t ndone;
};

/*
 * What defeated klp-ccp on one file becomes that file's row (without the
 * leading "<file>: ", the row names it); the other files still get theirs.
 */
static const char *without_path(const char *msg, const char *path)
{
	size_t n = strlen(path);

	return !strncmp(msg, path, n) && !strncmp(msg + n, ": ", 2) ?
	       msg + n + 2 : msg;
}

static void tool_error(struct verdict_table *t, const char *path,
		       struct tl_err *err)
{
	verdict_tool_error(t, path, without_path(err->msg, path));
	err->msg[0] = '\0';
}

/*
 * A file klp-ccp cannot check (of a module a kallsyms copy lacks, or one
 * libclang fails on): in a run of several files it gets a TOOL ERROR row
 * and the others keep theirs; a run of one file stops on it (exit 2).
 */
static int file_failed(const struct run *r, struct verdict_table *t,
		       const char *path, struct tl_err *err)
{
	if (r->d.nfiles + r->o.callers_in.nr == 1)
		return -1;
	tool_error(t, path, err);
	return 0;
}

static struct file_analysis analysis_of(struct run *r, struct source *src,
					struct symbols *file_syms)
{
	*file_syms = syms_for(&r->syms, &src->ff);
	return (struct file_analysis){
		.relpath = src->fp->path, .old = &src->old, .new = &src->new,
		.flags = &src->ff, .syms = file_syms, .targets = &r->targets,
	};
}

/* The callers @src has of the changed header definitions get their rows. */
static void source_callers(struct run *r, struct source *src)
{
	struct symbols file_syms;
	struct file_analysis fa = analysis_of(r, src, &file_syms);
	struct hdr_caller *c;
	size_t i, n = hdr_callers(&r->hdr, &src->new, src->fp->path, &c);

	for (i = 0; i < n; i++)
		verdict_caller(&r->table, &fa, &c[i]);
	hdr_callers_free(c, n);
}

static void source_free(struct source *s)
{
	tu_free(&s->old);
	tu_free(&s->new);
	flags_free(&s->ff);
	included_prefix_free(&s->prefix);
}

/* A header or a new .c file: parsed with init/main.c's flags. */
static bool generic_flags_file(const struct file_patch *fp)
{
	if (fp->change == FILE_DELETED || is_framework_path(fp->path) ||
	    !strncmp(fp->path, "Documentation/", 14))
		return false;
	return ends_with(fp->path, ".h") ||
	       (fp->change == FILE_CREATED && ends_with(fp->path, ".c"));
}

/*
 * init/main.c's flags into r->generic_ff from the make -n that a changed
 * .c file runs anyway, when the diff will want them: its own make -n
 * cost a run with headers 0.2 s. @recipe gets its sub-make; the caller
 * gives make's output to generic_flags_take().
 */
static bool generic_flags_ask(struct run *r, struct kbuild_file *gkf,
			      struct strbuf *recipe)
{
	struct tl_err err = { 0 };
	size_t i;

	if (r->generic_ff.argc)
		return false;
	for (i = 0; i < r->d.nfiles && !generic_flags_file(&r->d.files[i]); i++)
		;
	if (i == r->d.nfiles || kbuild_file_new(&r->env, "init/main.c", gkf, &err))
		return false;
	kbuild_file_recipe(gkf, recipe);
	return true;
}

/* Failing, they are asked again (and fail there) when a file wants them. */
static void generic_flags_take(struct run *r, struct kbuild_file *gkf,
			       const char *make_out)
{
	struct tl_err err = { 0 };

	if (flags_for_kbuild_file(&r->env, gkf, make_out, &r->generic_ff, &err))
		flags_free(&r->generic_ff);
	kbuild_file_free(gkf);
}

/*
 * A changed header with errors of its own in either version (it relies on
 * what its includers include first) and a .c file of the diff that
 * includes it: then @inc is that file.
 */
static bool header_alone_fails(const struct run *r, const struct source *s,
			       struct includer *inc)
{
	return ends_with(s->fp->path, ".h") &&
	       (s->old.nerrors || s->new.nerrors) &&
	       included_by_diff(&r->d, s->fp->path, inc);
}

/*
 * @fp's flags and both of its versions parsed, in @s: 0. 1: @fp got a
 * TOOL ERROR or NOT BUILT row in @t instead; -1: an error that ends the
 * run.
 */
static int open_source(struct run *r, const struct file_patch *fp,
		       struct verdict_table *t, struct source *s,
		       struct tl_err *err)
{
	struct strbuf recipe = { 0 };
	struct kbuild_file kf, gkf;
	struct includer inc = { 0 };
	struct unsaved prefix = { 0 }, new_prefix = { 0 };
	char *why, *make_out;
	int ret = 1;
	bool generic;
	int off;

	memset(s, 0, sizeof(*s));
	s->fp = fp;
	/* The tree's Makefile does not build a new file yet. */
	if (ends_with(fp->path, ".h") || fp->change == FILE_CREATED) {
		/* Kbuild asked once a run: a .c taken with its headers has many. */
		if (!r->generic_ff.argc &&
		    flags_for_file(&r->env, "init/main.c", &r->generic_ff, err))
			goto row;
		flags_copy(&s->ff, &r->generic_ff);
	} else {
		/* One make -n asks Kbuild both questions, unless it knows the first. */
		if (kbuild_file_new(&r->env, fp->path, &kf, err))
			goto row;
		kbuild_file_recipe(&kf, &recipe);
		generic = generic_flags_ask(r, &gkf, &recipe);
		off = built_check(&r->env, &r->cfg, fp->path, recipe.s,
				  &make_out, &why, err);
		time_phase("kbuild: make -n");
		sb_free(&recipe);
		if (!off)
			off = flags_for_kbuild_file(&r->env, &kf, make_out,
						    &s->ff, err) ? -1 : 0;
		if (generic)
			generic_flags_take(r, &gkf, make_out);
		kbuild_file_free(&kf);
		free(make_out);
		time_phase("kbuild: flags");
		if (off < 0)
			goto row;
		if (off) {
			verdict_not_built(t, fp->path, why);
			free(why);
			return 1;
		}
		if (included_by_sibling(&r->env, fp->path, &inc))
			included_prefix(&r->env, &r->d, fp->path, &inc,
					&s->ff, &prefix, &new_prefix);
	}
	if (!symbols_cover(&r->syms, r->o.modules, &s->ff, fp->path, err) &&
	    !parse_pair(&r->env, &r->tc, &r->d, fp, &prefix, &new_prefix,
			&s->ff, &s->old, &s->new, err)) {
		ret = 0;
		if (prefix.path && !included_live(&s->old)) {
			verdict_included_out(t, fp->path, inc.relpath);
			source_free(s);
			ret = 1;
			goto out;
		}
		if (!header_alone_fails(r, s, &inc))
			goto out;
		/* Its types have no layout to compare: behind its includer. */
		tu_free(&s->old);
		tu_free(&s->new);
		included_prefix(&r->env, &r->d, fp->path, &inc, &s->ff,
				&prefix, &new_prefix);
		if (!parse_pair(&r->env, &r->tc, &r->d, fp, &prefix,
				&new_prefix, &s->ff, &s->old, &s->new, err))
			goto out;
	}
	flags_free(&s->ff);
	ret = file_failed(r, t, fp->path, err) ? -1 : 1;
	goto out;
row:
	tool_error(t, fp->path, err);
out:
	includer_free(&inc);
	included_prefix_free(&prefix);
	/* Its local macros are copied from it (extract.c). */
	if (!ret)
		s->prefix = new_prefix;
	else
		included_prefix_free(&new_prefix);
	return ret;
}

static void keep_source(struct run *r, const struct source *s)
{
	tl_grow(&r->srcs, &r->srccap, r->nsrc, sizeof(*r->srcs));
	r->srcs[r->nsrc++] = *s;
}

/*
 * A --callers-in file, parsed with the diff's headers: kept as a source
 * if it gets rows (callers, or functions of it a changed local macro
 * changes), else dropped.
 */
static int callers_file(struct run *r, struct file_patch *fp, struct tl_err *err)
{
	struct source src;
	struct symbols file_syms;
	struct file_analysis fa;
	size_t i, rows = r->table.n;
	struct strbuf abs = { 0 };
	int failed;

	if (!ends_with(fp->path, ".c"))
		return tl_fail(err, "--callers-in %s: not a .c file", fp->path);
	for (i = 0; i < r->d.nfiles; i++)
		if (!strcmp(r->d.files[i].path, fp->path))
			return tl_fail(err, "--callers-in %s: the diff changes it; its callers are found without --callers-in",
				       fp->path);
	sb_printf(&abs, "%s/%s", r->o.src, fp->path);
	failed = read_file(abs.s, &fp->new_text, &fp->new_len, err);
	sb_free(&abs);
	if (failed)
		return -1;
	fp->old_text = fp->new_text;
	fp->old_len = fp->new_len;
	failed = open_source(r, fp, &r->table, &src, err);
	if (failed)
		return failed < 0 ? -1 : 0;
	fa = analysis_of(r, &src, &file_syms);
	/* It does not compile with the new header: its row says so. */
	failed = verdict_source(&r->table, &fa, err);
	if (failed)
		tool_error(&r->table, fp->path, err);
	else
		source_callers(r, &src);
	if (failed || r->table.n == rows)
		source_free(&src);
	else
		keep_source(r, &src);
	return 0;
}

/*
 * A changed header reaches the kernel through its callers: those of the
 * diff's .c files and of the --callers-in files become changed functions,
 * and the header's rows name them.
 */
static int find_callers(struct run *r, struct tl_err *err)
{
	size_t i, n = r->nsrc;

	for (i = 0; i < n; i++)
		source_callers(r, &r->srcs[i]);
	r->unchanged = xcalloc(r->o.callers_in.nr + 1, sizeof(*r->unchanged));
	for (i = 0; i < r->o.callers_in.nr; i++) {
		size_t k;

		/* A file given twice is searched once. */
		for (k = 0; k < i && strcmp(r->o.callers_in.names[k],
					    r->o.callers_in.names[i]); k++)
			;
		if (k < i)
			continue;
		r->unchanged[i].path = xstrdup(r->o.callers_in.names[i]);
		r->unchanged[i].change = FILE_CHANGED;
		r->unchanged[i].changed_by = xstrdup("--callers-in");
		if (callers_file(r, &r->unchanged[i], err))
			return -1;
	}
	verdict_header_callers(&r->table, &r->hdr);
	return 0;
}

/* --context-headers: say which header definitions were left unjudged. */
static void drop_unused_headers(struct run *r)
{
	struct tl_strlist dropped = { 0 };
	size_t i;

	context_drop_unused(&r->table, &r->d, &r->hdr, r->srcs, r->nsrc, &dropped);
	if (dropped.nr)
		fprintf(stderr, "klp-ccp: --context-headers: %zu changed header definitions no .c file uses, not judged:",
			dropped.nr);
	for (i = 0; i < dropped.nr; i++)
		fprintf(stderr, " %s%s", dropped.names[i], i + 1 < dropped.nr ? "," : "\n");
	tl_strlist_free(&dropped);
}

/*
 * @fp's rows into @t. 1: @fp is a changed .c file that compiles, kept in
 * @s for the callers, --targets and the patch; 0: nothing kept; -1: an
 * error that ends the run.
 */
static int analyse_file(struct run *r, const struct file_patch *fp,
			struct verdict_table *t, struct source *s,
			struct tl_err *err)
{
	struct symbols file_syms;
	struct file_analysis fa;
	int ret;

	if (is_framework_path(fp->path)) {
		verdict_framework(t, fp->path);
		return 0;
	}
	if (!strncmp(fp->path, "Documentation/", 14))
		return 0;
	if (fp->change == FILE_DELETED) {
		verdict_deleted(t, fp->path);
		return 0;
	}
	if (!ends_with(fp->path, ".c") && !ends_with(fp->path, ".h")) {
		verdict_not_c(t, fp->path);
		return 0;
	}
	ret = open_source(r, fp, t, s, err);
	if (ret)
		return ret < 0 ? -1 : 0;
	fa = analysis_of(r, s, &file_syms);
	if (fp->change == FILE_CREATED) {
		if (ends_with(fp->path, ".c"))
			verdict_new_file(t, &fa);
	} else if (ends_with(fp->path, ".h")) {
		verdict_header(t, &fa, &r->hdr);
	} else if (verdict_source(t, &fa, err)) {
		/* The patched file does not compile: its row says so. */
		time_phase("verdict");
		tool_error(t, fp->path, err);
	} else {
		time_phase("verdict");
		/* Kept: its functions, or what it adds, may go in the patch. */
		return 1;
	}
	source_free(s);
	return 0;
}

/* A changed .c file's rows are all its worker sends back (a header also fills r->hdr). */
static bool worker_file(const struct file_patch *fp)
{
	return fp->change == FILE_CHANGED && ends_with(fp->path, ".c");
}

static int work_file(void *ctx, size_t i, struct verdict_table *t,
		     struct tl_err *err)
{
	struct run *r = ctx;
	struct source s;

	return analyse_file(r, &r->d.files[i], t, &s, err);
}

/* File @i has its rows: a run of several files says so on a terminal. */
static void say_done(void *ctx, size_t i)
{
	struct run *r = ctx;

	if (r->progress)
		fprintf(stderr, "klp-ccp: [%zu/%zu] %s\n", ++r->ndone, r->d.nfiles,
			r->d.files[i].path);
}

/* Worker @res's rows for file @i, in order; its error ends the run. */
static int take_result(struct run *r, size_t i, struct file_result *res,
		       struct tl_err *err)
{
	if (res->error)
		return tl_fail(err, "%s", res->error);
	if (res->died)
		verdict_tool_error(&r->table, r->d.files[i].path, res->died);
	verdict_append(&r->table, &res->rows);
	if (res->kept)
		r->unparsed[r->nunparsed++] = i;
	return 0;
}

/*
 * -j: the parses of the changed .c files that workers kept, made again
 * here for the patch: a parse is the cost that -j spreads, and a run of
 * many files seldom has every row PATCHABLE.
 */
static int load_sources(struct run *r, struct tl_err *err)
{
	size_t i;

	for (i = 0; i < r->nunparsed; i++) {
		const struct file_patch *fp = &r->d.files[r->unparsed[i]];
		struct verdict_table t = { 0 };
		struct source s;
		int ret = open_source(r, fp, &t, &s, err);

		if (ret > 0)
			tl_fail(err, "%s: its worker parsed it, klp-ccp could not again: %s",
				fp->path, t.rows[t.n - 1].reason);
		verdict_free(&t);
		if (ret)
			return -1;
		keep_source(r, &s);
	}
	r->nunparsed = 0;
	return 0;
}

/*
 * -j pays when a worker's parse may end with it: not when the callers of
 * a changed header, --context-headers, --targets, --supersedes or
 * --callers-in need every file's parse afterwards.
 */
static bool use_workers(const struct run *r)
{
	return r->o.jobs > 1 && !changes_header(&r->d) &&
	       !r->o.context_headers && !r->targets.nr && !r->o.supersedes &&
	       !r->o.callers_in.nr;
}

/*
 * Each file's rows, in the diff's order. With -j the changed .c files go
 * to workers first, then this process takes the others: it parses
 * nothing until every worker is forked.
 */
static int analyse(struct run *r, struct tl_err *err)
{
	struct file_result *res = NULL;
	size_t i, k = 0, nwork = 0;
	size_t *work = xcalloc(r->d.nfiles + 1, sizeof(*work));
	int ret = 0;

	r->unparsed = xcalloc(r->d.nfiles + 1, sizeof(*r->unparsed));
	r->progress = r->d.nfiles > 1 && isatty(STDERR_FILENO);
	for (i = 0; use_workers(r) && i < r->d.nfiles; i++)
		if (worker_file(&r->d.files[i]))
			work[nwork++] = i;
	res = xcalloc(nwork + 1, sizeof(*res));
	if (nwork)
		workers_run(r->o.jobs, work, nwork, work_file, say_done, r, res);
	for (i = 0; i < r->d.nfiles && !ret; i++) {
		struct source s;

		if (k < nwork && work[k] == i) {
			ret = take_result(r, i, &res[k++], err);
			continue;
		}
		ret = analyse_file(r, &r->d.files[i], &r->table, &s, err);
		if (ret > 0) {
			keep_source(r, &s);
			ret = 0;
		}
		if (!ret)
			say_done(r, i);
	}
	for (i = 0; i < nwork; i++)
		file_result_free(&res[i]);
	free(res);
	free(work);
	if (ret)
		return -1;
	time_phase("analyse: files");
	if (r->hdr.n && find_callers(r, err))
		return -1;
	time_phase("analyse: callers");
	if (r->o.context_headers)
		drop_unused_headers(r);
	time_phase("analyse: context headers");
	for (i = 0; i < r->targets.nr; i++) {
		size_t k;

		for (k = 0; k < r->nsrc; k++)
			if (tu_find(&r->srcs[k].new, r->targets.names[i], ENT_FUNC, true))
				break;
		/* It may be in a file klp-ccp could not analyse. */
		if (k == r->nsrc && verdict_worst(&r->table) != V_TOOL_ERROR)
			return tl_fail(err, "%s: target %s is not a function of the changed files",
				       r->o.targets, r->targets.names[i]);
	}
	return 0;
}

static int setup(struct run *r, struct tl_err *err)
{
	const char *tmp = getenv("TMPDIR"), *cache;
	struct strbuf p = { 0 }, build = { 0 }, tmpl = { 0 };
	struct stat st;
	char *map, *sym = xstrdup(r->o.symvers);
	int ret = -1;

	sb_puts(&build, dirname(sym));
	free(sym);
	r->env.build = build.s;
	/*
	 * libclang names the tree's files by their real path: a --src through
	 * a symbolic link would make every file of it look foreign.
	 */
	r->real_src = realpath(r->o.src, NULL);
	if (!r->real_src) {
		tl_fail(err, "%s: %m", r->o.src);
		goto out;
	}
	r->o.src = r->real_src;
	r->env.src = r->o.src;
	r->env.kgr_include = KLP_CCP_KGR_INCLUDE;
	sb_printf(&p, "%s/Makefile", r->o.src);
	if (stat(p.s, &st)) {
		tl_fail(err, "%s: not a kernel source tree (no Makefile)", r->o.src);
		goto out;
	}
	p.len = 0;
	sb_printf(&p, "%s/include/generated", build.s);
	if (stat(p.s, &st)) {
		tl_fail(err, "%s: Module.symvers must sit in a kernel build or headers directory (no include/generated next to it)",
			 r->o.symvers);
		goto out;
	}
	if (config_read(r->o.config, &r->cfg, err))
		goto out;
	p.len = 0;
	sb_printf(&p, "%s/kernel", r->o.modules ? r->o.modules : "");
	if (r->o.modules && (stat(p.s, &st) || !S_ISDIR(st.st_mode))) {
		tl_fail(err, "--modules %s: no kernel/ directory: not a /lib/modules/<version> directory",
			r->o.modules);
		goto out;
	}
	map = r->o.symbols ? xstrdup(r->o.symbols) : system_map_path(build.s);
	/* The parse cache keeps a kallsyms copy's names too (symcache.c). */
	cache = getenv("KLP_CCP_PARSE_CACHE");
	ret = symbols_load(r->o.symvers, map, r->o.symbols != NULL,
			   cache && *cache ? cache : NULL, &r->syms, err);
	free(map);
	if (ret)
		goto out;
	ret = -1;
	if (r->o.targets && read_targets(r->o.targets, &r->targets, err))
		goto out;
	/* Kbuild's scratch copies (links to a directory's files): $TMPDIR may be a tmpfs */
	sb_printf(&tmpl, "%s/klp-ccp.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(tmpl.s)) {
		tl_fail(err, "cannot create a temporary directory");
		sb_free(&tmpl);
		goto out;
	}
	r->env.tmpdir = tmpl.s;
	p.len = 0;
	sb_printf(&p, "%s/include", tmpl.s);
	mkdir(p.s, 0700);
	sb_puts(&p, "/generated");
	mkdir(p.s, 0700);
	sb_puts(&p, "/autoconf.h");
	ret = config_write_autoconf(&r->cfg, p.s, err);
	if (!ret)
		ret = probes_setup(&r->env, err);
	if (!ret)
		ret = tucache_setup(&r->tc, r->env.tmpdir, err);
out:
	sb_free(&p);
	return ret;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void cleanup(struct run *r)
{
	size_t i;

	/* Depth first, never following a link out of the scratch directory. */
	if (r->env.tmpdir &&
	    nftw(r->env.tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS))
		fprintf(stderr, "klp-ccp: could not remove %s: %m\n", r->env.tmpdir);
	free((char *)r->env.tmpdir);
	for (i = 0; i < r->nsrc; i++)
		source_free(&r->srcs[i]);
	free(r->srcs);
	free(r->unparsed);
	for (i = 0; r->unchanged && i < r->o.callers_in.nr; i++) {
		free(r->unchanged[i].path);
		free(r->unchanged[i].new_text);	/* old_text is the same */
		free(r->unchanged[i].changed_by);
	}
	free(r->unchanged);
	flags_free(&r->generic_ff);
	tl_strlist_free(&r->o.callers_in);
	hdr_free(&r->hdr);
	tl_strlist_free(&r->targets);
	free((char *)r->env.build);
	free(r->real_src);
	probes_free(&r->env);
	verdict_free(&r->table);
	for (i = 0; r->fixes && i < r->o.diffs.nr; i++)
		diff_free(&r->fixes[i]);
	free(r->fixes);
	tl_strlist_free(&r->o.diffs);
	diff_free(&r->d);
	symbols_free(&r->syms);
	config_free(&r->cfg);
}

static int parse_fixes(struct run *r, struct tl_err *err)
{
	size_t i;

	r->fixes = xcalloc(r->o.diffs.nr, sizeof(*r->fixes));
	for (i = 0; i < r->o.diffs.nr; i++)
		if (diff_parse(r->o.diffs.names[i], &r->fixes[i], err))
			return -1;
	return 0;
}

/*
 * The patch's text, made before the report: an extraction error is an
 * input error with no rows, but a callee it refuses gets its NOT
 * PATCHABLE row; the report names the callees it copied.
 */
static int make_patch(struct run *r, struct strbuf *out,
		      struct copied_list *copied, struct tl_err *err)
{
	struct refusal refused = { 0 };
	char *name = patch_name(&r->o, &r->table);
	const char *ibt = config_get(&r->cfg, "CONFIG_X86_KERNEL_IBT");
	const char *all = config_get(&r->cfg, "CONFIG_KALLSYMS_ALL");
	struct extract_in in = {
		.diff_name = r->d.name, .patch_name = name,
		.replace_all = r->o.cumulative,
		.srcs = r->srcs, .nsrc = r->nsrc, .table = &r->table,
		.hdr = &r->hdr, .src_root = r->o.src, .vmlinux = &r->syms,
		.ibt = ibt && !strcmp(ibt, "y"),
		.kallsyms_all = all && !strcmp(all, "y"),
	};
	struct tl_strlist paths = { 0 };
	struct unsaved *files;
	size_t i;
	int ret;

	for (i = 0; i < r->nsrc; i++)
		r->srcs[i].syms = syms_for(&r->syms, &r->srcs[i].ff);
	/* Local headers as the diff leaves them; the sources' own texts too. */
	in.nfiles = new_files(&r->env, &r->d, r->srcs[0].fp, &files, &paths);
	files = xrealloc(files, (in.nfiles + r->nsrc) * sizeof(*files));
	for (i = 0; i < r->nsrc; i++)
		if (r->srcs[i].prefix.path)
			files[in.nfiles++] = r->srcs[i].prefix;
	in.files = files;
	ret = extract_patch(&in, out, copied, &refused, err);
	if (ret && refused.name) {
		verdict_refused(&r->table, refused.name, refused.file,
				refused.line, without_path(err->msg, refused.file));
		err->msg[0] = '\0';
		out->len = 0;		/* nothing is written, nothing copied */
		copied_free(copied);
		ret = 0;
	}
	free(refused.name);
	free(refused.file);
	free(files);
	tl_strlist_free(&paths);
	free(name);
	return ret;
}

static int write_patch(struct run *r, const struct strbuf *text,
		       struct tl_err *err)
{
	char *name = patch_name(&r->o, &r->table);
	struct strbuf path = { 0 };
	int ret;

	if (r->o.out)
		sb_puts(&path, r->o.out);
	else
		sb_printf(&path, "%s.c", name);
	ret = write_file(path.s, text->s, text->len, err);
	if (!ret)
		fprintf(stderr, "klp-ccp: wrote %s\n", path.s);
	sb_free(&path);
	free(name);
	return ret;
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	struct strbuf patch = { 0 };
	struct copied_list copied = { 0 };
	struct tl_err err = { 0 };
	int status = EXIT_USAGE;
	enum verdict worst;

	r.o.jobs = 1;
	time_phase("start");
	if (parse_args(argc, argv, &r.o, &err)) {
		if (!err.msg[0])
			return usage();
		fprintf(stderr, "klp-ccp: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (setup(&r, &err) || parse_fixes(&r, &err))
		goto out;
	time_phase("setup: config, symbols, probes, diffs");
	if (diff_apply(r.o.src, r.fixes, r.o.diffs.nr, is_framework_path,
		       &r.d, &err) ||
	    analyse(&r, &err))
		goto out;
	if (r.o.supersedes) {
		size_t rows = r.table.n, nold;
		char *name = patch_name(&r.o, &r.table);
		int ret = supersede_check(&r.table, r.o.supersedes, name,
					  r.srcs, r.nsrc, &nold, &err);

		free(name);
		if (ret)
			goto out;
		if (r.table.n == rows)
			fprintf(stderr, "klp-ccp: it supersedes %s: replaces all %zu functions that one does\n",
				r.o.supersedes, nold);
	}
	if (verdict_worst(&r.table) == V_PATCHABLE && verdict_has_target(&r.table) &&
	    (load_sources(&r, &err) || make_patch(&r, &patch, &copied, &err)))
		goto out;
	time_phase("extract (and -j's parses again)");
	worst = verdict_worst(&r.table);
	if (r.o.json)
		report_json(&r.table, &copied, r.d.name, stdout);
	else
		report_text(&r.table, &copied, stdout);
	status = worst == V_PATCHABLE ? EXIT_PATCHABLE :
		 worst == V_TOOL_ERROR ? EXIT_TOOL_ERROR : EXIT_NOT_PATCHABLE;
	if (r.o.check || status != EXIT_PATCHABLE)
		goto out;
	if (!verdict_has_target(&r.table)) {
		fputs("klp-ccp: no function to patch: no patch file written\n", stderr);
		goto out;
	}
	if (write_patch(&r, &patch, &err))
		status = EXIT_USAGE;
out:
	time_phase("report, write");
	if (err.msg[0])
		fprintf(stderr, "klp-ccp: %s\n", err.msg);
	sb_free(&patch);
	copied_free(&copied);
	cleanup(&r);
	time_phase("cleanup");
	return status;
}
