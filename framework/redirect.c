// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * redirect.c - ftrace redirection of old functions to new ones
 *
 * One ftrace_ops with IPMODIFY for all of kgr, its filter holding every
 * patched address. Its handler runs at the fentry site of the old
 * function, finds the address's kgr_ops by ip, and sets the saved
 * instruction pointer to the function the calling task must run; the
 * trampoline then "returns" into it, so under IBT the new function is
 * entered by a ret, which needs no endbr64 (as kernel/livepatch does on
 * 6.12). A patch's addresses join and leave the filter in one batch, so
 * that applying or reverting it walks ftrace's records once, not once per
 * function.
 *
 * Each kgr_ops keeps a stack of the functions replacing its address,
 * newest first, so that patches stack: the top one runs, the one below it
 * is what tasks still in the old universe run during a transition.
 *
 * Once an address's top function is FAST and nothing else changes there,
 * its handler gives way to a direct call (direct.c), switched off again
 * before anything changes. Both switches keep the handler and the direct
 * call registered together for a moment, both sending every task to the
 * top function, so there is no instant at which the fentry site sends a
 * task elsewhere: see "The direct path" in Documentation/design.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/ftrace.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "internal.h"
#include "fault.h"

/* Every kgr_ops with a function on its stack. kgr_mutex. */
static LIST_HEAD(kgr_ops_list);

/*
 * The same, by fentry site, for the handler: added to under kgr_mutex,
 * read under RCU (the handler runs with preemption disabled). An entry
 * leaves it when its stack empties and is freed by the next
 * kgr_redirect_sync(), once no handler can hold it.
 */
static DEFINE_HASHTABLE(kgr_ops_hash, 10);

/*
 * kgr_ops off kgr_ops_hash, their stacks empty. Those without a direct
 * call are freed by the next kgr_redirect_sync(); those with one, passing
 * (the stub then sends every task to the original, as the handler does),
 * wait for the background work to detach it, since a detach waits for
 * Tasks RCU: a revert of 1,000 functions on the direct path would
 * otherwise hold kgr_mutex for minutes. A new patch of the same address
 * takes its kgr_ops back. kgr_mutex.
 */
static LIST_HEAD(kgr_ops_gone);

/* Addresses in kgr_fops's filter; registered while not 0. kgr_mutex. */
static unsigned int kgr_fops_nr;

/* The direct path's switch: module parameter "direct". kgr_mutex. */
static bool kgr_direct_on = true;

/* The type of ftrace_ops_test(), which kernel/trace keeps private. */
typedef int (kgr_ops_test_fn)(struct ftrace_ops *ops, unsigned long ip,
			      void *regs);

/* Non-exported ftrace internals, resolved by kgr_redirect_init(). */
DEFINE_STATIC_CALL_NULL(kgr_ftrace_location, ftrace_location);
DEFINE_STATIC_CALL_NULL(kgr_ftrace_ops_test, *(kgr_ops_test_fn *)NULL);
static bool kgr_have_ops_test;
static struct ftrace_ops __rcu **kgr_ftrace_ops_list;
static struct ftrace_ops *kgr_ftrace_list_end;
/* The kernel.ftrace_enabled sysctl, to name it when it refuses us. */
static int *kgr_ftrace_enabled;

int kgr_redirect_init(void)
{
	unsigned long ops_test;

	if (kgr_static_call_resolve(kgr_ftrace_location, ftrace_location))
		return -ENOENT;
	kgr_direct_init();
	/* Only used to name who else holds a target: optional. */
	ops_test = kgr_lookup_name("ftrace_ops_test");
	if (ops_test)
		static_call_update(kgr_ftrace_ops_test,
				   (kgr_ops_test_fn *)ops_test);
	kgr_have_ops_test = ops_test;
	kgr_ftrace_ops_list = (void *)kgr_lookup_name("ftrace_ops_list");
	kgr_ftrace_list_end = (void *)kgr_lookup_name("ftrace_list_end");
	kgr_ftrace_enabled = (int *)kgr_lookup_name("ftrace_enabled");
	return 0;
}

/* Renamed in 6.2: ftrace_instruction_pointer_set() on 6.1. */
static inline void kgr_set_ip(struct ftrace_regs *fregs, unsigned long ip)
{
#ifdef ftrace_regs_set_instruction_pointer
	ftrace_regs_set_instruction_pointer(fregs, ip);
#else
	ftrace_instruction_pointer_set(fregs, ip);
#endif
}

/*
 * During a transition: the entry the calling task runs, by its universe
 * (or, in interrupt and NMI context, the one migrate.c chose): the top one
 * in the new universe, the one below (NULL: the original) in the old one.
 */
static struct kgr_patch_fun *kgr_fun_for_task(struct kgr_ops *ops,
					      struct kgr_patch_fun *fun,
					      bool new_universe)
{
	if (new_universe)
		return fun;
	fun = list_entry_rcu(fun->stack_node.next, struct kgr_patch_fun,
			     stack_node);
	return &fun->stack_node == &ops->func_stack ? NULL : fun;
}

/* NULL new_fun: a replace_all patch sends it back to the original. */
static __always_inline void kgr_redirect_to(struct ftrace_regs *fregs,
					    struct kgr_patch_fun *fun)
{
	if (fun && fun->new_fun)
		kgr_set_ip(fregs, (unsigned long)fun->new_fun);
}

/*
 * The handler's path during a transition, and its unlock. Out of line and
 * called last, so that the fast path keeps no registers across a call.
 * The recursion lock is dropped before the entry migration (preemption
 * stays off): a patched function its stack walk calls then gets kgr's
 * choice rather than ftrace's recursion refusal.
 */
static noinline notrace void kgr_ftrace_slow(unsigned long ip,
					     struct kgr_ops *ops,
					     struct kgr_patch_fun *fun,
					     struct ftrace_regs *fregs, int bit)
{
	preempt_disable_notrace();
	ftrace_test_recursion_unlock(bit);
	/* None: the address is leaving; every task runs the original. */
	if (fun) {
		/* Pairs with smp_wmb() in transition.c: universes set first. */
		smp_rmb();
		kgr_redirect_to(fregs, kgr_fun_for_task(ops, fun,
							kgr_migrate_at_entry(ip)));
	}
	preempt_enable_notrace();
}

static __always_inline struct kgr_ops *kgr_ops_at(unsigned long ip)
{
	struct kgr_ops *ops;

	hash_for_each_possible_rcu_notrace(kgr_ops_hash, ops, hnode, ip)
		if (ops->loc == ip)
			return ops;
	return NULL;
}

/*
 * The hot path. After finalize (FAST) it only reads the top of the stack
 * and sets the ip: no per-task lookup.
 */
static void notrace kgr_ftrace_handler(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *fops,
				       struct ftrace_regs *fregs)
{
	struct kgr_patch_fun *fun;
	struct kgr_ops *ops;
	int bit;

	/* Also disables preemption: kgr_redirect_sync() waits for us. */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;

	ops = kgr_ops_at(ip);
	fun = ops ? list_first_or_null_rcu(&ops->func_stack,
					   struct kgr_patch_fun, stack_node) :
		    NULL;
	if (unlikely(!fun || READ_ONCE(fun->state) != KGR_FUN_FAST)) {
		kgr_ftrace_slow(ip, ops, fun, fregs, bit);
		return;
	}
	kgr_redirect_to(fregs, fun);
	ftrace_test_recursion_unlock(bit);
}

/*
 * kgr's one ftrace_ops. An empty filter would mean every function: it is
 * registered with its first address and unregistered with its last.
 */
static struct ftrace_ops kgr_fops = {
	.func = kgr_ftrace_handler,
	.flags = FTRACE_OPS_FL_DYNAMIC |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 FTRACE_OPS_FL_SAVE_REGS |
#endif
		 FTRACE_OPS_FL_IPMODIFY |
		 FTRACE_OPS_FL_PERMANENT,
};

static struct kgr_ops *kgr_find_ops(unsigned long old_addr)
{
	struct kgr_ops *ops;

	list_for_each_entry(ops, &kgr_ops_list, node)
		if (ops->old_addr == old_addr)
			return ops;
	return NULL;
}

static struct kgr_patch_fun *kgr_ops_top(struct kgr_ops *ops)
{
	return list_first_entry(&ops->func_stack, struct kgr_patch_fun,
				stack_node);
}

struct kgr_patch_fun *kgr_redirect_top(unsigned long old_addr)
{
	struct kgr_ops *ops = kgr_find_ops(old_addr);

	return ops ? kgr_ops_top(ops) : NULL;
}

struct kgr_patch_fun *kgr_redirect_below(struct kgr_patch_fun *fun)
{
	if (list_is_last(&fun->stack_node, &fun->ops->func_stack))
		return NULL;
	return list_next_entry(fun, stack_node);
}

/*
 * Name, in an error of @patch_name about @name, every enabled ftrace_ops
 * at @ip that is not kgr's and has all of @flags, walking the ops list the
 * way ftrace's own list function does; the number named. Without
 * ftrace_ops_test() every such ops is named, wherever it traces.
 */
static int kgr_name_others(const char *patch_name, const char *name,
			   unsigned long ip, unsigned long flags)
{
	/* Only tells ftrace_ops_test() that ops saving regs may match. */
	static struct pt_regs regs_saved;
	struct ftrace_ops *op;
	int named = 0;

	if (!kgr_ftrace_ops_list || !kgr_ftrace_list_end)
		return 0;
	preempt_disable_notrace();
	for (op = rcu_dereference_raw(*kgr_ftrace_ops_list);
	     op && op != kgr_ftrace_list_end;
	     op = rcu_dereference_raw(op->next)) {
		if ((op->flags & flags) != flags ||
		    !(op->flags & FTRACE_OPS_FL_ENABLED) ||
		    op == &kgr_fops || kgr_direct_own(op))
			continue;
		if (kgr_have_ops_test &&
		    !static_call(kgr_ftrace_ops_test)(op, ip, &regs_saved))
			continue;
		if (flags & FTRACE_OPS_FL_DIRECT)
			pr_err("%s: '%s' is already called directly by another ftrace user (a BPF trampoline?)\n",
			       patch_name, name);
		else
			pr_err("%s: '%s' is already redirected by %ps\n",
			       patch_name, name, op->func);
		named++;
	}
	preempt_enable_notrace();
	return named;
}

/*
 * Empty the filter of the unregistered kgr_fops. Not ftrace_free_filter(),
 * which leaves the ops pointing at the freed hash.
 */
static void kgr_filter_reset(void)
{
	WARN_ON(ftrace_set_filter_ips(&kgr_fops, NULL, 0, 0, 1));
}

/*
 * Add @n addresses to kgr_fops's filter, registering it with the first:
 * all or none. The registration is the one ftrace asks a direct call's
 * owner about, kgr's own direct call included (kgr_direct_register_beside).
 */
static int kgr_filter_add(unsigned long *ips, unsigned int n)
{
	int ret;

	ret = kgr_fallible("ftrace_set_filter_ips", -ENOMEM,
			   ftrace_set_filter_ips(&kgr_fops, ips, n, 0, 0));
	if (ret || kgr_fops_nr) {
		if (!ret)
			kgr_fops_nr += n;
		return ret;
	}
	ret = kgr_fallible("register_ftrace_function", -ENOMEM,
			   kgr_direct_register_beside(&kgr_fops));
	if (ret) {
		kgr_filter_reset();
		return ret;
	}
	kgr_fops_nr = n;
	return 0;
}

/*
 * Remove @n addresses from kgr_fops's filter; the last ones unregister it,
 * which waits for every handler in flight. Handlers already past the
 * fentry site of a removed address still find its kgr_ops until it leaves
 * kgr_ops_hash, and none once it has: the caller says which is right.
 */
static void kgr_filter_del(unsigned long *ips, unsigned int n)
{
	if (n == kgr_fops_nr) {
		if (WARN_ON(unregister_ftrace_function(&kgr_fops)))
			return;
		kgr_filter_reset();
		kgr_fops_nr = 0;
		return;
	}
	if (!WARN_ON(ftrace_set_filter_ips(&kgr_fops, ips, n, 1, 0)))
		kgr_fops_nr -= n;
}

/* Why a batch was refused, naming its functions where that can be told. */
static void kgr_log_refusal(struct kgr_ops **batch, unsigned int n, int ret)
{
	struct kgr_patch_fun *fun = kgr_ops_top(batch[0]);
	unsigned int i;
	int named = 0;

	if (ret == -EBUSY && !kgr_fops_nr && kgr_ftrace_enabled &&
	    !READ_ONCE(*kgr_ftrace_enabled)) {
		/* Permanent ops are refused while the sysctl is off. */
		pr_err("%s: cannot redirect '%s': ftrace is disabled (kernel.ftrace_enabled = 0)\n",
		       fun->patch->name, fun->name);
		return;
	}
	if (ret != -EBUSY) {
		pr_err("%s: cannot redirect '%s'%s: ftrace error %d\n",
		       fun->patch->name, fun->name,
		       n > 1 ? " and the functions with it" : "", ret);
		return;
	}
	for (i = 0; i < n; i++) {
		fun = kgr_ops_top(batch[i]);
		named |= kgr_name_others(fun->patch->name, fun->name,
					 batch[i]->loc, FTRACE_OPS_FL_IPMODIFY);
	}
	if (!named)
		pr_err("%s: '%s'%s is already redirected by another ftrace user (livepatch or kprobe)\n",
		       fun->patch->name, fun->name,
		       n > 1 ? " or a function with it" : "");
}

/*
 * Put the addresses pushed since the last commit into kgr_fops's filter,
 * in one batch; on an error none is, and the caller pops them. Those on
 * the direct path then leave it; if one cannot, its handler and its stub
 * both still send every task to its top, and the error makes the caller
 * pop what it pushed.
 */
static int kgr_ops_leave_direct(struct kgr_ops *ops);

int kgr_redirect_commit(void)
{
	struct kgr_ops **batch;
	unsigned long *ips;
	unsigned int n = 0, i;
	struct kgr_ops *ops;
	bool foreign = false;
	int ret = -ENOMEM, stay = 0;

	lockdep_assert_held(&kgr_mutex);
	list_for_each_entry(ops, &kgr_ops_list, node)
		n += ops->pending;
	if (!n)
		return 0;
	batch = kgr_fallible("kmalloc_array(batch)", NULL,
			     kmalloc_array(n, sizeof(*batch), GFP_KERNEL));
	ips = kgr_fallible("kmalloc_array(ips)", NULL,
			   kmalloc_array(n, sizeof(*ips), GFP_KERNEL));
	if (!batch || !ips)
		goto out;
	i = 0;
	list_for_each_entry(ops, &kgr_ops_list, node) {
		if (!ops->pending)
			continue;
		batch[i] = ops;
		ips[i++] = ops->loc;
		/*
		 * ftrace asks a direct call's owner (a BPF trampoline)
		 * whether an IPMODIFY ops may share its address when the ops
		 * registers, not when its filter grows: kgr refuses rather
		 * than change the ip behind the owner's back.
		 */
		if (kgr_fops_nr)
			foreign |= kgr_name_others(kgr_ops_top(ops)->patch->name,
						   kgr_ops_top(ops)->name,
						   ops->loc,
						   FTRACE_OPS_FL_DIRECT);
	}
	ret = foreign ? -EBUSY : kgr_filter_add(ips, n);
	if (ret && !foreign)
		kgr_log_refusal(batch, n, ret);
out:
	kfree(ips);
	kfree(batch);
	list_for_each_entry(ops, &kgr_ops_list, node) {
		if (!ops->pending)
			continue;
		ops->pending = false;
		if (ret)
			continue;
		ops->in_filter = true;
		/*
		 * Leaving the direct path: the handler decides from now on.
		 * An address that cannot leave sends every task to its top
		 * both ways, which the caller's abort keeps true.
		 */
		stay = kgr_ops_leave_direct(ops) ?: stay;
	}
	return ret ?: stay;
}

/* A gone kgr_ops of fentry site @loc, to take back. */
static struct kgr_ops *kgr_ops_gone_at(unsigned long loc)
{
	struct kgr_ops *ops;

	list_for_each_entry(ops, &kgr_ops_gone, node)
		if (ops->loc == loc)
			return ops;
	return NULL;
}

static struct kgr_ops *kgr_ops_create(struct kgr_patch_fun *fun)
{
	unsigned long loc;
	struct kgr_ops *ops;

	loc = static_call(kgr_ftrace_location)(kgr_fentry_guess(fun->old_addr));
	if (!loc)
		loc = static_call(kgr_ftrace_location)(fun->old_addr);
	if (!loc) {
		pr_err("%s: '%s' cannot be traced (notrace, inlined or no fentry)\n",
		       fun->patch->name, fun->name);
		return ERR_PTR(-EINVAL);
	}

	ops = kgr_ops_gone_at(loc);
	if (ops) {
		list_del(&ops->node);
	} else {
		ops = kgr_fallible("kzalloc(kgr_ops)", NULL,
				   kzalloc(sizeof(*ops), GFP_KERNEL));
		if (!ops)
			return ERR_PTR(-ENOMEM);
		ops->loc = loc;
		INIT_LIST_HEAD(&ops->func_stack);
	}
	ops->old_addr = fun->old_addr;
	ops->pending = !ops->in_filter;
	ops->direct_refused = false;
	list_add_rcu(&fun->stack_node, &ops->func_stack);
	/* Before the commit puts it in the filter: the handler may run. */
	hash_add_rcu(kgr_ops_hash, &ops->hnode, loc);
	list_add(&ops->node, &kgr_ops_list);
	return ops;
}

/*
 * The direct path ends by adding the address to kgr_fops beside the
 * direct call and then pointing the stub at "pass on the handler's
 * choice": while both are there each sends every task to the top
 * function, the handler because it is FAST, the stub because that is its
 * target. The direct call stays, passing, until the address goes direct
 * again or goes away, so that leaving waits for no grace period.
 */
static int kgr_ops_leave_direct(struct kgr_ops *ops)
{
	int ret;

	if (!ops->direct.target)
		return 0;
	if (!ops->in_filter) {
		ret = kgr_filter_add(&ops->loc, 1);
		if (ret)
			return ret;
		ops->in_filter = true;
	}
	ret = kgr_direct_retarget(&ops->direct, NULL);
	if (ret) {
		pr_err("cannot leave the direct path at %pS: %d\n",
		       (void *)ops->old_addr, ret);
		return ret;
	}
	WRITE_ONCE(kgr_ops_top(ops)->direct, false);
	return 0;
}

/* The direct call goes too: the switch is off, or the address goes. */
static int kgr_ops_detach_direct(struct kgr_ops *ops)
{
	int ret;

	if (!ops->direct.attached)
		return 0;
	ret = kgr_ops_leave_direct(ops);
	if (!ret)
		kgr_direct_detach(&ops->direct);
	return ret;
}

/*
 * The other way round: the stub aimed at the top function (the direct
 * call attached first if it is not), then the address leaves kgr_fops.
 * A handler still running for it finds the same top function, FAST.
 */
static void kgr_ops_go_direct(struct kgr_ops *ops, struct kgr_patch_fun *top)
{
	int ret = 0;

	if (ops->direct.attached)
		ret = kgr_direct_retarget(&ops->direct, top);
	else
		ret = kgr_direct_attach(&ops->direct, ops->loc, top);
	if (ret) {
		pr_debug("%s: '%s' stays on the handler path: %d\n",
			 top->patch->name, top->name, ret);
		ops->direct_refused = true;
		return;
	}
	if (ops->in_filter) {
		kgr_filter_del(&ops->loc, 1);
		ops->in_filter = false;
	}
	WRITE_ONCE(top->direct, true);
}

void kgr_redirect_leave_direct(struct kgr_patch_fun *fun)
{
	lockdep_assert_held(&kgr_mutex);
	if (fun->ops && fun->ops->direct.target && !fun->ops->in_filter)
		fun->ops->pending = true;
}

/* Whether @ops should be on the direct path, and its function if so. */
static struct kgr_patch_fun *kgr_direct_candidate(struct kgr_ops *ops)
{
	struct kgr_patch_fun *top;

	top = kgr_ops_top(ops);
	if (!kgr_direct_on || ops->direct_refused ||
	    top->state != KGR_FUN_FAST || !top->new_fun)
		return NULL;
	return top;
}

/* The background work has something to do on @ops. */
static bool kgr_direct_due(struct kgr_ops *ops, bool gone)
{
	if (gone)
		return ops->direct.attached && !ops->in_filter;
	/* In the filter beside a target: a leave that failed, to undo. */
	if (kgr_direct_candidate(ops))
		return !ops->direct.target || ops->in_filter;
	return !kgr_direct_on && ops->direct.attached && !ops->direct_refused;
}

/*
 * Move one address to the path it should be on, or detach the direct call
 * of one that went; false when none is left. A detach waits for Tasks RCU
 * (ftrace's wait for any ops of a module): one address per call, so that
 * kgr_mutex is never held for more than one of them.
 */
static bool kgr_direct_step(void)
{
	struct kgr_ops *ops;

	if (kgr_direct_reap())
		return true;
	list_for_each_entry(ops, &kgr_ops_gone, node) {
		if (!kgr_direct_due(ops, true))
			continue;
		/* Waits until no handler or task can be in it or its stub. */
		kgr_direct_detach(&ops->direct);
		list_del(&ops->node);
		kfree(ops);
		return true;
	}
	list_for_each_entry(ops, &kgr_ops_list, node) {
		if (!kgr_direct_due(ops, false))
			continue;
		if (kgr_direct_on) {
			kgr_ops_go_direct(ops, kgr_direct_candidate(ops));
		} else if (kgr_ops_detach_direct(ops)) {
			pr_warn("cannot leave the direct path at %pS\n",
				(void *)ops->old_addr);
			ops->direct_refused = true;
		}
		return true;
	}
	return false;
}

static void kgr_direct_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(kgr_direct_work, kgr_direct_work_fn);

static void kgr_direct_work_fn(struct work_struct *work)
{
	bool more;

	mutex_lock(&kgr_mutex);
	more = kgr_direct_step();
	mutex_unlock(&kgr_mutex);
	if (more)
		queue_delayed_work(system_long_wq, &kgr_direct_work, 0);
}

/*
 * A second after the last change: patches applied or reverted one after
 * the other (a stack being built, a script) do not wait for the grace
 * periods of addresses that are about to change again.
 */
void kgr_redirect_direct_update(void)
{
	lockdep_assert_held(&kgr_mutex);
	mod_delayed_work(system_long_wq, &kgr_direct_work, HZ);
}

/*
 * ftrace forgets the sites of a module that goes, but not a direct call on
 * one: the direct calls of its addresses that went are detached now, not
 * in the background, else a module loaded at the same address later would
 * find a direct call on its function.
 */
void kgr_redirect_module_going(struct module *mod)
{
	struct kgr_ops *ops, *tmp;

	lockdep_assert_held(&kgr_mutex);
	kgr_redirect_sync();
	list_for_each_entry_safe(ops, tmp, &kgr_ops_gone, node) {
		if (!within_module(ops->loc, mod))
			continue;
		kgr_direct_detach(&ops->direct);
		list_del(&ops->node);
		kfree(ops);
	}
}

void kgr_redirect_exit(void)
{
	cancel_delayed_work_sync(&kgr_direct_work);
	mutex_lock(&kgr_mutex);
	kgr_redirect_sync();
	while (kgr_direct_step())
		;
	mutex_unlock(&kgr_mutex);
}

static int kgr_direct_param_set(const char *val,
				const struct kernel_param *kp)
{
	struct kgr_ops *ops;
	int ret;

	mutex_lock(&kgr_mutex);
	ret = param_set_bool(val, kp);
	if (!ret) {
		/* A new try for the addresses that were refused. */
		list_for_each_entry(ops, &kgr_ops_list, node)
			ops->direct_refused = false;
		kgr_redirect_direct_update();
	}
	mutex_unlock(&kgr_mutex);
	return ret;
}

static const struct kernel_param_ops kgr_direct_param_ops = {
	.set = kgr_direct_param_set,
	.get = param_get_bool,
};
module_param_cb(direct, &kgr_direct_param_ops, &kgr_direct_on, 0644);
MODULE_PARM_DESC(direct, "call new functions directly once transitions finish (default: on)");

/* What the background work has left to do: tests wait for 0. */
static int kgr_direct_pending_get(char *buf, const struct kernel_param *kp)
{
	unsigned int n = 0;
	struct kgr_ops *ops;

	mutex_lock(&kgr_mutex);
	list_for_each_entry(ops, &kgr_ops_gone, node)
		n += kgr_direct_due(ops, true);
	list_for_each_entry(ops, &kgr_ops_list, node)
		n += kgr_direct_due(ops, false);
	mutex_unlock(&kgr_mutex);
	return sysfs_emit(buf, "%u\n", n);
}

static const struct kernel_param_ops kgr_direct_pending_ops = {
	.get = kgr_direct_pending_get,
};
module_param_cb(direct_pending, &kgr_direct_pending_ops, NULL, 0444);
MODULE_PARM_DESC(direct_pending, "addresses still to move to or from the direct path, or to detach");

void kgr_redirect_prepare(struct kgr_patch_fun *fun)
{
	struct kgr_ops *ops;

	lockdep_assert_held(&kgr_mutex);
	ops = kgr_find_ops(fun->old_addr);
	if (ops && ops->direct.target && !ops->in_filter)
		ops->pending = true;
}

int kgr_redirect_add(struct kgr_patch_fun *fun)
{
	struct kgr_ops *ops;
	int ret;

	lockdep_assert_held(&kgr_mutex);
	ops = kgr_find_ops(fun->old_addr);
	if (ops) {
		/*
		 * Before the push: a transition may already run. Done by the
		 * commit after kgr_redirect_prepare(), else here, alone.
		 */
		ret = kgr_ops_leave_direct(ops);
		if (ret) {
			pr_err("%s: '%s' cannot leave the direct path: %d\n",
			       fun->patch->name, fun->name, ret);
			return ret;
		}
		ops->direct_refused = false;
		fun->ops = ops;
		list_add_rcu(&fun->stack_node, &ops->func_stack);
		return 0;
	}
	ops = kgr_ops_create(fun);
	if (IS_ERR(ops))
		return PTR_ERR(ops);
	fun->ops = ops;
	return 0;
}

/*
 * An entry left a direct stack: only the entries of finished patches are
 * on it (a transition leaves the direct path first), so the stub goes
 * where the FAST handler would send every task, the new top.
 */
static void kgr_direct_follow_top(struct kgr_ops *ops)
{
	struct kgr_patch_fun *top;

	if (!ops->direct.target)
		return;
	top = kgr_ops_top(ops);
	if (WARN_ON(!top->new_fun))
		return;
	if (WARN(kgr_direct_retarget(&ops->direct, top),
		 "kgr: the direct call at %pS still goes to a popped function\n",
		 (void *)ops->old_addr))
		return;
	WRITE_ONCE(top->direct, true);
}

void kgr_redirect_del(struct kgr_patch_fun *fun)
{
	struct kgr_ops *ops = fun->ops;

	lockdep_assert_held(&kgr_mutex);
	if (WARN_ON(!ops))
		return;
	fun->ops = NULL;
	WRITE_ONCE(fun->direct, false);
	if (!list_is_singular(&ops->func_stack)) {
		list_del_rcu(&fun->stack_node);
		kgr_direct_follow_top(ops);
		ops->direct_refused = false;
		return;
	}
	/* From here on the handler sends every task to the original. */
	hash_del_rcu(&ops->hnode);
	/* And so does the stub, passing on the ip the handler left alone. */
	if (ops->direct.target)
		WARN(kgr_direct_retarget(&ops->direct, NULL),
		     "kgr: the direct call at %pS still goes to a popped function\n",
		     (void *)ops->old_addr);
	list_del_rcu(&fun->stack_node);
	list_move(&ops->node, &kgr_ops_gone);
	if (ops->direct.attached)
		kgr_redirect_direct_update();
}

/* The addresses that went take their leave of kgr_fops's filter. */
static void kgr_filter_drop_dead(void)
{
	unsigned long *ips;
	unsigned int n = 0;
	struct kgr_ops *ops;

	list_for_each_entry(ops, &kgr_ops_gone, node)
		n += ops->in_filter;
	if (!n)
		return;
	/* No error may stop a revert: one by one if memory is short. */
	ips = kmalloc_array(n, sizeof(*ips), GFP_KERNEL | __GFP_NOWARN);
	n = 0;
	list_for_each_entry(ops, &kgr_ops_gone, node) {
		if (!ops->in_filter)
			continue;
		if (ips)
			ips[n++] = ops->loc;
		else
			kgr_filter_del(&ops->loc, 1);
		ops->in_filter = false;
	}
	if (ips)
		kgr_filter_del(ips, n);
	kfree(ips);
}

static DEFINE_PER_CPU(struct work_struct, kgr_sync_work);

static void kgr_sync_fn(struct work_struct *work)
{
}

/*
 * Like klp_synchronize_transition(), which is schedule_on_each_cpu() (not
 * exported): once a work has run on every CPU, each CPU has scheduled, so
 * every handler that read the old stack or state has returned, including
 * those running where RCU does not watch (idle, entry code), and the
 * kgr_ops of the addresses that went can be freed. Unlike
 * synchronize_rcu_tasks_rude() it does not wait for the rude grace-period
 * kthread, which sleeps 100 ms between grace periods. kgr_mutex serializes
 * the users of the works.
 */
void kgr_redirect_sync(void)
{
	struct kgr_ops *ops, *tmp;
	struct work_struct *work;
	int cpu;

	lockdep_assert_held(&kgr_mutex);
	kgr_filter_drop_dead();
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		work = per_cpu_ptr(&kgr_sync_work, cpu);
		INIT_WORK(work, kgr_sync_fn);
		queue_work_on(cpu, system_wq, work);
	}
	for_each_online_cpu(cpu)
		flush_work(per_cpu_ptr(&kgr_sync_work, cpu));
	cpus_read_unlock();

	list_for_each_entry_safe(ops, tmp, &kgr_ops_gone, node) {
		if (ops->direct.attached)
			continue;
		list_del(&ops->node);
		kfree(ops);
	}
}
