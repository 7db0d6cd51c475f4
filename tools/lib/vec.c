// SPDX-License-Identifier: GPL-2.0-or-later
/* tools/lib: growable arrays and string lists. */
#include <stdlib.h>
#include <string.h>

#include "vec.h"
#include "xalloc.h"

void tl_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void **p = arr;
	size_t old = *cap;

	if (n < *cap)
		return;
	*cap = n * 2 + 8;
	*p = xrealloc(*p, *cap * size);
	memset((char *)*p + old * size, 0, (*cap - old) * size);
}

void tl_vec_init(struct tl_vec *v, size_t size)
{
	memset(v, 0, sizeof(*v));
	v->size = size;
}

void *tl_vec_push(struct tl_vec *v)
{
	tl_grow(&v->data, &v->cap, v->len, v->size);
	return memset((char *)v->data + v->len++ * v->size, 0, v->size);
}

void tl_vec_free(struct tl_vec *v)
{
	free(v->data);
	tl_vec_init(v, v->size);
}

void tl_strlist_addn(struct tl_strlist *l, const char *s, size_t n)
{
	tl_grow(&l->names, &l->cap, l->nr, sizeof(*l->names));
	l->names[l->nr++] = xstrndup(s, n);
}

void tl_strlist_add(struct tl_strlist *l, const char *s)
{
	tl_strlist_addn(l, s, strlen(s));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

void tl_strlist_sort(struct tl_strlist *l)
{
	if (l->nr)
		qsort(l->names, l->nr, sizeof(*l->names), cmp_names);
}

bool tl_strlist_has(const struct tl_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->names[i], s))
			return true;
	return false;
}

void tl_strlist_free(struct tl_strlist *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof(*l));
}
