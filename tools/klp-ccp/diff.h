/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: unified diffs: parsing and applying them in memory. */
#ifndef KLP_CCP_DIFF_H
#define KLP_CCP_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct hunk_line {
	char op;		/* ' ', '-' or '+' */
	char *text;		/* without the newline */
};

struct hunk {
	unsigned int old_start, old_count, new_start, new_count;
	unsigned int diff_line;	/* line of the @@ header in the diff */
	struct hunk_line *lines;
	size_t nlines, cap;
};

enum file_change { FILE_CHANGED, FILE_CREATED, FILE_DELETED };

/* One file of a diff, with its text before and after once applied. */
struct file_patch {
	char *path;		/* relative to the kernel tree, never /dev/null */
	enum file_change change;
	struct hunk *hunks;
	size_t nhunks, cap;
	char *old_text, *new_text;
	size_t old_len, new_len;
	char *changed_by;	/* the fixes that change it, for messages */
};

struct diff {
	char *name;		/* the diff file, for messages; fixes combined: their base names */
	struct file_patch *files;
	size_t nfiles, cap;
};

int diff_parse(const char *diff_path, struct diff *d, struct tl_err *err);
/*
 * Apply @fixes in order, each on top of the ones before it, to the files of
 * @src: @combined gets each file once, with its text before and after all
 * of them. Files for which @skip returns true are left unread (not in the
 * tree).
 */
int diff_apply(const char *src, const struct diff *fixes, size_t nfixes,
	       bool (*skip)(const char *path), struct diff *combined,
	       struct tl_err *err);
void diff_free(struct diff *d);

#endif
