// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The call-cost benchmark's target: three identical functions, one left
 * alone, one for kgr to patch, one for the kernel's livepatch to patch.
 * Reading /proc/kgr_bench times a loop of calls to each, the three
 * interleaved round by round so that they share the machine's state, and
 * prints the best round of each in picoseconds per call.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>

#define KGR_BENCH_CALLS		200000
#define KGR_BENCH_ROUNDS	7

static noinline int kgr_bench_plain(int x)
{
	return x + 1;
}

static noinline int kgr_bench_kgr(int x)
{
	return x + 1;
}

static noinline int kgr_bench_klp(int x)
{
	return x + 1;
}

static int (* const kgr_bench_fns[])(int) = {
	kgr_bench_plain, kgr_bench_kgr, kgr_bench_klp,
};

/* Nanoseconds for KGR_BENCH_CALLS calls of @fn, never inlined away. */
static u64 kgr_bench_loop(int (*fn)(int))
{
	u64 start = ktime_get_ns();
	int i, sum = 0;

	for (i = 0; i < KGR_BENCH_CALLS; i++) {
		OPTIMIZER_HIDE_VAR(fn);
		sum += fn(i);
	}
	OPTIMIZER_HIDE_VAR(sum);
	return ktime_get_ns() - start;
}

static int kgr_bench_show(struct seq_file *m, void *v)
{
	u64 best[ARRAY_SIZE(kgr_bench_fns)];
	int r, f;

	for (f = 0; f < ARRAY_SIZE(best); f++)
		best[f] = U64_MAX;
	for (r = 0; r < KGR_BENCH_ROUNDS; r++)
		for (f = 0; f < ARRAY_SIZE(best); f++)
			best[f] = min(best[f], kgr_bench_loop(kgr_bench_fns[f]));
	seq_printf(m, "plain %llu kgr %llu klp %llu\n",
		   best[0] * 1000 / KGR_BENCH_CALLS,
		   best[1] * 1000 / KGR_BENCH_CALLS,
		   best[2] * 1000 / KGR_BENCH_CALLS);
	return 0;
}

static int __init kgr_bench_target_init(void)
{
	if (!proc_create_single("kgr_bench", 0444, NULL, kgr_bench_show))
		return -ENOMEM;
	return 0;
}

static void __exit kgr_bench_target_exit(void)
{
	remove_proc_entry("kgr_bench", NULL);
}

module_init(kgr_bench_target_init);
module_exit(kgr_bench_target_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr bench: functions whose call cost is measured");
