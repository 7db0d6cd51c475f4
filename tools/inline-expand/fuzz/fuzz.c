// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer entry: the input is an ELF file; index it (symbols, fentry
 * sites, DWARF), expand a few of the fixture's functions and print the
 * tree and JSON (stdout goes to /dev/null; --list/--kgr would write their
 * warnings to stderr, libFuzzer's channel). Anything but a clean error or a result is a bug.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ie.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return freopen("/dev/null", "w", stdout) ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const names[] = { "helper", "cp_fn", "part_fn",
				       "cases.c:dup", "cold_fn" };
	int fd = memfd_create("fuzz-elf", 0);
	struct tl_err err;
	struct ie_index idx;
	char path[64];
	size_t i;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!ie_index_load(&idx, path, false, &err)) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			struct ie_closure c;

			if (ie_closure_run(&idx, &names[i], 1, &c, &err))
				continue;
			ie_output(&idx, &c, IE_FORMAT_TREE, path, &err);
			ie_output(&idx, &c, IE_FORMAT_JSON, path, &err);
			ie_closure_free(&c);
		}
		ie_index_free(&idx);
	}
	close(fd);
	return 0;
}
