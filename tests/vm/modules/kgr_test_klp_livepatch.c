// SPDX-License-Identifier: GPL-2.0
/*
 * lib/livepatch/test_klp_livepatch.c of Linux 6.1, on kgr: /proc/cmdline
 * names this module once patched. For tests/vm/tests/60-selftest-livepatch.sh,
 * 63-selftest-ftrace.sh, 64-selftest-ftrace-enabled.sh and
 * 67-selftest-kprobe.sh.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <kgr/kgr.h>

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: %s\n", THIS_MODULE->name,
		   "this has been live patched");
	return 0;
}

static struct kgr_patch patch = {
	.name = KBUILD_MODNAME,
	.patches = {
		KGR_PATCH(cmdline_proc_show, livepatch_cmdline_proc_show, true),
		KGR_PATCH_END
	}
};
module_kgr_patch(patch);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the livepatch selftests' test_klp_livepatch");
