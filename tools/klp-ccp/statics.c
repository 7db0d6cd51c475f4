// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: static locals of a changed function keep their state.
 *
 * GCC names a function's static local "<var>.<N>" in the symbol table (N
 * counts the translation unit's local statics), and kallsyms shows that
 * name: the patch reaches the running kernel's variable through a shim
 * to it, as kpatch correlates static locals. Which of several
 * "<var>.<N>" is this file's is told as sympos_for() tells same-named
 * file-scope statics: the one with the most of the file's own names
 * around it in address order. Two of one file tie (kernel/audit.c has
 * lock.4 in audit_rate_check() and lock.11 in audit_log_lost()); N does
 * not follow the source order, but GCC lays a function's statics out
 * together, so the one next to another static local of the same
 * function, itself found alone, is it. Anything else stays the author's.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "statics.h"

enum { SIBLING_DIST = 2 };	/* a function's statics: that close in the map */

size_t tu_def_names(const struct tu_model *m, char ***out)
{
	size_t i, n = 0, cap = 0;

	*out = NULL;
	for (i = 0; i < m->n; i++) {
		if (m->ents[i].where != IN_MAIN || m->ents[i].kind == ENT_MACRO ||
		    m->ents[i].kind == ENT_TYPE || !m->ents[i].definition)
			continue;
		tl_grow(out, &cap, n, sizeof(char *));
		(*out)[n++] = m->ents[i].name;
	}
	return n;
}

/* Is @sym "<var>.<N>"? */
static bool local_name(const char *sym, const char *var)
{
	size_t n = strlen(var);

	if (strncmp(sym, var, n) || sym[n] != '.' || !sym[n + 1])
		return false;
	for (sym += n + 1; *sym; sym++)
		if (!isdigit((unsigned char)*sym))
			return false;
	return true;
}

/* The candidates of @var: their count; in @best those scoring highest. */
struct candidates {
	size_t n, score;
	size_t *best;
	size_t nbest, cap;
};

static void find_candidates(const struct symbols *syms, const char *var,
			    char *const *names, size_t nn, struct candidates *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < syms->nmap; i++) {
		size_t score;

		if (!local_name(syms->map[i], var))
			continue;
		c->n++;
		score = sym_file_score(syms, i, names, nn);
		if (score > c->score)
			c->nbest = 0;
		if (score < c->score)
			continue;
		c->score = score;
		tl_grow(&c->best, &c->cap, c->nbest, sizeof(*c->best));
		c->best[c->nbest++] = i;
	}
}

/*
 * Of tied candidates @c of @s, the one next to another static local of
 * @f that is found alone; SIZE_MAX if none or several.
 */
static size_t by_sibling(const struct symbols *syms, const struct entity *f,
			 const struct local_static *s, char *const *names,
			 size_t nn, const struct candidates *c)
{
	size_t i, k, found = SIZE_MAX;

	for (i = 0; i < f->nstatics; i++) {
		struct candidates sib;

		if (!strcmp(f->statics[i].name, s->name))
			continue;
		find_candidates(syms, f->statics[i].name, names, nn, &sib);
		for (k = 0; sib.nbest == 1 && sib.score && k < c->nbest; k++) {
			size_t a = c->best[k], b = sib.best[0];

			if ((a > b ? a - b : b - a) > SIBLING_DIST)
				continue;
			if (found != SIZE_MAX && found != a) {
				free(sib.best);
				return SIZE_MAX;
			}
			found = a;
		}
		free(sib.best);
	}
	return found;
}

/* @why: the candidates, by name. */
static int ambiguous(const struct symbols *syms, const struct candidates *c,
		     struct tl_err *err)
{
	struct strbuf sb = { 0 };
	size_t i;
	int ret;

	for (i = 0; i < c->nbest; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", syms->map[c->best[i]]);
	ret = tl_fail(err, "%zu candidates in %s: %s", c->n, syms->map_path, sb.s);
	sb_free(&sb);
	return ret;
}

int static_local_sym(const struct symbols *syms, const struct tu_model *m,
		     const struct entity *f, const struct local_static *s,
		     struct local_sym *out, struct tl_err *err)
{
	struct candidates c;
	char **names;
	size_t nn, i, at = SIZE_MAX;
	int ret = 0;

	if (!syms->map_path)
		return tl_fail(err, "no symbols file (--symbols) to find the running kernel's");
	if (strstr(s->type, "(unnamed") || strstr(s->type, "(anonymous"))
		return tl_fail(err, "its type has no name for the shim to spell");
	if (s->used_unspelled)
		return tl_fail(err, "a macro's expansion uses it: the patch cannot rename that use");
	if (s->decl_off + 6 > m->len || strncmp(m->text + s->decl_off, "static", 6))
		return tl_fail(err, "a macro declares it: the patch cannot drop that declaration");
	nn = tu_def_names(m, &names);
	find_candidates(syms, s->name, names, nn, &c);
	if (c.nbest == 1 && c.score)
		at = c.best[0];
	else if (c.nbest > 1 && c.score)
		at = by_sibling(syms, f, s, names, nn, &c);
	free(names);
	if (!c.n)
		ret = tl_fail(err, "not in %s", syms->map_path);
	else if (!c.score)
		ret = tl_fail(err, "%zu candidates in %s, none among this file's symbols",
			      c.n, syms->map_path);
	else if (at == SIZE_MAX)
		ret = ambiguous(syms, &c, err);
	if (!ret) {
		out->sym = syms->map[at];
		out->sympos = 0;
		if (sym_count(syms, out->sym) > 1)
			for (i = 0; i <= at; i++)
				out->sympos += !strcmp(syms->map[i], out->sym);
	}
	free(c.best);
	return ret;
}

void static_decl_range(const struct tu_model *m, const struct local_static *s,
		       unsigned int *start, unsigned int *end)
{
	const char *t = m->text;
	unsigned int a = s->decl_off, b = a;
	int depth = 0;

	for (; b < m->len && (t[b] != ';' || depth); b++)
		depth += strchr("([{", t[b]) ? 1 : strchr(")]}", t[b]) ? -1 : 0;
	b += b < m->len;
	/* alone on its line: the line goes */
	while (a > 0 && (t[a - 1] == ' ' || t[a - 1] == '\t'))
		a--;
	while (b < m->len && (t[b] == ' ' || t[b] == '\t'))
		b++;
	if ((a == 0 || t[a - 1] == '\n') && b < m->len && t[b] == '\n') {
		*start = a;
		*end = b + 1;
		return;
	}
	*start = s->decl_off;
	*end = b;
}
