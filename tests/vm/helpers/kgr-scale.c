// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kgr-scale - the guest side helpers of bench/scale
 *
 *   kgr-scale sleepers N   start N tasks sleeping in pause(): threads of
 *                          forked processes of up to 1000 tasks each (a
 *                          process of its own per task would not fit 10,000
 *                          of them in the guest's memory); returns once all
 *                          sleep and prints the pids of the processes
 *   kgr-scale peak         sample Slab and VmallocUsed of /proc/meminfo
 *                          every 10 ms until SIGTERM, then print the
 *                          highest of each, in kB: "peak <slab> <vmalloc>"
 *
 * Built statically by tests/vm/run into the guest's /bin.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PER_PROCESS 1000

static int die(const char *what)
{
	fprintf(stderr, "kgr-scale: %s: %s\n", what, strerror(errno));
	return 1;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* A process of @n tasks: itself and n - 1 threads; writes @fd when set. */
static int sleep_process(long n, int fd)
{
	pthread_attr_t attr;
	pthread_t t;
	long i;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	for (i = 1; i < n; i++) {
		err = pthread_create(&t, &attr, sleeper, NULL);
		if (err) {
			errno = err;
			return die("pthread_create");
		}
	}
	if (write(fd, "x", 1) != 1)
		return die("write");
	close(fd);
	sleeper(NULL);
	return 0;
}

static int sleepers(const char *arg)
{
	char *end, c;
	long n = strtol(arg, &end, 10), k, done;
	int fds[2];
	pid_t pid;

	if (*end || n <= 0) {
		fprintf(stderr, "kgr-scale: bad count '%s'\n", arg);
		return 2;
	}
	if (pipe(fds))
		return die("pipe");
	for (done = 0; done < n; done += k) {
		k = n - done < PER_PROCESS ? n - done : PER_PROCESS;
		pid = fork();
		if (pid < 0)
			return die("fork");
		if (!pid) {
			/* Not our stdout: a $(kgr-scale ...) would wait for it. */
			close(fds[0]);
			close(STDOUT_FILENO);
			if (open("/dev/null", O_WRONLY) != STDOUT_FILENO)
				_exit(die("/dev/null"));
			_exit(sleep_process(k, fds[1]));
		}
		printf("%d\n", (int)pid);
	}
	close(fds[1]);
	/* One byte per process once all its threads exist; EOF if one died. */
	for (k = 0; k < (n + PER_PROCESS - 1) / PER_PROCESS; k++)
		if (read(fds[0], &c, 1) != 1) {
			fprintf(stderr, "kgr-scale: a sleeper process failed\n");
			return 1;
		}
	return 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int peak(void)
{
	const struct timespec period = { 0, 10 * 1000 * 1000 };
	long slab = 0, vmalloc = 0, v;
	char line[256];
	FILE *f;

	signal(SIGTERM, on_term);
	while (!stop) {
		f = fopen("/proc/meminfo", "r");
		if (!f)
			return die("/proc/meminfo");
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "Slab: %ld", &v) == 1 && v > slab)
				slab = v;
			if (sscanf(line, "VmallocUsed: %ld", &v) == 1 && v > vmalloc)
				vmalloc = v;
		}
		fclose(f);
		nanosleep(&period, NULL);
	}
	printf("peak %ld %ld\n", slab, vmalloc);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "sleepers"))
		return sleepers(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "peak"))
		return peak();
	fprintf(stderr, "usage: kgr-scale sleepers N | kgr-scale peak\n");
	return 2;
}
