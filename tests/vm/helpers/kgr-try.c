// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kgr-try - make one system call and report its errno, for the fault
 * injection test: busybox's insmod retries a refused finit_module() with
 * init_module(), running the failing code twice, and its echo does not
 * tell the errno of a refused write.
 *
 *   kgr-try insmod FILE [PARAMS]   finit_module(FILE, PARAMS), once
 *   kgr-try write FILE VALUE       one write(2) of VALUE to FILE
 *
 * Exits 0, or with the errno after a line "kgr-try: FILE: error (errno N)";
 * 255 for a bad command line. Built statically by tests/vm/run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(const char *file)
{
	int err = errno;

	fprintf(stderr, "kgr-try: %s: %s (errno %d)\n", file, strerror(err),
		err);
	return err;
}

static int try_insmod(const char *file, const char *params)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	long ret;

	if (fd < 0)
		return report(file);
	ret = syscall(SYS_finit_module, fd, params, 0);
	if (ret)
		ret = report(file);
	close(fd);
	return ret;
}

static int try_write(const char *file, const char *value)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return report(file);
	n = write(fd, value, strlen(value));
	if (n < 0) {
		n = report(file);
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "insmod"))
		return try_insmod(argv[2], argc == 4 ? argv[3] : "");
	if (argc == 4 && !strcmp(argv[1], "write"))
		return try_write(argv[2], argv[3]);
	fprintf(stderr, "usage: kgr-try insmod FILE [PARAMS] | kgr-try write FILE VALUE\n");
	return 255;
}
