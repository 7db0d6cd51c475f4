// SPDX-License-Identifier: GPL-2.0-or-later
/* tools/lib: JSON strings. */
#include "json.h"

void tl_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void tl_json_str_or_null(FILE *f, const char *s)
{
	if (s)
		tl_json_str(f, s);
	else
		fputs("null", f);
}

const char *tl_json_bool(bool b)
{
	return b ? "true" : "false";
}
