// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: a .c file that no Makefile names but a sibling .c includes:
 * kernel/sched/build_utility.c includes cpufreq_schedutil.c,
 * arch/x86/mm/init_64.c includes ident_map.c. Such a file does not
 * compile alone (ident_map.c has no #include at all); it is parsed behind
 * the includer's text above its #include line, so that it stays the main
 * file of its parse and its definitions are found as any file's are.
 * A changed header that does not compile alone (net/bluetooth/hci.h
 * uses bdaddr_t, which every includer has from bluetooth.h first) is
 * parsed the same way, behind a .c file of the diff that includes it.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "included.h"

/* Where @text has a line "#include @quoted", blanks allowed; else NULL. */
static const char *include_line(const char *text, const char *quoted)
{
	const char *p;

	for (p = text; (p = strstr(p, quoted)); p++) {
		const char *q = p;

		while (q > text && isblank((unsigned char)q[-1]))
			q--;
		if (q - text < 7 || strncmp(q - 7, "include", 7))
			continue;
		q -= 7;
		while (q > text && isblank((unsigned char)q[-1]))
			q--;
		if (q > text && q[-1] == '#' &&
		    (q - 1 == text || q[-2] == '\n'))
			return q - 1;
	}
	return NULL;
}

bool included_by_sibling(const struct build_env *env, const char *relpath,
			 struct includer *inc)
{
	const char *slash = strrchr(relpath, '/');
	const char *file = slash ? slash + 1 : relpath;
	int dirlen = slash ? (int)(slash - relpath) : 0;
	struct strbuf path = { 0 }, rel = { 0 }, quoted = { 0 };
	struct tl_err ignored;
	struct dirent *de;
	DIR *dp;

	memset(inc, 0, sizeof(*inc));
	sb_printf(&path, "%s/%.*s", env->src, dirlen, relpath);
	dp = opendir(path.s);
	sb_printf(&quoted, "\"%s\"", file);
	while (dp && !inc->relpath && (de = readdir(dp))) {
		size_t nl = strlen(de->d_name), len;
		const char *at;
		char *text;

		if (nl < 3 || strcmp(de->d_name + nl - 2, ".c") ||
		    !strcmp(de->d_name, file))
			continue;
		rel.len = 0;
		sb_printf(&rel, "%.*s%s%s", dirlen, relpath, dirlen ? "/" : "",
			  de->d_name);
		path.len = 0;
		sb_printf(&path, "%s/%s", env->src, rel.s);
		if (read_file(path.s, &text, &len, &ignored))
			continue;
		at = include_line(text, quoted.s);
		if (!at) {
			free(text);
			continue;
		}
		inc->relpath = xstrdup(rel.s);
		inc->text = text;
		inc->line_start = at - text;
		inc->spelled = xstrdup(quoted.s);
	}
	if (dp)
		closedir(dp);
	sb_free(&path);
	sb_free(&rel);
	sb_free(&quoted);
	return inc->relpath;
}

void includer_free(struct includer *inc)
{
	free(inc->relpath);
	free(inc->text);
	free(inc->spelled);
	memset(inc, 0, sizeof(*inc));
}

bool included_by_diff(const struct diff *d, const char *relpath,
		      struct includer *inc)
{
	const char *slash = strrchr(relpath, '/');
	struct strbuf spelled = { 0 };
	size_t i, dirlen = slash ? (size_t)(slash - relpath) : 0;

	memset(inc, 0, sizeof(*inc));
	for (i = 0; i < d->nfiles && !inc->relpath; i++) {
		const struct file_patch *fp = &d->files[i];
		const char *at = NULL;
		size_t len = strlen(fp->path);

		if (len < 3 || strcmp(fp->path + len - 2, ".c") || !fp->old_text)
			continue;
		/* <net/bluetooth/hci_core.h>, or "x.h" beside the .c */
		if (!strncmp(relpath, "include/", 8)) {
			spelled.len = 0;
			sb_printf(&spelled, "<%s>", relpath + 8);
			at = include_line(fp->old_text, spelled.s);
		}
		if (!at && !strncmp(fp->path, relpath, dirlen) &&
		    (!slash || fp->path[dirlen] == '/') &&
		    !strchr(fp->path + dirlen + !!slash, '/')) {
			spelled.len = 0;
			sb_printf(&spelled, "\"%s\"", slash ? slash + 1 : relpath);
			at = include_line(fp->old_text, spelled.s);
		}
		if (!at)
			continue;
		inc->relpath = xstrdup(fp->path);
		inc->text = xstrdup(fp->old_text);
		inc->line_start = at - fp->old_text;
		inc->spelled = xstrdup(spelled.s);
	}
	sb_free(&spelled);
	return inc->relpath;
}

/* Defined at a prefix's end: the parse sees it if the #include line is live. */
#define LIVE_MARK "KLP_CCP_INCLUDE_LIVE"

/* @text up to @len, then the mark. */
static void prefix_text(struct unsaved *prefix, const char *text, size_t len)
{
	struct strbuf sb = { 0 };

	sb_printf(&sb, "%.*s\n#define " LIVE_MARK " 1\n", (int)len, text);
	prefix->text = sb.s;
	prefix->len = sb.len;
}

void included_prefix(const struct build_env *env, const struct diff *d,
		     const char *relpath, const struct includer *inc,
		     struct file_flags *ff, struct unsaved *old,
		     struct unsaved *new)
{
	const char *slash = strrchr(inc->relpath, '/');
	const char *base = strrchr(relpath, '/');
	const struct file_patch *changed = NULL;
	struct strbuf path = { 0 };
	const char *at;
	size_t i;

	sb_printf(&path, "%s/%.*s%s.klp-ccp-prefix-%s.h", env->src,
		  slash ? (int)(slash - inc->relpath) : 0, inc->relpath,
		  slash ? "/" : "", base ? base + 1 : relpath);
	ff->argv = xrealloc(ff->argv, (ff->argc + 2) * sizeof(char *));
	ff->argv[ff->argc++] = xstrdup("-include");
	ff->argv[ff->argc++] = xstrdup(path.s);
	old->path = path.s;
	prefix_text(old, inc->text, inc->line_start);
	/* wl.c's do_work() gains an argument that fastmap-wl.c passes. */
	for (i = 0; i < d->nfiles && !changed; i++)
		if (!strcmp(d->files[i].path, inc->relpath) && d->files[i].new_text)
			changed = &d->files[i];
	at = changed ? include_line(changed->new_text, inc->spelled) : NULL;
	new->path = xstrdup(path.s);
	if (at)
		prefix_text(new, changed->new_text, at - changed->new_text);
	else
		prefix_text(new, inc->text, inc->line_start);
}

void included_prefix_free(struct unsaved *prefix)
{
	free((char *)prefix->path);
	free((char *)prefix->text);
	memset(prefix, 0, sizeof(*prefix));
}

bool included_live(struct tu_model *m)
{
	return tu_find(m, LIVE_MARK, ENT_MACRO, false);
}
