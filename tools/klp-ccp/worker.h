/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp -j: files' verdicts in worker processes, one process a file,
 * up to N at a time. Each sends its rows back over a pipe; the caller
 * merges them in file order, so the report is that of -j 1.
 */
#ifndef KLP_CCP_WORKER_H
#define KLP_CCP_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "verdict.h"

/* What the worker of one file sent back, or how it failed to. */
struct file_result {
	struct verdict_table rows;
	bool kept;	/* a parse the run may need again (work returned 1) */
	char *error;	/* work returned -1: the error that ends the run */
	char *died;	/* no result: why (a signal, an exit status), or NULL */
};

/*
 * File @i's rows into @t: 1 (kept), 0, or -1 with @err set. It runs in
 * a child process: what it allocates ends with it.
 */
typedef int (*file_work)(void *ctx, size_t i, struct verdict_table *t,
			 struct tl_err *err);
/* File @i's worker is done, in this process. */
typedef void (*file_done)(void *ctx, size_t i);

/* @work on each of the @n files @files, @jobs at a time: @res[k] is files[k]'s. */
void workers_run(unsigned int jobs, const size_t *files, size_t n,
		 file_work work, file_done done, void *ctx,
		 struct file_result *res);
void file_result_free(struct file_result *r);

#endif
