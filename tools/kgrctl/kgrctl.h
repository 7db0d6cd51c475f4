/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kgrctl: load, inspect, wait for and revert kgr patches through
 * /sys/kernel/kgr. Every function that can fail fills a struct kc_err and
 * returns -1; main() prints the message once and exits with its status.
 */
#ifndef KGRCTL_H
#define KGRCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/err.h"
#include "lib/vec.h"
#include "lib/xalloc.h"

/* The error, exit statuses and string list of tools/lib, by kgrctl's names. */
#define KC_EXIT_FAIL TL_EXIT_FAIL
#define KC_EXIT_USAGE TL_EXIT_USAGE
#define kc_err tl_err
#define kc_fail tl_fail
#define kc_usage tl_usage
#define kc_names tl_strlist
#define kc_names_free tl_strlist_free

/* What main() parsed: where sysfs is and the command's options. */
struct kc_ctx {
	char kgr[PATH_MAX];	/* <root>/kernel/kgr */
	bool live;		/* root is /sys: module syscalls allowed */
	bool json;
	double wait;		/* seconds; < 0: option not given */
	bool unload;
	const char *module;	/* --module, or NULL */
	bool yes;
};

/* ---- sysfs.c: reading and writing the ABI ---- */

struct kc_patch {
	char name[NAME_MAX + 1];
	bool enabled, transition, replace_all, forced;
};

struct kc_fun {
	char object[NAME_MAX + 1];
	char function[NAME_MAX + 1];
	char sympos[32];
	char state[32];
	char old_addr[32];	/* "?" when unreadable (root only) */
};

struct kc_blocker {
	long pid;
	char comm[64];
	char function[NAME_MAX + 1];
};

struct kc_status {
	struct kc_patch patch;
	struct kc_fun *funs;
	size_t nr_funs, cap_funs;
	struct kc_blocker *blockers;
	size_t nr_blockers, cap_blockers;
};

const char *kc_strerror(int errnum, bool change);
int kc_read_attr(const char *path, char *buf, size_t size, struct kc_err *err);
int kc_write_attr(const char *path, const char *val, struct kc_err *err);
int kc_in_progress(const struct kc_ctx *ctx, bool *val, struct kc_err *err);
int kc_patch_names(const struct kc_ctx *ctx, struct kc_names *names,
		   struct kc_err *err);
int kc_patch_path(const struct kc_ctx *ctx, const char *patch,
		  const char *file, char *path, struct kc_err *err);
int kc_patch_read(const struct kc_ctx *ctx, const char *name,
		  struct kc_patch *patch, struct kc_err *err);
int kc_blockers_read(const struct kc_ctx *ctx, const char *name,
		     struct kc_status *st, struct kc_err *err);
int kc_status_read(const struct kc_ctx *ctx, const char *name,
		   struct kc_status *st, struct kc_err *err);
void kc_status_free(struct kc_status *st);

/* ---- output.c: text and JSON ---- */

void kc_print_list(FILE *f, const struct kc_patch *patches, size_t nr,
		   bool in_progress, bool json);
void kc_print_status(FILE *f, const struct kc_status *st, bool json);
void kc_format_blockers(const struct kc_status *st, char *buf, size_t size);

/* ---- cmd.c: the commands ---- */

int kc_cmd_list(const struct kc_ctx *ctx, char **args, struct kc_err *err);
int kc_cmd_status(const struct kc_ctx *ctx, char **args, struct kc_err *err);
int kc_cmd_load(const struct kc_ctx *ctx, char **args, struct kc_err *err);
int kc_cmd_revert(const struct kc_ctx *ctx, char **args, struct kc_err *err);
int kc_cmd_wait(const struct kc_ctx *ctx, char **args, struct kc_err *err);
int kc_cmd_force(const struct kc_ctx *ctx, char **args, struct kc_err *err);

#endif
