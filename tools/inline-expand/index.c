// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The index, the model every other file works on: string pool,
 * interning, symbol lookup and the last build step. It knows nothing of
 * ELF, DWARF or the cache file: load.c fills it (elf.c, dwarf.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ie.h"

void ie_index_init(struct ie_index *idx)
{
	memset(idx, 0, sizeof(*idx));
	tl_vec_init(&idx->syms, sizeof(struct ie_sym));
	tl_vec_init(&idx->origins, sizeof(struct ie_origin));
	tl_vec_init(&idx->insts, sizeof(struct ie_inst));
	tl_vec_init(&idx->inlines, sizeof(struct ie_inline));
	tl_vec_init(&idx->calls, sizeof(struct ie_call));
	tl_vec_init(&idx->pending_calls, sizeof(struct ie_pending_call));
	idx->object = IE_NONE;
}

static void ie_index_free_build(struct ie_index *idx)
{
	free(idx->pending_calls.data);
	tl_vec_init(&idx->pending_calls, sizeof(struct ie_pending_call));
	free(idx->str_hash);
	free(idx->origin_hash);
	idx->str_hash = idx->origin_hash = NULL;
	idx->str_hash_cap = idx->origin_hash_cap = 0;
}

void ie_index_free(struct ie_index *idx)
{
	ie_index_free_build(idx);
	free(idx->strings);
	free(idx->syms.data);
	free(idx->origins.data);
	free(idx->insts.data);
	free(idx->inlines.data);
	free(idx->calls.data);
	ie_index_init(idx);
}

const char *ie_str(const struct ie_index *idx, uint32_t off)
{
	return idx->strings + off;
}

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return h;
}

#define HASH_SEED 0xcbf29ce484222325ULL

/*
 * Open addressing over offsets (IE_NONE = empty); grown at half full so
 * probes stay short. @key_of gives the hash of a stored entry.
 */
static void hash_grow(uint32_t **table, size_t *cap, size_t used,
		      uint64_t (*key_of)(const struct ie_index *, uint32_t),
		      const struct ie_index *idx)
{
	size_t ncap = *cap ? *cap * 2 : 1024;
	uint32_t *nt;
	size_t i;

	if (used * 2 < *cap)
		return;
	nt = xmalloc(ncap * sizeof(*nt));
	memset(nt, 0xff, ncap * sizeof(*nt));
	for (i = 0; i < *cap; i++) {
		uint32_t v = (*table)[i];
		size_t j;

		if (v == IE_NONE)
			continue;
		for (j = key_of(idx, v) & (ncap - 1); nt[j] != IE_NONE;
		     j = (j + 1) & (ncap - 1))
			;
		nt[j] = v;
	}
	free(*table);
	*table = nt;
	*cap = ncap;
}

static uint64_t str_key(const struct ie_index *idx, uint32_t off)
{
	const char *s = ie_str(idx, off);

	return hash_bytes(s, strlen(s), HASH_SEED);
}

static uint64_t origin_hash(const struct ie_origin *o)
{
	uint32_t pair[2] = { o->name, o->file };

	return hash_bytes(pair, sizeof(pair), HASH_SEED);
}

static uint64_t origin_key(const struct ie_index *idx, uint32_t id)
{
	return origin_hash(TL_AT(&idx->origins, struct ie_origin, id));
}

int ie_intern(struct ie_index *idx, const char *s, uint32_t *off,
	      struct tl_err *err)
{
	size_t n = strlen(s) + 1;
	uint64_t h = hash_bytes(s, n - 1, HASH_SEED);
	size_t j;

	hash_grow(&idx->str_hash, &idx->str_hash_cap, idx->str_count, str_key,
		  idx);
	for (j = h & (idx->str_hash_cap - 1); idx->str_hash[j] != IE_NONE;
	     j = (j + 1) & (idx->str_hash_cap - 1)) {
		if (!strcmp(ie_str(idx, idx->str_hash[j]), s)) {
			*off = idx->str_hash[j];
			return 0;
		}
	}
	if (idx->strings_len + n > UINT32_MAX - 1)
		return tl_fail(err, "string pool overflow");
	if (idx->strings_len + n > idx->strings_cap) {
		size_t cap = (idx->strings_cap + n) * 2;
		idx->strings = xrealloc(idx->strings, cap);
		idx->strings_cap = cap;
	}
	memcpy(idx->strings + idx->strings_len, s, n);
	*off = idx->strings_len;
	idx->str_hash[j] = *off;
	idx->strings_len += n;
	idx->str_count++;
	return 0;
}

int ie_origin_intern(struct ie_index *idx, const char *name, const char *file,
		     uint32_t *id, struct tl_err *err)
{
	struct ie_origin key, *o;
	size_t j;

	if (ie_intern(idx, name, &key.name, err) ||
	    ie_intern(idx, file, &key.file, err))
		return -1;
	hash_grow(&idx->origin_hash, &idx->origin_hash_cap, idx->origins.len,
		  origin_key, idx);
	for (j = origin_hash(&key) & (idx->origin_hash_cap - 1);
	     idx->origin_hash[j] != IE_NONE;
	     j = (j + 1) & (idx->origin_hash_cap - 1)) {
		o = TL_AT(&idx->origins, struct ie_origin, idx->origin_hash[j]);
		if (o->name == key.name && o->file == key.file) {
			*id = idx->origin_hash[j];
			return 0;
		}
	}
	o = tl_vec_push(&idx->origins);
	*o = key;
	*id = idx->origins.len - 1;
	idx->origin_hash[j] = *id;
	return 0;
}

/*
 * The function symbol at @key. Aliases share an address; prefer the one
 * named @prefer (the DWARF name), then one starting "@prefer.", so "foo"
 * wins over "foo.localalias" and over an unrelated alias.
 */
uint32_t ie_sym_at(const struct ie_index *idx, uint64_t key,
		   const char *prefer)
{
	const struct ie_sym *syms = idx->syms.data;
	size_t lo = 0, hi = idx->syms.len, i, best = IE_NONE;
	size_t plen = prefer ? strlen(prefer) : 0;
	bool best_dotted = false;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < idx->syms.len && syms[i].key == key; i++) {
		const char *name = ie_str(idx, syms[i].name);
		bool prefixed = prefer && !strncmp(name, prefer, plen);

		if (prefixed && name[plen] == '\0')
			return i;
		if (best == IE_NONE || (prefixed && name[plen] == '.' &&
					!best_dotted)) {
			best = i;
			best_dotted = prefixed && name[plen] == '.';
		}
	}
	return best;
}

static int cmp_u64_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/*
 * Resolve the calls found during the walk: a callee is known only by its
 * entry address until every instance has been seen.
 */
void ie_index_finish(struct ie_index *idx)
{
	size_t n = idx->insts.len, i;
	uint64_t *by_key = xcalloc(n, 2 * sizeof(*by_key));

	for (i = 0; i < n; i++) {
		by_key[2 * i] = TL_AT(&idx->insts, struct ie_inst, i)->key;
		by_key[2 * i + 1] = i;
	}
	qsort(by_key, n, 2 * sizeof(*by_key), cmp_u64_pair);
	for (i = 0; i < idx->pending_calls.len; i++) {
		struct ie_pending_call *p =
			TL_AT(&idx->pending_calls, struct ie_pending_call, i);
		size_t lo = 0, hi = n;
		struct ie_call *c;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (by_key[2 * mid] < p->callee_key)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || by_key[2 * lo] != p->callee_key)
			continue;
		c = tl_vec_push(&idx->calls);
		c->callee = by_key[2 * lo + 1];
		c->caller = p->caller;
	}
	free(by_key);
	ie_index_free_build(idx);
}
