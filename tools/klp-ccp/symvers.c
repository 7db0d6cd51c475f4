// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: exported symbols and kallsyms order.
 *
 * sympos counts same-named symbols from 1 in kallsyms order, which for
 * vmlinux is address order, i.e. System.map order. System.map does not
 * say which file a static symbol came from, but the symbols of one object
 * file sit next to each other: the duplicate whose neighbourhood holds
 * the most other names of the same source file is ours.
 *
 * A copy of /proc/kallsyms ("addr type name [module]") also has the
 * loaded modules: each module's symbols are counted on their own, in the
 * order kallsyms lists them (the module's symbol table, as kgr walks it).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "symcache.h"
#include "symvers.h"

static unsigned int hash(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot of @name (hash @h), or the empty slot where it would go. */
static size_t set_slot(const struct name_set *set, const char *name,
		       unsigned int h)
{
	size_t i = h & (set->cap - 1);

	while (set->slot[i].name &&
	       (set->slot[i].hash != h || strcmp(set->slot[i].name, name)))
		i = (i + 1) & (set->cap - 1);
	return i;
}

/* Room for @n names at a load of 3/4 at most: no rehash while they come. */
static void set_reserve(struct name_set *set, size_t n)
{
	struct name_set big = { 0 };
	size_t k;

	if (4 * n <= 3 * set->cap)
		return;
	for (big.cap = 1024; 3 * big.cap < 4 * n; big.cap *= 2)
		;
	big.slot = xcalloc(big.cap, sizeof(*big.slot));
	big.n = set->n;
	for (k = 0; k < set->cap; k++)
		if (set->slot[k].name)
			big.slot[set_slot(&big, set->slot[k].name,
					  set->slot[k].hash)] = set->slot[k];
	free(set->slot);
	*set = big;
}

/* Count @name, which must live as long as @set: the set keeps the pointer. */
static void set_add(struct name_set *set, const char *name)
{
	unsigned int h = hash(name);
	size_t i;

	set_reserve(set, set->n + 1);
	i = set_slot(set, name, h);
	if (!set->slot[i].name) {
		set->slot[i].name = name;
		set->slot[i].hash = h;
		set->n++;
	}
	set->slot[i].count++;
}

static unsigned int set_count(const struct name_set *set, const char *name)
{
	size_t i;

	if (!set->cap)
		return 0;
	i = set_slot(set, name, hash(name));
	return set->slot[i].name ? set->slot[i].count : 0;
}

static void set_free(struct name_set *set)
{
	free(set->slot);
	memset(set, 0, sizeof(*set));
}

/* "name\tmodule" strings, by name. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @name is exported by the object at [@obj, @end): "drivers/hv/hv_vmbus". */
static void add_exporter(struct symbols *s, const char *name,
			 const char *obj, const char *end)
{
	const char *base = obj, *p;
	struct strbuf sb = { 0 };

	for (p = obj; p < end; p++)
		if (*p == '/')
			base = p + 1;
	if (end - base == 7 && !strncmp(base, "vmlinux", 7))
		return;
	sb_printf(&sb, "%s\t%.*s", name, (int)(end - base), base);
	/* KBUILD_MODNAME's spelling: snd-pcm.ko is module snd_pcm */
	for (p = sb.s + strlen(name) + 1; *p; p++)
		if (*p == '-')
			sb.s[p - sb.s] = '_';
	tl_strlist_add(&s->mod_exports, sb.s);
	sb_free(&sb);
}

static int load_symvers(const char *path, struct symbols *s,
			struct tl_err *err)
{
	char *line, *next;
	size_t len;

	if (read_file(path, &s->symvers_text, &len, err))
		return -1;
	for (line = s->symvers_text; *line; line = next) {
		char *name, *end, *ns;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		name = strchr(line, '\t');
		if (strncmp(line, "0x", 2) || !name)
			continue;
		end = strchr(++name, '\t');
		if (end)
			*end = '\0';
		set_add(&s->exported, name);
		/* 0xcrc name module EXPORT_SYMBOL_NS namespace */
		ns = end ? strchr(end + 1, '\t') : NULL;
		if (ns)
			add_exporter(s, name, end + 1, ns);
		ns = ns ? strchr(ns + 1, '\t') : NULL;
		if (ns && ns[1]) {
			tl_strlist_add(&s->ns_syms, name);
			tl_strlist_add(&s->ns_names, ns + 1);
		}
	}
	qsort(s->mod_exports.names, s->mod_exports.nr, sizeof(char *), by_name);
	if (!s->exported.n)
		return tl_fail(err, "%s: not a Module.symvers (no exported symbol)",
				path);
	return 0;
}

static struct mod_symbols *find_mod(const struct symbols *s,
				    const char *name)
{
	size_t i;

	for (i = 0; i < s->nmods; i++)
		if (!strcmp(s->mods[i].name, name))
			return &s->mods[i];
	return NULL;
}

/* The module @name of @s, added if new. */
static struct mod_symbols *get_mod(struct symbols *s, const char *path,
				   const char *name)
{
	struct mod_symbols *m = find_mod(s, name);

	if (m)
		return m;
	s->mods = xrealloc(s->mods, (s->nmods + 1) * sizeof(*s->mods));
	m = &s->mods[s->nmods++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->label = xcalloc(strlen(path) + strlen(name) + 4, 1);
	sprintf(m->label, "%s [%s]", path, name);
	return m;
}

/*
 * The third and fourth words of @line ("address type name [module]"),
 * ended in place: how many there are (0 for none).
 */
static int map_words(char *line, char **name, char **mod)
{
	char *w[4], *p = line;
	int n;

	for (n = 0; n < 4; n++) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		w[n] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p && n >= 2)
			*p++ = '\0';
	}
	*name = n > 2 ? w[2] : NULL;
	*mod = n > 3 ? w[3] : NULL;
	return n > 2 ? n - 2 : 0;
}

static void map_free(char **map, struct name_set *set)
{
	free(map);
	set_free(set);
}

/* Forget the System.map or kallsyms copy, keep Module.symvers. */
static void maps_free(struct symbols *s)
{
	size_t i;

	map_free(s->map, &s->in_map);
	if (s->cache_map)
		munmap(s->cache_map, s->cache_len);
	else
		free(s->map_text);
	s->cache_map = NULL;
	tl_strlist_free(&s->mod_names);
	free(s->map_path);
	for (i = 0; i < s->nmods; i++) {
		map_free(s->mods[i].map, &s->mods[i].in_map);
		free(s->mods[i].name);
		free(s->mods[i].label);
	}
	free(s->mods);
	s->map = NULL;
	s->map_text = NULL;
	s->map_len = 0;
	s->nmap = 0;
	s->map_path = NULL;
	s->mods = NULL;
	s->nmods = 0;
}

/*
 * A System.map or kallsyms copy: "address type name [module]" lines.
 * Debian ships a stub System.map (one line). Fewer than 1000 vmlinux
 * symbols: not a real one. Its 360000 names stay in the file's text,
 * which the symbols keep: no copy of each.
 */
static int load_map(const char *path, const char *cache_dir,
		    struct symbols *s, struct tl_err *err)
{
	char *line, *next;
	size_t len, cap = 0, last = 0, lines = 0;

	if (cache_dir) {
		if (!symcache_load(cache_dir, path, s)) {
			time_phase("symbols: from the cache");
			goto loaded;
		}
		maps_free(s);
	}
	if (read_file(path, &s->map_text, &len, err))
		return -1;
	s->map_len = len + 1;
	for (line = s->map_text; (line = memchr(line, '\n', len - (line - s->map_text))); line++)
		lines++;
	set_reserve(&s->in_map, lines);
	for (line = s->map_text; *line; line = next) {
		struct mod_symbols *m;
		char *name, *mod;
		size_t ml;
		int n;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		n = map_words(line, &name, &mod);
		if (n < 1)
			continue;
		ml = n == 2 ? strlen(mod) : 0;
		if (ml > 2 && mod[0] == '[' && mod[ml - 1] == ']') {
			mod[ml - 1] = '\0';
			/* A module's lines are together: its name is looked up once. */
			if (last < s->nmods && !strcmp(s->mods[last].name, mod + 1))
				m = &s->mods[last];
			else
				m = get_mod(s, path, mod + 1);
			last = m - s->mods;
			tl_grow(&m->map, &m->cap, m->nmap, sizeof(char *));
			m->map[m->nmap++] = name;
			set_add(&m->in_map, name);
			continue;
		}
		tl_grow(&s->map, &cap, s->nmap, sizeof(char *));
		s->map[s->nmap++] = name;
		set_add(&s->in_map, name);
	}
	if (cache_dir && s->nmap >= 1000)
		symcache_store(cache_dir, path, s);
loaded:
	if (s->nmap < 1000)
		return tl_fail(err, "%s: not a System.map or /proc/kallsyms copy (%zu vmlinux symbols; Debian's /boot/System.map is a stub)",
			       path, s->nmap);
	s->map_path = xstrdup(path);
	return 0;
}

int symbols_load(const char *symvers, const char *map, bool required,
		 const char *cache_dir, struct symbols *s, struct tl_err *err)
{
	struct tl_err map_err;

	memset(s, 0, sizeof(*s));
	if (load_symvers(symvers, s, err))
		return -1;
	if (map && load_map(map, cache_dir, s, &map_err)) {
		if (required) {
			*err = map_err;
			return -1;
		}
		/* An installed stub or nothing: sympos and existence unknown. */
		maps_free(s);
	}
	return 0;
}

struct symbols syms_for_module(const struct symbols *s, const char *mod)
{
	struct symbols v = *s;
	const struct mod_symbols *m = find_mod(s, mod);

	v.map_path = m ? m->label : NULL;
	v.map = m ? m->map : NULL;
	v.nmap = m ? m->nmap : 0;
	v.in_map = m ? m->in_map : (struct name_set){ 0 };
	return v;
}

bool syms_module_known(const struct symbols *s, const char *mod)
{
	return find_mod(s, mod) != NULL;
}

void symbols_add_module(struct symbols *s, const char *path, const char *mod,
			const struct tl_strlist *names)
{
	struct mod_symbols *m = get_mod(s, path, mod);
	size_t i;

	for (i = 0; i < names->nr; i++) {
		char *name;

		tl_strlist_add(&s->mod_names, names->names[i]);
		name = s->mod_names.names[s->mod_names.nr - 1];
		tl_grow(&m->map, &m->cap, m->nmap, sizeof(char *));
		m->map[m->nmap++] = name;
		set_add(&m->in_map, name);
	}
}

/*
 * A kallsyms copy (it has [module] lines) without @mod's: the module was
 * not loaded when it was taken, and nothing would check its file's
 * symbols. System.map, which covers vmlinux only, has no module lines.
 */
int syms_have_module(const struct symbols *s, const char *mod,
		     struct tl_err *err)
{
	if (!s->nmods || find_mod(s, mod))
		return 0;
	return tl_fail(err, "%s has no [%s] lines: the module was not loaded when /proc/kallsyms was copied, so its symbols cannot be checked; load it on the target and copy again, or give --modules <the target's /lib/modules/<version>>",
		       s->map_path, mod);
}

bool sym_exported(const struct symbols *s, const char *name)
{
	return set_count(&s->exported, name) > 0;
}

const char *sym_exporter(const struct symbols *s, const char *name)
{
	size_t lo = 0, hi = s->mod_exports.nr, n = strlen(name);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = s->mod_exports.names[mid];
		int c = strncmp(e, name, n);

		if (!c && e[n] == '\t')
			return e + n + 1;
		/* "name\t..." sorts before "name_x...": tab is below any name char */
		if (c < 0 || (!c && e[n] < '\t'))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *sym_namespace(const struct symbols *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ns_syms.nr; i++)
		if (!strcmp(s->ns_syms.names[i], name))
			return s->ns_names.names[i];
	return NULL;
}

int sym_count(const struct symbols *s, const char *name)
{
	return s->map_path ? (int)set_count(&s->in_map, name) : -1;
}

const char *sym_clone(const struct symbols *s, const char *name)
{
	static const char *const kinds[] = { "isra.", "constprop.", "part.", "cold" };
	size_t i, k, n = strlen(name);

	for (i = 0; i < s->nmap; i++) {
		const char *m = s->map[i];

		if (strncmp(m, name, n) || m[n] != '.')
			continue;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!strncmp(m + n + 1, kinds[k], strlen(kinds[k])))
				return m;
	}
	return NULL;
}

static bool in_list(char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* A name the compiler or a macro made: __func__.12, __kstrtab_x, _note_9. */
static bool made_name(const char *name)
{
	return strchr(name, '.') || !strncmp(name, "__", 2) ||
	       !strncmp(name, "_note_", 6);
}

size_t sym_file_score(const struct symbols *s, size_t i,
		      char *const *file_names, size_t nfile)
{
	enum { NEAREST = 12, WINDOW = 256 };
	size_t d, seen = 0, score = 0;

	/*
	 * The nearest unique names, outward on both sides: a window of
	 * fixed width reaches the other file in a small module (hci_uart's
	 * hci_ldisc.c and hci_serdev.c both define hci_uart_setup).
	 */
	for (d = 1; d <= WINDOW && seen < NEAREST; d++) {
		size_t side[2] = { i >= d ? i - d : s->nmap, i + d }, k;

		for (k = 0; k < 2 && seen < NEAREST; k++) {
			const char *m;

			if (side[k] >= s->nmap)
				continue;
			m = s->map[side[k]];
			if (made_name(m) || set_count(&s->in_map, m) != 1)
				continue;
			seen++;
			score += in_list(file_names, nfile, m);
		}
	}
	return score;
}

int sympos_for(const struct symbols *s, const char *name,
	       char *const *file_names, size_t nfile, unsigned long *pos,
	       struct tl_err *err)
{
	size_t i, best_score = 0, nth = 0, ties = 0;

	*pos = 0;
	if (sym_count(s, name) <= 1)
		return 0;
	for (i = 0; i < s->nmap; i++) {
		size_t score;

		if (strcmp(s->map[i], name))
			continue;
		nth++;
		score = sym_file_score(s, i, file_names, nfile);
		if (score > best_score) {
			best_score = score;
			*pos = nth;
			ties = 0;
		} else if (score == best_score) {
			ties++;
		}
	}
	if (!best_score || ties)
		return tl_fail(err, "%s: %d symbols of that name in %s and none is clearly this file's",
				name, sym_count(s, name), s->map_path);
	return 0;
}

void symbols_free(struct symbols *s)
{
	maps_free(s);
	set_free(&s->exported);
	free(s->symvers_text);
	tl_strlist_free(&s->mod_exports);
	tl_strlist_free(&s->ns_syms);
	tl_strlist_free(&s->ns_names);
}
