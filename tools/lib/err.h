/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tools/lib: the error every tool returns up to main(). Nothing below
 * main() prints: a failing function fills a struct tl_err and returns -1,
 * main() prints the message once, as one line, and picks the exit status.
 */
#ifndef TL_ERR_H
#define TL_ERR_H

#include <stdarg.h>

/* Exit statuses: the job failed; the caller's usage or input is wrong. */
#define TL_EXIT_FAIL 1
#define TL_EXIT_USAGE 2

struct tl_err {
	int status;		/* TL_EXIT_FAIL or TL_EXIT_USAGE */
	char msg[1024];
};

/* Each returns -1, so "return tl_fail(err, ...);" ends a function. */
int tl_fail(struct tl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tl_usage(struct tl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tl_verror(struct tl_err *err, int status, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
