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
 * written as placeholders. What cannot be replayed exactly runs every
 * time: an object that names the scratch directory (-fprofile-arcs embeds
 * its path), any other file the probe leaves, a signal.
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

static const char magic[] = "klp-ccp-probe 1\n";

/* What one run of a probe did. */
struct result {
	int status;		/* exit status */
	int sig;		/* or the signal that killed it: not stored */
	struct strbuf out;	/* stdout, and stderr when they are one file */
	struct strbuf err;
	bool wrote;		/* the -o file exists afterwards */
	struct strbuf obj;	/* its contents */
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

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
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

	/* Only an object in try-run's fresh directory can be replayed. */
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
		keep = keep && before.len == after.len &&
		       !memcmp(before.s, after.s, before.len);
	}
	/* Output that names this file's scratch dir is not the next file's. */
	keep = keep && !memmem(r->out.s, r->out.len, mdir, strlen(mdir)) &&
	       !memmem(r->err.s, r->err.len, mdir, strlen(mdir)) &&
	       !memmem(r->obj.s, r->obj.len, mdir, strlen(mdir));
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

static int replay(char **argv, const struct result *r, bool one_out)
{
	const char *o = output_of(argv);
	int fd;

	if (r->wrote) {
		fd = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0 || write_all(fd, r->obj.s, r->obj.len) | close(fd))
			return 127;
	}
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
	if (lookup(entry.s, &key, &r))
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
