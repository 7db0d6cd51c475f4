// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * direct.c - the direct path: a patched call without the ftrace handler
 *
 * Once no task needs a choice of its own for a function, the fentry call
 * of the old function can go straight to a stub (ftrace's direct calls)
 * that drops the return address into the old function and jumps to the
 * new one; the new function returns to the original caller. The stubs
 * are those of include/kgr/entry.h: the patch module's own, next to its
 * new functions, or else one of kgr.ko's pool. A stub's jump never
 * changes while a fentry call leads to it; switching an address moves
 * its direct call to another stub (ftrace's modify), or to
 * kgr_direct_pass while kgr's handler decides.
 *
 * This file is the mechanism: the stubs, and an ftrace direct ops per
 * address. When an address goes direct is redirect.c's call. kgr_mutex
 * serializes every caller.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/ftrace.h>
#include <linux/sched.h>
#include <linux/static_call.h>
#include <linux/version.h>
#include <linux/rcupdate.h>
#include "internal.h"
#include "direct_slots.h"
#include "fault.h"

#define KGR_DIRECT_KEY(n) KGR_STUB_CALL(kgr_direct_slot_##n);
KGR_DIRECT_SLOTS(KGR_DIRECT_KEY)

#define KGR_DIRECT_KEY_ADDR(n) &STATIC_CALL_KEY(kgr_direct_slot_##n),
static struct static_call_key * const kgr_direct_keys[] = {
	KGR_DIRECT_SLOTS(KGR_DIRECT_KEY_ADDR)
};

#define KGR_DIRECT_TRAMP_ADDR(n) STATIC_CALL_TRAMP_ADDR(kgr_direct_slot_##n),
static void * const kgr_direct_tramps[] = {
	KGR_DIRECT_SLOTS(KGR_DIRECT_TRAMP_ADDR)
};

/* kgr.ko's pool of stubs (include/kgr/entry.h), for any patch module. */
#define KGR_DIRECT_STUB(n)						\
	KGR_STUB(".text.kgr_direct", kgr_direct_stub_##n, kgr_direct_slot_##n);
KGR_DIRECT_SLOTS(KGR_DIRECT_STUB)

/*
 * The direct call's target while kgr's handler decides (a transition runs
 * on the address), or once nobody does (the address went): "return" to
 * the ip on the stack, the one the handler chose or the old function's,
 * as ftrace's trampoline would have. A ret needs no ENDBR at its target;
 * it costs this path a return stack entry (and, under call depth
 * tracking, a count), which only matters while a transition runs.
 */
asm(".pushsection .text, \"ax\"\n"
	".p2align 4\n"
	"kgr_direct_pass:\n"
	ASM_ENDBR
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

/*
 * Slots in use; of those, the retired ones: no fentry call leads to them
 * any more, but a task may still be inside, about to jump to the target
 * it found there. kgr_mutex.
 */
static DECLARE_BITMAP(kgr_direct_used, KGR_DIRECT_NR_SLOTS);
static DECLARE_BITMAP(kgr_direct_retired, KGR_DIRECT_NR_SLOTS);

/*
 * The entry pools of registered patches: added to and removed from under
 * kgr_mutex, read by kgr_direct_stub() under RCU-sched (the stack checks
 * of current run from the syscall tracepoints and an IPI).
 */
static LIST_HEAD(kgr_entry_pools);

/* The stubs are laid out as expected: else the direct path stays off. */
static bool kgr_direct_usable;

/*
 * The task registering an IPMODIFY ops of kgr beside a direct ops of kgr,
 * or switching a direct ops between stubs, or NULL. Written under
 * kgr_mutex, read by kgr_direct_ops_func() under ftrace's direct_mutex.
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
		end = max(end, addr + KGR_STUB_SIZE);
	}
	kgr_direct_usable = end - start ==
			    KGR_DIRECT_NR_SLOTS * KGR_STUB_SIZE;
	if (!kgr_direct_usable) {
		pr_warn("direct path off: its stubs span %lu bytes, not %d\n",
			end - start, KGR_DIRECT_NR_SLOTS * KGR_STUB_SIZE);
		return 0;
	}
	kgr_direct_pool_start = start;
	kgr_direct_pool_end = end;
	return 0;
}

/* @pool's stubs follow each other, stubs[0] first: one range to check. */
static bool kgr_entry_pool_sound(const struct kgr_entry_pool *pool)
{
	unsigned int i;

	if (!pool->nr)
		return false;
	for (i = 1; i < pool->nr; i++)
		if ((unsigned long)pool->stubs[i] !=
		    (unsigned long)pool->stubs[0] + i * KGR_STUB_SIZE)
			return false;
	return true;
}

/*
 * Give @patch's functions the stubs of its module's pool, in table order.
 * A stub's jump is set when its function first goes direct: setting it
 * here would cost every patch a text poke per stub, used or not.
 * Without a usable pool the functions take stubs of kgr.ko's.
 */
void kgr_direct_add_entries(struct kgr_patch *patch)
{
	struct kgr_entry_pool *pool = patch->entries;
	struct kgr_patch_fun *fun;
	unsigned int i = 0;

	lockdep_assert_held(&kgr_mutex);
	kgr_for_each_fun(patch, fun)
		fun->entry = NULL;
	if (!pool)
		return;
	if (!kgr_direct_usable || !kgr_entry_pool_sound(pool)) {
		if (kgr_direct_usable)
			pr_warn("%s: its module's entry stubs are not in one run: kgr.ko's are used\n",
				patch->name);
		patch->entries = NULL;
		return;
	}
	kgr_for_each_fun(patch, fun) {
		if (i >= pool->nr)
			break;
		if (fun->new_fun)
			fun->entry = pool->stubs[i++];
	}
	list_add_rcu(&pool->node, &kgr_entry_pools);
}

/*
 * Once the patch is unregistered: its module is about to go, and no task
 * is in its stubs (each was a blocker of the revert's transition).
 */
void kgr_direct_del_entries(struct kgr_patch *patch)
{
	lockdep_assert_held(&kgr_mutex);
	if (!patch->entries)
		return;
	list_del_rcu(&patch->entries->node);
	patch->entries = NULL;
	synchronize_rcu();
}

bool notrace kgr_direct_stub(unsigned long addr)
{
	const struct kgr_entry_pool *pool;
	bool hit = false;

	if ((addr >= kgr_direct_pool_start && addr < kgr_direct_pool_end) ||
	    addr - kgr_direct_pass_start < KGR_STUB_SIZE)
		return true;
	rcu_read_lock_sched_notrace();
	list_for_each_entry_rcu(pool, &kgr_entry_pools, node) {
		if (addr - (unsigned long)pool->stubs[0] <
		    pool->nr * KGR_STUB_SIZE) {
			hit = true;
			break;
		}
	}
	rcu_read_unlock_sched_notrace();
	return hit;
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

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static int kgr_modify_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return modify_ftrace_direct(ops, addr);
}
#else
static int kgr_modify_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return modify_ftrace_direct_multi(ops, addr);
}
#endif

/*
 * Where the fentry call must go to reach @fun's new function (NULL: pass
 * on): its entry stub, its jump set if this is its first use (setting it
 * again to the same function changes nothing), else a free stub of
 * kgr.ko's pool aimed at it (*@slot); 0 when none is free.
 */
static unsigned long kgr_direct_stub_for(const struct kgr_patch_fun *fun,
					 int *slot)
{
	const struct kgr_entry_pool *pool;
	unsigned int i;

	*slot = -1;
	if (!fun)
		return kgr_direct_pass_start;
	if (fun->entry) {
		pool = fun->patch->entries;
		i = ((unsigned long)fun->entry -
		     (unsigned long)pool->stubs[0]) / KGR_STUB_SIZE;
		__static_call_update(pool->keys[i], pool->tramps[i],
				     fun->new_fun);
		return (unsigned long)fun->entry;
	}
	*slot = find_first_zero_bit(kgr_direct_used, KGR_DIRECT_NR_SLOTS);
	if (*slot >= KGR_DIRECT_NR_SLOTS) {
		*slot = -1;
		return 0;
	}
	__static_call_update(kgr_direct_keys[*slot], kgr_direct_tramps[*slot],
			     fun->new_fun);
	__set_bit(*slot, kgr_direct_used);
	return (unsigned long)kgr_direct_stubs[*slot];
}

/* Never reached: its slot is free again at once. */
static void kgr_direct_unused(int slot)
{
	if (slot >= 0)
		__clear_bit(slot, kgr_direct_used);
}

/*
 * ftrace no longer calls @slot, but a task may be inside: the slot is
 * freed by kgr_direct_reap() or the next detach, after Tasks RCU.
 */
static void kgr_direct_retire(int slot)
{
	if (slot >= 0)
		__set_bit(slot, kgr_direct_retired);
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
static void kgr_direct_set(struct kgr_direct *direct, unsigned long stub,
			   int slot, void *target)
{
	direct->stub = stub;
	direct->slot = slot;
	/* Read by kgr_direct_ops_func() under ftrace's direct_mutex. */
	WRITE_ONCE(direct->target, target);
	if (target)
		direct->ops.flags |= FTRACE_OPS_FL_PERMANENT;
	else
		direct->ops.flags &= ~FTRACE_OPS_FL_PERMANENT;
}

int kgr_direct_attach(struct kgr_direct *direct, unsigned long ip,
		      const struct kgr_patch_fun *fun)
{
	unsigned long stub;
	int slot, ret;

	lockdep_assert_held(&kgr_mutex);
	if (!kgr_direct_usable)
		return -EOPNOTSUPP;
	/* The stub first: ftrace may call it as soon as it is registered. */
	stub = kgr_direct_stub_for(fun, &slot);
	if (!stub)
		return -ENOSPC;
	memset(&direct->ops, 0, sizeof(direct->ops));
	direct->ops.ops_func = kgr_direct_ops_func;
	ret = ftrace_set_filter_ip(&direct->ops, ip, 0, 0);
	if (ret)
		goto err;
	WRITE_ONCE(kgr_direct_sharer, current);
	ret = kgr_register_direct(&direct->ops, stub);
	WRITE_ONCE(kgr_direct_sharer, NULL);
	if (ret) {
		ftrace_free_filter(&direct->ops);
		goto err;
	}
	direct->attached = true;
	kgr_direct_set(direct, stub, slot, fun ? fun->new_fun : NULL);
	return 0;
err:
	kgr_direct_unused(slot);
	return ret;
}

/*
 * Unregistering a direct ops waits, as for any ops of a module, until no
 * task can be inside the stub or on its way to it (Tasks RCU): its slot,
 * and those retired before, can then be used again at once.
 */
void kgr_direct_detach(struct kgr_direct *direct)
{
	lockdep_assert_held(&kgr_mutex);
	WARN_ON(kgr_unregister_direct(&direct->ops, direct->stub));
	kgr_direct_retire(direct->slot);
	bitmap_andnot(kgr_direct_used, kgr_direct_used, kgr_direct_retired,
		      KGR_DIRECT_NR_SLOTS);
	bitmap_zero(kgr_direct_retired, KGR_DIRECT_NR_SLOTS);
	direct->target = NULL;
	direct->attached = false;
}

/*
 * A new stub for the fentry call, by ftrace's modify (which sends the
 * calls through its list function meanwhile, each to the old stub or the
 * new one): the old stub's jump is left alone, so that a task inside it
 * goes where it went when the task entered. kgr's handler may be
 * registered beside: it must send every task where both stubs do, or be
 * the one deciding (a passing stub).
 */
int kgr_direct_retarget(struct kgr_direct *direct,
			const struct kgr_patch_fun *fun)
{
	void *target = fun ? fun->new_fun : NULL;
	unsigned long stub;
	int slot, ret;

	lockdep_assert_held(&kgr_mutex);
	if (target == direct->target &&
	    (!fun || !fun->entry || (unsigned long)fun->entry == direct->stub))
		return 0;
	stub = kgr_direct_stub_for(fun, &slot);
	if (!stub)
		return -ENOSPC;
	WRITE_ONCE(kgr_direct_sharer, current);
	/* Leaving is a step of an apply or revert: the tests fail it. */
	ret = fun ? kgr_modify_direct(&direct->ops, stub) :
		    kgr_fallible("modify_ftrace_direct", -ENOMEM,
				 kgr_modify_direct(&direct->ops, stub));
	WRITE_ONCE(kgr_direct_sharer, NULL);
	if (ret) {
		kgr_direct_unused(slot);
		return ret;
	}
	kgr_direct_retire(direct->slot);
	kgr_direct_set(direct, stub, slot, target);
	return 0;
}

/*
 * Free the retired slots once no task can be inside them: a task
 * preempted in a stub holds up Tasks RCU. False when there were none.
 */
bool kgr_direct_reap(void)
{
	DECLARE_BITMAP(reaped, KGR_DIRECT_NR_SLOTS);

	lockdep_assert_held(&kgr_mutex);
	if (bitmap_empty(kgr_direct_retired, KGR_DIRECT_NR_SLOTS))
		return false;
	bitmap_copy(reaped, kgr_direct_retired, KGR_DIRECT_NR_SLOTS);
	synchronize_rcu_tasks();
	bitmap_andnot(kgr_direct_used, kgr_direct_used, reaped,
		      KGR_DIRECT_NR_SLOTS);
	bitmap_andnot(kgr_direct_retired, kgr_direct_retired, reaped,
		      KGR_DIRECT_NR_SLOTS);
	return true;
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
