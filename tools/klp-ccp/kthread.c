// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: a kernel thread's function (rfcomm_run of krfcommd) is on that
 * thread's stack for as long as the thread lives: patching it, or a
 * function inlined into it, makes a transition that never finishes. The
 * thread is found by its start in the same file, the function named as
 * the first argument of one of the kthread API's starters.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "kthread.h"

static const char *const starters[] = {
	"kthread_run", "kthread_create", "kthread_create_on_node",
	"kthread_create_on_cpu", "kthread_run_on_cpu",
};

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Is @p, in @text, "@starter ( @fn ," with blanks anywhere between? */
static bool starts_fn(const char *text, const char *end, const char *p,
		      const char *starter, const char *fn)
{
	size_t sl = strlen(starter), fl = strlen(fn);

	if ((p > text && ident_char(p[-1])) || (size_t)(end - p) < sl ||
	    strncmp(p, starter, sl))
		return false;
	for (p += sl; p < end && isspace((unsigned char)*p); p++)
		;
	if (p == end || *p++ != '(')
		return false;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if ((size_t)(end - p) < fl || strncmp(p, fn, fl))
		return false;
	for (p += fl; p < end && isspace((unsigned char)*p); p++)
		;
	return p < end && *p == ',';
}

const char *kthread_starter(const char *text, size_t len, const char *fn,
			    unsigned int *line)
{
	const char *end = text + len, *p;
	size_t i;

	*line = 1;
	for (p = text; p < end; p++) {
		if (*p == '\n')
			(*line)++;
		if (*p != 'k')
			continue;
		for (i = 0; i < sizeof(starters) / sizeof(starters[0]); i++)
			if (starts_fn(text, end, p, starters[i], fn))
				return starters[i];
	}
	return NULL;
}
