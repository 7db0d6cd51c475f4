// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: does the target's config build a file at all? Single-file
 * make compiles any file, so the flags step cannot tell. Kbuild itself is
 * asked, the way flags.c asks it for the compile command: each
 * directory's Makefile is evaluated in a scratch copy, and a rule of ours
 * echoes what Kbuild made of it: $(real-obj-y) $(real-obj-m) $(lib-y)
 * (composite objects expanded) and $(subdir-ym). A file is built if its
 * Makefile's lists hold its object and every directory above lists the
 * one below, up to the top Kbuild. The lists are cached per directory
 * in the run's scratch dir, shared by the workers: a stable delta has
 * many files under the same parents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "built.h"
#include "included.h"
#include "probes.h"

/* What Kbuild made of one Makefile, names relative to its directory. */
struct lists {
	char *mkdir_rel;	/* the Makefile's directory, "" at the top */
	char *objs;		/* " a.o sub/b.o ": real-obj-y, real-obj-m, lib-y */
	char *dirs;		/* " sub amd/amdgpu ": subdir-ym */
};

/* A directory the next Kbuild run evaluates, in its scratch copy. */
struct pending {
	char *dir, *scratch, *mkdir_rel;
};

/*
 * Asked for as the target: make -n prints its recipe expanded after the
 * Makefile and scripts/Makefile.lib were read, tagged with the scratch
 * dir ($(obj)) since one run evaluates several.
 */
static const char lists_rule[] =
	"\n$(obj)/klp-ccp-lists.o: FORCE\n"
	"\t@echo 'klp-ccp-objs $(obj): $(patsubst $(obj)/%,%,$(real-obj-y) $(real-obj-m) $(lib-y))'\n"
	"\t@echo 'klp-ccp-dirs $(obj): $(patsubst $(obj)/%,%,$(subdir-ym))'\n";

/*
 * The top Kbuild lists lib/ and the arch's directories (arch/x86/lib/) as
 * $(ARCH_LIB) and the like, which the top Makefile sets outside M= builds
 * only, from "libs-y := lib/" and what the arch Makefile adds. Set them
 * the same way in the make level that read the arch Makefile (its libs-y
 * is not empty); the levels below keep what they inherit.
 */
static const char arch_dirs[] =
	"--eval='klp-ccp-core := $(ARCH_CORE)' "
	"--eval='klp-ccp-lib := $(ARCH_LIB)' "
	"--eval='klp-ccp-drivers := $(ARCH_DRIVERS)' "
	"--eval='export ARCH_CORE = $(if $(libs-y),$(core-y),$(klp-ccp-core))' "
	"--eval='export ARCH_LIB = $(if $(libs-y),$(filter %/,lib/ $(libs-y)),$(klp-ccp-lib))' "
	"--eval='export ARCH_DRIVERS = $(if $(libs-y),$(drivers-y) $(drivers-m),$(klp-ccp-drivers))'";

static void lists_free(struct lists *l)
{
	free(l->mkdir_rel);
	free(l->objs);
	free(l->dirs);
	memset(l, 0, sizeof(*l));
}

/* " @list ", the text after "@what @scratch: " in @out up to the quote. */
static char *echoed(const char *out, const char *what, const char *scratch)
{
	struct strbuf marker = { 0 }, sb = { 0 };
	const char *p, *q;

	sb_printf(&marker, "%s %s: ", what, scratch);
	p = strstr(out, marker.s);
	if (p) {
		p += marker.len;
		q = strchr(p, '\'');
		sb_printf(&sb, " %.*s ", (int)(q ? q - p : (int)strlen(p)), p);
	}
	sb_free(&marker);
	return sb.s;
}

/* The cache file of @dir: one a directory, "%kernel%kcsan", "%" the top. */
static char *cache_path(const struct build_env *env, const char *dir)
{
	struct strbuf path = { 0 };
	size_t i;

	sb_printf(&path, "%s/kbuild-lists", env->tmpdir);
	mkdir(path.s, 0700);
	sb_puts(&path, "/%");
	i = path.len;
	sb_puts(&path, dir);
	for (; i < path.len; i++)
		if (path.s[i] == '/')
			path.s[i] = '%';
	return path.s;
}

/* @dir's lists from the run's cache: 0, or 1 if it has none. */
static int dir_lists(const struct build_env *env, const char *dir,
		     struct lists *l)
{
	char *path = cache_path(env, dir), *cached, *a, *b;
	struct tl_err missing;
	size_t len;

	memset(l, 0, sizeof(*l));
	if (read_file(path, &cached, &len, &missing)) {
		free(path);
		return 1;
	}
	free(path);
	a = strchr(cached, '\n');
	b = a ? strchr(a + 1, '\n') : NULL;
	if (b) {
		l->mkdir_rel = xstrndup(cached, a - cached);
		l->objs = xstrndup(a + 1, b - a - 1);
		l->dirs = xstrdup(b + 1);
	}
	free(cached);
	return b ? 0 : 1;
}

/* Into the cache: another worker may write it too, each renames a whole file. */
static int cache_write(const struct build_env *env, const struct pending *pd,
		       const char *objs, const char *dirs, struct tl_err *err)
{
	char *path = cache_path(env, pd->dir);
	struct strbuf text = { 0 }, tmp = { 0 };
	int ret = 0;

	sb_printf(&text, "%s\n%s\n%s", pd->mkdir_rel, objs, dirs);
	sb_printf(&tmp, "%s.%d", path, (int)getpid());
	if (write_file(tmp.s, text.s, text.len, err) || rename(tmp.s, path))
		ret = tl_fail(err, "%s: cannot write it: %m", path);
	free(path);
	sb_free(&text);
	sb_free(&tmp);
	return ret;
}

/*
 * @pd->dir's Makefile copied to a new scratch dir with the lists rule and
 * @more after it: 0; 1 if it has no Makefile (the flags step says so).
 */
static int add_scratch(const struct build_env *env, struct pending *pd,
		       const char *more, struct tl_err *err)
{
	struct strbuf scratch = { 0 }, mk = { 0 };
	struct tl_err ignored = { 0 };
	char *mkdir_abs = NULL;
	FILE *f;
	int ret = -1;

	sb_printf(&scratch, "%s/kbuild.XXXXXX", env->tmpdir);
	if (!mkdtemp(scratch.s)) {
		tl_fail(err, "cannot create a directory in %s: %m", env->tmpdir);
		goto out;
	}
	ret = 1;
	if (copy_makefile(env, pd->dir, scratch.s, &pd->mkdir_rel, &mkdir_abs,
			  &ignored))
		goto out;
	ret = -1;
	if (link_dir(mkdir_abs, scratch.s, "", err))
		goto out;
	sb_printf(&mk, "%s/Makefile", scratch.s);
	f = fopen(mk.s, "a");
	if (!f || fputs(lists_rule, f) == EOF || fputs(more, f) == EOF ||
	    fclose(f)) {
		tl_fail(err, "%s: %m", mk.s);
		goto out;
	}
	pd->scratch = scratch.s;
	scratch.s = NULL;
	ret = 0;
out:
	free(mkdir_abs);
	sb_free(&scratch);
	sb_free(&mk);
	return ret;
}

/*
 * Kbuild's lists of @dir and of each directory above it that the cache
 * lacks, into the cache. One make -n through the top Makefile (its
 * compiler probes are most of the cost) evaluates the top Kbuild, and a
 * sub-make of Makefile.build per other directory, the way Kbuild
 * descends, runs from its recipe: "+" runs it under -n too, "-" goes on
 * past a Makefile Kbuild cannot read (a selftest's). @recipe's sub-makes
 * run there too, and *@make_out gets the output; NULL if make did not run.
 */
static int prefetch(const struct build_env *env, const char *dir,
		    const char *recipe, char **make_out, struct tl_err *err)
{
	struct pending *pd = NULL, top = { 0 };
	struct strbuf more = { 0 }, sh = { 0 }, out = { 0 };
	char *d = xstrdup(dir), *slash, buf[65536];
	size_t n = 0, cap = 0, i, got;
	struct lists l;
	FILE *p;
	int ret = 0;

	/* The top is the run's own; the others are pending below it. */
	while (*d) {
		if (dir_lists(env, d, &l)) {
			tl_grow(&pd, &cap, n, sizeof(*pd));
			memset(&pd[n], 0, sizeof(*pd));
			pd[n].dir = xstrdup(d);
			ret = add_scratch(env, &pd[n], "", err);
			if (ret < 0)
				goto out;
			n += !ret;
			if (ret)
				free(pd[n].dir);
			ret = 0;
		}
		lists_free(&l);
		slash = strrchr(d, '/');
		d[slash ? slash - d : 0] = '\0';
	}
	if (!n && !dir_lists(env, "", &l)) {
		lists_free(&l);
		goto out;
	}
	sb_puts(&more, "\n$(obj)/klp-ccp-lists.o: klp-ccp-more\nklp-ccp-more: FORCE\n");
	for (i = 0; i < n; i++)
		sb_printf(&more, "\t+-$(MAKE) $(build)=%s %s/klp-ccp-lists.o\n",
			  pd[i].scratch, pd[i].scratch);
	sb_puts(&more, recipe);
	top.dir = xstrdup("");
	ret = add_scratch(env, &top, more.s, err);
	if (ret)
		goto out;
	probes_env(env, top.scratch, &sh);
	sb_printf(&sh, "make -n -s -C '%s' M='%s' %s klp-ccp-lists.o ",
		  env->build, top.scratch, arch_dirs);
	probes_try_run(top.scratch, &sh);
	sb_puts(&sh, " </dev/null 2>&1");
	p = popen(sh.s, "r");
	if (!p) {
		ret = tl_fail(err, "cannot run make");
		goto out;
	}
	while ((got = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_add(&out, buf, got);
	pclose(p);
	tl_grow(&pd, &cap, n, sizeof(*pd));
	pd[n++] = top;
	top = (struct pending){ 0 };
	for (i = 0; i < n && !ret && out.s; i++) {
		char *objs = echoed(out.s, "klp-ccp-objs", pd[i].scratch);
		char *dirs = echoed(out.s, "klp-ccp-dirs", pd[i].scratch);

		/* None: Kbuild could not tell; built_check takes it as built. */
		if (objs && dirs)
			ret = cache_write(env, &pd[i], objs, dirs, err);
		free(objs);
		free(dirs);
	}
	*make_out = out.s;
	out.s = NULL;
out:
	for (i = 0; i < n; i++) {
		free(pd[i].dir);
		free(pd[i].scratch);
		free(pd[i].mkdir_rel);
	}
	free(pd);
	free(top.dir);
	free(top.scratch);
	free(top.mkdir_rel);
	free(d);
	sb_free(&more);
	sb_free(&sh);
	sb_free(&out);
	/* 1: no top Kbuild, Kbuild cannot tell; built_check says built. */
	return ret < 0 ? -1 : 0;
}

static bool has_word(const char *list, const char *w)
{
	struct strbuf needle = { 0 };
	bool found;

	sb_printf(&needle, " %s ", w);
	found = strstr(list, needle.s);
	sb_free(&needle);
	return found;
}

/* @tok as a word of @text: after a blank or "=", before a blank or "\". */
static const char *find_token(const char *text, const char *tok)
{
	size_t n = strlen(tok);
	const char *p;

	for (p = strstr(text, tok); p; p = strstr(p + 1, tok))
		if ((p == text || strchr(" \t\n=", p[-1])) &&
		    (!p[n] || strchr(" \t\n\\", p[n])))
			return p;
	return NULL;
}

/*
 * The Makefile line of @mkdir_rel that names @tok, joined and squeezed,
 * with the state of the CONFIG_ option it depends on, into @why; true if
 * that option is off. Else @composite gets the object the line adds @tok
 * to, if any.
 */
static bool add_line(struct strbuf *why, const struct build_env *env,
		     const struct kconfig *cfg, const char *mkdir_rel,
		     const char *tok, struct strbuf *composite)
{
	static const char *const names[] = { "Kbuild", "Makefile" };
	struct strbuf path = { 0 }, line = { 0 };
	struct tl_err missing;
	const char *hit = NULL, *p, *end, *opt;
	char *text = NULL, *name;
	bool off = false;
	size_t len, i;

	for (i = 0; i < 2; i++) {
		path.len = 0;
		sb_printf(&path, "%s%s%s", mkdir_rel, *mkdir_rel ? "/" : "",
			  names[i]);
		sb_printf(&line, "%s/%s", env->src, path.s);
		if (!read_file(line.s, &text, &len, &missing))
			break;
		line.len = 0;
	}
	line.len = 0;
	hit = text ? find_token(text, tok) : NULL;
	if (!hit) {
		sb_printf(why, "%s does not list %s", text ? path.s : mkdir_rel,
			  tok);
		goto out;
	}
	/* The logical line: continuation lines ("\" at the end) joined. */
	for (p = hit; p > text && (p[-1] != '\n' ||
				   (p - 1 > text && p[-2] == '\\')); p--)
		;
	for (end = hit; *end && (*end != '\n' || end[-1] == '\\'); end++)
		;
	for (; p < end; p++)
		if (strchr(" \t\n\\", *p)) {
			if (line.len && line.s[line.len - 1] != ' ')
				sb_add(&line, " ", 1);
		} else {
			sb_add(&line, p, 1);
		}
	while (line.len && line.s[line.len - 1] == ' ')
		line.s[--line.len] = '\0';
	sb_printf(why, "%s: %s", path.s, line.s);
	opt = strstr(line.s, "$(CONFIG_");
	if (opt) {
		const char *v;

		name = xstrndup(opt + 2, strcspn(opt + 2, ")"));
		v = config_get(cfg, name);
		off = !v || !strcmp(v, "n");
		if (off)
			sb_printf(why, " (%s is not set)", name);
		else
			sb_printf(why, " (%s=%s)", name, v);
		free(name);
	}
	/* "kvm-intel-y += vmx/vmx.o": part of kvm-intel.o, which is left out. */
	if (!off && composite && strncmp(line.s, "obj-", 4) &&
	    strncmp(line.s, "lib-", 4)) {
		size_t lhs = strcspn(line.s, " +:=");

		for (p = line.s + lhs; p > line.s && *p != '-'; p--)
			;
		if (p > line.s)
			sb_printf(composite, "%.*s.o", (int)(p - line.s), line.s);
	}
out:
	free(text);
	sb_free(&path);
	sb_free(&line);
	return off;
}

/* Why @tok is not built: the lines of @mkdir_rel's Makefile that name it. */
static char *not_built(const struct build_env *env, const struct kconfig *cfg,
		       const char *mkdir_rel, const char *tok)
{
	struct strbuf why = { 0 }, composite = { 0 };

	sb_puts(&why, "not built by this config: ");
	add_line(&why, env, cfg, mkdir_rel, tok, &composite);
	if (composite.len) {
		sb_puts(&why, "; ");
		add_line(&why, env, cfg, mkdir_rel, composite.s, NULL);
	}
	sb_free(&composite);
	return why.s;
}

/*
 * The Makefile above @mkdir_rel that lists @file of @dir as an object of
 * its own: mlx5's core/Makefile builds esw/bridge.o, while esw/Makefile
 * only sets flags. NULL if none does (@ret < 0: Kbuild failed).
 */
static char *listed_above(const struct build_env *env, const char *mkdir_rel,
			  const char *dir, const char *file, int *ret)
{
	char *up = xstrdup(mkdir_rel), *slash;
	struct strbuf tok = { 0 };
	struct lists p;

	while (*up) {
		slash = strrchr(up, '/');
		up[slash ? slash - up : 0] = '\0';
		*ret = dir_lists(env, up, &p);
		if (*ret)
			break;
		free(up);
		up = p.mkdir_rel;
		p.mkdir_rel = NULL;
		tok.len = 0;
		sb_printf(&tok, "%s%s%.*s.o", dir + strlen(up) + !!*up,
			  "/", (int)strcspn(file, "."), file);
		if (has_word(p.objs, tok.s)) {
			lists_free(&p);
			sb_free(&tok);
			return up;
		}
		lists_free(&p);
	}
	free(up);
	sb_free(&tok);
	return NULL;
}

int built_check(const struct build_env *env, const struct kconfig *cfg,
		const char *relpath, const char *recipe, char **make_out,
		char **why, struct tl_err *err)
{
	const char *slash = strrchr(relpath, '/'), *file = slash ? slash + 1 : relpath;
	char *dir = xstrndup(relpath, slash ? (size_t)(slash - relpath) : 0);
	char *child = NULL;
	struct lists l, p;
	struct strbuf tok = { 0 };
	const char *sub;
	int ret;

	*why = NULL;
	*make_out = NULL;
	ret = prefetch(env, dir, recipe, make_out, err);
	if (ret || dir_lists(env, dir, &l))
		goto out;
	/* The object as its Makefile names it: "vmx/vmx.o" from arch/x86/kvm. */
	sub = dir + strlen(l.mkdir_rel);
	sub += *sub == '/';
	sb_printf(&tok, "%s%s%.*s.o", sub, *sub ? "/" : "",
		  (int)strcspn(file, "."), file);
	if (!has_word(l.objs, tok.s)) {
		child = listed_above(env, l.mkdir_rel, dir, file, &ret);
		if (!child && !ret) {
			struct includer inc;

			/* build_policy.c includes rt.c: built as its part. */
			ret = !included_by_sibling(env, relpath, &inc);
			includer_free(&inc);
			if (ret)
				*why = not_built(env, cfg, l.mkdir_rel, tok.s);
		}
		lists_free(&l);
		if (!child)
			goto out;
	} else {
		child = l.mkdir_rel;
		l.mkdir_rel = NULL;
		lists_free(&l);
	}
	/* Each directory up to the top must be listed by one above it. */
	while (*child && !ret) {
		char *up = xstrdup(child), *first = NULL;
		bool found = false;

		/* Mostly the parent; drivers/ lists char/ipmi/, the top arch/x86/lib/. */
		while (!found && *up) {
			slash = strrchr(up, '/');
			up[slash ? slash - up : 0] = '\0';
			ret = dir_lists(env, up, &p);
			if (ret)
				break;
			free(up);
			up = p.mkdir_rel;
			p.mkdir_rel = NULL;
			found = has_word(p.dirs, child + strlen(up) + !!*up);
			lists_free(&p);
			if (!first)
				first = xstrdup(up);
		}
		if (!found && !ret) {
			tok.len = 0;
			sb_printf(&tok, "%s/", child + strlen(first) + !!*first);
			*why = not_built(env, cfg, first, tok.s);
			ret = 1;
		}
		free(child);
		child = up;
		free(first);
	}
out:
	free(dir);
	free(child);
	sb_free(&tok);
	/* Kbuild could not tell (1 without a reason): taken as built. */
	return ret < 0 ? -1 : *why ? 1 : 0;
}
