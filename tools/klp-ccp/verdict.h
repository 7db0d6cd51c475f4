/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: which functions changed, and whether each can be live patched. */
#ifndef KLP_CCP_VERDICT_H
#define KLP_CCP_VERDICT_H

#include <stdbool.h>

#include "callers.h"
#include "flags.h"
#include "parse.h"
#include "symvers.h"

/*
 * Worst last; V_TOOL_ERROR: klp-ccp could not analyse a file at all.
 * V_NOT_BUILT first: a fix to a file the config does not build needs
 * nothing from the live patch, it must not make the rest look worse.
 */
enum verdict {
	V_NOT_BUILT, V_PATCHABLE, V_NEEDS_SHADOW, V_NEEDS_HOOK, V_NOT_PATCHABLE, V_TOOL_ERROR
};

struct row {
	char *name;		/* function, variable, type or macro */
	char *file;		/* relative to the tree */
	unsigned int line;
	enum verdict v;
	char *reason;
	bool target;		/* a function to redirect with KGR_PATCH */
	/* a syscall body's row: the wrappers redirected instead of @name */
	struct tl_strlist patched_as;
	/* its static locals the patch reaches in the running kernel */
	struct tl_strlist locals;
};

struct verdict_table {
	struct row *rows;
	size_t n, cap;
};

/* What is known about one changed file. */
struct file_analysis {
	const char *relpath;
	struct tu_model *old, *new;	/* NULL for files not parsed */
	const struct file_flags *flags;
	const struct symbols *syms;
	const struct tl_strlist *targets;	/* --targets names */
};

bool is_framework_path(const char *relpath);
void verdict_framework(struct verdict_table *t, const char *relpath);
void verdict_not_c(struct verdict_table *t, const char *relpath);
void verdict_not_built(struct verdict_table *t, const char *relpath,
		       const char *why);
/* @relpath is included by @includer under a condition that is false. */
void verdict_included_out(struct verdict_table *t, const char *relpath,
			  const char *includer);
void verdict_deleted(struct verdict_table *t, const char *relpath);
void verdict_reverted(struct verdict_table *t, const char *old_patch,
		      unsigned int line, const char *name, const char *obj);
void verdict_tool_error(struct verdict_table *t, const char *relpath,
			const char *why);
/* A callee the extraction could not take (struct refusal), and why. */
void verdict_refused(struct verdict_table *t, const char *name,
		     const char *relpath, unsigned int line, const char *why);
void verdict_new_file(struct verdict_table *t, const struct file_analysis *fa);
int verdict_source(struct verdict_table *t, const struct file_analysis *fa,
		   struct tl_err *err);
void verdict_header(struct verdict_table *t, const struct file_analysis *fa,
		    struct hdr_changes *hc);
void verdict_caller(struct verdict_table *t, const struct file_analysis *fa,
		    const struct hdr_caller *c);
void verdict_header_callers(struct verdict_table *t,
			    const struct hdr_changes *hc);
/*
 * A static local that may start fresh in a copy: a kernel macro's ("once-
 * only flag") or a const one ("read-only copy"); NULL if it is state.
 */
const char *hidden_static_kind(const struct local_static *s);
/* "pr_info_once() once-only flag", "sysids read-only copy" */
void static_describe(struct strbuf *sb, const struct local_static *s,
		     const char *kind);
const char *verdict_name(enum verdict v);
enum verdict verdict_worst(const struct verdict_table *t);
bool verdict_has_target(const struct verdict_table *t);
/* Remove row @i, keeping the others in order. */
void verdict_drop(struct verdict_table *t, size_t i);
/* Move @from's rows to the end of @to; @from is left empty. */
void verdict_append(struct verdict_table *to, struct verdict_table *from);
void verdict_free(struct verdict_table *t);

#endif
