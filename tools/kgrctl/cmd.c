// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd.c - the commands. Each takes main()'s context and its positional
 * arguments, prints its result on stdout and returns 0, or -1 with @err.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kgrctl.h"

#define KC_POLL_NS 100000000L	/* 0.1 s between two reads of a transition */
#define KC_PROGRESS_S 5.0	/* between two "still in transition" lines */

int kc_cmd_list(const struct kc_ctx *ctx, char **args, struct kc_err *err)
{
	struct kc_patch *patches;
	struct kc_names names;
	bool in_progress;
	int ret = 0;

	(void)args;
	if (kc_patch_names(ctx, &names, err))
		return -1;
	patches = xcalloc(names.nr, sizeof(*patches));
	ret = kc_in_progress(ctx, &in_progress, err);
	for (size_t i = 0; i < names.nr && !ret; i++)
		ret = kc_patch_read(ctx, names.names[i], &patches[i], err);
	if (!ret)
		kc_print_list(stdout, patches, names.nr, in_progress, ctx->json);
	free(patches);
	kc_names_free(&names);
	return ret;
}

int kc_cmd_status(const struct kc_ctx *ctx, char **args, struct kc_err *err)
{
	struct kc_status st;
	int ret;

	ret = kc_status_read(ctx, args[0], &st, err);
	if (!ret)
		kc_print_status(stdout, &st, ctx->json);
	kc_status_free(&st);
	return ret;
}

static double kc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether @patch (any patch when NULL) has a transition running. */
static int kc_busy(const struct kc_ctx *ctx, const char *patch, bool *busy,
		   struct kc_err *err)
{
	struct kc_patch p;

	if (!patch)
		return kc_in_progress(ctx, busy, err);
	if (kc_patch_read(ctx, patch, &p, err))
		return -1;
	*busy = p.transition;
	return 0;
}

/* The error of a wait that timed out, naming the tasks that block @patch. */
static int kc_timed_out(const struct kc_ctx *ctx, const char *patch,
			double timeout, struct kc_err *err)
{
	char blockers[sizeof(err->msg) / 2];
	struct kc_status st = { 0 };
	struct kc_names names = { 0 };
	struct kc_patch p;

	/* Waiting for in_progress: the blockers of the patch in transition. */
	if (!patch && !kc_patch_names(ctx, &names, err)) {
		for (size_t i = 0; i < names.nr && !patch; i++)
			if (!kc_patch_read(ctx, names.names[i], &p, err) &&
			    p.transition)
				patch = names.names[i];
	}
	if (patch && !kc_blockers_read(ctx, patch, &st, err))
		kc_format_blockers(&st, blockers, sizeof(blockers));
	else
		snprintf(blockers, sizeof(blockers), "blocking tasks unknown");
	kc_fail(err, "transition of %s still running after %g s; %s",
		patch ? patch : "a patch", timeout, blockers);
	kc_status_free(&st);
	kc_names_free(&names);
	return -1;
}

/* How many tasks block @patch now, for a progress line; -1 if unknown. */
static long kc_nr_blockers(const struct kc_ctx *ctx, const char *patch)
{
	struct kc_status st = { 0 };
	struct kc_err ignored;
	long nr = -1;

	if (patch && !kc_blockers_read(ctx, patch, &st, &ignored))
		nr = (long)st.nr_blockers;
	kc_status_free(&st);
	return nr;
}

/*
 * Wait until @patch (any patch when NULL) has no transition; forever if
 * timeout < 0. A wait that does not end at once says so on stdout, then
 * every KC_PROGRESS_S seconds how long and how many tasks still block, so
 * that a person (or a log) sees it is not hung. *@took: seconds waited.
 */
static int kc_wait_idle(const struct kc_ctx *ctx, const char *patch,
			double timeout, double *took, struct kc_err *err)
{
	const struct timespec poll = { 0, KC_POLL_NS };
	const char *what = patch ? patch : "in_progress";
	double start = kc_now(), next = start + KC_PROGRESS_S;
	bool busy, said = false;
	long nr;

	for (;;) {
		if (kc_busy(ctx, patch, &busy, err))
			return -1;
		*took = kc_now() - start;
		if (!busy)
			return 0;
		if (timeout >= 0 && *took >= timeout)
			return kc_timed_out(ctx, patch, timeout, err);
		if (!said && timeout >= 0)
			printf("%s: waiting (up to %g seconds) for the transition to complete...\n",
			       what, timeout);
		else if (!said)
			printf("%s: waiting for the transition to complete...\n", what);
		if (said && kc_now() >= next) {
			nr = kc_nr_blockers(ctx, patch);
			printf("%s: still in transition after %.0f s", what, *took);
			if (nr >= 0)
				printf(", %ld task%s blocking", nr, nr == 1 ? "" : "s");
			printf("\n");
			next = kc_now() + KC_PROGRESS_S;
		}
		said = true;
		fflush(stdout);
		nanosleep(&poll, NULL);
	}
}

/* Patches in @after but not in @before: those the load created. */
static bool kc_is_new(const struct kc_names *before, const char *name)
{
	for (size_t i = 0; i < before->nr; i++)
		if (!strcmp(before->names[i], name))
			return false;
	return true;
}

/* An open regular file: a directory or device is refused before the kernel sees it. */
static int kc_open_module(const char *path, struct kc_err *err)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, "load %s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return kc_fail(err, "load %s: not a regular file", path);
	}
	return fd;
}

int kc_cmd_load(const struct kc_ctx *ctx, char **args, struct kc_err *err)
{
	struct kc_names before = { 0 }, after = { 0 };
	struct kc_err ignored;
	bool found = false;
	int fd, ret = 0;
	double took;

	fd = kc_open_module(args[0], err);
	if (fd < 0)
		return -1;
	if (!ctx->live) {
		close(fd);
		return kc_usage(err, "load acts on the running kernel: not with --root");
	}
	/* Without kgr.ko there is no patch yet; the load will say why it fails. */
	kc_patch_names(ctx, &before, &ignored);
	if (syscall(SYS_finit_module, fd, "", 0)) {
		int e = errno;

		if (e == EKEYREJECTED || e == ENOKEY)
			kc_fail(err, "load %s: signature refused: the kernel loads only modules signed with a key it trusts (module.sig_enforce=1 or Secure Boot), and this one is unsigned or signed with another key; build with make SIGN_KEY= SIGN_CERT= and enroll the certificate as a MOK (Documentation/admin-guide.rst)",
				args[0]);
		else
			kc_fail(err, "load %s: %s%s", args[0], kc_strerror(e, true),
				e == EPERM ? " (or module loading is disabled)" : " (see dmesg)");
		close(fd);
		kc_names_free(&before);
		return -1;
	}
	close(fd);
	if (kc_patch_names(ctx, &after, err))
		ret = -1;
	for (size_t i = 0; i < after.nr && !ret; i++) {
		if (!kc_is_new(&before, after.names[i]))
			continue;
		found = true;
		printf("%s: loaded\n", after.names[i]);
		if (ctx->wait >= 0) {
			ret = kc_wait_idle(ctx, after.names[i], ctx->wait,
					   &took, err);
			if (!ret)
				printf("%s: transition finished in %.1f s, patch applied\n",
				       after.names[i], took);
		}
	}
	if (!ret && !found) {
		printf("%s: loaded, no new patch in %s\n", args[0], ctx->kgr);
		if (ctx->wait >= 0)
			ret = kc_wait_idle(ctx, NULL, ctx->wait, &took, err);
	}
	kc_names_free(&before);
	kc_names_free(&after);
	return ret;
}

static int kc_unload(const char *module, struct kc_err *err)
{
	if (!syscall(SYS_delete_module, module, O_NONBLOCK)) {
		printf("%s: unloaded\n", module);
		return 0;
	}
	if (errno == ENOENT)
		return kc_fail(err, "unload %s: no such module; give the patch's module with --module",
			       module);
	return kc_fail(err, "unload %s: %s", module, kc_strerror(errno, true));
}

int kc_cmd_revert(const struct kc_ctx *ctx, char **args, struct kc_err *err)
{
	const char *name = args[0];
	char path[PATH_MAX];
	struct kc_patch p;
	double took;

	if (ctx->unload && !ctx->live)
		return kc_usage(err, "--unload acts on the running kernel: not with --root");
	if (kc_patch_read(ctx, name, &p, err) ||
	    kc_patch_path(ctx, name, "enabled", path, err))
		return -1;
	/* Already reverted (or reverting): writing 0 again would be EINVAL. */
	if (p.enabled && kc_write_attr(path, "0", err))
		return -1;
	printf("%s: %s\n", name, p.enabled ? "reverting" : "already reverted");
	/* The module stays pinned until the revert's transition is over. */
	if (ctx->wait >= 0 || ctx->unload) {
		if (kc_wait_idle(ctx, name, ctx->wait, &took, err))
			return -1;
		printf("%s: reverted\n", name);
	}
	if (ctx->unload)
		return kc_unload(ctx->module ? ctx->module : name, err);
	return 0;
}

int kc_cmd_wait(const struct kc_ctx *ctx, char **args, struct kc_err *err)
{
	char path[PATH_MAX];
	double took;

	if (args[0] && kc_patch_path(ctx, args[0], NULL, path, err))
		return -1;
	return kc_wait_idle(ctx, args[0], ctx->wait, &took, err);
}

int kc_cmd_force(const struct kc_ctx *ctx, char **args, struct kc_err *err)
{
	char path[PATH_MAX];

	if (!ctx->yes)
		return kc_usage(err, "force declares every task of %s moved without checking: a task still inside an old function may mix old and new code and deadlock, corrupt data or crash, and the kernel is tainted (K) for good; reversing the transition (revert) is the safe way out; add --yes if you know the blocked tasks are safe (Documentation/admin-guide.rst)",
				args[0]);
	if (kc_patch_path(ctx, args[0], "force", path, err) ||
	    kc_write_attr(path, "1", err))
		return -1;
	printf("%s: transition forced, kernel tainted\n", args[0]);
	return 0;
}
