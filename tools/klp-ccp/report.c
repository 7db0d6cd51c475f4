// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: the report. One row per changed definition of every file of the
 * diff, then how many rows got each verdict; --json gives the same for
 * scripts (a stable update touches many files).
 */
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "report.h"

#define NVERDICTS (V_TOOL_ERROR + 1)

/* Rows per verdict, and how many files they are in. */
static size_t count_rows(const struct verdict_table *t, size_t counts[NVERDICTS])
{
	size_t i, k, files = 0;

	memset(counts, 0, NVERDICTS * sizeof(counts[0]));
	for (i = 0; i < t->n; i++) {
		counts[t->rows[i].v]++;
		for (k = 0; k < i && strcmp(t->rows[k].file, t->rows[i].file); k++)
			;
		files += k == i;
	}
	return files;
}

void report_text(const struct verdict_table *t, const struct copied_list *copied,
		 FILE *f)
{
	size_t counts[NVERDICTS], files, i;
	int v;

	if (!t->n) {
		fputs("no changed functions\n", f);
		return;
	}
	for (i = 0; i < t->n; i++)
		fprintf(f, "%s:%u: %s: %s: %s\n", t->rows[i].file,
			t->rows[i].line, t->rows[i].name,
			verdict_name(t->rows[i].v), t->rows[i].reason);
	files = count_rows(t, counts);
	fprintf(f, "summary: %zu row%s in %zu file%s:", t->n,
		t->n == 1 ? "" : "s", files, files == 1 ? "" : "s");
	for (v = 0, i = 0; v < NVERDICTS; v++)
		if (counts[v])
			fprintf(f, "%s %zu %s", i++ ? "," : "", counts[v],
				verdict_name(v));
	fputs("\n", f);
	for (i = 0; i < copied->n; i++)
		fprintf(f, "copied: %s:%u: %s: called by %s, %s\n",
			copied->v[i].file, copied->v[i].line, copied->v[i].name,
			copied->v[i].caller, copied->v[i].why);
}

void report_json(const struct verdict_table *t, const struct copied_list *copied,
		 const char *diff_name, FILE *f)
{
	size_t counts[NVERDICTS], files, i;
	int v;

	files = count_rows(t, counts);
	fputs("{\n  \"diff\": ", f);
	tl_json_str(f, diff_name);
	fputs(",\n  \"verdict\": ", f);
	tl_json_str(f, verdict_name(verdict_worst(t)));
	fputs(",\n  \"rows\": [", f);
	for (i = 0; i < t->n; i++) {
		const struct row *r = &t->rows[i];

		fputs(i ? ",\n    {\"file\": " : "\n    {\"file\": ", f);
		tl_json_str(f, r->file);
		fprintf(f, ", \"line\": %u, \"name\": ", r->line);
		tl_json_str(f, r->name);
		fputs(", \"verdict\": ", f);
		tl_json_str(f, verdict_name(r->v));
		fputs(", \"reason\": ", f);
		tl_json_str(f, r->reason);
		fprintf(f, ", \"patched\": %s}", tl_json_bool(r->target));
	}
	fprintf(f, "%s],\n  \"files\": %zu,\n  \"summary\": {", t->n ? "\n  " : "",
		files);
	for (v = 0; v < NVERDICTS; v++) {
		fputs(v ? ", " : "", f);
		tl_json_str(f, verdict_name(v));
		fprintf(f, ": %zu", counts[v]);
	}
	fputs("},\n  \"copied\": [", f);
	for (i = 0; i < copied->n; i++) {
		const struct copied_callee *c = &copied->v[i];

		fputs(i ? ",\n    {\"file\": " : "\n    {\"file\": ", f);
		tl_json_str(f, c->file);
		fprintf(f, ", \"line\": %u, \"name\": ", c->line);
		tl_json_str(f, c->name);
		fputs(", \"caller\": ", f);
		tl_json_str(f, c->caller);
		fputs(", \"reason\": ", f);
		tl_json_str(f, c->why);
		fputs("}", f);
	}
	fprintf(f, "%s]\n}\n", copied->n ? "\n  " : "");
}
