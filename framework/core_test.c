// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of kgr's core: redirection of functions of this file, the
 * lifecycle (apply, finalize, revert, stacking, replace_all), every refusal
 * of kgr_patch_kernel() and the rollback after a failure in the middle of
 * an apply, and a kthread parked in an old function during a transition.
 * Patches here have no module: owner is NULL. Transitions run through
 * migrate.c as for real patches; the tests wait for them to end.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include "internal.h"

#define KGR_TEST_TIMEOUT	(20 * HZ)

/*
 * The old functions. Called through kgr_test_call() only, so the compiler
 * can neither inline them nor call a specialised clone: every call goes
 * through the fentry site kgr redirects.
 */
static noinline int kgr_test_target_a(int x)
{
	return x + 1;
}

static noinline int kgr_test_target_c(int x)
{
	return x + 1;
}

static noinline int kgr_test_target_d(int x)
{
	return x + 1;
}

/* Not traceable: no fentry site, kgr must refuse it. */
static noinline notrace int kgr_test_notrace(int x)
{
	return x + 1;
}

/*
 * A name that also exists elsewhere in vmlinux (fs/proc/inode.c and
 * others): to patch it the author must give its sympos.
 */
static noinline int init_once(int x)
{
	return x + 1;
}

/* Where kgr_test_target_b() parks a kthread, when set. */
struct kgr_test_parker {
	struct completion entered;
	struct completion release;
	struct completion done;
	int b_result;
	int mixed;
	int calls;
	bool until_new;
	bool ended_new;
};

static struct kgr_test_parker *kgr_test_parking;

static noinline int kgr_test_target_b(int x)
{
	struct kgr_test_parker *p = READ_ONCE(kgr_test_parking);

	if (p) {
		WRITE_ONCE(kgr_test_parking, NULL);
		complete(&p->entered);
		wait_for_completion(&p->release);
	}
	return x + 1;
}

/* A call the compiler cannot resolve: always through the fentry site. */
static int kgr_test_call(int (*fn)(int), int x)
{
	OPTIMIZER_HIDE_VAR(fn);
	return fn(x);
}

#define kgr_test_call_a(x)	kgr_test_call(kgr_test_target_a, x)
#define kgr_test_call_b(x)	kgr_test_call(kgr_test_target_b, x)
#define kgr_test_call_c(x)	kgr_test_call(kgr_test_target_c, x)
#define kgr_test_call_d(x)	kgr_test_call(kgr_test_target_d, x)
#define kgr_test_call_dup(x)	kgr_test_call(init_once, x)
#define kgr_test_call_notrace(x) kgr_test_call(kgr_test_notrace, x)

/* The new functions: each adds its own amount, to tell who ran. */
static int kgr_test_new_10(int x)
{
	return x + 10;
}

static int kgr_test_new_20(int x)
{
	return x + 20;
}

static int kgr_test_new_30(int x)
{
	return x + 30;
}

/* Wait until no transition runs and its finish has run too. */
static int kgr_test_wait(void)
{
	unsigned long timeout = jiffies + KGR_TEST_TIMEOUT;
	bool busy;

	do {
		mutex_lock(&kgr_mutex);
		busy = kgr_transition_patch() || kgr_migrate_in_progress();
		mutex_unlock(&kgr_mutex);
		if (!busy)
			return 0;
		usleep_range(2000, 5000);
	} while (time_before(jiffies, timeout));
	return -ETIMEDOUT;
}

/* A patch of up to three functions, allocated for one test. */
static struct kgr_patch *kgr_test_patch(struct kunit *test, const char *name)
{
	struct kgr_patch *patch;

	patch = kunit_kzalloc(test, struct_size(patch, patches, 4), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, patch);
	patch->name = name;
	return patch;
}

static void kgr_test_fun(struct kgr_patch *patch, int i, const char *name,
			 void *new_fun)
{
	patch->patches[i].name = name;
	patch->patches[i].new_fun = new_fun;
	patch->patches[i].abort_if_missing = true;
}

/* Apply and wait for the transition to finish. */
static void kgr_test_apply(struct kunit *test, struct kgr_patch *patch)
{
	KUNIT_ASSERT_EQ(test, kgr_patch_kernel(patch), 0);
	KUNIT_ASSERT_EQ(test, kgr_test_wait(), 0);
	KUNIT_EXPECT_TRUE(test, patch->enabled);
}

/* Revert, wait, unregister. */
static void kgr_test_remove(struct kunit *test, struct kgr_patch *patch)
{
	if (patch->enabled) {
		KUNIT_EXPECT_EQ(test, kgr_patch_set_enabled(patch, false), 0);
		KUNIT_EXPECT_EQ(test, kgr_test_wait(), 0);
	}
	kgr_patch_remove(patch);
}

static void core_test_redirect(struct kunit *test)
{
	struct kgr_patch *patch = kgr_test_patch(test, "kgr_test_redirect");

	kgr_test_fun(patch, 0, "kgr_test_target_a", kgr_test_new_10);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 2);
	kgr_test_apply(test, patch);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 11);
	/* Finalized: fast stubs, no transition state left. */
	KUNIT_EXPECT_EQ(test, patch->patches[0].state, KGR_FUN_FAST);
	KUNIT_EXPECT_FALSE(test, kgr_migrate_in_progress());
	KUNIT_EXPECT_TRUE(test, kgr_task_in_new_universe());
	KUNIT_EXPECT_EQ(test, patch->patches[0].old_addr,
			(unsigned long)kgr_test_target_a);

	/* Revert; a reverted patch cannot be applied again. */
	KUNIT_EXPECT_EQ(test, kgr_patch_set_enabled(patch, false), 0);
	KUNIT_EXPECT_EQ(test, kgr_test_wait(), 0);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 2);
	KUNIT_EXPECT_EQ(test, patch->patches[0].state, KGR_FUN_INIT);
	KUNIT_EXPECT_NULL(test, kgr_redirect_top((unsigned long)kgr_test_target_a));
	KUNIT_EXPECT_EQ(test, kgr_patch_set_enabled(patch, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, kgr_patch_set_enabled(patch, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 2);
	kgr_test_remove(test, patch);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 2);
}

static void core_test_stacking(struct kunit *test)
{
	struct kgr_patch *low = kgr_test_patch(test, "kgr_test_low");
	struct kgr_patch *high = kgr_test_patch(test, "kgr_test_high");

	kgr_test_fun(low, 0, "kgr_test_target_a", kgr_test_new_10);
	kgr_test_fun(high, 0, "kgr_test_target_a", kgr_test_new_20);
	kgr_test_apply(test, low);
	kgr_test_apply(test, high);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 21);

	/* The lower patch cannot go from under the higher one. */
	KUNIT_EXPECT_EQ(test, kgr_patch_set_enabled(low, false), -EBUSY);
	KUNIT_EXPECT_TRUE(test, low->enabled);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 21);

	KUNIT_EXPECT_EQ(test, kgr_patch_set_enabled(high, false), 0);
	KUNIT_EXPECT_EQ(test, kgr_test_wait(), 0);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 11);
	kgr_test_remove(test, high);
	kgr_test_remove(test, low);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 2);
}

static void core_test_replace_all(struct kunit *test)
{
	struct kgr_patch *p1 = kgr_test_patch(test, "kgr_test_p1");
	struct kgr_patch *p2 = kgr_test_patch(test, "kgr_test_p2");
	struct kgr_patch *all = kgr_test_patch(test, "kgr_test_all");

	kgr_test_fun(p1, 0, "kgr_test_target_a", kgr_test_new_10);
	kgr_test_fun(p1, 1, "kgr_test_target_c", kgr_test_new_10);
	kgr_test_fun(p2, 0, "kgr_test_target_c", kgr_test_new_20);
	kgr_test_fun(p2, 1, "kgr_test_target_d", kgr_test_new_20);
	kgr_test_fun(all, 0, "kgr_test_target_a", kgr_test_new_30);
	all->replace_all = true;

	kgr_test_apply(test, p1);
	kgr_test_apply(test, p2);
	KUNIT_EXPECT_EQ(test, kgr_test_call_c(1), 21);
	kgr_test_apply(test, all);

	/* Its own function runs, every other one is back to the original. */
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 31);
	KUNIT_EXPECT_EQ(test, kgr_test_call_c(1), 2);
	KUNIT_EXPECT_EQ(test, kgr_test_call_d(1), 2);
	KUNIT_EXPECT_FALSE(test, p1->enabled);
	KUNIT_EXPECT_FALSE(test, p2->enabled);
	KUNIT_EXPECT_EQ(test, p2->patches[0].state, KGR_FUN_INIT);
	KUNIT_EXPECT_NULL(test, kgr_redirect_top((unsigned long)kgr_test_target_c));
	KUNIT_EXPECT_EQ(test, all->nr_nops, 0U);

	kgr_patch_remove(p1);
	kgr_patch_remove(p2);
	kgr_test_remove(test, all);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 2);
}

/* Expect kgr_patch_kernel() to refuse @patch with @err, leaving nothing. */
static void kgr_test_refused(struct kunit *test, struct kgr_patch *patch,
			     int err)
{
	KUNIT_EXPECT_EQ(test, kgr_patch_kernel(patch), err);
	KUNIT_EXPECT_FALSE(test, patch->enabled);
	KUNIT_EXPECT_FALSE(test, patch->registered);
	KUNIT_EXPECT_FALSE(test, patch->kobj_added);
	/* No record left: never built (list never initialised) or freed. */
	KUNIT_EXPECT_TRUE(test, !patch->objects.next ||
			  list_empty(&patch->objects));
	KUNIT_EXPECT_NULL(test, kgr_redirect_top((unsigned long)kgr_test_target_a));
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 2);
}

/* The records of @patch, in list order, as "name:nr_funs:patched ...". */
static void kgr_test_objects(struct kgr_patch *patch, char *buf, size_t len)
{
	struct kgr_object *obj;
	size_t n = 0;

	buf[0] = '\0';
	mutex_lock(&kgr_mutex);
	kgr_for_each_object(patch, obj)
		n += scnprintf(buf + n, len - n, "%s%s:%u:%d", n ? " " : "",
			       kgr_objname(obj->name), obj->nr_funs,
			       obj->patched);
	mutex_unlock(&kgr_mutex);
}

/*
 * Object records: built at registration, hooked objects first, each
 * function and shim pointing at its own; patched while applied and
 * present; a replace_all patch's nop of an object it does not name gets a
 * record only while the nops live.
 */
static void core_test_objects(struct kunit *test)
{
	struct kgr_patch *low = kgr_test_patch(test, "kgr_test_objects");
	struct kgr_patch *all = kgr_test_patch(test, "kgr_test_objects_all");
	static const struct kgr_hooks hooks[] = {
		{ .objname = "kgr_test_mod_hooked" },
		{ }
	};
	static void *shim;
	struct kgr_symbol symbols[] = {
		{ .name = "x", .objname = "kgr_test_mod_shim", .addr = &shim },
		{ }
	};
	char buf[160];

	kgr_test_fun(low, 0, "kgr_test_target_a", kgr_test_new_10);
	kgr_test_fun(low, 1, "kgr_test_absent", kgr_test_new_10);
	low->patches[1].objname = "kgr_test_mod_absent";
	kgr_test_fun(low, 2, "kgr_test_target_c", kgr_test_new_10);
	low->symbols = symbols;
	low->object_hooks = hooks;
	kgr_test_apply(test, low);
	kgr_test_objects(low, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf,
			   "kgr_test_mod_hooked:0:0 vmlinux:2:1 kgr_test_mod_absent:1:0 kgr_test_mod_shim:0:0");
	KUNIT_EXPECT_PTR_EQ(test, low->patches[0].obj, low->patches[2].obj);
	KUNIT_EXPECT_STREQ(test, kgr_objname(low->patches[1].obj->name),
			   "kgr_test_mod_absent");
	KUNIT_EXPECT_STREQ(test, symbols[0].obj->name, "kgr_test_mod_shim");

	/* Nops for a and the absent module's function: a record for it. */
	kgr_test_fun(all, 0, "kgr_test_target_c", kgr_test_new_20);
	all->replace_all = true;
	kgr_test_apply(test, all);
	kgr_test_objects(all, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "vmlinux:1:1");
	KUNIT_EXPECT_EQ(test, all->nr_nops, 0U);
	KUNIT_EXPECT_FALSE(test, low->enabled);
	kgr_test_objects(low, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf,
			   "kgr_test_mod_hooked:0:0 vmlinux:2:0 kgr_test_mod_absent:1:0 kgr_test_mod_shim:0:0");
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 2);
	KUNIT_EXPECT_EQ(test, kgr_test_call_c(1), 21);

	kgr_test_remove(test, all);
	kgr_test_objects(all, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "");
	kgr_test_remove(test, low);
	KUNIT_EXPECT_TRUE(test, list_empty(&low->objects));
	KUNIT_EXPECT_EQ(test, kgr_test_call_c(1), 2);
}

static void core_test_refusals(struct kunit *test)
{
	struct kgr_patch *patch = kgr_test_patch(test, "kgr_test_refused");
	struct kgr_patch *other = kgr_test_patch(test, "kgr_test_refused");
	static void *shim;
	struct kgr_symbol symbols[] = {
		{ .name = "kgr_test_no_such_symbol", .addr = &shim },
		{ }
	};
	static const struct kgr_hooks dup_hooks[] = {
		{ .objname = "kgr_test_mod" },
		{ .objname = "kgr_test_mod" },
		{ }
	};

	/* Unknown target; the same one may be skipped instead. */
	kgr_test_fun(patch, 0, "kgr_test_target_a", kgr_test_new_10);
	kgr_test_fun(patch, 1, "kgr_test_no_such_function", kgr_test_new_10);
	kgr_test_refused(test, patch, -ENOENT);

	/* Unknown shim. */
	patch->patches[1].name = NULL;
	patch->symbols = symbols;
	kgr_test_refused(test, patch, -ENOENT);
	patch->symbols = NULL;

	/* Untraceable. */
	kgr_test_fun(patch, 1, "kgr_test_notrace", kgr_test_new_10);
	kgr_test_refused(test, patch, -EINVAL);
	KUNIT_EXPECT_EQ(test, kgr_test_call_notrace(1), 2);

	/* Patched twice in one patch. */
	kgr_test_fun(patch, 1, "kgr_test_target_a", kgr_test_new_20);
	kgr_test_refused(test, patch, -EINVAL);

	/* Empty fields. */
	patch->patches[1].name = NULL;
	patch->patches[0].new_fun = NULL;
	kgr_test_refused(test, patch, -EINVAL);
	patch->patches[0].new_fun = kgr_test_new_10;
	patch->patches[0].name = "";
	kgr_test_refused(test, patch, -EINVAL);
	patch->patches[0].name = "kgr_test_target_a";
	patch->name = "";
	kgr_test_refused(test, patch, -EINVAL);
	patch->name = NULL;
	kgr_test_refused(test, patch, -EINVAL);
	patch->name = "kgr_test_refused";
	KUNIT_EXPECT_EQ(test, kgr_patch_kernel(NULL), -EINVAL);
	other->patches[0].name = NULL;
	kgr_test_refused(test, other, -EINVAL);

	/* Two entries of object hooks for one module. */
	patch->object_hooks = dup_hooks;
	kgr_test_refused(test, patch, -EINVAL);
	patch->object_hooks = NULL;

	/* Built for another kernel. */
	patch->build_id = "00";
	kgr_test_refused(test, patch, -ENOEXEC);
	patch->build_id = NULL;

	/* Name taken. */
	kgr_test_apply(test, patch);
	kgr_test_fun(other, 0, "kgr_test_target_c", kgr_test_new_10);
	KUNIT_EXPECT_EQ(test, kgr_patch_kernel(other), -EEXIST);
	KUNIT_EXPECT_FALSE(test, other->registered);
	KUNIT_EXPECT_EQ(test, kgr_test_call_c(1), 2);
	kgr_test_remove(test, patch);

	/* A missing target that may be skipped: applied without it. */
	kgr_test_fun(patch, 1, "kgr_test_no_such_function", kgr_test_new_10);
	patch->patches[1].abort_if_missing = false;
	kgr_test_apply(test, patch);
	KUNIT_EXPECT_EQ(test, patch->patches[1].state, KGR_FUN_SKIPPED);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 11);
	kgr_test_remove(test, patch);
}

/* Count the symbols named @name in vmlinux; note where @addr is. */
struct kgr_test_count {
	const char *name;
	unsigned long addr;
	unsigned long count;
	unsigned long pos;
};

static int kgr_test_count_fn(void *data, const char *name, struct module *mod,
			     unsigned long addr)
{
	struct kgr_test_count *c = data;

	if (strcmp(name, c->name))
		return 0;
	c->count++;
	if (addr == c->addr)
		c->pos = c->count;
	return 0;
}

static void core_test_sympos(struct kunit *test)
{
	struct kgr_patch *patch = kgr_test_patch(test, "kgr_test_sympos");
	struct kgr_test_count c = {
		.name = "init_once",
		.addr = (unsigned long)init_once,
	};
	unsigned long addr;

	kallsyms_on_each_symbol(kgr_test_count_fn, &c);
	KUNIT_ASSERT_NE(test, c.pos, 0UL);
	if (c.count < 2)
		kunit_skip(test, "init_once is unique in this kernel");

	KUNIT_EXPECT_EQ(test, kgr_resolve("kgr_test", NULL, "init_once", 0,
					  &addr, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, kgr_resolve("kgr_test", NULL, "init_once",
					  c.count + 1, &addr, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, kgr_resolve("kgr_test", NULL, "init_once", c.pos,
					  &addr, NULL), 0);
	KUNIT_EXPECT_EQ(test, addr, (unsigned long)init_once);

	kgr_test_fun(patch, 0, "init_once", kgr_test_new_10);
	kgr_test_refused(test, patch, -EINVAL);
	patch->patches[0].sympos = c.pos;
	kgr_test_apply(test, patch);
	KUNIT_EXPECT_EQ(test, kgr_test_call_dup(1), 11);
	kgr_test_remove(test, patch);
	KUNIT_EXPECT_EQ(test, kgr_test_call_dup(1), 2);
}

/* Another ftrace user that modifies the ip of kgr_test_target_d. */
static void notrace kgr_test_holder(unsigned long ip, unsigned long parent_ip,
				    struct ftrace_ops *ops,
				    struct ftrace_regs *fregs)
{
}

static struct ftrace_ops kgr_test_holder_ops = {
	.func = kgr_test_holder,
	.flags = FTRACE_OPS_FL_IPMODIFY |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 FTRACE_OPS_FL_SAVE_REGS |
#endif
		 0,
};

static int kgr_hook_calls[4];

static int kgr_test_pre_apply(struct kgr_patch *patch)
{
	kgr_hook_calls[0]++;
	return patch->patches[1].name ? 0 : -EIO;
}

static void kgr_test_post_apply(struct kgr_patch *patch)
{
	kgr_hook_calls[1]++;
}

static void kgr_test_pre_revert(struct kgr_patch *patch)
{
	kgr_hook_calls[2]++;
}

static void kgr_test_post_revert(struct kgr_patch *patch)
{
	kgr_hook_calls[3]++;
}

/*
 * A patch one of whose functions is held by another ftrace user is refused
 * as a whole: its other function runs the original, the hooks are
 * balanced, the name is free again. Then again while another patch is
 * applied, which keeps working: its batch then grows the filter of kgr's
 * registered ftrace_ops, unless the other patch's function went direct
 * first (a second after its finish), which empties it.
 */
static void core_test_rollback(struct kunit *test)
{
	struct kgr_patch *patch = kgr_test_patch(test, "kgr_test_rollback");
	struct kgr_patch *other = kgr_test_patch(test, "kgr_test_rollback_c");
	unsigned long loc = ftrace_location((unsigned long)kgr_test_target_d);

	KUNIT_ASSERT_NE(test, loc, 0UL);
	KUNIT_ASSERT_EQ(test, ftrace_set_filter_ip(&kgr_test_holder_ops, loc,
						   0, 0), 0);
	KUNIT_ASSERT_EQ(test, register_ftrace_function(&kgr_test_holder_ops), 0);

	memset(kgr_hook_calls, 0, sizeof(kgr_hook_calls));
	patch->hooks.pre_apply = kgr_test_pre_apply;
	patch->hooks.post_apply = kgr_test_post_apply;
	patch->hooks.pre_revert = kgr_test_pre_revert;
	patch->hooks.post_revert = kgr_test_post_revert;
	kgr_test_fun(patch, 0, "kgr_test_target_a", kgr_test_new_10);
	kgr_test_fun(patch, 1, "kgr_test_target_d", kgr_test_new_10);
	kgr_test_refused(test, patch, -EBUSY);
	KUNIT_EXPECT_EQ(test, kgr_test_call_d(1), 2);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[0], 1);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[1], 0);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[3], 1);

	kgr_test_fun(other, 0, "kgr_test_target_c", kgr_test_new_20);
	kgr_test_apply(test, other);
	memset(kgr_hook_calls, 0, sizeof(kgr_hook_calls));
	kgr_test_refused(test, patch, -EBUSY);
	KUNIT_EXPECT_EQ(test, kgr_test_call_d(1), 2);
	KUNIT_EXPECT_EQ(test, kgr_test_call_c(1), 21);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[0], 1);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[3], 1);
	kgr_test_remove(test, other);
	KUNIT_EXPECT_EQ(test, kgr_test_call_c(1), 2);

	unregister_ftrace_function(&kgr_test_holder_ops);
	ftrace_set_filter_ip(&kgr_test_holder_ops, loc, 1, 0);

	/* A failing pre_apply hook: its error, nothing applied. */
	patch->patches[1].name = NULL;
	kgr_test_refused(test, patch, -EIO);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[0], 2);

	/* The name is free and the same patch now applies: hook order. */
	kgr_test_fun(patch, 1, "kgr_test_target_d", kgr_test_new_10);
	memset(kgr_hook_calls, 0, sizeof(kgr_hook_calls));
	kgr_test_apply(test, patch);
	KUNIT_EXPECT_EQ(test, kgr_test_call_a(1), 11);
	KUNIT_EXPECT_EQ(test, kgr_test_call_d(1), 11);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[0], 1);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[1], 1);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[2], 0);
	kgr_test_remove(test, patch);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[2], 1);
	KUNIT_EXPECT_EQ(test, kgr_hook_calls[3], 1);
	KUNIT_EXPECT_EQ(test, kgr_test_call_d(1), 2);
}

/*
 * Parked in the old kgr_test_target_b(), then calls kgr_test_target_c()
 * until it runs in the new universe, checking each call against its
 * universe: old code in the old universe, new code in the new one.
 */
static int kgr_test_parker_fn(void *data)
{
	struct kgr_test_parker *p = data;
	unsigned long timeout;
	bool before, after;
	int r;

	p->b_result = kgr_test_call_b(1);
	timeout = jiffies + KGR_TEST_TIMEOUT;
	after = false;
	while (p->until_new && time_before(jiffies, timeout)) {
		before = kgr_task_in_new_universe();
		r = kgr_test_call_c(1);
		after = kgr_task_in_new_universe();
		p->calls++;
		if (before == after && (r == 31) != before)
			p->mixed++;
		if (after)
			break;
		usleep_range(100, 200);
	}
	p->ended_new = after;
	complete(&p->done);
	return 0;
}

/* Start a kthread parked in the old kgr_test_target_b(). */
static struct kgr_test_parker *kgr_test_park(struct kunit *test,
					     bool until_new)
{
	struct kgr_test_parker *p;
	struct task_struct *task;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	init_completion(&p->entered);
	init_completion(&p->release);
	init_completion(&p->done);
	p->until_new = until_new;
	WRITE_ONCE(kgr_test_parking, p);
	task = kthread_run(kgr_test_parker_fn, p, "kgr_test_parker");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->entered,
							    KGR_TEST_TIMEOUT));
	return p;
}

static void core_test_parked_kthread(struct kunit *test)
{
	struct kgr_patch *patch = kgr_test_patch(test, "kgr_test_parked");
	struct kgr_patch *other = kgr_test_patch(test, "kgr_test_other");
	struct kgr_test_parker *p = kgr_test_park(test, true);
	unsigned long timeout;
	char *buf;

	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	kgr_test_fun(patch, 0, "kgr_test_target_b", kgr_test_new_20);
	kgr_test_fun(patch, 1, "kgr_test_target_c", kgr_test_new_30);
	KUNIT_ASSERT_EQ(test, kgr_patch_kernel(patch), 0);

	/* This task holds no patched function: it migrates at once. */
	timeout = jiffies + KGR_TEST_TIMEOUT;
	while (!kgr_task_in_new_universe() && time_before(jiffies, timeout))
		usleep_range(2000, 5000);
	KUNIT_EXPECT_TRUE(test, kgr_task_in_new_universe());
	KUNIT_EXPECT_EQ(test, kgr_test_call_c(1), 31);
	KUNIT_EXPECT_EQ(test, kgr_test_call_b(1), 21);

	/* The parked kthread holds the transition open and is listed. */
	msleep(50);
	KUNIT_EXPECT_TRUE(test, kgr_migrate_in_progress());
	KUNIT_EXPECT_EQ(test, patch->patches[0].state, KGR_FUN_SLOW);
	mutex_lock(&kgr_mutex);
	KUNIT_EXPECT_PTR_EQ(test, kgr_transition_patch(), patch);
	mutex_unlock(&kgr_mutex);
	KUNIT_EXPECT_TRUE(test, kgr_patch_in_transition(patch));
	KUNIT_EXPECT_EQ(test, kgr_migrate_blocking_show(buf, other), 0);
	kgr_migrate_blocking_show(buf, patch);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "kgr_test_target_b"));

	/* One transition at a time. */
	kgr_test_fun(other, 0, "kgr_test_target_a", kgr_test_new_10);
	kgr_test_refused(test, other, -EBUSY);

	/* Released, it finishes the old function, then migrates. */
	complete(&p->release);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->done,
							    KGR_TEST_TIMEOUT));
	KUNIT_EXPECT_EQ(test, p->b_result, 2);
	KUNIT_EXPECT_EQ(test, p->mixed, 0);
	KUNIT_EXPECT_TRUE(test, p->ended_new);
	KUNIT_EXPECT_EQ(test, kgr_test_wait(), 0);
	KUNIT_EXPECT_EQ(test, patch->patches[0].state, KGR_FUN_FAST);
	kgr_test_remove(test, patch);
	KUNIT_EXPECT_EQ(test, kgr_test_call_b(1), 2);
}

/* A transition turned around midway ends reverted. */
static void core_test_reverse(struct kunit *test)
{
	struct kgr_patch *patch = kgr_test_patch(test, "kgr_test_reverse");
	struct kgr_test_parker *p = kgr_test_park(test, false);

	kgr_test_fun(patch, 0, "kgr_test_target_b", kgr_test_new_20);
	KUNIT_ASSERT_EQ(test, kgr_patch_kernel(patch), 0);
	msleep(50);
	KUNIT_EXPECT_TRUE(test, kgr_migrate_in_progress());
	KUNIT_EXPECT_EQ(test, kgr_patch_set_enabled(patch, false), 0);
	KUNIT_EXPECT_FALSE(test, patch->enabled);
	KUNIT_EXPECT_EQ(test, patch->patches[0].state, KGR_FUN_REVERTING);
	/* The parked task never left the old universe: nothing blocks now. */
	KUNIT_EXPECT_EQ(test, kgr_test_wait(), 0);
	KUNIT_EXPECT_EQ(test, patch->patches[0].state, KGR_FUN_INIT);
	KUNIT_EXPECT_EQ(test, kgr_test_call_b(1), 2);
	complete(&p->release);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->done,
							    KGR_TEST_TIMEOUT));
	KUNIT_EXPECT_EQ(test, p->b_result, 2);
	kgr_patch_remove(patch);
}

static struct kunit_case kgr_core_test_cases[] = {
	KUNIT_CASE(core_test_redirect),
	KUNIT_CASE(core_test_stacking),
	KUNIT_CASE(core_test_replace_all),
	KUNIT_CASE(core_test_refusals),
	KUNIT_CASE(core_test_objects),
	KUNIT_CASE(core_test_sympos),
	KUNIT_CASE(core_test_rollback),
	KUNIT_CASE(core_test_parked_kthread),
	KUNIT_CASE(core_test_reverse),
	{}
};

static struct kunit_suite kgr_core_test_suite = {
	.name = "kgr_core",
	.test_cases = kgr_core_test_cases,
};
kunit_test_suite(kgr_core_test_suite);
