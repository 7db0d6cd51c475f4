/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klp-ccp: small helpers shared by every file: buffers and files; the
 * error type, arrays and allocation come from tools/lib.
 */
#ifndef KLP_CCP_UTIL_H
#define KLP_CCP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/vec.h"
#include "lib/xalloc.h"

/* Exit codes of the command line contract. */
enum { EXIT_PATCHABLE = 0, EXIT_NOT_PATCHABLE = 1, EXIT_USAGE = 2, EXIT_TOOL_ERROR = 3 };

/* A growable string. */
struct strbuf {
	char *s;
	size_t len, cap;
};

void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *sb);

int read_file(const char *path, char **text, size_t *len, struct tl_err *err);
/* read_file(), through xz, zstd or gzip for a .xz, .zst or .gz file. */
int read_file_any(const char *path, char **text, size_t *len,
		  struct tl_err *err);
int write_file(const char *path, const char *text, size_t len,
	       struct tl_err *err);
/* Do @a and @b name one file, "d/../" and "./" resolved in the text? */
bool same_path(const char *a, const char *b);
/*
 * Is identifier @name written whole at @off of @text (@len bytes)? Not
 * when it only starts a longer one: rds_ib_stats in rds_ib_stats_inc.
 */
bool ident_written_at(const char *text, size_t len, size_t off, const char *name);

/* A copy of @s, every occurrence of @from ("": none) replaced by @to. */
char *replace_all(const char *s, const char *from, const char *to);
/* FNV-1a, 64 bits: cache keys and the contents they depend on. */
uint64_t fnv1a(const void *s, size_t len);

/*
 * KLP_CCP_TIMES set: "klp-ccp: time <seconds> <what>" on stderr, the
 * wall time since the previous call (or the first), for profiling.
 */
void time_phase(const char *what);

#endif
