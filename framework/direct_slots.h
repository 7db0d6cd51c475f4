/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * direct_slots.h - the names of the direct path's slots, for C and asm
 *
 * KGR_DIRECT_SLOTS(X) expands X(n) once per slot of kgr.ko's pool, n
 * being three hex digits (000 to 3ff): direct.c defines a static call and
 * a stub per slot from the list (include/kgr/entry.h). An X-macro list cannot be parenthesized: lint lets
 * this file and direct.c have complex macros.
 */
#ifndef _KGR_DIRECT_SLOTS_H
#define _KGR_DIRECT_SLOTS_H

#include <kgr/entry.h>

#define KGR_DIRECT_NR_SLOTS	1024

#define KGR_DIRECT_X256(X, p)						\
	KGR_X16(X, p##0) KGR_X16(X, p##1) KGR_X16(X, p##2)		\
	KGR_X16(X, p##3) KGR_X16(X, p##4) KGR_X16(X, p##5)		\
	KGR_X16(X, p##6) KGR_X16(X, p##7) KGR_X16(X, p##8)		\
	KGR_X16(X, p##9) KGR_X16(X, p##a) KGR_X16(X, p##b)		\
	KGR_X16(X, p##c) KGR_X16(X, p##d) KGR_X16(X, p##e)		\
	KGR_X16(X, p##f)

#define KGR_DIRECT_SLOTS(X)						\
	KGR_DIRECT_X256(X, 0) KGR_DIRECT_X256(X, 1)			\
	KGR_DIRECT_X256(X, 2) KGR_DIRECT_X256(X, 3)

/* The stubs and the passing trampoline, from direct.c's asm. */
#define KGR_DIRECT_STUB_DECL(n) extern const char kgr_direct_stub_##n[];
KGR_DIRECT_SLOTS(KGR_DIRECT_STUB_DECL)
void kgr_direct_pass(void);

#endif
