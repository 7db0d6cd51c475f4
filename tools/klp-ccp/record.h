/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: records of length-prefixed fields ("<len>:<bytes>"), numbers
 * written as fields: -j's worker messages and the parse cache's entries.
 * A reader that meets a damaged field says so in ->bad and reads on as
 * empty fields, so a record is checked once, at its end.
 */
#ifndef KLP_CCP_RECORD_H
#define KLP_CCP_RECORD_H

#include "util.h"

void rec_put(struct strbuf *sb, const char *s);
/* @s or NULL, for rec_get_opt(). */
void rec_put_opt(struct strbuf *sb, const char *s);
void rec_put_num(struct strbuf *sb, unsigned long n);
void rec_put_list(struct strbuf *sb, const struct tl_strlist *l);

struct rec_reader {
	const char *p, *end;
	bool bad;
};

/* The next field, a copy; "" once the record is found bad. */
char *rec_get(struct rec_reader *rd);
char *rec_get_opt(struct rec_reader *rd);
unsigned long rec_get_num(struct rec_reader *rd);
/* A count of fields to come: more than the bytes left is a damaged record. */
size_t rec_get_count(struct rec_reader *rd);
void rec_get_list(struct rec_reader *rd, struct tl_strlist *l);

#endif
