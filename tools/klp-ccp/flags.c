// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: derive the exact flags Kbuild compiles one file with.
 *
 * There are no .cmd files without a built tree, so we let Kbuild itself
 * compute them: the file's directory Makefile is copied next to an empty
 * file of the same name and links to the rest of that directory in the
 * tree, and "make -n M=<that dir> <file>.o" runs against the headers
 * package. That evaluates ccflags-y, CFLAGS_<file>.o,
 * CFLAGS_REMOVE_<file>.o, obj-m vs obj-y and the arch Makefile exactly as
 * the real build did. The printed gcc command is then translated for
 * clang: paths are pointed back at the source tree, and only the options
 * that change what the preprocessor and parser see are kept.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flags.h"
#include "probes.h"

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Options that matter to parsing; codegen-only gcc options are dropped. */
static bool keep_option(const char *w)
{
	static const char *const exact[] = {
		"-nostdinc", "-m64", "-mno-sse", "-mno-mmx", "-mno-sse2",
		"-mno-3dnow", "-mno-avx", "-mno-80387", "-mno-red-zone",
		"-fno-PIE", "-fshort-wchar", "-fno-common",
		"-fno-strict-aliasing", "-funsigned-char", "-O2", "-Os",
		"-Werror=implicit-function-declaration",
		"-Werror=implicit-int", "-Werror=return-type",
		"-Werror=incompatible-pointer-types",
	};
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(w, exact[i]))
			return true;
	return starts_with(w, "-D") || starts_with(w, "-U") ||
	       starts_with(w, "-I") || starts_with(w, "-std=") ||
	       starts_with(w, "-mcmodel=");
}

/* Split one shell command into words (quotes removed). */
static void shell_words(const char *s, struct tl_strlist *words)
{
	struct strbuf w = { 0 };

	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		w.len = 0;
		sb_add(&w, "", 0);
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '\'' || *s == '"') {
				char q = *s++;

				while (*s && *s != q) {
					if (q == '"' && *s == '\\' && s[1])
						s++;
					sb_add(&w, s++, 1);
				}
				if (*s)
					s++;
			} else {
				if (*s == '\\' && s[1])
					s++;
				sb_add(&w, s++, 1);
			}
		}
		tl_strlist_add(words, w.s);
	}
	sb_free(&w);
}

/*
 * A make "include" of $(srctree)/x or $(src)/x: the headers package lacks
 * most of those files (virt/kvm/Makefile.kvm) and the scratch dir all of
 * them, so they are read from the tree being patched. So is anything
 * under "$(srctree)/$(src)", which an M= build makes the headers' dir
 * followed by the scratch dir's absolute path (amdgpu's FULL_AMD_PATH).
 */
static char *redirect_includes(const char *text, size_t len, const char *src,
			       const char *mkdir_src)
{
	struct strbuf out = { 0 };
	const char *line = text, *end = text + len;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);
		size_t n = nl ? (size_t)(nl - line + 1) : (size_t)(end - line);
		char *raw = xstrndup(line, n), *a, *b;
		char *l = replace_all(raw, "$(srctree)/$(src)", mkdir_src);
		const char *w = l + strspn(l, " \t");

		if (!strncmp(w, "include", 7) || !strncmp(w, "-include", 8) ||
		    !strncmp(w, "sinclude", 8)) {
			a = replace_all(l, "$(srctree)", src);
			b = replace_all(a, "$(src)", mkdir_src);
			sb_puts(&out, b);
			free(a);
			free(b);
		} else {
			sb_puts(&out, l);
		}
		free(raw);
		free(l);
		line += n;
	}
	return out.s ? out.s : xstrdup("");
}

/*
 * The Kbuild/Makefile that builds @dir/x.o: @dir's own, else the nearest
 * parent's (arch/x86/kvm/Makefile has "kvm-intel-y += vmx/vmx.o" for the
 * Makefile-less arch/x86/kvm/vmx). *@mkdir_rel is that Makefile's directory,
 * *@mkdir_abs its absolute path.
 */
int copy_makefile(const struct build_env *env, const char *dir,
		  const char *scratch, char **mkdir_rel, char **mkdir_abs,
		  struct tl_err *err)
{
	static const char *const names[] = { "Kbuild", "Makefile" };
	struct strbuf p = { 0 }, q = { 0 }, d = { 0 };
	char *text = NULL, *abs_src = NULL, *fixed;
	size_t len = 0, i = 2;
	int ret = -1;

	sb_puts(&d, dir);
	for (;;) {
		for (i = 0; i < 2; i++) {
			struct tl_err missing;

			p.len = 0;
			sb_printf(&p, "%s/%s%s%s", env->src, d.s, d.len ? "/" : "",
				  names[i]);
			if (!read_file(p.s, &text, &len, &missing))
				break;
		}
		if (i < 2 || !d.len)
			break;
		while (d.len && d.s[d.len - 1] != '/')
			d.len--;
		if (d.len)
			d.len--;
		d.s[d.len] = '\0';
	}
	if (i == 2) {
		tl_fail(err, "%s: no Kbuild or Makefile in %s/%s or a parent: cannot tell how it is built",
			dir, env->src, dir);
		goto out;
	}
	abs_src = realpath(env->src, NULL);
	if (!abs_src) {
		tl_fail(err, "%s: %m", env->src);
		goto out;
	}
	p.len = 0;
	sb_printf(&p, "%s%s%s", abs_src, d.len ? "/" : "", d.s);
	fixed = redirect_includes(text, len, abs_src, p.s);
	sb_printf(&q, "%s/Makefile", scratch);
	ret = write_file(q.s, fixed, strlen(fixed), err);
	free(fixed);
	*mkdir_rel = xstrdup(d.s);
	*mkdir_abs = xstrdup(p.s);
out:
	free(text);
	free(abs_src);
	sb_free(&p);
	sb_free(&q);
	sb_free(&d);
	return ret;
}

/*
 * Links in @scratch to the entries of @dir, the Makefile's directory in the
 * tree, but its Makefiles and @own (the object's .c or subdirectory, made
 * in @scratch): what its Makefiles include with $(src) (nouveau's
 * nvkm/Kbuild includes nvkm/engine/Kbuild) and the sources of generated
 * files (tpm2key.asn1) are found there.
 */
int link_dir(const char *dir, const char *scratch, const char *own,
	     struct tl_err *err)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct strbuf from = { 0 }, to = { 0 };
	int ret = 0;

	if (!dp)
		return tl_fail(err, "%s: %m", dir);
	while (!ret && (de = readdir(dp))) {
		const char *n = de->d_name;

		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "Kbuild") ||
		    !strcmp(n, "Makefile") || !strcmp(n, own))
			continue;
		from.len = to.len = 0;
		sb_printf(&from, "%s/%s", dir, n);
		sb_printf(&to, "%s/%s", scratch, n);
		if (symlink(from.s, to.s))
			ret = tl_fail(err, "%s: cannot link it from %s: %m", from.s, scratch);
	}
	closedir(dp);
	sb_free(&from);
	sb_free(&to);
	return ret;
}

/* What make said went wrong: its first "***" line, else its last line. */
static const char *make_error(char *out)
{
	char *line, *next, *last = NULL, *stars = NULL;

	for (line = out; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line)
			last = line;
		if (!stars && strstr(line, "*** "))
			stars = line;
	}
	return stars ? stars : last ? last : "(no output)";
}

/*
 * "No rule to make target 'X', needed by 'Y'": a prerequisite the headers
 * package has no rule for (SELinux's flask.h is generated by
 * scripts/selinux/genheaders, which it does not ship). An empty rule for
 * it in the scratch Makefile lets make -n go on to the compile command.
 * A missing included Makefile (no "needed by") still stops it.
 */
static bool add_empty_rule(const char *out, const char *mkdir_path)
{
	static const char no_rule[] = "No rule to make target '";
	const char *x = out ? strstr(out, no_rule) : NULL;
	const char *q = x ? strchr(x + sizeof(no_rule) - 1, '\'') : NULL;
	struct strbuf mk = { 0 };
	FILE *f;

	if (!q || strncmp(q, "', needed by ", 13))
		return false;
	x += sizeof(no_rule) - 1;
	sb_printf(&mk, "%s/Makefile", mkdir_path);
	f = fopen(mk.s, "a");
	sb_free(&mk);
	if (!f)
		return false;
	fprintf(f, "\n%.*s: ;\n", (int)(q - x), x);
	return !fclose(f);
}

/* The command for @kf's object in make -n's @out: 0, or 1 if none. */
static int command_in(const struct kbuild_file *kf, const char *out, char **cmd)
{
	struct strbuf marker = { 0 };
	const char *hit, *start, *end;

	sb_printf(&marker, " -c -o %s/%s.o ", kf->mkdir_path, kf->obj);
	hit = out ? strstr(out, marker.s) : NULL;
	sb_free(&marker);
	if (!hit)
		return 1;
	/* The command is the ';'-separated segment holding the marker. */
	start = hit;
	while (start > out && start[-1] != ';' && start[-1] != '\n')
		start--;
	end = strpbrk(hit, ";\n");
	*cmd = xstrndup(start, end ? (size_t)(end - start) : strlen(start));
	return 0;
}

/* Run make -n of its own and return the compile command for @kf's object. */
static int kbuild_command(const struct build_env *env,
			  const struct kbuild_file *kf, char **cmd,
			  struct tl_err *err)
{
	struct strbuf sh = { 0 }, out = { 0 };
	char buf[65536];
	size_t n;
	FILE *p;
	int tries, missing = 1;

	probes_env(env, kf->mkdir_path, &sh);
	/* stdin: what a probe reads is what it pipes in itself */
	sb_printf(&sh, "make -n -s -C '%s' M='%s' '%s.o' ",
		  env->build, kf->mkdir_path, kf->obj);
	probes_try_run(kf->mkdir_path, &sh);
	sb_puts(&sh, " </dev/null 2>&1");
	/* A few prerequisites without rules at most, one per run of make. */
	for (tries = 0; tries < 4; tries++) {
		out.len = 0;
		p = popen(sh.s, "r");
		if (!p)
			break;
		while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
			sb_add(&out, buf, n);
		pclose(p);
		missing = command_in(kf, out.s, cmd);
		if (!missing || !add_empty_rule(out.s, kf->mkdir_path))
			break;
	}
	sb_free(&sh);
	if (!p) {
		sb_free(&out);
		return tl_fail(err, "cannot run make");
	}
	if (missing) {
		tl_fail(err, "%s: Kbuild (make -C %s) printed no compile command for %s.o: %.300s",
			kf->relpath, env->build, kf->obj, make_error(out.s));
		sb_free(&out);
		return -1;
	}
	sb_free(&out);
	return 0;
}

static void add_arg(struct file_flags *ff, size_t *cap, const char *a)
{
	tl_grow(&ff->argv, cap, ff->argc, sizeof(char *));
	ff->argv[ff->argc++] = xstrdup(a);
}

int kbuild_file_new(const struct build_env *env, const char *relpath,
		    struct kbuild_file *kf, struct tl_err *err)
{
	struct strbuf mkdir_path = { 0 }, cfile = { 0 }, obj = { 0 };
	const char *slash = strrchr(relpath, '/');
	char *dir = xstrndup(relpath, slash ? (size_t)(slash - relpath) : 0);
	const char *file = slash ? slash + 1 : relpath;
	char *mkdir_rel = NULL, *mkdir_abs = NULL, *own;
	const char *sub;
	size_t i;
	int ret = -1;

	memset(kf, 0, sizeof(*kf));
	/* Its own: a link of one file's dir must not be written through by another's. */
	sb_printf(&mkdir_path, "%s/kbuild.XXXXXX", env->tmpdir);
	if (!mkdtemp(mkdir_path.s)) {
		tl_fail(err, "cannot create a directory in %s: %m", env->tmpdir);
		goto out;
	}
	if (copy_makefile(env, dir, mkdir_path.s, &mkdir_rel, &mkdir_abs, err))
		goto out;
	/* The object as the Makefile names it: "vmx/vmx" from arch/x86/kvm. */
	sub = dir + strlen(mkdir_rel);
	sub += *sub == '/';
	sb_printf(&obj, "%s%s%.*s", sub, *sub ? "/" : "",
		  (int)strcspn(file, "."), file);
	own = *sub ? xstrndup(sub, strcspn(sub, "/")) : xstrdup(file);
	ret = link_dir(mkdir_abs, mkdir_path.s, own, err);
	free(own);
	if (ret)
		goto out;
	ret = -1;
	sb_printf(&cfile, "%s/%s.c", mkdir_path.s, obj.s);
	/* mkdir -p of the object's subdirectories in the scratch dir */
	for (i = mkdir_path.len + 1; i < cfile.len; i++)
		if (cfile.s[i] == '/') {
			cfile.s[i] = '\0';
			mkdir(cfile.s, 0700);
			cfile.s[i] = '/';
		}
	if (write_file(cfile.s, "", 0, err))
		goto out;
	kf->relpath = xstrdup(relpath);
	kf->mkdir_path = mkdir_path.s;
	kf->mkdir_rel = mkdir_rel;
	kf->obj = obj.s;
	mkdir_path.s = obj.s = mkdir_rel = NULL;
	ret = 0;
out:
	free(dir);
	free(mkdir_rel);
	free(mkdir_abs);
	sb_free(&mkdir_path);
	sb_free(&obj);
	sb_free(&cfile);
	return ret;
}

void kbuild_file_recipe(const struct kbuild_file *kf, struct strbuf *recipe)
{
	sb_printf(recipe, "\t+-$(MAKE) $(build)=%s %s/%s.o\n", kf->mkdir_path,
		  kf->mkdir_path, kf->obj);
}

void kbuild_file_free(struct kbuild_file *kf)
{
	free(kf->relpath);
	free(kf->mkdir_path);
	free(kf->mkdir_rel);
	free(kf->obj);
	memset(kf, 0, sizeof(*kf));
}

int flags_for_kbuild_file(const struct build_env *env,
			  const struct kbuild_file *kf, const char *make_out,
			  struct file_flags *ff, struct tl_err *err)
{
	struct strbuf inc = { 0 }, srcdir = { 0 }, build_prefix = { 0 };
	struct strbuf srctree_src = { 0 };
	const char *relpath = kf->relpath, *mkdir_rel = kf->mkdir_rel;
	char *cmd = NULL, *srctree = NULL, **words;
	struct tl_strlist wl = { 0 };
	size_t nwords, i, cap = 0;
	int ret = -1;

	memset(ff, 0, sizeof(*ff));
	if (command_in(kf, make_out, &cmd) &&
	    kbuild_command(env, kf, &cmd, err))
		goto out;
	shell_words(cmd, &wl);
	words = wl.names;
	nwords = wl.nr;
	/* srctree is where kconfig.h is force-included from. */
	for (i = 0; i + 1 < nwords; i++) {
		char *k = strstr(words[i + 1], "/include/linux/kconfig.h");

		if (!strcmp(words[i], "-include") && k)
			srctree = xstrndup(words[i + 1], k - words[i + 1]);
	}
	if (!srctree) {
		tl_fail(err, "%s: unexpected Kbuild command: %.300s", relpath, cmd);
		goto out;
	}
	sb_printf(&srcdir, "%s%s%s", env->src, *mkdir_rel ? "/" : "", mkdir_rel);
	sb_printf(&build_prefix, "%s/", env->build);
	sb_printf(&srctree_src, "%s/%s", srctree, kf->mkdir_path);
	sb_printf(&inc, "-I%s/include", env->tmpdir);
	add_arg(ff, &cap, inc.s);
	for (i = 0; i < nwords; i++) {
		const char *w = words[i];
		char *a0, *a, *b, *c, *joined = NULL;

		if (!strcmp(w, "-pg") || !strcmp(w, "-mfentry"))
			ff->traced = true;
		if (!strcmp(w, "-DMODULE"))
			ff->module = true;
		if (starts_with(w, "-DKBUILD_MODNAME=")) {
			free(ff->modname);
			ff->modname = xstrndup(w + 18, strlen(w + 18) - 1);
		}
		if (!strcmp(w, "-include") && i + 1 < nwords) {
			add_arg(ff, &cap, w);
			w = words[++i];
		} else if ((!strcmp(w, "-I") || !strcmp(w, "-D") || !strcmp(w, "-U")) &&
			   i + 1 < nwords) {
			/* "-I $(srctree)/$(src)/.." of iwlwifi: one option */
			joined = xcalloc(strlen(w) + strlen(words[i + 1]) + 1, 1);
			sprintf(joined, "%s%s", w, words[++i]);
			w = joined;
		} else if (!keep_option(w)) {
			continue;
		}
		/* $(srctree)/$(src) of the scratch build is $(src): the tree's dir */
		a0 = replace_all(w, srctree_src.s, kf->mkdir_path);
		a = replace_all(a0, srctree, env->src);
		free(a0);
		/* KBUILD_MODFILE wants the relative dir, -I the real one. */
		b = replace_all(a, kf->mkdir_path, starts_with(w, "-D") ? mkdir_rel : srcdir.s);
		if (starts_with(b, "-I./")) {
			c = xcalloc(strlen(b) + build_prefix.len + 1, 1);
			sprintf(c, "-I%s%s", build_prefix.s, b + 4);
		} else {
			c = xstrdup(b);
		}
		add_arg(ff, &cap, c);
		free(a);
		free(b);
		free(c);
		free(joined);
	}
	add_arg(ff, &cap, "-Wno-unknown-warning-option");
	/* Every error, not the first 20: a new one may hide behind old ones. */
	add_arg(ff, &cap, "-ferror-limit=0");
	/* After the kernel's: a fix written for kpatch includes its headers. */
	sb_free(&inc);
	sb_printf(&inc, "-I%s/kgr/kpatch", env->kgr_include);
	add_arg(ff, &cap, inc.s);
	sb_free(&inc);
	sb_printf(&inc, "-I%s", env->kgr_include);
	add_arg(ff, &cap, inc.s);
	ret = 0;
out:
	tl_strlist_free(&wl);
	free(cmd);
	free(srctree);
	sb_free(&inc);
	sb_free(&srcdir);
	sb_free(&srctree_src);
	sb_free(&build_prefix);
	return ret;
}

/* One file's flags with a make -n of its own (a created file's: init/main.c's). */
int flags_for_file(const struct build_env *env, const char *relpath,
		   struct file_flags *ff, struct tl_err *err)
{
	struct kbuild_file kf;
	int ret;

	memset(ff, 0, sizeof(*ff));
	ret = kbuild_file_new(env, relpath, &kf, err) ||
	      flags_for_kbuild_file(env, &kf, NULL, ff, err) ? -1 : 0;
	kbuild_file_free(&kf);
	return ret;
}

void flags_copy(struct file_flags *to, const struct file_flags *from)
{
	int i;

	*to = *from;
	to->argv = xcalloc(from->argc + 1, sizeof(char *));
	for (i = 0; i < from->argc; i++)
		to->argv[i] = xstrdup(from->argv[i]);
	to->modname = from->modname ? xstrdup(from->modname) : NULL;
}

void flags_free(struct file_flags *ff)
{
	int i;

	for (i = 0; i < ff->argc; i++)
		free(ff->argv[i]);
	free(ff->argv);
	free(ff->modname);
	memset(ff, 0, sizeof(*ff));
}
