// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the shadow variable API: every call, each refusal, use in
 * atomic context, and alloc/free racing on two CPUs (KASAN reports a use
 * after free or a double free; the ctor/dtor counts report a leak).
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <kgr/shadow.h>

/* Ids of this file's variables; nothing else in kgr.ko uses them. */
enum {
	ID_BASIC = 0x5ad0001,
	ID_OTHER,
	ID_CTOR,
	ID_FREE,
	ID_ALL_A,
	ID_ALL_B,
	ID_ATOMIC,
	ID_RACE,
};

#define SHADOW_MAGIC	0x5ad0c0de
#define SHADOW_POISON	0xdeadbeef

struct test_shadow {
	unsigned int magic;
	void *obj;
	int value;
};

struct ctor_args {
	atomic_t calls;
	int ret;
	bool atomic_ctx;
};

static int test_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct test_shadow *s = shadow_data;
	struct ctor_args *args = ctor_data;

	atomic_inc(&args->calls);
	args->atomic_ctx = !preemptible();
	if (args->ret)
		return args->ret;
	s->magic = SHADOW_MAGIC;
	s->obj = obj;
	return 0;
}

static atomic_t dtor_calls;
static void *dtor_last_obj, *dtor_last_data;

static void test_dtor(void *obj, void *shadow_data)
{
	struct test_shadow *s = shadow_data;

	atomic_inc(&dtor_calls);
	dtor_last_obj = obj;
	dtor_last_data = shadow_data;
	s->magic = SHADOW_POISON;
}

static int shadow_test_init(struct kunit *test)
{
	atomic_set(&dtor_calls, 0);
	dtor_last_obj = NULL;
	dtor_last_data = NULL;
	return 0;
}

static void shadow_test_alloc_get(struct kunit *test)
{
	int obj1, obj2;
	struct test_shadow *s, *t;

	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&obj1, ID_BASIC));

	s = kgr_shadow_alloc(&obj1, ID_BASIC, sizeof(*s), GFP_KERNEL, NULL,
			     NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->magic, 0u);
	KUNIT_EXPECT_NULL(test, s->obj);
	KUNIT_EXPECT_EQ(test, s->value, 0);
	KUNIT_EXPECT_PTR_EQ(test, kgr_shadow_get(&obj1, ID_BASIC), s);

	/* The key is the pair: another id or another object is another one. */
	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&obj1, ID_OTHER));
	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&obj2, ID_BASIC));
	t = kgr_shadow_alloc(&obj1, ID_OTHER, sizeof(*t), GFP_KERNEL, NULL,
			     NULL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_PTR_NE(test, s, t);
	KUNIT_EXPECT_PTR_EQ(test, kgr_shadow_get(&obj1, ID_BASIC), s);

	kgr_shadow_free(&obj1, ID_BASIC, NULL);
	kgr_shadow_free(&obj1, ID_OTHER, NULL);
	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&obj1, ID_BASIC));
	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&obj1, ID_OTHER));
}

/* A duplicate alloc is refused quietly and the existing one is untouched. */
static void shadow_test_alloc_duplicate(struct kunit *test)
{
	struct ctor_args args = { .calls = ATOMIC_INIT(0) };
	struct test_shadow *s;
	int obj;

	s = kgr_shadow_alloc(&obj, ID_BASIC, sizeof(*s), GFP_KERNEL, NULL,
			     NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->value = 42;

	KUNIT_EXPECT_NULL(test, kgr_shadow_alloc(&obj, ID_BASIC, sizeof(*s),
						 GFP_KERNEL, test_ctor, &args));
	KUNIT_EXPECT_EQ(test, atomic_read(&args.calls), 0);
	KUNIT_EXPECT_PTR_EQ(test, kgr_shadow_get(&obj, ID_BASIC), s);
	KUNIT_EXPECT_EQ(test, s->value, 42);

	kgr_shadow_free(&obj, ID_BASIC, NULL);
}

static void shadow_test_get_or_alloc(struct kunit *test)
{
	struct ctor_args args = { .calls = ATOMIC_INIT(0) };
	struct test_shadow *s;
	int obj;

	s = kgr_shadow_get_or_alloc(&obj, ID_CTOR, sizeof(*s), GFP_KERNEL,
				    test_ctor, &args);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, atomic_read(&args.calls), 1);
	KUNIT_EXPECT_EQ(test, s->magic, SHADOW_MAGIC);
	KUNIT_EXPECT_PTR_EQ(test, s->obj, (void *)&obj);
	KUNIT_EXPECT_TRUE(test, args.atomic_ctx);

	/* Found, not created: the constructor does not run again. */
	KUNIT_EXPECT_PTR_EQ(test,
			    kgr_shadow_get_or_alloc(&obj, ID_CTOR, sizeof(*s),
						    GFP_KERNEL, test_ctor,
						    &args),
			    s);
	KUNIT_EXPECT_EQ(test, atomic_read(&args.calls), 1);

	kgr_shadow_free(&obj, ID_CTOR, NULL);
}

/* A failing constructor cancels the allocation and leaves nothing behind. */
static void shadow_test_ctor_fails(struct kunit *test)
{
	struct ctor_args args = { .calls = ATOMIC_INIT(0), .ret = -ENOSPC };
	struct test_shadow *s;
	int obj;

	KUNIT_EXPECT_NULL(test, kgr_shadow_alloc(&obj, ID_CTOR, sizeof(*s),
						 GFP_KERNEL, test_ctor, &args));
	KUNIT_EXPECT_NULL(test, kgr_shadow_get_or_alloc(&obj, ID_CTOR,
							sizeof(*s), GFP_KERNEL,
							test_ctor, &args));
	KUNIT_EXPECT_EQ(test, atomic_read(&args.calls), 2);
	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&obj, ID_CTOR));

	args.ret = 0;
	s = kgr_shadow_alloc(&obj, ID_CTOR, sizeof(*s), GFP_KERNEL, test_ctor,
			     &args);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->magic, SHADOW_MAGIC);
	kgr_shadow_free(&obj, ID_CTOR, NULL);
}

static void shadow_test_free_dtor(struct kunit *test)
{
	struct test_shadow *s;
	unsigned int magic;
	int obj, other;

	s = kgr_shadow_alloc(&obj, ID_FREE, sizeof(*s), GFP_KERNEL, NULL,
			     NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);

	/* Freeing what does not exist does nothing, dtor included. */
	kgr_shadow_free(&other, ID_FREE, test_dtor);
	kgr_shadow_free(&obj, ID_OTHER, test_dtor);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls), 0);
	KUNIT_EXPECT_PTR_EQ(test, kgr_shadow_get(&obj, ID_FREE), s);

	/* Freed after a grace period: still readable inside this section. */
	rcu_read_lock();
	kgr_shadow_free(&obj, ID_FREE, test_dtor);
	magic = READ_ONCE(s->magic);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, magic, SHADOW_POISON);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls), 1);
	KUNIT_EXPECT_PTR_EQ(test, dtor_last_obj, (void *)&obj);
	KUNIT_EXPECT_PTR_EQ(test, dtor_last_data, (void *)s);
	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&obj, ID_FREE));

	kgr_shadow_free(&obj, ID_FREE, test_dtor);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls), 1);
}

static void shadow_test_free_all(struct kunit *test)
{
	int objs[3], i;

	for (i = 0; i < ARRAY_SIZE(objs); i++)
		KUNIT_ASSERT_NOT_NULL(test,
				      kgr_shadow_alloc(&objs[i], ID_ALL_A, 8,
						       GFP_KERNEL, NULL, NULL));
	KUNIT_ASSERT_NOT_NULL(test, kgr_shadow_alloc(&objs[0], ID_ALL_B, 8,
						     GFP_KERNEL, NULL, NULL));

	kgr_shadow_free_all(ID_ALL_A, test_dtor);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls), ARRAY_SIZE(objs));
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		KUNIT_EXPECT_NULL(test, kgr_shadow_get(&objs[i], ID_ALL_A));
	KUNIT_EXPECT_NOT_NULL(test, kgr_shadow_get(&objs[0], ID_ALL_B));

	kgr_shadow_free_all(ID_ALL_A, test_dtor);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls), ARRAY_SIZE(objs));

	kgr_shadow_free_all(ID_ALL_B, NULL);
	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&objs[0], ID_ALL_B));
}

/* Every call with interrupts off (DEBUG_ATOMIC_SLEEP catches a sleep). */
static void shadow_test_atomic(struct kunit *test)
{
	struct ctor_args args = { .calls = ATOMIC_INIT(0) };
	struct test_shadow *s, *t, *found, *again;
	unsigned long flags;
	int obj;

	/* No KUNIT_EXPECT in here: reporting a failure may sleep. */
	local_irq_save(flags);
	s = kgr_shadow_alloc(&obj, ID_ATOMIC, sizeof(*s), GFP_ATOMIC,
			     test_ctor, &args);
	t = kgr_shadow_get_or_alloc(&obj, ID_ATOMIC, sizeof(*s), GFP_ATOMIC,
				    test_ctor, &args);
	found = kgr_shadow_get(&obj, ID_ATOMIC);
	kgr_shadow_free(&obj, ID_ATOMIC, test_dtor);
	again = kgr_shadow_get_or_alloc(&obj, ID_ATOMIC, sizeof(*s),
					GFP_ATOMIC, test_ctor, &args);
	kgr_shadow_free_all(ID_ATOMIC, test_dtor);
	local_irq_restore(flags);

	KUNIT_EXPECT_NOT_NULL(test, s);
	KUNIT_EXPECT_PTR_EQ(test, t, s);
	KUNIT_EXPECT_PTR_EQ(test, found, s);
	KUNIT_EXPECT_NOT_NULL(test, again);
	KUNIT_EXPECT_EQ(test, atomic_read(&args.calls), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls), 2);
	KUNIT_EXPECT_NULL(test, kgr_shadow_get(&obj, ID_ATOMIC));
}

#define RACE_KEYS	8
#define RACE_ROUNDS	20000

struct race {
	int objs[RACE_KEYS];
	struct ctor_args ctor;
	atomic_t bad;
	atomic_t ready;
	struct completion go;
	struct completion done[2];
};

static atomic_t race_dtor_calls;

static void race_dtor(void *obj, void *shadow_data)
{
	struct test_shadow *s = shadow_data;

	atomic_inc(&race_dtor_calls);
	s->magic = SHADOW_POISON;
}

/* A variable seen under RCU: intact, or poisoned by a free just now. */
static void race_check(struct race *race, void *obj, struct test_shadow *s)
{
	unsigned int magic = READ_ONCE(s->magic);

	if ((magic != SHADOW_MAGIC && magic != SHADOW_POISON) || s->obj != obj)
		atomic_inc(&race->bad);
}

/*
 * Both threads work on the same few keys, so get_or_alloc, alloc and
 * free of one key keep overlapping on the two CPUs.
 */
static void race_round(struct race *race, unsigned int i, unsigned int me)
{
	void *obj = &race->objs[(i * (me + 1)) % RACE_KEYS];
	struct test_shadow *s;

	switch ((i + me) % 4) {
	case 0:
		rcu_read_lock();
		s = kgr_shadow_get_or_alloc(obj, ID_RACE, sizeof(*s),
					    GFP_ATOMIC, test_ctor, &race->ctor);
		if (s)
			race_check(race, obj, s);
		rcu_read_unlock();
		break;
	case 1:
		kgr_shadow_alloc(obj, ID_RACE, sizeof(*s), GFP_KERNEL,
				 test_ctor, &race->ctor);
		break;
	case 2:
		rcu_read_lock();
		s = kgr_shadow_get(obj, ID_RACE);
		if (s)
			race_check(race, obj, s);
		rcu_read_unlock();
		break;
	default:
		kgr_shadow_free(obj, ID_RACE, race_dtor);
		break;
	}
}

struct race_thread {
	struct race *race;
	unsigned int me;
};

static int race_fn(void *data)
{
	struct race_thread *rt = data;
	struct race *race = rt->race;
	unsigned int i;

	atomic_inc(&race->ready);
	wait_for_completion(&race->go);
	for (i = 0; i < RACE_ROUNDS; i++) {
		race_round(race, i, rt->me);
		if (!(i % 256))
			cond_resched();
	}
	complete(&race->done[rt->me]);

	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static void shadow_test_race(struct kunit *test)
{
	struct race_thread rt[2];
	struct task_struct *tasks[2];
	struct race *race;
	unsigned int i;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	atomic_set(&race_dtor_calls, 0);
	init_completion(&race->go);
	for (i = 0; i < 2; i++) {
		init_completion(&race->done[i]);
		rt[i].race = race;
		rt[i].me = i;
		tasks[i] = kthread_create(race_fn, &rt[i], "kgr_shadow_race/%u",
					  i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(tasks[i]));
		if (num_online_cpus() > 1)
			kthread_bind(tasks[i], i);
		wake_up_process(tasks[i]);
	}
	if (num_online_cpus() < 2)
		kunit_info(test, "one CPU online: the threads only interleave\n");

	while (atomic_read(&race->ready) < 2)
		cond_resched();
	complete_all(&race->go);
	for (i = 0; i < 2; i++) {
		wait_for_completion(&race->done[i]);
		kthread_stop(tasks[i]);
	}

	kgr_shadow_free_all(ID_RACE, race_dtor);
	for (i = 0; i < RACE_KEYS; i++)
		KUNIT_EXPECT_NULL(test, kgr_shadow_get(&race->objs[i], ID_RACE));
	KUNIT_EXPECT_EQ(test, atomic_read(&race->bad), 0);
	/* Every variable constructed was destroyed exactly once: no leak. */
	KUNIT_EXPECT_GT(test, atomic_read(&race->ctor.calls), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->ctor.calls),
			atomic_read(&race_dtor_calls));
	kunit_info(test, "%d variables created and freed on %u CPUs\n",
		   atomic_read(&race_dtor_calls), min(num_online_cpus(), 2u));
}

static struct kunit_case shadow_test_cases[] = {
	KUNIT_CASE(shadow_test_alloc_get),
	KUNIT_CASE(shadow_test_alloc_duplicate),
	KUNIT_CASE(shadow_test_get_or_alloc),
	KUNIT_CASE(shadow_test_ctor_fails),
	KUNIT_CASE(shadow_test_free_dtor),
	KUNIT_CASE(shadow_test_free_all),
	KUNIT_CASE(shadow_test_atomic),
	KUNIT_CASE(shadow_test_race),
	{}
};

static struct kunit_suite shadow_test_suite = {
	.name = "kgr_shadow",
	.init = shadow_test_init,
	.test_cases = shadow_test_cases,
};
kunit_test_suite(shadow_test_suite);
