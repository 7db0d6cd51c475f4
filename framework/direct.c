// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * direct.c - the direct path: a patched call without the ftrace handler
 *
 * Once no task needs a choice of its own for a function, the fentry call
 * of the old function can go straight to a stub of kgr.ko (ftrace's
 * direct calls) that drops the return address into the old function and
 * jumps to the new one; the new function returns to the original caller.
 * The stub's jump is the tail call of a static call, so that pointing it
 * at a function is one text poke of a direct jmp (static_call_update()),
 * with no indirect branch and no retpoline on the way.
 *
 * This file is the mechanism: a pool of stubs, one static call each, and
 * an ftrace direct ops per address. When an address goes direct is
 * redirect.c's call. kgr_mutex serializes every caller.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/ftrace.h>
#include <linux/sched.h>
#include <linux/static_call.h>
#include <linux/version.h>
#include <asm/ibt.h>
#include <asm/unwind_hints.h>
#include "internal.h"
#include "direct_slots.h"

/* The type of a slot's target: only ever jumped to, never called. */
void kgr_direct_target(void);

#define KGR_DIRECT_KEY(n) DEFINE_STATIC_CALL_NULL(kgr_direct_slot_##n, \
						  kgr_direct_target);
KGR_DIRECT_SLOTS(KGR_DIRECT_KEY)

#define KGR_DIRECT_KEY_ADDR(n) &STATIC_CALL_KEY(kgr_direct_slot_##n),
static struct static_call_key * const kgr_direct_keys[] = {
	KGR_DIRECT_SLOTS(KGR_DIRECT_KEY_ADDR)
};

#define KGR_DIRECT_TRAMP_ADDR(n) STATIC_CALL_TRAMP_ADDR(kgr_direct_slot_##n),
static void * const kgr_direct_tramps[] = {
	KGR_DIRECT_SLOTS(KGR_DIRECT_TRAMP_ADDR)
};

/*
 * The stubs, one asm statement each, in a section of their own. A stub is
 * entered by the fentry call (or by ftrace's "return" into a direct
 * trampoline) with the return address into the old function on top of
 * the stack, or there the ip kgr's handler chose. It pops that into r11,
 * scratch at a function's entry (ftrace's own trampoline does not keep
 * it), and the stack is that of the new function's entry, which the
 * unwind hint tells objtool. ENDBR only because C takes their addresses.
 */
#define KGR_DIRECT_STUB_SIZE	16
#define KGR_DIRECT_STUB(n)						\
	asm(".pushsection .text.kgr_direct, \"ax\"\n"			\
	    ".p2align 4\n"						\
	    "kgr_direct_stub_" #n ":\n"				\
	    ASM_ENDBR							\
	    "pop %r11\n"						\
	    UNWIND_HINT_FUNC "\n"					\
	    "jmp " STATIC_CALL_TRAMP_STR(kgr_direct_slot_##n) "\n"	\
	    ".type kgr_direct_stub_" #n ", @function\n"		\
	    ".size kgr_direct_stub_" #n ", . - kgr_direct_stub_" #n "\n" \
	    ".popsection\n");
KGR_DIRECT_SLOTS(KGR_DIRECT_STUB)

/*
 * A slot's target while kgr's handler decides (a transition runs on the
 * address): "return" to the ip the stub popped, as ftrace's trampoline
 * would have. A ret needs no ENDBR at its target; it costs this path a
 * return stack entry (and, under call depth tracking, a count), which
 * only matters while a transition runs.
 */
void kgr_direct_pass(void);
asm(".pushsection .text, \"ax\"\n"
	".p2align 4\n"
	"kgr_direct_pass:\n"
	ASM_ENDBR
	"push %r11\n"
	UNWIND_HINT_FUNC "\n"
	ASM_RET
	".type kgr_direct_pass, @function\n"
	".size kgr_direct_pass, . - kgr_direct_pass\n"
	".popsection\n");

#define KGR_DIRECT_STUB_ADDR(n) kgr_direct_stub_##n,
static const char * const kgr_direct_stubs[] = {
	KGR_DIRECT_SLOTS(KGR_DIRECT_STUB_ADDR)
};

/* The pool: where the stubs' section starts and ends; kgr_direct_pass. */
static unsigned long kgr_direct_pool_start, kgr_direct_pool_end;
static unsigned long kgr_direct_pass_start;

/* Slots in use. kgr_mutex. */
static DECLARE_BITMAP(kgr_direct_used, KGR_DIRECT_NR_SLOTS);

/* The stubs are laid out as expected: else the direct path stays off. */
static bool kgr_direct_usable;

/*
 * The task registering an IPMODIFY ops of kgr beside a direct ops of kgr,
 * or NULL. Written under kgr_mutex, read by kgr_direct_ops_func() under
 * ftrace's direct_mutex.
 */
static struct task_struct *kgr_direct_sharer;

/*
 * The stubs' section holds nothing else: if they fill it without a gap,
 * an address between its first and last stub lies in a stub.
 */
int kgr_direct_init(void)
{
	unsigned long start = ULONG_MAX, end = 0, addr;
	int slot;

	kgr_direct_pass_start = (unsigned long)kgr_direct_pass;
	for (slot = 0; slot < KGR_DIRECT_NR_SLOTS; slot++) {
		addr = (unsigned long)kgr_direct_stubs[slot];
		start = min(start, addr);
		end = max(end, addr + KGR_DIRECT_STUB_SIZE);
	}
	kgr_direct_usable = end - start ==
			    KGR_DIRECT_NR_SLOTS * KGR_DIRECT_STUB_SIZE;
	if (!kgr_direct_usable) {
		pr_warn("direct path off: its stubs span %lu bytes, not %d\n",
			end - start, KGR_DIRECT_NR_SLOTS * KGR_DIRECT_STUB_SIZE);
		return 0;
	}
	kgr_direct_pool_start = start;
	kgr_direct_pool_end = end;
	return 0;
}

bool notrace kgr_direct_stub(unsigned long addr)
{
	return (addr >= kgr_direct_pool_start && addr < kgr_direct_pool_end) ||
	       addr - kgr_direct_pass_start < KGR_DIRECT_STUB_SIZE;
}

/*
 * ftrace asks a direct ops whether an IPMODIFY ops may share its address:
 * the one being registered (PEER) or the one already there (SELF). While
 * the stub jumps to a function, only kgr's own handler may, and only while
 * kgr switches that address between the two paths: both then send every
 * task to the same function. Anyone else (the kernel's livepatch, a kprobe
 * with a post handler) is refused as it would be by kgr's handler: two
 * users changing the ip of one function cannot both win. A passing stub
 * goes wherever the ip was set, so it lets anyone share: kgr's handler,
 * if there, excludes the others itself.
 */
static int kgr_direct_ops_func(struct ftrace_ops *ops, enum ftrace_ops_cmd cmd)
{
	struct kgr_direct *direct = container_of(ops, struct kgr_direct, ops);

	switch (cmd) {
	case FTRACE_OPS_CMD_ENABLE_SHARE_IPMODIFY_SELF:
	case FTRACE_OPS_CMD_ENABLE_SHARE_IPMODIFY_PEER:
		if (!READ_ONCE(direct->target) ||
		    READ_ONCE(kgr_direct_sharer) == current)
			return 0;
		return -EBUSY;
	default:
		return 0;
	}
}

bool kgr_direct_own(const struct ftrace_ops *ops)
{
	return ops->ops_func == kgr_direct_ops_func;
}

/* Renamed, and the filter freed by unregistering, in 6.5. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static int kgr_register_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return register_ftrace_direct(ops, addr);
}

static int kgr_unregister_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return unregister_ftrace_direct(ops, addr, true);
}
#else
static int kgr_register_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return register_ftrace_direct_multi(ops, addr);
}

static int kgr_unregister_direct(struct ftrace_ops *ops, unsigned long addr)
{
	int ret = unregister_ftrace_direct_multi(ops, addr);

	ftrace_free_filter(ops);
	return ret;
}
#endif

static unsigned long kgr_direct_stub_addr(int slot)
{
	return (unsigned long)kgr_direct_stubs[slot];
}

static void kgr_direct_set_slot(int slot, void *target)
{
	__static_call_update(kgr_direct_keys[slot], kgr_direct_tramps[slot],
			     target);
}

int kgr_direct_attach(struct kgr_direct *direct, unsigned long ip,
		      void *target)
{
	int slot, ret;

	lockdep_assert_held(&kgr_mutex);
	if (!kgr_direct_usable)
		return -EOPNOTSUPP;
	slot = find_first_zero_bit(kgr_direct_used, KGR_DIRECT_NR_SLOTS);
	if (slot >= KGR_DIRECT_NR_SLOTS)
		return -ENOSPC;
	/* The slot first: ftrace may call the stub as soon as it is set. */
	kgr_direct_set_slot(slot, target);
	memset(&direct->ops, 0, sizeof(direct->ops));
	direct->ops.ops_func = kgr_direct_ops_func;
	ret = ftrace_set_filter_ip(&direct->ops, ip, 0, 0);
	if (ret)
		goto err;
	WRITE_ONCE(kgr_direct_sharer, current);
	ret = kgr_register_direct(&direct->ops, kgr_direct_stub_addr(slot));
	WRITE_ONCE(kgr_direct_sharer, NULL);
	if (ret) {
		ftrace_free_filter(&direct->ops);
		goto err;
	}
	__set_bit(slot, kgr_direct_used);
	direct->slot = slot;
	direct->attached = true;
	kgr_direct_retarget(direct, target);
	return 0;
err:
	kgr_direct_set_slot(slot, NULL);
	return ret;
}

/*
 * Unregistering a direct ops waits, as for any ops of a module, until no
 * task can be inside the stub or on its way to it (tasks RCU): the slot
 * can then be used again at once.
 */
void kgr_direct_detach(struct kgr_direct *direct)
{
	lockdep_assert_held(&kgr_mutex);
	WARN_ON(kgr_unregister_direct(&direct->ops,
				      kgr_direct_stub_addr(direct->slot)));
	kgr_direct_set_slot(direct->slot, NULL);
	__clear_bit(direct->slot, kgr_direct_used);
	direct->target = NULL;
	direct->attached = false;
}

/*
 * While the stub jumps to a function, kernel.ftrace_enabled cannot be
 * turned off under it, as under kgr's handler: that would silently send
 * every task back to the old function. Passing, it decides nothing (kgr's
 * handler does, or nobody once the address went and every task runs the
 * original), and the sysctl may go off. Registering overwrites the flags;
 * ftrace reads this one only to refuse the sysctl, and leaves the flags
 * alone until unregistering.
 */
void kgr_direct_retarget(struct kgr_direct *direct, void *target)
{
	lockdep_assert_held(&kgr_mutex);
	kgr_direct_set_slot(direct->slot, target ?: kgr_direct_pass);
	/* Read by kgr_direct_ops_func() under ftrace's direct_mutex. */
	WRITE_ONCE(direct->target, target);
	if (target)
		direct->ops.flags |= FTRACE_OPS_FL_PERMANENT;
	else
		direct->ops.flags &= ~FTRACE_OPS_FL_PERMANENT;
}

int kgr_direct_register_beside(struct ftrace_ops *fops)
{
	int ret;

	lockdep_assert_held(&kgr_mutex);
	WRITE_ONCE(kgr_direct_sharer, current);
	ret = register_ftrace_function(fops);
	WRITE_ONCE(kgr_direct_sharer, NULL);
	return ret;
}
