// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fault.c - fault injection, built into test builds of kgr.ko only
 *
 * As the kernel's fail-nth: writing N to the parameter fail_nth (or
 * loading kgr.ko with fail_nth=N) makes the Nth fallible step from then on
 * fail, once; fault_steps tells how many steps were counted since. Only
 * the steps of user tasks count (insmod, rmmod, sysfs writes): those of
 * kthreads, the transition worker's, belong to no operation, and the one
 * step that can fail there (hooking the syscall probes) is allowed to.
 * tests/vm/tests/74-fault-injection.sh walks N over every step.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sysfs.h>
#include "fault.h"

/* Steps counted since fail_nth was last written. */
static atomic_t kgr_fault_steps = ATOMIC_INIT(0);
/* The step that fails, counted from 1; 0: none. */
static unsigned int kgr_fail_nth;

static int kgr_fail_nth_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_uint(val, kp);

	if (!ret)
		atomic_set(&kgr_fault_steps, 0);
	return ret;
}

static const struct kernel_param_ops kgr_fail_nth_ops = {
	.set = kgr_fail_nth_set,
	.get = param_get_uint,
};
module_param_cb(fail_nth, &kgr_fail_nth_ops, &kgr_fail_nth, 0600);
MODULE_PARM_DESC(fail_nth, "Fail the Nth fallible step from now (0: none)");

static int kgr_fault_steps_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&kgr_fault_steps));
}

static const struct kernel_param_ops kgr_fault_steps_ops = {
	.get = kgr_fault_steps_get,
};
module_param_cb(fault_steps, &kgr_fault_steps_ops, NULL, 0400);
MODULE_PARM_DESC(fault_steps, "Fallible steps taken since fail_nth was set");

/**
 * kgr_fault() - count a fallible step and tell whether it is to fail
 * @step: what the step does, for the log
 *
 * Return: true when @step is the one fail_nth names.
 */
bool kgr_fault(const char *step)
{
	unsigned int n;

	if (current->flags & PF_KTHREAD)
		return false;
	n = atomic_inc_return(&kgr_fault_steps);
	if (n != READ_ONCE(kgr_fail_nth))
		return false;
	pr_warn("fault injected at step %u: %s\n", n, step);
	return true;
}
