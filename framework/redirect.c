// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * redirect.c - ftrace redirection of old functions to new ones
 *
 * One ftrace_ops with IPMODIFY per patched address. Its handler runs at
 * the fentry site of the old function and sets the saved instruction
 * pointer to the function the calling task must run; the trampoline then
 * "returns" into it, so under IBT the new function is entered by a ret,
 * which needs no endbr64 (as kernel/livepatch does on 6.12).
 *
 * Each ops keeps a stack of the functions replacing its address, newest
 * first, so that patches stack: the top one runs, the one below it is what
 * tasks still in the old universe run during a transition.
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
#include <linux/moduleparam.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "internal.h"
#include "fault.h"

/* Every kgr_ops with a registered ftrace_ops. kgr_mutex. */
static LIST_HEAD(kgr_ops_list);

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
					      struct kgr_patch_fun *fun)
{
	/* Pairs with smp_wmb() in transition.c: universes set first. */
	smp_rmb();
	if (kgr_task_in_new_universe())
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
 */
static noinline notrace void kgr_ftrace_slow(struct kgr_ops *ops,
					     struct kgr_patch_fun *fun,
					     struct ftrace_regs *fregs, int bit)
{
	if (!WARN_ON_ONCE(!fun))
		kgr_redirect_to(fregs, kgr_fun_for_task(ops, fun));
	ftrace_test_recursion_unlock(bit);
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
	struct kgr_ops *ops = container_of(fops, struct kgr_ops, fops);
	struct kgr_patch_fun *fun;
	int bit;

	/* Also disables preemption: kgr_redirect_sync() waits for us. */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;

	fun = list_first_or_null_rcu(&ops->func_stack, struct kgr_patch_fun,
				     stack_node);
	if (unlikely(!fun || READ_ONCE(fun->state) != KGR_FUN_FAST)) {
		kgr_ftrace_slow(ops, fun, fregs, bit);
		return;
	}
	kgr_redirect_to(fregs, fun);
	ftrace_test_recursion_unlock(bit);
}

static struct kgr_ops *kgr_find_ops(unsigned long old_addr)
{
	struct kgr_ops *ops;

	list_for_each_entry(ops, &kgr_ops_list, node)
		if (ops->old_addr == old_addr)
			return ops;
	return NULL;
}

struct kgr_patch_fun *kgr_redirect_top(unsigned long old_addr)
{
	struct kgr_ops *ops = kgr_find_ops(old_addr);

	if (!ops)
		return NULL;
	return list_first_entry(&ops->func_stack, struct kgr_patch_fun,
				stack_node);
}

struct kgr_patch_fun *kgr_redirect_below(struct kgr_patch_fun *fun)
{
	if (list_is_last(&fun->stack_node, &fun->ops->func_stack))
		return NULL;
	return list_next_entry(fun, stack_node);
}

/*
 * ftrace refused our IPMODIFY ops: someone else modifies the ip there.
 * Name the handlers of the other IPMODIFY users of @ip (klp_ftrace_handler
 * for the kernel's livepatch, kprobe_ftrace_handler for a kprobe), walking
 * the ops list the way ftrace's own list function does.
 */
static void kgr_log_holders(const char *patch_name, const char *name,
			    unsigned long ip)
{
	/* Only tells ftrace_ops_test() that ops saving regs may match. */
	static struct pt_regs regs_saved;
	struct ftrace_ops *op;
	bool named = false;

	if (kgr_ftrace_ops_list && kgr_ftrace_list_end) {
		preempt_disable_notrace();
		for (op = rcu_dereference_raw(*kgr_ftrace_ops_list);
		     op && op != kgr_ftrace_list_end;
		     op = rcu_dereference_raw(op->next)) {
			if (!(op->flags & FTRACE_OPS_FL_IPMODIFY) ||
			    !(op->flags & FTRACE_OPS_FL_ENABLED) ||
			    op->func == kgr_ftrace_handler)
				continue;
			if (kgr_have_ops_test &&
			    !static_call(kgr_ftrace_ops_test)(op, ip,
							      &regs_saved))
				continue;
			pr_err("%s: '%s' is already redirected by %ps\n",
			       patch_name, name, op->func);
			named = true;
		}
		preempt_enable_notrace();
	}
	if (!named)
		pr_err("%s: '%s' is already redirected by another ftrace user (livepatch or kprobe)\n",
		       patch_name, name);
}

static struct kgr_ops *kgr_ops_create(struct kgr_patch_fun *fun)
{
	const char *patch_name = fun->patch->name;
	unsigned long loc;
	struct kgr_ops *ops;
	int ret;

	loc = static_call(kgr_ftrace_location)(fun->old_addr);
	if (!loc) {
		pr_err("%s: '%s' cannot be traced (notrace, inlined or no fentry)\n",
		       patch_name, fun->name);
		return ERR_PTR(-EINVAL);
	}

	ops = kgr_fallible("kzalloc(kgr_ops)", NULL,
			   kzalloc(sizeof(*ops), GFP_KERNEL));
	if (!ops)
		return ERR_PTR(-ENOMEM);
	ops->old_addr = fun->old_addr;
	INIT_LIST_HEAD(&ops->func_stack);
	ops->fops.func = kgr_ftrace_handler;
	ops->fops.flags = FTRACE_OPS_FL_DYNAMIC |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
			  FTRACE_OPS_FL_SAVE_REGS |
#endif
			  FTRACE_OPS_FL_IPMODIFY |
			  FTRACE_OPS_FL_PERMANENT;
	/* The handler may run as soon as it is registered. */
	list_add_rcu(&fun->stack_node, &ops->func_stack);

	ret = kgr_fallible("ftrace_set_filter_ip", -ENOMEM,
			   ftrace_set_filter_ip(&ops->fops, loc, 0, 0));
	if (ret) {
		pr_err("%s: '%s' cannot be traced: ftrace filter error %d\n",
		       patch_name, fun->name, ret);
		ret = -EINVAL;
		goto free;
	}
	ret = kgr_fallible("register_ftrace_function", -ENOMEM,
			   register_ftrace_function(&ops->fops));
	if (ret) {
		/* Permanent ops are refused while the sysctl is off. */
		if (ret == -EBUSY && kgr_ftrace_enabled &&
		    !READ_ONCE(*kgr_ftrace_enabled))
			pr_err("%s: cannot redirect '%s': ftrace is disabled (kernel.ftrace_enabled = 0)\n",
			       patch_name, fun->name);
		else if (ret == -EBUSY)
			kgr_log_holders(patch_name, fun->name, loc);
		else
			pr_err("%s: cannot redirect '%s': ftrace error %d\n",
			       patch_name, fun->name, ret);
		ftrace_set_filter_ip(&ops->fops, loc, 1, 0);
		goto free;
	}
	list_add(&ops->node, &kgr_ops_list);
	return ops;
free:
	kfree(ops);
	return ERR_PTR(ret);
}

/*
 * The direct path ends by registering the handler beside the direct call
 * and then pointing the stub at "pass on the handler's choice": while
 * both are registered each sends every task to the top function, the
 * handler because it is FAST, the stub because that is its target. The
 * direct call stays, passing, until the address goes direct again or
 * goes away, so that leaving waits for no grace period.
 */
static int kgr_ops_leave_direct(struct kgr_ops *ops)
{
	struct kgr_patch_fun *top;
	int ret;

	if (!ops->direct.target)
		return 0;
	ret = kgr_fallible("register_ftrace_function", -ENOMEM,
			   kgr_direct_register_beside(&ops->fops));
	if (ret)
		return ret;
	kgr_direct_retarget(&ops->direct, NULL);
	top = list_first_entry(&ops->func_stack, struct kgr_patch_fun,
			       stack_node);
	WRITE_ONCE(top->direct, false);
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
 * call attached first if it is not), then the handler goes.
 */
static void kgr_ops_go_direct(struct kgr_ops *ops, struct kgr_patch_fun *top)
{
	unsigned long loc = static_call(kgr_ftrace_location)(ops->old_addr);
	int ret = 0;

	if (ops->direct.attached)
		kgr_direct_retarget(&ops->direct, top->new_fun);
	else
		ret = kgr_direct_attach(&ops->direct, loc, top->new_fun);
	if (ret) {
		pr_debug("%s: '%s' stays on the handler path: %d\n",
			 top->patch->name, top->name, ret);
		ops->direct_refused = true;
		return;
	}
	/* Waits for handlers in flight: they send tasks to top->new_fun. */
	if (WARN_ON(unregister_ftrace_function(&ops->fops))) {
		kgr_direct_retarget(&ops->direct, NULL);
		ops->direct_refused = true;
		return;
	}
	WRITE_ONCE(top->direct, true);
}

int kgr_redirect_leave_direct(struct kgr_patch_fun *fun)
{
	int ret;

	lockdep_assert_held(&kgr_mutex);
	if (!fun->ops)
		return 0;
	ret = kgr_ops_leave_direct(fun->ops);
	if (ret)
		pr_err("%s: '%s' cannot leave the direct path: %d\n",
		       fun->patch->name, fun->name, ret);
	return ret;
}

/* Whether @ops should be on the direct path, and its function if so. */
static struct kgr_patch_fun *kgr_direct_candidate(struct kgr_ops *ops)
{
	struct kgr_patch_fun *top;

	top = list_first_entry(&ops->func_stack, struct kgr_patch_fun,
			       stack_node);
	if (!kgr_direct_on || ops->direct_refused ||
	    top->state != KGR_FUN_FAST || !top->new_fun)
		return NULL;
	return top;
}

/*
 * Move one address to the path it should be on; false when all are.
 * Going direct unregisters the handler, which waits for two grace
 * periods (ftrace's for a module's ops): one address per call, so that
 * kgr_mutex is never held for more than one of them.
 */
static bool kgr_direct_step(void)
{
	struct kgr_patch_fun *top;
	struct kgr_ops *ops;

	list_for_each_entry(ops, &kgr_ops_list, node) {
		top = kgr_direct_candidate(ops);
		if (top && !ops->direct.target) {
			kgr_ops_go_direct(ops, top);
			return true;
		}
		if (!kgr_direct_on && ops->direct.attached &&
		    !ops->direct_refused) {
			if (kgr_ops_detach_direct(ops)) {
				pr_warn("cannot leave the direct path at %pS\n",
					(void *)ops->old_addr);
				ops->direct_refused = true;
			}
			return true;
		}
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

void kgr_redirect_exit(void)
{
	cancel_delayed_work_sync(&kgr_direct_work);
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

int kgr_redirect_add(struct kgr_patch_fun *fun)
{
	struct kgr_ops *ops;
	int ret;

	lockdep_assert_held(&kgr_mutex);
	ops = kgr_find_ops(fun->old_addr);
	if (ops) {
		ret = kgr_redirect_leave_direct(list_first_entry(&ops->func_stack,
					struct kgr_patch_fun, stack_node));
		if (ret)
			return ret;
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
	top = list_first_entry(&ops->func_stack, struct kgr_patch_fun,
			       stack_node);
	if (WARN_ON(!top->new_fun))
		return;
	if (top->new_fun != ops->direct.target)
		kgr_direct_retarget(&ops->direct, top->new_fun);
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
	/* Both wait for every handler in flight (DYNAMIC ops). */
	if (!ops->direct.target)
		WARN_ON(unregister_ftrace_function(&ops->fops));
	if (ops->direct.attached)
		kgr_direct_detach(&ops->direct);
	WARN_ON(ftrace_set_filter_ip(&ops->fops,
				     static_call(kgr_ftrace_location)(ops->old_addr),
				     1, 0));
	list_del_rcu(&fun->stack_node);
	list_del(&ops->node);
	kfree(ops);
}

static DEFINE_PER_CPU(struct work_struct, kgr_sync_work);

static void kgr_sync_fn(struct work_struct *work)
{
}

/*
 * Like klp_synchronize_transition(), which is schedule_on_each_cpu() (not
 * exported): once a work has run on every CPU, each CPU has scheduled, so
 * every handler that read the old stack or state has returned, including
 * those running where RCU does not watch (idle, entry code). Unlike
 * synchronize_rcu_tasks_rude() it does not wait for the rude grace-period
 * kthread, which sleeps 100 ms between grace periods. kgr_mutex serializes
 * the users of the works.
 */
void kgr_redirect_sync(void)
{
	struct work_struct *work;
	int cpu;

	lockdep_assert_held(&kgr_mutex);
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		work = per_cpu_ptr(&kgr_sync_work, cpu);
		INIT_WORK(work, kgr_sync_fn);
		queue_work_on(cpu, system_wq, work);
	}
	for_each_online_cpu(cpu)
		flush_work(per_cpu_ptr(&kgr_sync_work, cpu));
	cpus_read_unlock();
}
