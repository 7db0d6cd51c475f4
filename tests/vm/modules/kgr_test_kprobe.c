// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Another user of a function's fentry site: a kprobe, by default with a
 * post_handler, which kprobes arms through ftrace with IPMODIFY (it
 * single-steps by moving the ip): kgr must refuse to patch the same
 * function with -EBUSY (tests/vm/tests/16-core-refusals.sh). Without one
 * (has_post_handler=n), as the livepatch selftests' test_klp_kprobe of
 * later kernels, the kprobe's ftrace_ops does not modify the ip and shares
 * the site with a patch (67-selftest-kprobe.sh); "hits" counts the runs of
 * its pre_handler.
 */
#include <linux/module.h>
#include <linux/kprobes.h>

static char *func = "cmdline_proc_show";
module_param(func, charp, 0444);

static bool has_post_handler = true;
module_param(has_post_handler, bool, 0444);

static unsigned int hits;
module_param(hits, uint, 0444);

static int kgr_test_kprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	WRITE_ONCE(hits, READ_ONCE(hits) + 1);
	return 0;
}

static void kgr_test_kprobe_post(struct kprobe *p, struct pt_regs *regs,
				 unsigned long flags)
{
}

static struct kprobe kgr_test_kp = {
	.pre_handler = kgr_test_kprobe_pre,
};

static int __init kgr_test_kprobe_init(void)
{
	kgr_test_kp.symbol_name = func;
	if (has_post_handler)
		kgr_test_kp.post_handler = kgr_test_kprobe_post;
	return register_kprobe(&kgr_test_kp);
}

static void __exit kgr_test_kprobe_exit(void)
{
	unregister_kprobe(&kgr_test_kp);
}

module_init(kgr_test_kprobe_init);
module_exit(kgr_test_kprobe_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: a kprobe holding a fentry site");
