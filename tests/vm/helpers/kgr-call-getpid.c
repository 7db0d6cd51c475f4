// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kgr-call-getpid - call getpid() in a loop, as the livepatch selftests'
 * test_klp-call_getpid.c of Linux 6.12, for tests/vm/tests/66-selftest-
 * syscall.sh: a busy user task that crosses the syscall boundary all the
 * time, while a patch of the getpid syscall applies and reverts.
 *
 * Stops on SIGHUP, or on SIGINT printing "N iterations done". Unlike the
 * original it also checks every result against gettid() (the same for a
 * single-threaded process): the patched syscall must return what the
 * original does. On a wrong result it prints it and exits with status 1.
 *
 * Built statically by tests/vm/run into the guest's /bin.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static volatile sig_atomic_t sig_int;

static void hup_handler(int signum)
{
	(void)signum;
	stop = 1;
}

static void int_handler(int signum)
{
	(void)signum;
	stop = 1;
	sig_int = 1;
}

int main(void)
{
	long me = syscall(SYS_gettid);
	long count = 0;
	long pid;

	signal(SIGHUP, hup_handler);
	signal(SIGINT, int_handler);

	while (!stop) {
		pid = syscall(SYS_getpid);
		if (pid != me) {
			printf("getpid() returned %ld in process %ld after %ld calls\n",
			       pid, me, count);
			return 1;
		}
		count++;
	}

	if (sig_int)
		printf("%ld iterations done\n", count);

	return 0;
}
