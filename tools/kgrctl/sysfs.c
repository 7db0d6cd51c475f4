// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysfs.c - reading and writing /sys/kernel/kgr (Documentation/admin-guide.rst)
 *
 * <kgr>/in_progress
 * <kgr>/<patch>/{enabled,transition,replace_all,force,forced,blocking}
 * <kgr>/<patch>/<object>/<function>,<sympos>/{object,old_addr,sympos,state}
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kgrctl.h"

static int kc_path(char *path, struct kc_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int kc_path(char *path, struct kc_err *err, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(path, PATH_MAX, fmt, ap);
	va_end(ap);
	if (len < 0 || len >= PATH_MAX)
		return kc_fail(err, "path too long: %.200s...", path);
	return 0;
}

/*
 * strerror(), but a refusal for want of privilege says what it takes: root
 * to read the root-only files, root with CAP_SYS_MODULE to change anything.
 */
const char *kc_strerror(int errnum, bool change)
{
	if (errnum != EACCES && errnum != EPERM)
		return strerror(errnum);
	return change ? "permission denied: changing kgr patches needs root with CAP_SYS_MODULE" :
			"permission denied: only root may read it";
}

/* The whole file, without its trailing newline. */
int kc_read_attr(const char *path, char *buf, size_t size, struct kc_err *err)
{
	ssize_t len;
	size_t used = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, "%s: %s", path, kc_strerror(errno, false));
	while (used < size - 1) {
		len = read(fd, buf + used, size - 1 - used);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			kc_fail(err, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (len == 0)
			break;
		used += len;
	}
	close(fd);
	buf[used] = '\0';
	if (used && buf[used - 1] == '\n')
		buf[used - 1] = '\0';
	return 0;
}

/* One write of @val, as sysfs wants; the kernel's refusal is its errno. */
int kc_write_attr(const char *path, const char *val, struct kc_err *err)
{
	size_t len = strlen(val);
	ssize_t done;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, "writing %s to %s: %s", val, path,
			       kc_strerror(errno, true));
	done = write(fd, val, len);
	if (done < 0) {
		int e = errno;

		kc_fail(err, "writing %s to %s: %s%s", val, path,
			kc_strerror(e, true), e == EPERM ? "" : " (see dmesg)");
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return kc_fail(err, "writing %s to %s: %s", val, path,
			       strerror(errno));
	if ((size_t)done != len)
		return kc_fail(err, "writing %s to %s: short write", val, path);
	return 0;
}

static int kc_read_bool(const char *path, bool *val, struct kc_err *err)
{
	char buf[16];

	if (kc_read_attr(path, buf, sizeof(buf), err))
		return -1;
	if (strcmp(buf, "0") && strcmp(buf, "1"))
		return kc_fail(err, "%s: expected 0 or 1, read '%s'", path, buf);
	*val = buf[0] == '1';
	return 0;
}

int kc_in_progress(const struct kc_ctx *ctx, bool *val, struct kc_err *err)
{
	char path[PATH_MAX];

	if (kc_path(path, err, "%s/in_progress", ctx->kgr))
		return -1;
	return kc_read_bool(path, val, err);
}

static bool kc_is_dir(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The subdirectories of @dir, sorted. */
static int kc_subdirs(const char *dir, struct kc_names *out, struct kc_err *err)
{
	struct dirent *de;
	DIR *d;

	memset(out, 0, sizeof(*out));
	d = opendir(dir);
	if (!d)
		return kc_fail(err, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && kc_is_dir(dir, de->d_name))
			tl_strlist_add(out, de->d_name);
	closedir(d);
	tl_strlist_sort(out);
	return 0;
}

int kc_patch_names(const struct kc_ctx *ctx, struct kc_names *names,
		   struct kc_err *err)
{
	if (access(ctx->kgr, F_OK))
		return kc_fail(err, "%s: %s (is kgr.ko loaded?)", ctx->kgr,
			       strerror(errno));
	return kc_subdirs(ctx->kgr, names, err);
}

/* <kgr>/<patch>/<file>, or the directory with @file NULL; checks it exists. */
int kc_patch_path(const struct kc_ctx *ctx, const char *patch,
		  const char *file, char *path, struct kc_err *err)
{
	if (!*patch || !strcmp(patch, ".") || !strcmp(patch, "..") ||
	    strchr(patch, '/'))
		return kc_usage(err, "invalid patch name '%s'", patch);
	if (kc_path(path, err, "%s/%s", ctx->kgr, patch))
		return -1;
	if (!kc_is_dir(ctx->kgr, patch))
		return kc_fail(err, "unknown patch '%s' (no %s)", patch, path);
	if (file && kc_path(path, err, "%s/%s/%s", ctx->kgr, patch, file))
		return -1;
	return 0;
}

int kc_patch_read(const struct kc_ctx *ctx, const char *name,
		  struct kc_patch *patch, struct kc_err *err)
{
	char path[PATH_MAX];

	if (strlen(name) >= sizeof(patch->name))
		return kc_usage(err, "invalid patch name '%.64s...'", name);
	strcpy(patch->name, name);
	if (kc_patch_path(ctx, name, "enabled", path, err) ||
	    kc_read_bool(path, &patch->enabled, err) ||
	    kc_patch_path(ctx, name, "transition", path, err) ||
	    kc_read_bool(path, &patch->transition, err) ||
	    kc_patch_path(ctx, name, "replace_all", path, err) ||
	    kc_read_bool(path, &patch->replace_all, err) ||
	    kc_patch_path(ctx, name, "forced", path, err))
		return -1;
	/* forced came with kgr's consistency fixes: absent means never. */
	patch->forced = false;
	if (access(path, F_OK) == 0 && kc_read_bool(path, &patch->forced, err))
		return -1;
	return 0;
}

/* One line of <patch>/blocking: "<pid> <comm> <function>"; comm may hold spaces. */
static int kc_parse_blocker(const char *line, struct kc_blocker *b)
{
	const char *comm, *fun;
	char *end;

	b->pid = strtol(line, &end, 10);
	if (end == line || *end != ' ')
		return -1;
	comm = end + 1;
	fun = strrchr(comm, ' ');
	if (!fun || fun == comm || !fun[1])
		return -1;
	snprintf(b->comm, sizeof(b->comm), "%.*s", (int)(fun - comm), comm);
	snprintf(b->function, sizeof(b->function), "%s", fun + 1);
	return 0;
}

int kc_blockers_read(const struct kc_ctx *ctx, const char *name,
		     struct kc_status *st, struct kc_err *err)
{
	char path[PATH_MAX], buf[65536];
	char *line, *save;

	st->blockers = NULL;
	st->nr_blockers = st->cap_blockers = 0;
	if (kc_patch_path(ctx, name, "blocking", path, err) ||
	    kc_read_attr(path, buf, sizeof(buf), err))
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		tl_grow(&st->blockers, &st->cap_blockers, st->nr_blockers,
			sizeof(*st->blockers));
		if (kc_parse_blocker(line, &st->blockers[st->nr_blockers]))
			return kc_fail(err, "%s: cannot parse '%s'", path, line);
		st->nr_blockers++;
	}
	return 0;
}

/* The attributes of one <object>/<function>,<sympos> directory. */
static int kc_fun_read(const char *dir, const char *object, const char *entry,
		       struct kc_fun *fun, struct kc_err *err)
{
	char path[PATH_MAX], msg[sizeof(err->msg)];
	const char *comma = strrchr(entry, ',');

	snprintf(fun->object, sizeof(fun->object), "%s", object);
	snprintf(fun->function, sizeof(fun->function), "%.*s",
		 (int)(comma ? comma - entry : (long)strlen(entry)), entry);
	if (kc_path(path, err, "%s/sympos", dir) ||
	    kc_read_attr(path, fun->sympos, sizeof(fun->sympos), err) ||
	    kc_path(path, err, "%s/state", dir) ||
	    kc_read_attr(path, fun->state, sizeof(fun->state), err) ||
	    kc_path(path, err, "%s/old_addr", dir))
		return -1;
	/* Root only: anyone else still gets the rest. */
	memcpy(msg, err->msg, sizeof(msg));
	if (kc_read_attr(path, fun->old_addr, sizeof(fun->old_addr), err)) {
		memcpy(err->msg, msg, sizeof(msg));
		strcpy(fun->old_addr, "?");
	}
	return 0;
}

static int kc_object_read(const char *patch_dir, const char *object,
			  struct kc_status *st, struct kc_err *err)
{
	char dir[PATH_MAX], fun_dir[PATH_MAX];
	struct kc_names entries;
	int ret = 0;

	if (kc_path(dir, err, "%s/%s", patch_dir, object) ||
	    kc_subdirs(dir, &entries, err))
		return -1;
	for (size_t i = 0; i < entries.nr && !ret; i++) {
		tl_grow(&st->funs, &st->cap_funs, st->nr_funs, sizeof(*st->funs));
		ret = kc_path(fun_dir, err, "%s/%s", dir, entries.names[i]);
		if (!ret)
			ret = kc_fun_read(fun_dir, object, entries.names[i],
					  &st->funs[st->nr_funs], err);
		if (!ret)
			st->nr_funs++;
	}
	kc_names_free(&entries);
	return ret;
}

int kc_status_read(const struct kc_ctx *ctx, const char *name,
		   struct kc_status *st, struct kc_err *err)
{
	char dir[PATH_MAX];
	struct kc_names objects;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (kc_patch_read(ctx, name, &st->patch, err) ||
	    kc_blockers_read(ctx, name, st, err) ||
	    kc_patch_path(ctx, name, NULL, dir, err) ||
	    kc_subdirs(dir, &objects, err))
		return -1;
	for (size_t i = 0; i < objects.nr && !ret; i++)
		ret = kc_object_read(dir, objects.names[i], st, err);
	kc_names_free(&objects);
	return ret;
}

void kc_status_free(struct kc_status *st)
{
	free(st->funs);
	free(st->blockers);
	memset(st, 0, sizeof(*st));
}
