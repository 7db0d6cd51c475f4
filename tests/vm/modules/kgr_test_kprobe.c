// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Another user of a function's fentry site: a kprobe with a post_handler,
 * which kprobes arms through ftrace with IPMODIFY (it single-steps by
 * moving the ip). kgr must refuse to patch the same function with -EBUSY.
 */
#include <linux/module.h>
#include <linux/kprobes.h>

static char *func = "cmdline_proc_show";
module_param(func, charp, 0444);

static int kgr_test_kprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static void kgr_test_kprobe_post(struct kprobe *p, struct pt_regs *regs,
				 unsigned long flags)
{
}

static struct kprobe kgr_test_kp = {
	.pre_handler = kgr_test_kprobe_pre,
	.post_handler = kgr_test_kprobe_post,
};

static int __init kgr_test_kprobe_init(void)
{
	kgr_test_kp.symbol_name = func;
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
