// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transition.c - applying and reverting patches: the transition
 *
 * A registered patch (core.c) is applied or reverted by transitions, one
 * at a time system-wide:
 *
 *   apply:  resolve -> pre_apply hooks -> universes set to old -> push the
 *           new functions (state SLOW) -> tasks migrate -> finish: FAST,
 *           post_apply hooks
 *   revert: pre_revert hooks -> universes set to new -> REVERTING -> tasks
 *           migrate back -> finish: pop the functions, post_revert hooks
 *
 * Either transition can be turned around midway; a patch that was reverted
 * (or replaced) cannot be applied again. The patch module is pinned (a
 * module reference) from the start of an apply until the end of the
 * revert, so its code cannot go while anything can still run it; after a
 * forced transition, for good.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include "internal.h"
#include "fault.h"

/*
 * The transition in progress: its patch and direction. Written under
 * kgr_mutex; kgr_trans is read lock-free by sysfs (READ_ONCE()), and is
 * cleared only once the transition is completely over, the module
 * reference of a revert dropped included.
 */
static struct kgr_patch *kgr_trans;
static bool kgr_trans_to_new;

struct kgr_patch *kgr_transition_patch(void)
{
	lockdep_assert_held(&kgr_mutex);
	return kgr_trans;
}

bool kgr_patch_in_transition(const struct kgr_patch *patch)
{
	struct kgr_patch *trans = READ_ONCE(kgr_trans);

	return patch ? trans == patch : trans != NULL;
}

enum kgr_fun_state kgr_transition_fun_state(void)
{
	lockdep_assert_held(&kgr_mutex);
	return kgr_trans_to_new ? KGR_FUN_SLOW : KGR_FUN_REVERTING;
}

/* ---- validation of the table ---- */

/* Two entries of one patch must not replace the same function. */
static int kgr_check_duplicates(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun, *other;

	kgr_for_each_fun(patch, fun) {
		if (!fun->old_addr)
			continue;
		for (other = patch->patches; other != fun; other++) {
			if (other->old_addr == fun->old_addr) {
				pr_err("%s: '%s' is patched twice\n",
				       patch->name, fun->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* ---- transitions ---- */

/* [start, end) of the code a task runs for @fun: its new or old function. */
static int kgr_fun_range(struct kgr_patch_fun *fun, struct kgr_range *range)
{
	unsigned long size;

	range->name = fun->name;
	if (!fun->new_fun) {
		/* A replace_all "nop" runs the original function. */
		range->start = fun->old_addr;
		range->end = fun->old_addr + fun->old_size;
		return 0;
	}
	size = kgr_symbol_size((unsigned long)fun->new_fun);
	if (!size) {
		pr_err("%s: no size for the new function of '%s'\n",
		       fun->patch->name, fun->name);
		return -EINVAL;
	}
	range->start = (unsigned long)fun->new_fun;
	range->end = range->start + size;
	return 0;
}

/* The code tasks leave when they move above @fun: what runs below it. */
static int kgr_below_range(struct kgr_patch_fun *fun, struct kgr_range *range)
{
	struct kgr_patch_fun *below = kgr_redirect_below(fun);

	if (below)
		return kgr_fun_range(below, range);
	range->name = fun->name;
	range->start = fun->old_addr;
	range->end = fun->old_addr + fun->old_size;
	return 0;
}

/*
 * The ranges of one function of a transition: the code tasks leave, and
 * the original function. Between the ftrace handler's reading of a task's
 * universe and the start of the function it chose (in the handler, or in
 * the ftrace trampoline around it), the only trace of the call on the
 * task's stack is the fentry call's return address into the original
 * function. An IPI check landing there must not move the task: it would
 * run the function of the universe it left. Otherwise no task is inside
 * the original function of a patched one, so this blocks nobody else.
 */
static int kgr_add_ranges(struct kgr_patch_fun *fun, bool to_new,
			  struct kgr_range *r, unsigned int *i)
{
	int ret;

	ret = to_new ? kgr_below_range(fun, &r[*i]) : kgr_fun_range(fun, &r[*i]);
	if (ret)
		return ret;
	if (r[(*i)++].start == fun->old_addr)
		return 0;
	r[*i].name = fun->name;
	r[*i].start = fun->old_addr;
	r[*i].end = fun->old_addr + fun->old_size;
	(*i)++;
	return 0;
}

/* Every redirected function of @patch and its nops: the transition's set. */
static unsigned int kgr_count_redirected(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun;
	unsigned int nr = 0;

	kgr_for_each_entry(patch, fun)
		nr += kgr_fun_redirected(fun);
	return nr;
}

/*
 * The ranges a transition of @patch checks: towards the new universe the
 * code below each function, towards the old one the functions themselves,
 * and with each the original function (kgr_add_ranges()). A kmalloc'ed
 * array in *@ranges; its length is returned (or an errno).
 */
static int kgr_build_ranges(struct kgr_patch *patch, bool to_new,
			    struct kgr_range **ranges)
{
	unsigned int nr = kgr_count_redirected(patch), i = 0;
	struct kgr_patch_fun *fun;
	struct kgr_range *r;
	int ret = 0;

	r = kgr_fallible("kcalloc(ranges)", NULL,
			 kcalloc(max(2 * nr, 1U), sizeof(*r), GFP_KERNEL));
	if (!r)
		return -ENOMEM;
	kgr_for_each_entry(patch, fun) {
		if (!kgr_fun_redirected(fun))
			continue;
		ret = kgr_add_ranges(fun, to_new, r, &i);
		if (ret)
			goto err;
	}
	*ranges = r;
	return i;
err:
	kfree(r);
	return ret;
}

static void kgr_set_states(struct kgr_patch *patch, enum kgr_fun_state state)
{
	struct kgr_patch_fun *fun;

	kgr_for_each_entry(patch, fun)
		if (kgr_fun_redirected(fun))
			WRITE_ONCE(fun->state, state);
}

/*
 * Pop every function of @patch (and its nops): none of its objects is
 * patched any more. The caller syncs after.
 */
static void kgr_pop_funs(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun;

	kgr_objects_set_patched(patch, false);

	kgr_for_each_nop(patch, fun)
		if (kgr_fun_redirected(fun))
			kgr_redirect_del(fun);
	kgr_for_each_fun(patch, fun) {
		if (kgr_fun_redirected(fun))
			kgr_redirect_del(fun);
		if (fun->state != KGR_FUN_SKIPPED)
			WRITE_ONCE(fun->state, KGR_FUN_INIT);
	}
}

/* Free the nops once no handler can see them. kgr_mutex, after a sync. */
static void kgr_free_nops(struct kgr_patch *patch)
{
	lockdep_assert_held(&kgr_mutex);
	kfree(patch->nops);
	patch->nops = NULL;
	patch->nr_nops = 0;
	kgr_objects_drop_nops(patch);
}

/*
 * @a and @b replace the same function: by address once both are
 * resolved, else (a module not loaded) by object, name and sympos.
 */
static bool kgr_same_target(const struct kgr_patch_fun *a,
			    const struct kgr_patch_fun *b)
{
	if (a->old_addr && b->old_addr)
		return a->old_addr == b->old_addr;
	return kgr_obj_match(a->objname, b->objname) &&
	       !strcmp(a->name, b->name) &&
	       kgr_same_sympos(a->sympos, b->sympos);
}

/* @patch's own functions or its nops already cover @fun's target. */
static bool kgr_patch_covers(struct kgr_patch *patch,
			     const struct kgr_patch_fun *fun)
{
	struct kgr_patch_fun *own;

	kgr_for_each_entry(patch, own)
		if (kgr_same_target(own, fun))
			return true;
	return false;
}

/*
 * A replace_all patch sends every function an earlier patch replaces,
 * and it does not, back to the original: one "nop" entry (no new
 * function) per such target, pushed like the patch's own functions. A
 * target in a module that is not loaded gets its nop too, unresolved: if
 * the module comes during the transition, the nop is pushed then, on top
 * of the earlier patch's function (kgr_object_apply()), so that the tasks
 * still running that function hold the transition. A nop's object the
 * patch does not name gets a record until the nops go.
 */
static int kgr_alloc_nops(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun, *nop;
	struct kgr_object *obj;
	struct kgr_patch *old;
	unsigned int nr = 0;

	list_for_each_entry(old, &kgr_patches, list) {
		if (old == patch || !old->enabled)
			continue;
		kgr_for_each_fun(old, fun)
			nr++;
	}
	if (!nr)
		return 0;
	patch->nops = kgr_fallible("kcalloc(nops)", NULL,
				   kcalloc(nr, sizeof(*patch->nops), GFP_KERNEL));
	if (!patch->nops)
		return -ENOMEM;

	list_for_each_entry(old, &kgr_patches, list) {
		if (old == patch || !old->enabled)
			continue;
		kgr_for_each_fun(old, fun) {
			if (fun->state == KGR_FUN_SKIPPED ||
			    kgr_patch_covers(patch, fun))
				continue;
			obj = kgr_object_get_for_nop(patch, fun->objname);
			if (!obj)
				return -ENOMEM;
			nop = &patch->nops[patch->nr_nops++];
			nop->name = fun->name;
			nop->objname = fun->objname;
			nop->obj = obj;
			nop->sympos = fun->sympos;
			nop->patch = patch;
			if (kgr_fun_redirected(fun)) {
				nop->old_addr = fun->old_addr;
				nop->old_size = fun->old_size;
			}
		}
	}
	return 0;
}

/* Push every resolved function of @patch and its nops in state SLOW. */
static int kgr_push_funs(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun;
	int ret;

	/* Addresses on the direct path leave it first, in one update. */
	kgr_for_each_entry(patch, fun)
		if (fun->old_addr)
			kgr_redirect_prepare(fun);
	ret = kgr_redirect_commit();
	if (ret)
		return ret;
	kgr_for_each_entry(patch, fun) {
		if (!fun->old_addr)
			continue;
		WRITE_ONCE(fun->state, KGR_FUN_SLOW);
		ret = kgr_redirect_add(fun);
		if (ret) {
			fun->state = KGR_FUN_INIT;
			return ret;
		}
	}
	/* One ftrace update for all: the caller pops them if it fails. */
	return kgr_redirect_commit();
}

/*
 * The functions of @patch a newer patch stacks on: reverting @patch would
 * pull them from under it. Names the first one; kgr_mutex.
 */
static int kgr_check_on_top(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun, *top;

	lockdep_assert_held(&kgr_mutex);
	kgr_for_each_fun(patch, fun) {
		if (!kgr_fun_redirected(fun))
			continue;
		top = kgr_redirect_top(fun->old_addr);
		if (top != fun) {
			pr_err("%s: cannot revert: '%s' is patched again by %s\n",
			       patch->name, fun->name, top->patch->name);
			return -EBUSY;
		}
	}
	return 0;
}

/*
 * Drop the module reference of an apply. A patch that took part in a
 * forced transition keeps it for good: a task forced across may still be
 * inside, or return into, its code, as with kernel/livepatch's ->forced.
 */
static void kgr_release_owner(struct kgr_patch *patch)
{
	if (patch->owner && !patch->forced)
		module_put(patch->owner);
}

static void kgr_transition_finish(void);

/*
 * Redirect the functions of @patch and start the transition to it.
 * kgr_mutex; @patch is registered (at least by name) and not applied.
 */
int kgr_apply(struct kgr_patch *patch)
{
	struct kgr_range *ranges;
	struct kgr_patch_fun *fun;
	int nr, ret;

	lockdep_assert_held(&kgr_mutex);
	if (kgr_trans) {
		pr_err("%s: the transition of %s is still running\n",
		       patch->name, kgr_trans->name);
		return -EBUSY;
	}

	kgr_for_each_fun(patch, fun) {
		fun->patch = patch;
		fun->ops = NULL;
		fun->old_addr = 0;
		fun->state = KGR_FUN_INIT;
		if (!kgr_object_present(fun->obj))
			continue;
		ret = kgr_fun_resolve(fun);
		if (ret)
			goto err;
	}
	ret = kgr_check_duplicates(patch);
	if (ret)
		goto err;
	if (patch->owner && !try_module_get(patch->owner)) {
		pr_err("%s: its module is going away\n", patch->name);
		ret = -ENODEV;
		goto err;
	}
	ret = kgr_symbols_resolve(patch, NULL);
	if (ret)
		goto err_owner;
	ret = kgr_hooks_pre_apply(patch);
	if (ret)
		goto err_symbols;
	ret = kgr_migrate_prepare(true, patch, kgr_transition_finish);
	if (ret)
		goto err_hooks;
	/* Universes first: a handler that sees SLOW must see them. */
	smp_wmb();

	ret = patch->replace_all ? kgr_alloc_nops(patch) : 0;
	if (!ret)
		ret = kgr_push_funs(patch);
	if (ret)
		goto err_funs;
	nr = kgr_build_ranges(patch, true, &ranges);
	if (nr < 0) {
		ret = nr;
		goto err_funs;
	}
	ret = kgr_migrate_set_goal(ranges, nr);
	kfree(ranges);
	if (ret)
		goto err_funs;
	/*
	 * A handler that read the stack before the push may still send a
	 * task to the code below; once it has returned, that task shows the
	 * code on its stack, where the stack check sees it.
	 */
	kgr_redirect_sync();

	/* As a livepatch module taints the kernel and itself when it loads. */
	add_taint(TAINT_LIVEPATCH, LOCKDEP_STILL_OK);
	if (patch->owner)
		set_bit(TAINT_LIVEPATCH, &patch->owner->taints);
	kgr_objects_set_patched(patch, true);
	WRITE_ONCE(patch->enabled, true);
	kgr_trans_to_new = true;
	WRITE_ONCE(kgr_trans, patch);
	kgr_migrate_go();
	pr_info("%s: applying\n", patch->name);
	return 0;

err_funs:
	kgr_pop_funs(patch);
	kgr_redirect_sync();
	kgr_free_nops(patch);
	kgr_migrate_abort();
	/* The functions the push took off the direct path go back to it. */
	kgr_redirect_direct_update();
err_hooks:
	kgr_hooks_post_revert(patch, NULL);
err_symbols:
	kgr_symbols_reset(patch, NULL);
err_owner:
	kgr_release_owner(patch);
err:
	pr_err("%s: not applied: %d\n", patch->name, ret);
	return ret;
}

/* The functions of @patch back on the handler path, for a transition. */
static int kgr_leave_direct(struct kgr_patch *patch)
{
	struct kgr_patch_fun *fun;

	kgr_for_each_fun(patch, fun)
		kgr_redirect_leave_direct(fun);
	return kgr_redirect_commit();
}

/*
 * Start the transition back to the code below @patch. Everything that can
 * fail comes before the pre_revert hooks: once they ran, the revert
 * starts. kgr_mutex.
 */
static int kgr_revert(struct kgr_patch *patch)
{
	struct kgr_range *ranges;
	int nr, ret;

	lockdep_assert_held(&kgr_mutex);
	if (kgr_trans) {
		pr_err("%s: the transition of %s is still running\n",
		       patch->name, kgr_trans->name);
		return -EBUSY;
	}
	ret = kgr_check_on_top(patch);
	if (ret)
		return ret;
	ret = kgr_leave_direct(patch);
	if (ret)
		goto err;
	nr = kgr_build_ranges(patch, false, &ranges);
	ret = min(nr, 0);
	if (!ret)
		ret = kgr_migrate_prepare(false, patch, kgr_transition_finish);
	if (!ret) {
		ret = kgr_migrate_set_goal(ranges, nr);
		if (ret)
			kgr_migrate_abort();
	}
	if (nr >= 0)
		kfree(ranges);
	if (ret)
		goto err;

	kgr_hooks_pre_revert(patch);
	/* Universes first: a handler that sees REVERTING must see them. */
	smp_wmb();
	kgr_set_states(patch, KGR_FUN_REVERTING);
	/* No handler may still act on FAST once tasks start moving. */
	kgr_redirect_sync();

	WRITE_ONCE(patch->enabled, false);
	kgr_trans_to_new = false;
	WRITE_ONCE(kgr_trans, patch);
	kgr_migrate_go();
	pr_info("%s: reverting\n", patch->name);
	return 0;
err:
	kgr_redirect_direct_update();
	pr_err("%s: cannot start the revert: %d\n", patch->name, ret);
	return ret;
}

/*
 * A module of the patch in transition came or went: hand the transition
 * the code it now leaves. kgr_mutex.
 */
int kgr_transition_ranges_changed(void)
{
	struct kgr_range *ranges;
	int nr, ret;

	lockdep_assert_held(&kgr_mutex);
	if (!kgr_trans)
		return 0;
	nr = kgr_build_ranges(kgr_trans, kgr_trans_to_new, &ranges);
	if (nr < 0)
		return nr;
	ret = kgr_migrate_set_ranges(ranges, nr);
	kfree(ranges);
	return ret;
}

/* Turn the running transition of @patch around. kgr_mutex. */
static int kgr_reverse(struct kgr_patch *patch)
{
	struct kgr_range *ranges;
	int nr, ret;

	lockdep_assert_held(&kgr_mutex);
	nr = kgr_build_ranges(patch, !kgr_trans_to_new, &ranges);
	ret = min(nr, 0);
	if (!ret) {
		ret = kgr_migrate_reverse(ranges, nr);
		kfree(ranges);
	}
	if (ret) {
		pr_err("%s: cannot reverse the transition: %d\n", patch->name,
		       ret);
		return ret;
	}
	/* The handler reads SLOW and REVERTING alike: no sync needed. */
	kgr_trans_to_new = !kgr_trans_to_new;
	kgr_set_states(patch, kgr_transition_fun_state());
	WRITE_ONCE(patch->enabled, kgr_trans_to_new);
	pr_info("%s: transition reversed, now %s\n", patch->name,
		kgr_trans_to_new ? "applying" : "reverting");
	return 0;
}

/*
 * replace_all finished: every other applied patch is reverted, and the
 * nops, whose job was to hide those patches, go too. kgr_mutex.
 */
static void kgr_retire_replaced(struct kgr_patch *patch)
{
	struct kgr_patch_fun *nop;
	struct kgr_patch *old;

	lockdep_assert_held(&kgr_mutex);
	list_for_each_entry(old, &kgr_patches, list)
		if (old != patch && old->enabled)
			kgr_pop_funs(old);
	kgr_for_each_nop(patch, nop)
		if (kgr_fun_redirected(nop))
			kgr_redirect_del(nop);
	kgr_redirect_sync();
	kgr_free_nops(patch);

	list_for_each_entry(old, &kgr_patches, list) {
		if (old == patch || !old->enabled)
			continue;
		WRITE_ONCE(old->enabled, false);
		kgr_release_owner(old);
		pr_info("%s: replaced by %s\n", old->name, patch->name);
	}
}

/*
 * The finish callback of every transition, called by migrate.c's worker
 * with kgr_mutex held once every task has reached the target universe and
 * the per-task state is dropped: switch to the fast path (apply) or drop
 * the redirection (revert), and run the post hooks.
 */
static void kgr_transition_finish(void)
{
	struct kgr_patch *patch = kgr_trans;

	lockdep_assert_held(&kgr_mutex);
	if (WARN_ON(!patch))
		return;

	if (kgr_trans_to_new) {
		kgr_set_states(patch, KGR_FUN_FAST);
		if (patch->replace_all)
			kgr_retire_replaced(patch);
		kgr_hooks_post_apply(patch);
		pr_info("%s: applied\n", patch->name);
	} else {
		kgr_pop_funs(patch);
		/* No handler may still read the popped entries or the nops. */
		kgr_redirect_sync();
		kgr_free_nops(patch);
		kgr_hooks_post_revert(patch, NULL);
		kgr_symbols_reset(patch, NULL);
		pr_info("%s: reverted\n", patch->name);
		kgr_release_owner(patch);
	}
	/* Nothing needs a per-task choice any more. */
	kgr_redirect_direct_update();
	/*
	 * Last: once sysfs shows the transition over, the modules it
	 * released can be removed at once.
	 */
	WRITE_ONCE(kgr_trans, NULL);
}

/**
 * kgr_patch_set_enabled() - revert or re-apply a registered patch
 * @patch: the patch
 * @enable: true to apply, false to revert
 *
 * Writing the opposite of a transition that runs turns it around. A
 * patch that was reverted or replaced cannot be applied again, as with
 * the kernel's livepatch: it would land on top of newer patches of the
 * same functions. Its module can be loaded again instead.
 *
 * Return: 0, -EINVAL when @patch is already in that state, is not
 * registered or was reverted, -EBUSY when another transition runs or a
 * newer patch stacks on @patch, or an error of the revert.
 */
int kgr_patch_set_enabled(struct kgr_patch *patch, bool enable)
{
	int ret;

	mutex_lock(&kgr_mutex);
	if (!patch->registered) {
		ret = -EINVAL;
	} else if (kgr_trans == patch && kgr_trans_to_new != enable) {
		ret = kgr_reverse(patch);
	} else if (patch->enabled == enable) {
		ret = -EINVAL;
	} else if (enable) {
		pr_err("%s: a reverted or replaced patch cannot be enabled again: unload its module and load it again\n",
		       patch->name);
		ret = -EINVAL;
	} else {
		ret = kgr_revert(patch);
	}
	mutex_unlock(&kgr_mutex);
	return ret;
}

/**
 * kgr_patch_force() - finish the transition of @patch by force
 * @patch: the patch whose transition runs
 *
 * Return: 0, or -EINVAL when no transition of @patch runs.
 */
int kgr_patch_force(struct kgr_patch *patch)
{
	int ret = 0;

	struct kgr_patch *p;

	mutex_lock(&kgr_mutex);
	if (kgr_trans != patch) {
		ret = -EINVAL;
	} else {
		pr_warn("%s: transition forced: tasks may run old and new code mixed\n",
			patch->name);
		/* Any active patch's code may be on the stacks forced across. */
		list_for_each_entry(p, &kgr_patches, list)
			if (p->enabled || p == patch)
				WRITE_ONCE(p->forced, true);
		kgr_migrate_force();
	}
	mutex_unlock(&kgr_mutex);
	return ret;
}
