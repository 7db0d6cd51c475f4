// SPDX-License-Identifier: GPL-2.0-or-later
/* klp-ccp: records of length-prefixed fields (record.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

void rec_put(struct strbuf *sb, const char *s)
{
	sb_printf(sb, "%zu:", strlen(s));
	sb_puts(sb, s);
}

void rec_put_opt(struct strbuf *sb, const char *s)
{
	rec_put_num(sb, s != NULL);
	if (s)
		rec_put(sb, s);
}

void rec_put_num(struct strbuf *sb, unsigned long n)
{
	char num[32];

	snprintf(num, sizeof(num), "%lu", n);
	rec_put(sb, num);
}

void rec_put_list(struct strbuf *sb, const struct tl_strlist *l)
{
	size_t k;

	rec_put_num(sb, l->nr);
	for (k = 0; k < l->nr; k++)
		rec_put(sb, l->names[k]);
}

char *rec_get(struct rec_reader *rd)
{
	char *colon;
	unsigned long len;

	if (rd->bad)
		return xstrdup("");
	errno = 0;
	len = strtoul(rd->p, &colon, 10);
	if (errno || colon == rd->p || colon >= rd->end || *colon != ':' ||
	    len > (size_t)(rd->end - colon - 1)) {
		rd->bad = true;
		return xstrdup("");
	}
	rd->p = colon + 1 + len;
	return xstrndup(colon + 1, len);
}

char *rec_get_opt(struct rec_reader *rd)
{
	return rec_get_num(rd) ? rec_get(rd) : NULL;
}

unsigned long rec_get_num(struct rec_reader *rd)
{
	char *s = rec_get(rd), *end;
	unsigned long n = strtoul(s, &end, 10);

	rd->bad |= !*s || *end;
	free(s);
	return n;
}

size_t rec_get_count(struct rec_reader *rd)
{
	unsigned long n = rec_get_num(rd);

	rd->bad |= n > (size_t)(rd->end - rd->p);
	return rd->bad ? 0 : n;
}

void rec_get_list(struct rec_reader *rd, struct tl_strlist *l)
{
	size_t n = rec_get_count(rd), k;

	for (k = 0; k < n && !rd->bad; k++) {
		char *name = rec_get(rd);

		tl_strlist_add(l, name);
		free(name);
	}
}
