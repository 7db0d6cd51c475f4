// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp-probe: answers Kbuild's compiler probes from a cache.
 *
 * klp-ccp runs "make -n" with a directory ahead in PATH that links gcc,
 * gcc-<N> and ld to this program. make -n runs no recipe, so what starts
 * them is the $(shell ...) of cc-option, as-instr, ld-option, cc-version
 * and the like: the same thirty probes for every file, whose answers only
 * change with the compiler. The first time, the real program runs and its
 * exit status, output and the object it wrote are stored in
 * KLP_CCP_PROBE_CACHE; the same probe again is answered from there.
 *
 * The same probe is: the same real program (path, size, mtime, inode), cwd,
 * argv, environment and stdin, with the scratch directory of the make
 * (KLP_CCP_PROBE_MDIR, a fresh one per file) and try-run's .tmp_<pid>
 * written as placeholders. An object that names the directory it was
 * written to (-fprofile-arcs embeds its path: the CFLAGS_GCOV probe of the
 * top Makefile) is replayed with the new directory written over the old
 * when both have the same length, as they do from one file to the next;
 * so are the files the probe leaves beside it (-ftest-coverage's .gcno).
 * What cannot be replayed exactly runs every time: such an object whose
 * directory's length changed, output that names the scratch directory,
 * a file the probe removes, a signal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

static const char magic[] = "klp-ccp-probe 2\n";

/* What one run of a probe did. */
struct result {
	int status;		/* exit status */
	int sig;		/* or the signal that killed it: not stored */
	struct strbuf out;	/* stdout, and stderr when they are one file */
	struct strbuf err;
	bool wrote;		/* the -o file exists afterwards */
	struct strbuf obj;	/* its contents */
	struct strbuf side;	/* files it left beside it: name, contents blobs */
	struct strbuf odir;	/* their directory, where they name it; else "" */
};

/* @s with the scratch dir and try-run's pid as placeholders. */
static void normalise(struct strbuf *k, const char *s, const char *mdir)
{
	size_t ml = strlen(mdir);
	const char *p;

	while ((p = strstr(s, mdir))) {
		sb_add(k, s, p - s);
		sb_puts(k, "@MDIR@");
		s = p + ml;
		if (!strncmp(s, "/.tmp_", 6) && s[6] >= '0' && s[6] <= '9') {
			sb_puts(k, "/.tmp_@PID@");
			s += 6 + strspn(s + 6, "0123456789");
		}
	}
	sb_puts(k, s);
}

static void key_field(struct strbuf *k, const char *s, const char *mdir)
{
	normalise(k, s, mdir);
	sb_add(k, "", 1);
}

/* PATH without klp-ccp's directory of links: the real program's PATH. */
static void clean_path(const char *bin)
{
	const char *path = getenv("PATH"), *p, *e;
	struct strbuf sb = { 0 };

	if (!path || !bin)
		return;
	for (p = path; ; p = e + 1) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) != strlen(bin) || strncmp(p, bin, e - p)) {
			if (sb.len)
				sb_puts(&sb, ":");
			sb_add(&sb, p, e - p);
		}
		if (!*e)
			break;
	}
	sb_add(&sb, "", 0);
	setenv("PATH", sb.s, 1);
	sb_free(&sb);
}

/* @name in PATH, not this program: what the shell would have run. */
static char *find_real(const char *name, struct stat *st)
{
	const char *path = getenv("PATH"), *p, *e;
	struct strbuf sb = { 0 };
	struct stat self;

	if (!path || stat("/proc/self/exe", &self))
		return NULL;
	for (p = path; ; p = e + 1) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		sb.len = 0;
		sb_printf(&sb, "%.*s/%s", (int)(e - p), p, name);
		if (!stat(sb.s, st) && S_ISREG(st->st_mode) &&
		    !access(sb.s, X_OK) &&
		    (st->st_ino != self.st_ino || st->st_dev != self.st_dev))
			return sb.s;
		if (!*e)
			break;
	}
	sb_free(&sb);
	return NULL;
}

/* The directory part of @o, without the last '/'. */
static void dir_of(const char *o, struct strbuf *sb)
{
	const char *slash = strrchr(o, '/');

	sb_add(sb, o, slash ? (size_t)(slash - o) : 0);
}

/* The last "-o X" or "-oX" of @argv. */
static const char *output_of(char **argv)
{
	const char *o = NULL;

	for (; *argv; argv++)
		if (!strcmp(*argv, "-o") && argv[1])
			o = *++argv;
		else if (!strncmp(*argv, "-o", 2) && (*argv)[2])
			o = *argv + 2;
	return o;
}

static int read_fd(int fd, struct strbuf *sb)
{
	char buf[65536];
	ssize_t n;

	sb_add(sb, "", 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(sb, buf, n);
	return n < 0 ? -1 : 0;
}

static int write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, s, len);
		if (n <= 0)
			return -1;
		s += n;
		len -= n;
	}
	return 0;
}

static void put_blob(struct strbuf *sb, const char *s, size_t len)
{
	uint64_t n = len;

	sb_add(sb, (const char *)&n, sizeof(n));
	sb_add(sb, s ? s : "", len);
}

static bool get_blob(const char **p, const char *end, struct strbuf *to)
{
	uint64_t n;

	if ((size_t)(end - *p) < sizeof(n))
		return false;
	memcpy(&n, *p, sizeof(n));
	*p += sizeof(n);
	if ((uint64_t)(end - *p) < n)
		return false;
	sb_add(to, *p, n);
	*p += n;
	return true;
}

/* The stored result of @key in @entry, if there is one. */
static bool lookup(const char *entry, const struct strbuf *key,
		   struct result *r)
{
	struct strbuf k = { 0 }, hdr = { 0 };
	struct tl_err err;
	char *text;
	const char *p, *end;
	size_t len;
	bool ok;

	if (read_file(entry, &text, &len, &err))
		return false;
	p = text;
	end = text + len;
	ok = len > sizeof(magic) - 1 && !memcmp(p, magic, sizeof(magic) - 1);
	p += sizeof(magic) - 1;
	ok = ok && get_blob(&p, end, &k) && k.len == key->len &&
	     !memcmp(k.s, key->s, k.len) && get_blob(&p, end, &hdr) &&
	     hdr.len == sizeof(int) + 1 && get_blob(&p, end, &r->out) &&
	     get_blob(&p, end, &r->err) && get_blob(&p, end, &r->obj) &&
	     get_blob(&p, end, &r->side) && get_blob(&p, end, &r->odir) &&
	     p == end;
	if (ok) {
		memcpy(&r->status, hdr.s, sizeof(int));
		r->wrote = hdr.s[sizeof(int)];
	}
	sb_free(&k);
	sb_free(&hdr);
	free(text);
	return ok;
}

/* Written whole or not at all: -j workers share the cache. */
static void store(const char *cache, const char *entry,
		  const struct strbuf *key, const struct result *r)
{
	struct strbuf sb = { 0 }, tmp = { 0 };
	char hdr[sizeof(int) + 1];
	int fd;

	sb_add(&sb, magic, sizeof(magic) - 1);
	put_blob(&sb, key->s, key->len);
	memcpy(hdr, &r->status, sizeof(int));
	hdr[sizeof(int)] = r->wrote;
	put_blob(&sb, hdr, sizeof(hdr));
	put_blob(&sb, r->out.s, r->out.len);
	put_blob(&sb, r->err.s, r->err.len);
	put_blob(&sb, r->obj.s, r->obj.len);
	put_blob(&sb, r->side.s, r->side.len);
	put_blob(&sb, r->odir.s, r->odir.len);
	sb_printf(&tmp, "%s/.new.XXXXXX", cache);
	fd = mkstemp(tmp.s);
	if (fd >= 0) {
		if (write_all(fd, sb.s, sb.len) | close(fd) ||
		    rename(tmp.s, entry))
			unlink(tmp.s);
	}
	sb_free(&sb);
	sb_free(&tmp);
}

/* Names and mtimes in the directory of @file: what a probe left there. */
static void listing(const char *file, struct strbuf *sb)
{
	char *dir = xstrndup(file, strrchr(file, '/') - file);
	struct strbuf p = { 0 };
	struct dirent *de;
	struct stat st;
	DIR *dp = opendir(dir);

	sb_add(sb, "", 0);
	while (dp && (de = readdir(dp))) {
		p.len = 0;
		sb_printf(&p, "%s/%s", dir, de->d_name);
		/* "." changes as the object is made */
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(p.s, file) || lstat(p.s, &st))
			continue;
		sb_printf(sb, "%s %lld.%ld %lld\n", de->d_name,
			  (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			  (long long)st.st_size);
	}
	if (dp)
		closedir(dp);
	free(dir);
	sb_free(&p);
}

/* Does a line of @text start with the @len bytes of @line? */
static bool has_line(const char *text, const char *line, size_t len)
{
	const char *p, *nl;

	for (p = text; *p; p = nl + 1) {
		if (!strncmp(p, line, len))
			return true;
		nl = strchr(p, '\n');
		if (!nl)
			break;
	}
	return false;
}

/*
 * The files that appeared or changed beside @o between listings @before
 * and @after (GCOV's second compile writes the first one's tmp.gcno again),
 * into @r->side: false if one went.
 */
static bool side_files(const char *o, const char *before, const char *after,
		       struct result *r)
{
	struct strbuf dir = { 0 }, path = { 0 };
	const char *line, *nl;
	struct tl_err err;
	char *text;
	size_t len;
	bool ok = true;

	dir_of(o, &dir);
	for (line = before; ok && (nl = strchr(line, '\n')); line = nl + 1)
		ok = has_line(after, line, strcspn(line, " ") + 1);
	for (line = after; ok && (nl = strchr(line, '\n')); line = nl + 1) {
		size_t name = strcspn(line, " ");

		if (has_line(before, line, nl + 1 - line))
			continue;
		path.len = 0;
		sb_printf(&path, "%s/%.*s", dir.s, (int)name, line);
		ok = !read_file(path.s, &text, &len, &err);
		if (ok) {
			put_blob(&r->side, line, name);
			put_blob(&r->side, text, len);
			free(text);
		}
	}
	sb_free(&dir);
	sb_free(&path);
	return ok;
}

/* Does @obj name @mdir only as part of @odir? */
static bool names_only(const struct strbuf *obj, const struct strbuf *odir,
		       const char *mdir)
{
	struct strbuf rest = { 0 };
	const char *p = obj->s, *end = obj->s + obj->len, *q;
	bool only;

	sb_add(&rest, "", 0);
	while (odir->len && (q = memmem(p, end - p, odir->s, odir->len))) {
		sb_add(&rest, p, q - p);
		sb_add(&rest, "/", 1);
		p = q + odir->len;
	}
	sb_add(&rest, p, end - p);
	only = !memmem(rest.s, rest.len, mdir, strlen(mdir));
	sb_free(&rest);
	return only;
}

/*
 * Runs @real with stdin @in (if @has_in), stdout and stderr into @r.
 * Returns whether the result may be stored for the next time.
 */
static bool run_real(const char *real, char **argv, const struct strbuf *in,
		     bool has_in, bool one_out, const char *mdir,
		     struct result *r)
{
	const char *o = output_of(argv);
	struct strbuf before = { 0 }, after = { 0 }, tmpout = { 0 };
	int fin = -1, fout = memfd_create("out", 0);
	int ferr = one_out ? fout : memfd_create("err", 0), status, fd;
	bool keep;
	pid_t pid;

	/* Only an object in try-run's directory can be replayed. */
	sb_printf(&tmpout, "%s/.tmp_", mdir);
	keep = !o || !strcmp(o, "/dev/null") ||
	       (!strncmp(o, tmpout.s, tmpout.len) &&
		strchr(o + tmpout.len, '/') &&
		!strchr(strchr(o + tmpout.len, '/') + 1, '/'));
	if (keep && o && strcmp(o, "/dev/null"))
		listing(o, &before);
	if (has_in) {
		fin = memfd_create("in", 0);
		if (fin < 0 || write_all(fin, in->s, in->len) ||
		    lseek(fin, 0, SEEK_SET))
			fin = -1;
	}
	if (fout < 0 || ferr < 0 || (has_in && fin < 0)) {
		perror("klp-ccp-probe");
		exit(127);
	}
	pid = fork();
	if (!pid) {
		if (has_in)
			dup2(fin, 0);
		dup2(fout, 1);
		dup2(ferr, 2);
		execv(real, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		perror("klp-ccp-probe");
		exit(127);
	}
	lseek(fout, 0, SEEK_SET);
	read_fd(fout, &r->out);
	if (!one_out) {
		lseek(ferr, 0, SEEK_SET);
		read_fd(ferr, &r->err);
	} else {
		sb_add(&r->err, "", 0);
	}
	sb_add(&r->obj, "", 0);
	keep = keep && WIFEXITED(status);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 127;
	r->sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (keep && o && strcmp(o, "/dev/null")) {
		fd = open(o, O_RDONLY);
		r->wrote = fd >= 0;
		if (fd >= 0 && read_fd(fd, &r->obj))
			keep = false;
		if (fd >= 0)
			close(fd);
		listing(o, &after);
		keep = keep && side_files(o, before.s, after.s, r);
	}
	sb_add(&r->side, "", 0);
	/* Output that names this file's scratch dir is not the next file's. */
	keep = keep && !memmem(r->out.s, r->out.len, mdir, strlen(mdir)) &&
	       !memmem(r->err.s, r->err.len, mdir, strlen(mdir));
	if (keep && (memmem(r->obj.s, r->obj.len, mdir, strlen(mdir)) ||
		     memmem(r->side.s, r->side.len, mdir, strlen(mdir)))) {
		dir_of(o, &r->odir);
		keep = names_only(&r->obj, &r->odir, mdir) &&
		       names_only(&r->side, &r->odir, mdir);
	}
	close(fout);
	if (!one_out)
		close(ferr);
	if (fin >= 0)
		close(fin);
	sb_free(&before);
	sb_free(&after);
	sb_free(&tmpout);
	return keep;
}

/* @path written with @len bytes of @s, @r->odir in them replaced by @now. */
static int write_moved(const char *path, const char *s, size_t len,
		       const struct result *r, const struct strbuf *now)
{
	struct strbuf text = { 0 };
	char *p, *end;
	int fd, ret = -1;

	sb_add(&text, s, len);
	for (p = text.s, end = text.s + text.len; r->odir.len &&
	     (p = memmem(p, end - p, r->odir.s, r->odir.len)); p += now->len)
		memcpy(p, now->s, now->len);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd >= 0)
		ret = write_all(fd, text.s, text.len) | close(fd);
	sb_free(&text);
	return ret;
}

/* @r's object and the files beside it, where @o is now. */
static int write_obj(const struct result *r, const char *o)
{
	struct strbuf now = { 0 }, name = { 0 }, text = { 0 }, path = { 0 };
	const char *p = r->side.s, *end = r->side.s + r->side.len;
	int ret;

	dir_of(o, &now);
	ret = write_moved(o, r->obj.s, r->obj.len, r, &now);
	while (!ret && p < end) {
		name.len = text.len = path.len = 0;
		if (!get_blob(&p, end, &name) || !get_blob(&p, end, &text))
			ret = -1;
		sb_printf(&path, "%s/%.*s", now.s, (int)name.len, name.s);
		ret = ret ? ret : write_moved(path.s, text.s, text.len, r, &now);
	}
	sb_free(&now);
	sb_free(&name);
	sb_free(&text);
	sb_free(&path);
	return ret;
}

/* The object of @r fits where @argv writes it: no directory, or as long. */
static bool replayable(char **argv, const struct result *r)
{
	struct strbuf now = { 0 };
	bool fits;

	if (!r->odir.len)
		return true;
	dir_of(output_of(argv), &now);
	fits = now.len == r->odir.len;
	sb_free(&now);
	return fits;
}

static int replay(char **argv, const struct result *r, bool one_out)
{
	const char *o = output_of(argv);

	if (r->wrote && write_obj(r, o))
		return 127;
	write_all(1, r->out.s, r->out.len);
	if (!one_out)
		write_all(2, r->err.s, r->err.len);
	return r->status;
}

int main(int argc, char **argv)
{
	const char *bin = getenv("KLP_CCP_PROBE_BIN");
	const char *cache = getenv("KLP_CCP_PROBE_CACHE");
	const char *mdir = getenv("KLP_CCP_PROBE_MDIR");
	const char *slash = strrchr(argv[0], '/');
	const char *name = slash ? slash + 1 : argv[0];
	struct strbuf key = { 0 }, in = { 0 }, entry = { 0 };
	struct result r = { 0 };
	struct stat st, s1, s2, null;
	char *real, cwd[4096], **e;
	bool has_in = false, one_out, keep;
	int i;

	clean_path(bin);
	real = find_real(name, &st);
	if (!real) {
		fprintf(stderr, "klp-ccp-probe: %s: not found in PATH\n", name);
		return 127;
	}
	if (!cache || !mdir || !*mdir || fstat(0, &s1) ||
	    !getcwd(cwd, sizeof(cwd)))
		goto pass;
	/* A pipe is as-instr's input; else it is make's, /dev/null. */
	if (S_ISFIFO(s1.st_mode) || S_ISREG(s1.st_mode)) {
		has_in = true;
		if (read_fd(0, &in)) {
			perror("klp-ccp-probe: stdin");
			return 127;
		}
	} else if (!S_ISCHR(s1.st_mode) || stat("/dev/null", &null) ||
		   s1.st_rdev != null.st_rdev) {
		goto pass;
	}
	one_out = !fstat(1, &s1) && !fstat(2, &s2) && s1.st_dev == s2.st_dev &&
		  s1.st_ino == s2.st_ino;
	sb_printf(&key, "%s %lld %lld.%ld %llu", real, (long long)st.st_size,
		  (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		  (unsigned long long)st.st_ino);
	sb_add(&key, "", 1);
	key_field(&key, cwd, mdir);
	key_field(&key, one_out ? "stdout=stderr" : "", mdir);
	for (i = 0; i < argc; i++)
		key_field(&key, argv[i], mdir);
	key_field(&key, "--env", mdir);
	/* Ours say where the links and the cache are, not what gcc does. */
	for (e = environ; *e; e++)
		if (strncmp(*e, "KLP_CCP_PROBE_", 14))
			key_field(&key, *e, mdir);
	key_field(&key, has_in ? "--stdin" : "--no-stdin", mdir);
	if (has_in)
		sb_add(&key, in.s, in.len);
	sb_printf(&entry, "%s/%016llx", cache,
		  (unsigned long long)fnv1a(key.s, key.len));
	if (lookup(entry.s, &key, &r) && replayable(argv, &r))
		return replay(argv, &r, one_out);
	memset(&r, 0, sizeof(r));
	keep = run_real(real, argv, &in, has_in, one_out, mdir, &r);
	if (keep)
		store(cache, entry.s, &key, &r);
	r.wrote = false;	/* the real program wrote it */
	i = replay(argv, &r, one_out);
	if (r.sig) {
		signal(r.sig, SIG_DFL);
		raise(r.sig);
	}
	return i;
pass:
	execv(real, argv);
	fprintf(stderr, "klp-ccp-probe: %s: %s\n", real, strerror(errno));
	return 127;
}
