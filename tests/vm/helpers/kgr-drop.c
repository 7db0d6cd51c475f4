// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kgr-drop - run a command with less privilege, for the VM tests (busybox
 * has no setpriv --reuid nor a way to drop one capability).
 *
 *   kgr-drop uid UID CMD [ARGS]   as uid and gid UID, no groups, no caps
 *   kgr-drop nocap CMD [ARGS]     still uid 0, without CAP_SYS_MODULE
 *
 * Built statically by tests/vm/run into the guest's /bin.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "kgr-drop: %s: %s\n", what, strerror(errno));
	return 126;
}

static int drop_uid(const char *arg)
{
	char *end;
	long id = strtol(arg, &end, 10);

	if (*end || end == arg || id <= 0) {
		fprintf(stderr, "kgr-drop: bad uid '%s'\n", arg);
		return 2;
	}
	if (setgroups(0, NULL))
		return die("setgroups");
	if (setresgid(id, id, id))
		return die("setresgid");
	if (setresuid(id, id, id))
		return die("setresuid");
	return 0;
}

/* Out of the bounding set first, so that exec cannot give it back. */
static int drop_sys_module(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	const unsigned int bit = 1U << CAP_SYS_MODULE;

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_MODULE, 0, 0, 0))
		return die("PR_CAPBSET_DROP");
	if (syscall(SYS_capget, &hdr, data))
		return die("capget");
	data[0].effective &= ~bit;
	data[0].permitted &= ~bit;
	data[0].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data))
		return die("capset");
	return 0;
}

int main(int argc, char **argv)
{
	int ret, first;

	if (argc >= 4 && !strcmp(argv[1], "uid")) {
		ret = drop_uid(argv[2]);
		first = 3;
	} else if (argc >= 3 && !strcmp(argv[1], "nocap")) {
		ret = drop_sys_module();
		first = 2;
	} else {
		fprintf(stderr, "usage: kgr-drop uid UID CMD [ARGS] | nocap CMD [ARGS]\n");
		return 2;
	}
	if (ret)
		return ret;
	execvp(argv[first], argv + first);
	return die(argv[first]);
}
