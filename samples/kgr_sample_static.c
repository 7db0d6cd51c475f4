// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shims: a patch that uses what its target file keeps to itself.
 *
 * proc_nr_inodes() of fs/inode.c fills /proc/sys/fs/inode-nr and
 * inode-state. Its new version calls the static function get_nr_inodes(),
 * sums the static per-CPU counter nr_unused and writes the static variable
 * inodes_stat, all private to fs/inode.c, through shims. The change it
 * makes: inode-state's first spare field (always 0) counts the handler's
 * calls, one per read(2) of either file.
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/percpu.h>
#include <linux/sysctl.h>
#include <kgr/kgr.h>

/* Shims: filled in by kgr.ko from kallsyms before anything is patched. */
static long (*kgr_get_nr_inodes)(void);
static unsigned long __percpu *kgr_nr_unused;
static struct inodes_stat_t *kgr_inodes_stat;

/*
 * get_nr_inodes_unused() is inlined in fs/inode.c, so there is no symbol
 * to point a shim at: the patch carries its own copy.
 */
static long kgr_get_nr_inodes_unused(void)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(kgr_nr_unused, cpu);
	return sum < 0 ? 0 : sum;
}

/*
 * The prototype of proc_nr_inodes(), the original's two lines plus one.
 * Since 6.11 the table is const; the non-const pointer builds for both
 * 6.1 and 6.12 and is passed the same way.
 */
static int kgr_new_proc_nr_inodes(struct ctl_table *table, int write,
				  void *buffer, size_t *lenp, loff_t *ppos)
{
	kgr_inodes_stat->nr_inodes = kgr_get_nr_inodes();
	kgr_inodes_stat->nr_unused = kgr_get_nr_inodes_unused();
	kgr_inodes_stat->dummy[0]++;
	return proc_doulongvec_minmax(table, write, buffer, lenp, ppos);
}

static struct kgr_symbol kgr_symbols[] = {
	KGR_SYMBOL(kgr_get_nr_inodes, get_nr_inodes),
	KGR_SYMBOL(kgr_nr_unused, nr_unused),
	KGR_SYMBOL(kgr_inodes_stat, inodes_stat),
	KGR_SYMBOL_END
};

/*
 * Nothing runs the new code any more: clear the count for the old code.
 * The shims are still set here; kgr clears them right after.
 */
static void kgr_sample_static_post_revert(struct kgr_patch *patch)
{
	kgr_inodes_stat->dummy[0] = 0;
}

static struct kgr_patch patch = {
	.name = "kgr_sample_static",
	.owner = THIS_MODULE,
	.symbols = kgr_symbols,
	.hooks = {
		.post_revert = kgr_sample_static_post_revert,
	},
	.patches = {
		KGR_PATCH(proc_nr_inodes, kgr_new_proc_nr_inodes, true),
		KGR_PATCH_END
	}
};

module_kgr_patch(patch);
MODULE_DESCRIPTION("kgr sample: shims for static symbols of fs/inode.c");
MODULE_LICENSE("GPL");
