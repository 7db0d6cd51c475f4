/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kgr: the direct path's entry stubs, kgr.ko's pool and a patch module's.
 *
 * Private to kgr: module_kgr_patch() and framework/direct.c use it; a
 * patch author never does. Once a function's transition has finished, the
 * fentry call of the old function calls a stub (an ftrace direct call),
 * which pops the return address into the old function into r11 (scratch
 * at a function's entry) and jumps to the new function, so that the new
 * function returns to the original caller. The jump is the tail call of a
 * static call, which objtool records: static_call_update() rewrites the
 * stub's own jmp into a direct jump to the new function.
 *
 * A stub's jump is set while no fentry call leads to it and never changes
 * while one may: a task stopped inside a stub goes on to the function the
 * stub had when the task entered it. A patch module built with
 * module_kgr_patch() carries KGR_ENTRY_NR stubs of its own, one per entry
 * of its table, next to its new functions (one page, one jump under qemu
 * TCG, which chains jumps only within a page); further entries, and the
 * patches of modules that register themselves, take a stub of kgr.ko's
 * pool.
 */
#ifndef _KGR_ENTRY_H
#define _KGR_ENTRY_H

#include <linux/list.h>
#include <linux/static_call.h>
#include <linux/stringify.h>
#include <asm/ibt.h>
#include <asm/unwind_hints.h>

/* The type of a stub's static call: only ever jumped to, never called. */
void kgr_direct_target(void);

#define KGR_STUB_SIZE	16

/*
 * A stub's static call. Its key starts aimed at its own trampoline, which
 * is what the stub's jmp already reads: the module loader's static call
 * setup then finds every site as it should be and pokes none (a text poke
 * and its IPIs per stub and per patch module otherwise; the key of
 * DEFINE_STATIC_CALL_NULL() turns each jmp into a ret). The trampoline is
 * never run: no call reaches a stub before kgr set its key.
 */
#ifdef CONFIG_HAVE_STATIC_CALL_INLINE
#define KGR_STUB_CALL(slot)						\
	DECLARE_STATIC_CALL(slot, kgr_direct_target);			\
	struct static_call_key STATIC_CALL_KEY(slot) = {		\
		.func = STATIC_CALL_TRAMP_ADDR(slot),			\
		.type = 1,						\
	};								\
	ARCH_DEFINE_STATIC_CALL_NULL_TRAMP(slot)
#else
#define KGR_STUB_CALL(slot) DEFINE_STATIC_CALL_NULL(slot, kgr_direct_target)
#endif

/*
 * Run between a stub's pop and its jump: nothing. A test module defines it
 * before including kgr.h to hold tasks inside its stubs (a 5-byte call
 * that keeps every register but %r11 and the flags: a stub has no room
 * for more), tests/vm/modules/kgr_test_torture_slow.c.
 */
#ifndef KGR_STUB_DELAY
#define KGR_STUB_DELAY ""
#endif

/*
 * One stub named @stub in @section, jumping through static call @slot.
 * The unwind hint tells objtool the stack is that of a function's entry
 * after the pop. ENDBR only because C takes the stub's address.
 */
#define KGR_STUB(section, stub, slot)					\
	asm(".pushsection " section ", \"ax\"\n"			\
	    ".p2align 4\n"						\
	    #stub ":\n"							\
	    ASM_ENDBR							\
	    "pop %r11\n"						\
	    UNWIND_HINT_FUNC "\n"					\
	    KGR_STUB_DELAY						\
	    "jmp " STATIC_CALL_TRAMP_STR(slot) "\n"			\
	    ".type " #stub ", @function\n"				\
	    ".size " #stub ", . - " #stub "\n"				\
	    ".popsection\n")

/* X(n) for n in p0 to pf: the building block of the stub lists. */
#define KGR_X16(X, p)							\
	X(p##0) X(p##1) X(p##2) X(p##3) X(p##4) X(p##5) X(p##6) X(p##7)	\
	X(p##8) X(p##9) X(p##a) X(p##b) X(p##c) X(p##d) X(p##e) X(p##f)

/* A patch module's stubs: 00 to 3f. */
#define KGR_ENTRY_NR	64
#define KGR_ENTRY_SLOTS(X)						\
	KGR_X16(X, 0) KGR_X16(X, 1) KGR_X16(X, 2) KGR_X16(X, 3)

/**
 * struct kgr_entry_pool - the entry stubs of a patch module
 * @nr: how many
 * @keys: their static calls' keys
 * @tramps: their static calls' trampolines
 * @stubs: the stubs, each %KGR_STUB_SIZE bytes, in one run
 * @node: kgr.ko's list of the pools of registered patches
 */
struct kgr_entry_pool {
	unsigned int nr;
	struct static_call_key * const *keys;
	void * const *tramps;
	void * const *stubs;
	struct list_head node;
};

#define KGR_ENTRY_KEY(n) KGR_STUB_CALL(kgr_entry_slot_##n);
#define KGR_ENTRY_STUB(n)						\
	KGR_STUB(".text.kgr_entry", kgr_entry_stub_##n, kgr_entry_slot_##n);
#define KGR_ENTRY_DECL(n) void kgr_entry_stub_##n(void);
#define KGR_ENTRY_KEY_ADDR(n) &STATIC_CALL_KEY(kgr_entry_slot_##n),
#define KGR_ENTRY_TRAMP_ADDR(n) STATIC_CALL_TRAMP_ADDR(kgr_entry_slot_##n),
#define KGR_ENTRY_STUB_ADDR(n) kgr_entry_stub_##n,

/* The entry stubs of a patch module and their &struct kgr_entry_pool. */
#define KGR_DEFINE_ENTRY_POOL(_pool)					\
	KGR_ENTRY_SLOTS(KGR_ENTRY_KEY)					\
	KGR_ENTRY_SLOTS(KGR_ENTRY_STUB)					\
	KGR_ENTRY_SLOTS(KGR_ENTRY_DECL)					\
	static struct static_call_key * const _pool##_keys[] = {	\
		KGR_ENTRY_SLOTS(KGR_ENTRY_KEY_ADDR)			\
	};								\
	static void * const _pool##_tramps[] = {			\
		KGR_ENTRY_SLOTS(KGR_ENTRY_TRAMP_ADDR)			\
	};								\
	static void * const _pool##_stubs[] = {				\
		KGR_ENTRY_SLOTS(KGR_ENTRY_STUB_ADDR)			\
	};								\
	static struct kgr_entry_pool _pool = {				\
		.nr = KGR_ENTRY_NR,					\
		.keys = _pool##_keys,					\
		.tramps = _pool##_tramps,				\
		.stubs = _pool##_stubs,					\
	}

#endif /* _KGR_ENTRY_H */
