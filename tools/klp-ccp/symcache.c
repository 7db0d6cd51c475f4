// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-ccp: a kallsyms copy's names and counts, kept between runs.
 *
 * Reading a kallsyms copy (360,000 lines for a Debian 6.1 machine) and
 * hashing its names was 6% of what klp-ccp costs a file, the same work in
 * each of bench/stable-delta's 896 runs. With $KLP_CCP_PARSE_CACHE a
 * directory, the result is stored there as it sits in memory: the text
 * with its names ended in place, each table's names as offsets into it,
 * and each hash set's slots. The entry's key is the file's path, device,
 * inode, size and modification time; a file that changed is read again.
 * An entry that does not check out (a short file, an offset out of the
 * text) is not used: the copy is read as if there were no cache.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symcache.h"

#define MAGIC "klp-ccp symbols 1\n"
#define EMPTY UINT32_MAX

/* The key of the map file @path: empty when it cannot be stat()ed. */
static void make_key(const char *path, struct strbuf *key)
{
	char *real = realpath(path, NULL);
	struct stat st;

	if (!real || stat(real, &st)) {
		free(real);
		return;
	}
	sb_printf(key, "%s\n%llu %llu %lld %lld.%09ld\n", real,
		  (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		  (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		  st.st_mtim.tv_nsec);
	free(real);
}

static void entry_path(const char *dir, const struct strbuf *key,
		       struct strbuf *path)
{
	sb_printf(path, "%s/symbols-%016llx", dir,
		  (unsigned long long)fnv1a(key->s, key->len));
}

/* ---- writing ---- */

static void put_u64(struct strbuf *sb, uint64_t v)
{
	sb_add(sb, (const char *)&v, sizeof(v));
}

static void put_u32(struct strbuf *sb, uint32_t v)
{
	sb_add(sb, (const char *)&v, sizeof(v));
}

static void pad8(struct strbuf *sb)
{
	while (sb->len % 8)
		sb_add(sb, "", 1);
}

/* Where @name, one of the copy's, lies in its text. */
static uint32_t text_off(const struct symbols *s, const char *name)
{
	return (uint32_t)(name - s->map_text);
}

static void put_table(struct strbuf *sb, const struct symbols *s,
		      char *const *map, size_t nmap, const struct name_set *set)
{
	size_t i;

	put_u64(sb, nmap);
	for (i = 0; i < nmap; i++)
		put_u32(sb, text_off(s, map[i]));
	pad8(sb);
	put_u64(sb, set->cap);
	put_u64(sb, set->n);
	for (i = 0; i < set->cap; i++) {
		const struct name_slot *sl = &set->slot[i];

		put_u32(sb, sl->name ? text_off(s, sl->name) : EMPTY);
		put_u32(sb, sl->hash);
		put_u32(sb, sl->count);
	}
	pad8(sb);
}

void symcache_store(const char *dir, const char *path,
		    const struct symbols *s)
{
	struct strbuf key = { 0 }, file = { 0 }, entry = { 0 }, tmp = { 0 };
	struct tl_err err;
	size_t i;

	make_key(path, &key);
	if (!key.len || s->map_len >= EMPTY)
		goto out;
	sb_add(&file, MAGIC, sizeof(MAGIC));
	pad8(&file);
	put_u64(&file, key.len);
	sb_add(&file, key.s, key.len);
	pad8(&file);
	put_u64(&file, s->map_len);
	sb_add(&file, s->map_text, s->map_len);
	pad8(&file);
	put_table(&file, s, s->map, s->nmap, &s->in_map);
	put_u64(&file, s->nmods);
	for (i = 0; i < s->nmods; i++) {
		put_u64(&file, strlen(s->mods[i].name) + 1);
		sb_add(&file, s->mods[i].name, strlen(s->mods[i].name) + 1);
		pad8(&file);
		put_table(&file, s, s->mods[i].map, s->mods[i].nmap,
			  &s->mods[i].in_map);
	}
	entry_path(dir, &key, &entry);
	/* Another run may write it too: each renames a whole file. */
	sb_printf(&tmp, "%s.%ld.tmp", entry.s, (long)getpid());
	if (write_file(tmp.s, file.s, file.len, &err) || rename(tmp.s, entry.s))
		unlink(tmp.s);
out:
	sb_free(&key);
	sb_free(&file);
	sb_free(&entry);
	sb_free(&tmp);
}

/* ---- reading ---- */

struct reader {
	const char *p, *end;
	const char *text;	/* the text's names, ended by '\0' */
	size_t text_len;
	bool bad;
};

static const void *take(struct reader *rd, size_t n)
{
	const char *p = rd->p;

	if (rd->bad || (size_t)(rd->end - rd->p) < n) {
		rd->bad = true;
		return NULL;
	}
	rd->p += n;
	return p;
}

static uint64_t get_u64(struct reader *rd)
{
	const void *p = take(rd, sizeof(uint64_t));
	uint64_t v = 0;

	if (p)
		memcpy(&v, p, sizeof(v));
	return v;
}

static void skip_pad8(struct reader *rd, const char *base)
{
	size_t off = rd->p - base;

	take(rd, (8 - off % 8) % 8);
}

/* The name at text offset @off, or NULL (and @rd bad) if it is not one. */
static char *name_at(struct reader *rd, uint32_t off)
{
	if (off >= rd->text_len) {
		rd->bad = true;
		return NULL;
	}
	return (char *)rd->text + off;
}

static void get_table(struct reader *rd, const char *base, char ***map,
		      size_t *nmap, struct name_set *set)
{
	uint64_t n = get_u64(rd), cap, i;
	const uint32_t *offs;
	const uint32_t *slots;

	offs = take(rd, n <= SIZE_MAX / 4 ? n * 4 : SIZE_MAX);
	skip_pad8(rd, base);
	cap = get_u64(rd);
	set->n = get_u64(rd);
	slots = take(rd, cap <= SIZE_MAX / 12 ? cap * 12 : SIZE_MAX);
	skip_pad8(rd, base);
	if (rd->bad || (cap & (cap - 1)) || set->n > cap)
		goto bad;
	*map = xcalloc(n + 1, sizeof(char *));
	*nmap = n;
	for (i = 0; i < n; i++) {
		uint32_t off;

		memcpy(&off, offs + i, sizeof(off));
		(*map)[i] = name_at(rd, off);
	}
	set->cap = cap;
	set->slot = cap ? xcalloc(cap, sizeof(*set->slot)) : NULL;
	for (i = 0; i < cap; i++) {
		uint32_t v[3];

		memcpy(v, slots + 3 * i, sizeof(v));
		if (v[0] == EMPTY)
			continue;
		set->slot[i].name = name_at(rd, v[0]);
		set->slot[i].hash = v[1];
		set->slot[i].count = v[2];
	}
	return;
bad:
	rd->bad = true;
	set->n = 0;
}

int symcache_load(const char *dir, const char *path, struct symbols *s)
{
	struct strbuf key = { 0 }, entry = { 0 };
	struct reader rd = { 0 };
	const char *magic, *k;
	char *file = MAP_FAILED;
	uint64_t klen, n, i;
	struct stat st;
	size_t len = 0;
	int fd;

	make_key(path, &key);
	if (!key.len)
		goto miss;
	entry_path(dir, &key, &entry);
	/* Mapped, not read: only the pages of the text that names are looked at are. */
	fd = open(entry.s, O_RDONLY);
	if (fd < 0)
		goto miss;
	if (!fstat(fd, &st) && st.st_size > 0) {
		len = st.st_size;
		file = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	close(fd);
	if (file == MAP_FAILED)
		goto miss;
	s->cache_map = file;
	s->cache_len = len;
	rd.p = file;
	rd.end = file + len;
	magic = take(&rd, sizeof(MAGIC));
	skip_pad8(&rd, file);
	klen = get_u64(&rd);
	k = take(&rd, klen);
	skip_pad8(&rd, file);
	if (!magic || memcmp(magic, MAGIC, sizeof(MAGIC)) || !k ||
	    klen != key.len || memcmp(k, key.s, klen))
		goto miss;
	rd.text_len = get_u64(&rd);
	rd.text = take(&rd, rd.text_len);
	skip_pad8(&rd, file);
	if (!rd.text || !rd.text_len || rd.text[rd.text_len - 1])
		goto miss;
	s->map_text = (char *)rd.text;
	s->map_len = rd.text_len;
	get_table(&rd, file, &s->map, &s->nmap, &s->in_map);
	n = get_u64(&rd);
	if (n > (size_t)(rd.end - rd.p))
		rd.bad = true;
	for (i = 0; i < n && !rd.bad; i++) {
		uint64_t nlen = get_u64(&rd);
		const char *name = take(&rd, nlen);
		struct mod_symbols *m;

		skip_pad8(&rd, file);
		if (!name || !nlen || name[nlen - 1])
			break;
		s->mods = xrealloc(s->mods, (s->nmods + 1) * sizeof(*s->mods));
		m = &s->mods[s->nmods++];
		memset(m, 0, sizeof(*m));
		m->name = xstrdup(name);
		m->label = xcalloc(strlen(path) + strlen(m->name) + 4, 1);
		sprintf(m->label, "%s [%s]", path, m->name);
		get_table(&rd, file, &m->map, &m->nmap, &m->in_map);
	}
	if (i < n || rd.bad || rd.p != rd.end)
		goto miss;
	sb_free(&key);
	sb_free(&entry);
	return 0;
miss:
	sb_free(&key);
	sb_free(&entry);
	return -1;
}
