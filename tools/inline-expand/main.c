// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inline-expand [--list|--kgr|--json] [--no-cache] <elf> <function>...
 *
 * Which functions must a live patch replace when <function> changes?
 * Every error ends here and is printed once, as one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ie.h"

static const char usage[] =
	"usage: inline-expand [--list|--kgr|--json] [--no-cache] <elf> <function>...\n"
	"  <function> is a name or file.c:name (picks a static one)\n"
	"  cache: $KGR_CACHE_DIR, else $XDG_CACHE_HOME/kgr, else ~/.cache/kgr\n";

int main(int argc, char **argv)
{
	enum ie_format format = IE_FORMAT_TREE;
	struct tl_err err = { 0 };
	struct ie_closure closure;
	struct ie_index idx;
	bool use_cache = true;
	const char *path;
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (!strcmp(argv[i], "--list")) {
			format = IE_FORMAT_LIST;
		} else if (!strcmp(argv[i], "--kgr")) {
			format = IE_FORMAT_KGR;
		} else if (!strcmp(argv[i], "--json")) {
			format = IE_FORMAT_JSON;
		} else if (!strcmp(argv[i], "--no-cache")) {
			use_cache = false;
		} else if (!strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "inline-expand: unknown option %s\n%s",
				argv[i], usage);
			return 2;
		}
	}
	if (argc - i < 2) {
		fputs(usage, stderr);
		return 2;
	}
	path = argv[i++];
	if (ie_index_load(&idx, path, use_cache, &err)) {
		fprintf(stderr, "inline-expand: %s\n", err.msg);
		return 1;
	}
	if (ie_closure_run(&idx, argv + i, argc - i, &closure, &err)) {
		fprintf(stderr, "inline-expand: %s: %s\n", path, err.msg);
		ie_index_free(&idx);
		return 1;
	}
	if (ie_output(&idx, &closure, format, path, &err)) {
		fprintf(stderr, "inline-expand: %s\n", err.msg);
		i = -1;
	}
	ie_closure_free(&closure);
	ie_index_free(&idx);
	return i < 0;
}
