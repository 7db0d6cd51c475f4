// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kGraft demo: /proc/uptime visibly changes while the patch is
 * applied. The new uptime_proc_show() is the original with " kgr" added to
 * its line; get_idle_time() is not exported, so it comes through a call
 * shim, checked by the compiler against its declaration in kernel_stat.h:
 * a direct call, because on 6.12 objtool sealed get_idle_time() for IBT.
 */
#include <linux/module.h>
#include <linux/kernel_stat.h>
#include <linux/seq_file.h>
#include <linux/time_namespace.h>
#include <kgr/kgr.h>

KGR_CALL_DECLARE(kgr_get_idle_time, get_idle_time);

static int kgr_new_uptime_proc_show(struct seq_file *m, void *v)
{
	struct timespec64 uptime;
	struct timespec64 idle;
	u64 idle_nsec = 0;
	u32 rem;
	int i;

	for_each_possible_cpu(i) {
		struct kernel_cpustat kcs;

		kcpustat_cpu_fetch(&kcs, i);
		idle_nsec += static_call(kgr_get_idle_time)(&kcs, i);
	}

	ktime_get_boottime_ts64(&uptime);
	timens_add_boottime(&uptime);

	idle.tv_sec = div_u64_rem(idle_nsec, NSEC_PER_SEC, &rem);
	idle.tv_nsec = rem;
	seq_printf(m, "%lu.%02lu %lu.%02lu kgr\n",
		   (unsigned long)uptime.tv_sec,
		   (uptime.tv_nsec / (NSEC_PER_SEC / 100)),
		   (unsigned long)idle.tv_sec,
		   (idle.tv_nsec / (NSEC_PER_SEC / 100)));
	return 0;
}

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL_CALL(kgr_get_idle_time, get_idle_time),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.name = "kgr_sample_uptime",
	.owner = THIS_MODULE,
	.symbols = symbols,
	.patches = { KGR_PATCH(uptime_proc_show, kgr_new_uptime_proc_show, true),
		     KGR_PATCH_END }
};

module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr sample: /proc/uptime gains \" kgr\"");
