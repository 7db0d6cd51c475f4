/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * direct_slots.h - the names of the direct path's slots, for C and asm
 *
 * KGR_DIRECT_SLOTS(X) expands X(n) once per slot, n being three hex
 * digits (000 to 3ff): direct.c defines a static call and a stub per
 * slot from the list. An X-macro list cannot be parenthesized: lint lets
 * this file and direct.c have complex macros.
 */
#ifndef _KGR_DIRECT_SLOTS_H
#define _KGR_DIRECT_SLOTS_H

#define KGR_DIRECT_NR_SLOTS	1024

#define KGR_DIRECT_X16(X, p)						\
	X(p##0) X(p##1) X(p##2) X(p##3) X(p##4) X(p##5) X(p##6) X(p##7)	\
	X(p##8) X(p##9) X(p##a) X(p##b) X(p##c) X(p##d) X(p##e) X(p##f)

#define KGR_DIRECT_X256(X, p)						\
	KGR_DIRECT_X16(X, p##0) KGR_DIRECT_X16(X, p##1)			\
	KGR_DIRECT_X16(X, p##2) KGR_DIRECT_X16(X, p##3)			\
	KGR_DIRECT_X16(X, p##4) KGR_DIRECT_X16(X, p##5)			\
	KGR_DIRECT_X16(X, p##6) KGR_DIRECT_X16(X, p##7)			\
	KGR_DIRECT_X16(X, p##8) KGR_DIRECT_X16(X, p##9)			\
	KGR_DIRECT_X16(X, p##a) KGR_DIRECT_X16(X, p##b)			\
	KGR_DIRECT_X16(X, p##c) KGR_DIRECT_X16(X, p##d)			\
	KGR_DIRECT_X16(X, p##e) KGR_DIRECT_X16(X, p##f)

#define KGR_DIRECT_SLOTS(X)						\
	KGR_DIRECT_X256(X, 0) KGR_DIRECT_X256(X, 1)			\
	KGR_DIRECT_X256(X, 2) KGR_DIRECT_X256(X, 3)

/* The stubs, from direct.c's asm. */
#define KGR_DIRECT_STUB_DECL(n) extern const char kgr_direct_stub_##n[];
KGR_DIRECT_SLOTS(KGR_DIRECT_STUB_DECL)

#endif
