// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: every "make -n" of flags.c evaluates the top and arch Makefiles
 * again, and their thirty-odd cc-option, as-instr and ld-option probes run
 * gcc each time: half of what a file costs. Their answers only change with
 * the compiler, so make runs with a directory ahead in PATH whose gcc,
 * gcc-<N> and ld are klp-ccp-probe (probe.c), which stores them in a cache
 * shared by runs and answers from there. make -n runs no recipe: only
 * probes start them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes.h"

/* "gcc-12": the versioned compiler Debian's headers name in CC. */
static bool versioned_gcc(const char *n)
{
	return !strncmp(n, "gcc-", 4) && n[4] &&
	       strspn(n + 4, "0123456789") == strlen(n + 4);
}

static int link_probe(const char *wrapper, const char *bin, const char *name,
		      struct tl_err *err)
{
	struct strbuf p = { 0 };
	int ret = 0;

	sb_printf(&p, "%s/%s", bin, name);
	if (symlink(wrapper, p.s) && errno != EEXIST)
		ret = tl_fail(err, "%s: %s", p.s, strerror(errno));
	sb_free(&p);
	return ret;
}

/* The cache: $KLP_CCP_PROBE_CACHE, else $XDG_CACHE_HOME or ~/.cache's. */
static char *cache_dir(const char *set, struct tl_err *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct strbuf p = { 0 };
	size_t i;

	if (set && *set)
		sb_puts(&p, set);
	else if (xdg && *xdg)
		sb_printf(&p, "%s/klp-ccp/probes", xdg);
	else if (home && *home)
		sb_printf(&p, "%s/.cache/klp-ccp/probes", home);
	if (!p.len) {
		tl_fail(err, "no HOME for the probe cache: set KLP_CCP_PROBE_CACHE to a directory, or to off");
		return NULL;
	}
	/* mkdir -p */
	for (i = 1; i <= p.len; i++)
		if (p.s[i] == '/' || !p.s[i]) {
			char c = p.s[i];

			p.s[i] = '\0';
			mkdir(p.s, 0700);
			p.s[i] = c;
		}
	if (access(p.s, W_OK)) {
		tl_fail(err, "probe cache %s: %s", p.s, strerror(errno));
		sb_free(&p);
		return NULL;
	}
	return p.s;
}

int probes_setup(struct build_env *env, struct tl_err *err)
{
	const char *set = getenv("KLP_CCP_PROBE_CACHE"), *path = getenv("PATH");
	struct strbuf wrapper = { 0 }, bin = { 0 }, dir = { 0 };
	char exe[4096], *slash, *cache;
	const char *p, *e;
	struct dirent *de;
	ssize_t n;
	DIR *dp;
	int ret = -1;

	if (set && !strcmp(set, "off"))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return tl_fail(err, "/proc/self/exe: %s", strerror(errno));
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	sb_printf(&wrapper, "%.*s/klp-ccp-probe", (int)(slash - exe), exe);
	if (access(wrapper.s, X_OK)) {
		tl_fail(err, "%s: %s (make -C tools/klp-ccp builds it; KLP_CCP_PROBE_CACHE=off runs without it)",
			wrapper.s, strerror(errno));
		goto out;
	}
	cache = cache_dir(set, err);
	if (!cache)
		goto out;
	sb_printf(&bin, "%s/probe-bin", env->tmpdir);
	if (mkdir(bin.s, 0700)) {
		tl_fail(err, "%s: %s", bin.s, strerror(errno));
		free(cache);
		goto out;
	}
	env->probe_cache = cache;
	env->probe_bin = bin.s;
	bin.s = NULL;
	ret = link_probe(wrapper.s, env->probe_bin, "gcc", err) ||
	      link_probe(wrapper.s, env->probe_bin, "ld", err) ? -1 : 0;
	for (p = path; !ret && p && *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ":");
		dir.len = 0;
		sb_add(&dir, p, e - p);
		dp = opendir(dir.s);
		while (!ret && dp && (de = readdir(dp)))
			if (versioned_gcc(de->d_name))
				ret = link_probe(wrapper.s, env->probe_bin,
						 de->d_name, err);
		if (dp)
			closedir(dp);
	}
out:
	sb_free(&wrapper);
	sb_free(&bin);
	sb_free(&dir);
	return ret;
}

void probes_env(const struct build_env *env, const char *mdir,
		struct strbuf *sh)
{
	if (env->probe_bin)
		sb_printf(sh, "PATH='%s':\"$PATH\" KLP_CCP_PROBE_BIN='%s' KLP_CCP_PROBE_CACHE='%s' KLP_CCP_PROBE_MDIR='%s' ",
			  env->probe_bin, env->probe_bin, env->probe_cache,
			  mdir);
}

/*
 * Kbuild's try-run makes a directory for each of its thirty-odd probes
 * and removes it after: a shell, mkdir and rm around every probe, 40% of
 * a make -n. make -n runs one probe at a time, so one directory made
 * here serves them all; its name keeps the .tmp_<digits> shape the probe
 * cache expects. Same answers: only the scratch directory differs.
 */
void probes_try_run(const char *mdir, struct strbuf *sh)
{
	struct strbuf tmp = { 0 };

	sb_printf(&tmp, "%s/.tmp_0", mdir);
	if (!mkdir(tmp.s, 0700) || access(tmp.s, W_OK) == 0)
		sb_printf(sh, "TMPOUT='%s' 'try-run=$(shell set -e; TMP=$(TMPOUT)/tmp; if ($(1)) >/dev/null 2>&1; then echo \"$(2)\"; else echo \"$(3)\"; fi)'",
			  tmp.s);
	sb_free(&tmp);
}

void probes_free(struct build_env *env)
{
	free((char *)env->probe_bin);
	free((char *)env->probe_cache);
}
