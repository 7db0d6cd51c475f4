// SPDX-License-Identifier: GPL-2.0-or-later
/* tools/lib: filling a struct tl_err. */
#include <stdio.h>

#include "err.h"

int tl_verror(struct tl_err *err, int status, const char *fmt, va_list ap)
{
	err->status = status;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int tl_fail(struct tl_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tl_verror(err, TL_EXIT_FAIL, fmt, ap);
	va_end(ap);
	return -1;
}

int tl_usage(struct tl_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tl_verror(err, TL_EXIT_USAGE, fmt, ap);
	va_end(ap);
	return -1;
}
