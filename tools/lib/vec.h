/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tools/lib: growable arrays and string lists. Growing never fails (it
 * exits on out-of-memory, see xalloc.h).
 *
 * tl_grow() grows a typed array that lives in the caller's struct
 * (struct row *rows; size_t n, cap;); struct tl_vec carries its element
 * size, for code that handles arrays of different records alike (the
 * inline-expand index writes all of its arrays to one cache file).
 */
#ifndef TL_VEC_H
#define TL_VEC_H

#include <stdbool.h>
#include <stddef.h>

/* Grow *arr (of *cap elements of @size bytes) so that index @n fits; new room is zeroed. */
void tl_grow(void *arr, size_t *cap, size_t n, size_t size);

/* A growable array of fixed-size records. */
struct tl_vec {
	void *data;
	size_t len;
	size_t cap;
	size_t size;
};

#define TL_AT(vec, type, i) (&((type *)(vec)->data)[i])

void tl_vec_init(struct tl_vec *v, size_t size);
/* A zeroed record appended at the end. */
void *tl_vec_push(struct tl_vec *v);
void tl_vec_free(struct tl_vec *v);

/* A list of strings it owns; { 0 } is the empty list. */
struct tl_strlist {
	char **names;
	size_t nr;
	size_t cap;
};

/* Append a copy of @s (of its first @n bytes). */
void tl_strlist_add(struct tl_strlist *l, const char *s);
void tl_strlist_addn(struct tl_strlist *l, const char *s, size_t n);
void tl_strlist_sort(struct tl_strlist *l);
bool tl_strlist_has(const struct tl_strlist *l, const char *s);
void tl_strlist_free(struct tl_strlist *l);

#endif
