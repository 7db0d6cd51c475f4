// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: exported symbols and kallsyms order.
 *
 * sympos counts same-named symbols from 1 in kallsyms order, which for
 * vmlinux is address order, i.e. System.map order. System.map does not
 * say which file a static symbol came from, but the symbols of one object
 * file sit next to each other: the duplicate whose neighbourhood holds
 * the most other names of the same source file is ours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symvers.h"

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t set_slot(const struct name_set *set, const char *name)
{
	size_t i = hash(name) & (set->cap - 1);

	while (set->slot[i] && strcmp(set->slot[i], name))
		i = (i + 1) & (set->cap - 1);
	return i;
}

static void set_add(struct name_set *set, const char *name)
{
	size_t i;

	if (2 * (set->n + 1) > set->cap) {
		struct name_set big = { 0 };
		size_t k;

		big.cap = set->cap ? set->cap * 2 : 1024;
		big.slot = xcalloc(big.cap, sizeof(char *));
		big.count = xcalloc(big.cap, sizeof(unsigned int));
		for (k = 0; k < set->cap; k++) {
			if (!set->slot[k])
				continue;
			i = set_slot(&big, set->slot[k]);
			big.slot[i] = set->slot[k];
			big.count[i] = set->count[k];
			big.n++;
		}
		free(set->slot);
		free(set->count);
		*set = big;
	}
	i = set_slot(set, name);
	if (!set->slot[i]) {
		set->slot[i] = xstrdup(name);
		set->n++;
	}
	set->count[i]++;
}

static unsigned int set_count(const struct name_set *set, const char *name)
{
	size_t i;

	if (!set->cap)
		return 0;
	i = set_slot(set, name);
	return set->slot[i] ? set->count[i] : 0;
}

static void set_free(struct name_set *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	free(set->count);
	memset(set, 0, sizeof(*set));
}

static int load_symvers(const char *path, struct symbols *s,
			struct tl_err *err)
{
	char *text, *line, *next;
	size_t len;

	if (read_file(path, &text, &len, err))
		return -1;
	for (line = text; *line; line = next) {
		char *name, *end;

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
	}
	free(text);
	if (!s->exported.n)
		return tl_fail(err, "%s: not a Module.symvers (no exported symbol)",
				path);
	return 0;
}

/* A System.map: "address type name" lines. Debian ships a stub. */
static int load_map(const char *path, struct symbols *s)
{
	struct tl_err ignored;
	char *text, *line, *next;
	size_t len, cap = 0;

	if (read_file(path, &text, &len, &ignored))
		return -1;
	for (line = text; *line; line = next) {
		char name[512];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (sscanf(line, "%*s %*s %511s", name) != 1)
			continue;
		tl_grow(&s->map, &cap, s->nmap, sizeof(char *));
		s->map[s->nmap++] = xstrdup(name);
		set_add(&s->in_map, name);
	}
	free(text);
	if (s->nmap < 1000)
		return -1;
	s->map_path = xstrdup(path);
	return 0;
}

int symbols_load(const char *symvers, const char *map, struct symbols *s,
		 struct tl_err *err)
{
	memset(s, 0, sizeof(*s));
	if (load_symvers(symvers, s, err))
		return -1;
	if (map && load_map(map, s)) {
		size_t i;

		for (i = 0; i < s->nmap; i++)
			free(s->map[i]);
		free(s->map);
		s->map = NULL;
		s->nmap = 0;
		set_free(&s->in_map);
	}
	return 0;
}

bool sym_exported(const struct symbols *s, const char *name)
{
	return set_count(&s->exported, name) > 0;
}

int sym_count(const struct symbols *s, const char *name)
{
	return s->map_path ? (int)set_count(&s->in_map, name) : -1;
}

static bool in_list(char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int sympos_for(const struct symbols *s, const char *name,
	       char *const *file_names, size_t nfile, unsigned long *pos,
	       struct tl_err *err)
{
	enum { WINDOW = 64 };
	size_t i, k, best_score = 0, nth = 0, ties = 0;

	*pos = 0;
	if (sym_count(s, name) <= 1)
		return 0;
	for (i = 0; i < s->nmap; i++) {
		size_t score = 0, lo = i > WINDOW ? i - WINDOW : 0;

		if (strcmp(s->map[i], name))
			continue;
		nth++;
		for (k = lo; k < s->nmap && k <= i + WINDOW; k++)
			if (k != i && set_count(&s->in_map, s->map[k]) == 1 &&
			    in_list(file_names, nfile, s->map[k]))
				score++;
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
	size_t i;

	for (i = 0; i < s->nmap; i++)
		free(s->map[i]);
	free(s->map);
	free(s->map_path);
	set_free(&s->exported);
	set_free(&s->in_map);
}
