/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tools/lib: JSON output. The tools print their JSON with fprintf; the
 * part every one of them needs the same is a string, quoted and escaped.
 */
#ifndef TL_JSON_H
#define TL_JSON_H

#include <stdbool.h>
#include <stdio.h>

/* "s" with '"', '\\' and control characters escaped; bytes >= 0x20 as is. */
void tl_json_str(FILE *f, const char *s);
/* tl_json_str(), or null for a NULL @s. */
void tl_json_str_or_null(FILE *f, const char *s);
const char *tl_json_bool(bool b);

#endif
