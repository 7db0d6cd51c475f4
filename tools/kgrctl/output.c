// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output.c - what list and status print: an aligned table for people,
 * one JSON object (--json) for fleet tooling.
 */
#include <string.h>

#include "kgrctl.h"
#include "lib/json.h"

static void kc_json_patch_fields(FILE *f, const struct kc_patch *p)
{
	fputs("\"name\":", f);
	tl_json_str(f, p->name);
	fprintf(f, ",\"enabled\":%s,\"transition\":%s,\"replace_all\":%s,\"forced\":%s",
		tl_json_bool(p->enabled), tl_json_bool(p->transition),
		tl_json_bool(p->replace_all), tl_json_bool(p->forced));
}

/* The table's last line, read at a glance: what is in effect, what moves. */
static void kc_print_summary(FILE *f, const struct kc_patch *patches,
			     size_t nr)
{
	size_t applied = 0, reverted = 0, moving = 0;

	for (size_t i = 0; i < nr; i++) {
		if (patches[i].transition)
			moving++;
		else if (patches[i].enabled)
			applied++;
		else
			reverted++;
	}
	fprintf(f, "%zu patch%s: %zu applied, %zu reverted, %zu in transition\n",
		nr, nr == 1 ? "" : "es", applied, reverted, moving);
}

void kc_print_list(FILE *f, const struct kc_patch *patches, size_t nr,
		   bool in_progress, bool json)
{
	int width = (int)strlen("PATCH");

	if (json) {
		fprintf(f, "{\"in_progress\":%s,\"patches\":[",
			tl_json_bool(in_progress));
		for (size_t i = 0; i < nr; i++) {
			fputs(i ? ",{" : "{", f);
			kc_json_patch_fields(f, &patches[i]);
			fputc('}', f);
		}
		fputs("]}\n", f);
		return;
	}
	for (size_t i = 0; i < nr; i++)
		if ((int)strlen(patches[i].name) > width)
			width = (int)strlen(patches[i].name);
	fprintf(f, "%-*s  ENABLED  TRANSITION  REPLACE_ALL\n", width, "PATCH");
	for (size_t i = 0; i < nr; i++)
		fprintf(f, "%-*s  %-7d  %-10d  %d\n", width, patches[i].name,
			patches[i].enabled, patches[i].transition,
			patches[i].replace_all);
	kc_print_summary(f, patches, nr);
}

static void kc_json_status(FILE *f, const struct kc_status *st)
{
	fputc('{', f);
	kc_json_patch_fields(f, &st->patch);
	fputs(",\"functions\":[", f);
	for (size_t i = 0; i < st->nr_funs; i++) {
		const struct kc_fun *fun = &st->funs[i];

		fputs(i ? ",{\"object\":" : "{\"object\":", f);
		tl_json_str(f, fun->object);
		fputs(",\"function\":", f);
		tl_json_str(f, fun->function);
		fputs(",\"sympos\":", f);
		tl_json_str(f, fun->sympos);
		fputs(",\"state\":", f);
		tl_json_str(f, fun->state);
		fputs(",\"old_addr\":", f);
		tl_json_str(f, fun->old_addr);
		fputc('}', f);
	}
	fputs("],\"blocking\":[", f);
	for (size_t i = 0; i < st->nr_blockers; i++) {
		fprintf(f, "%s{\"pid\":%ld,\"comm\":", i ? "," : "",
			st->blockers[i].pid);
		tl_json_str(f, st->blockers[i].comm);
		fputs(",\"function\":", f);
		tl_json_str(f, st->blockers[i].function);
		fputc('}', f);
	}
	fputs("]}\n", f);
}

/* Column widths of the function table: each at least its heading. */
static void kc_fun_widths(const struct kc_status *st, int *obj, int *fun)
{
	*obj = (int)strlen("OBJECT");
	*fun = (int)strlen("FUNCTION");
	for (size_t i = 0; i < st->nr_funs; i++) {
		if ((int)strlen(st->funs[i].object) > *obj)
			*obj = (int)strlen(st->funs[i].object);
		if ((int)strlen(st->funs[i].function) > *fun)
			*fun = (int)strlen(st->funs[i].function);
	}
}

void kc_print_status(FILE *f, const struct kc_status *st, bool json)
{
	int obj_w, fun_w;

	if (json) {
		kc_json_status(f, st);
		return;
	}
	fprintf(f, "patch:       %s\nenabled:     %d\ntransition:  %d\n"
		"replace_all: %d\nforced:      %d%s\n", st->patch.name,
		st->patch.enabled, st->patch.transition, st->patch.replace_all,
		st->patch.forced, st->patch.forced ?
		" (a transition was forced: the module stays loaded)" : "");
	kc_fun_widths(st, &obj_w, &fun_w);
	fprintf(f, "functions:\n  %-*s  %-*s  SYMPOS  %-9s  OLD_ADDR\n",
		obj_w, "OBJECT", fun_w, "FUNCTION", "STATE");
	for (size_t i = 0; i < st->nr_funs; i++)
		fprintf(f, "  %-*s  %-*s  %-6s  %-9s  %s\n", obj_w,
			st->funs[i].object, fun_w, st->funs[i].function,
			st->funs[i].sympos, st->funs[i].state,
			st->funs[i].old_addr);
	fprintf(f, "blocking:%s\n", st->nr_blockers ? "" : "    none");
	for (size_t i = 0; i < st->nr_blockers; i++)
		fprintf(f, "  %ld %s %s\n", st->blockers[i].pid,
			st->blockers[i].comm, st->blockers[i].function);
}

/* The blocking tasks on one line, for the error of a wait that timed out. */
void kc_format_blockers(const struct kc_status *st, char *buf, size_t size)
{
	size_t used = 0;
	int len;

	buf[0] = '\0';
	if (!st->nr_blockers) {
		snprintf(buf, size, "no task listed in blocking");
		return;
	}
	for (size_t i = 0; i < st->nr_blockers && used < size; i++) {
		len = snprintf(buf + used, size - used, "%s%ld %s %s",
			       i ? ", " : "blocking: ", st->blockers[i].pid,
			       st->blockers[i].comm, st->blockers[i].function);
		if (len < 0)
			break;
		used += len;
	}
}
