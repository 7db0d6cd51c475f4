// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading the index of one ELF: from the cache file keyed by build-id,
 * else from its symbols (elf.c) and DWARF (dwarf.c), then cached.
 *
 * Building the index walks all of the DWARF once (seconds on a vmlinux);
 * the cache file makes every later query of the same build a plain read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ie.h"

#define IE_CACHE_MAGIC "KGRIE\0\0\3"

struct ie_cache_header {
	char magic[8];
	char build_id[80];
	uint32_t object;
	uint32_t relocatable;
	uint64_t strings_len;
	uint64_t n_syms, n_origins, n_insts, n_inlines, n_calls;
};

/* $KGR_CACHE_DIR, else $XDG_CACHE_HOME/kgr, else ~/.cache/kgr. */
static int cache_path(char *buf, size_t len, const char *build_id,
		      bool create)
{
	const char *dir = getenv("KGR_CACHE_DIR");
	const char *base;
	char parent[4096];
	int n;

	if (dir && *dir) {
		n = snprintf(parent, sizeof(parent), "%s", dir);
	} else if ((base = getenv("XDG_CACHE_HOME")) && *base) {
		n = snprintf(parent, sizeof(parent), "%s/kgr", base);
	} else if ((base = getenv("HOME")) && *base) {
		if (create) {
			snprintf(parent, sizeof(parent), "%s/.cache", base);
			mkdir(parent, 0755);
		}
		n = snprintf(parent, sizeof(parent), "%s/.cache/kgr", base);
	} else {
		return -1;
	}
	if (n < 0 || (size_t)n >= sizeof(parent))
		return -1;
	if (create && mkdir(parent, 0755) && errno != EEXIST)
		return -1;
	n = snprintf(buf, len, "%s/inline-expand-%s.idx", parent, build_id);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static const struct {
	size_t field;	/* offset of the vec in struct ie_index */
	size_t count;	/* offset of its count in the header */
} cache_arrays[] = {
	{ offsetof(struct ie_index, syms),
	  offsetof(struct ie_cache_header, n_syms) },
	{ offsetof(struct ie_index, origins),
	  offsetof(struct ie_cache_header, n_origins) },
	{ offsetof(struct ie_index, insts),
	  offsetof(struct ie_cache_header, n_insts) },
	{ offsetof(struct ie_index, inlines),
	  offsetof(struct ie_cache_header, n_inlines) },
	{ offsetof(struct ie_index, calls),
	  offsetof(struct ie_cache_header, n_calls) },
};

#define CACHE_VEC(idx, i) \
	((struct tl_vec *)((char *)(idx) + cache_arrays[i].field))
#define CACHE_COUNT(h, i) \
	((uint64_t *)((char *)(h) + cache_arrays[i].count))

/* Written to a temporary name and renamed, so readers never see half. */
static void cache_save(const struct ie_index *idx, const char *build_id)
{
	struct ie_cache_header h = { .magic = IE_CACHE_MAGIC };
	char path[4200], tmp[4300];
	bool ok;
	FILE *f;
	size_t i;

	if (cache_path(path, sizeof(path), build_id, true))
		return;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	snprintf(h.build_id, sizeof(h.build_id), "%s", build_id);
	h.object = idx->object;
	h.relocatable = idx->relocatable;
	h.strings_len = idx->strings_len;
	for (i = 0; i < 5; i++)
		*CACHE_COUNT(&h, i) = CACHE_VEC(idx, i)->len;
	f = fopen(tmp, "wb");
	if (!f)
		return;
	ok = fwrite(&h, sizeof(h), 1, f) == 1 &&
	     fwrite(idx->strings, 1, idx->strings_len, f) == idx->strings_len;
	for (i = 0; ok && i < 5; i++) {
		const struct tl_vec *v = CACHE_VEC(idx, i);

		ok = !v->len || fwrite(v->data, v->size, v->len, f) == v->len;
	}
	if (fclose(f) || !ok || rename(tmp, path))
		unlink(tmp);
}

static bool str_ok(const struct ie_index *idx, uint32_t off)
{
	return off < idx->strings_len;
}

static bool ref_ok(uint32_t ref, size_t n, bool none_ok)
{
	return ref < n || (none_ok && ref == IE_NONE);
}

/* A cache file is input too: every offset and reference is checked. */
static bool cache_valid(const struct ie_index *idx)
{
	size_t i;

	if (!idx->strings_len || idx->strings[idx->strings_len - 1] ||
	    !ref_ok(idx->object, idx->strings_len, true))
		return false;
	for (i = 0; i < idx->syms.len; i++) {
		const struct ie_sym *s = TL_AT(&idx->syms, struct ie_sym, i);

		if (!str_ok(idx, s->name) ||
		    !ref_ok(s->cold_of, idx->insts.len, true) ||
		    (i && s[-1].key > s->key))
			return false;
	}
	for (i = 0; i < idx->origins.len; i++) {
		const struct ie_origin *o =
			TL_AT(&idx->origins, struct ie_origin, i);

		if (!str_ok(idx, o->name) || !str_ok(idx, o->file))
			return false;
	}
	for (i = 0; i < idx->insts.len; i++) {
		const struct ie_inst *n = TL_AT(&idx->insts, struct ie_inst, i);

		if (!ref_ok(n->origin, idx->origins.len, false) ||
		    !ref_ok(n->sym, idx->syms.len, true))
			return false;
	}
	for (i = 0; i < idx->inlines.len; i++) {
		const struct ie_inline *l =
			TL_AT(&idx->inlines, struct ie_inline, i);

		if (!ref_ok(l->origin, idx->origins.len, false) ||
		    !ref_ok(l->inst, idx->insts.len, false) ||
		    !ref_ok(l->parent, i, true))
			return false;
	}
	for (i = 0; i < idx->calls.len; i++) {
		const struct ie_call *c = TL_AT(&idx->calls, struct ie_call, i);

		if (!ref_ok(c->callee, idx->insts.len, false) ||
		    !ref_ok(c->caller, idx->insts.len, false))
			return false;
	}
	return true;
}

/* Returns true on a usable cache hit; anything odd means "rebuild". */
static bool cache_load(struct ie_index *idx, const char *build_id)
{
	struct ie_cache_header h;
	char path[4200];
	bool ok = false;
	FILE *f;
	size_t i;

	if (cache_path(path, sizeof(path), build_id, false))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	if (fread(&h, sizeof(h), 1, f) != 1 ||
	    memcmp(h.magic, IE_CACHE_MAGIC, sizeof(h.magic)) ||
	    strncmp(h.build_id, build_id, sizeof(h.build_id)) ||
	    h.strings_len > UINT32_MAX)
		goto out;
	idx->object = h.object;
	idx->relocatable = h.relocatable;
	/* Sizes read from the file: a failed malloc means a bad cache, not OOM. */
	idx->strings = malloc(h.strings_len ? h.strings_len : 1);
	if (!idx->strings ||
	    fread(idx->strings, 1, h.strings_len, f) != h.strings_len)
		goto out;
	idx->strings_len = idx->strings_cap = h.strings_len;
	for (i = 0; i < 5; i++) {
		struct tl_vec *v = CACHE_VEC(idx, i);
		uint64_t n = *CACHE_COUNT(&h, i);

		if (n > UINT32_MAX)
			goto out;
		v->data = malloc(n ? n * v->size : 1);
		if (!v->data || fread(v->data, v->size, n, f) != n)
			goto out;
		v->len = v->cap = n;
	}
	ok = fgetc(f) == EOF && cache_valid(idx);
out:
	fclose(f);
	if (!ok)
		ie_index_free(idx);
	return ok;
}

/*
 * Fill @idx for the ELF at @path: from the cache when the build-id has
 * been indexed before, else by reading symbols and DWARF (then cached).
 * The build-id alone is the key: a stripped copy of an indexed vmlinux
 * has the same symbols and code, so it can be queried without DWARF.
 */
int ie_index_load(struct ie_index *idx, const char *path, bool use_cache,
		  struct tl_err *err)
{
	struct ie_elf *elf;
	const char *build_id;
	int ret;

	ie_index_init(idx);
	if (ie_elf_open(path, &elf, err))
		return -1;
	build_id = ie_elf_build_id(elf);
	use_cache = use_cache && *build_id;
	if (use_cache && cache_load(idx, build_id)) {
		ie_elf_close(elf);
		return 0;
	}
	ret = ie_elf_symbols(elf, idx, err);
	if (!ret)
		ret = ie_dwarf_scan(elf, idx, err);
	if (!ret)
		ie_index_finish(idx);
	if (!ret && use_cache)
		cache_save(idx, build_id);
	ie_elf_close(elf);
	if (ret)
		ie_index_free(idx);
	return ret;
}
