// SPDX-License-Identifier: GPL-2.0
/*
 * tools/testing/selftests/livepatch/test_modules/test_klp_syscall.c of
 * Linux 6.12, on kgr: patches the getpid system call; each task named in
 * klp_pids that runs the new function is struck off, and
 * /sys/kernel/kgr_test_klp_syscall/npids counts those not seen yet. For
 * tests/vm/tests/66-selftest-syscall.sh, which also reads "calls", the
 * number of calls of the new function (not in the original), to tell that
 * nothing runs it once the patch is reverted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sched.h>
#include <linux/sysfs.h>
#include <kgr/kgr.h>

#if defined(__x86_64__)
#define FN_PREFIX __x64_
#elif defined(__s390x__)
#define FN_PREFIX __s390x_
#elif defined(__aarch64__)
#define FN_PREFIX __arm64_
#else
/* powerpc does not select ARCH_HAS_SYSCALL_WRAPPER */
#define FN_PREFIX
#endif

/* Protects klp_pids */
static DEFINE_MUTEX(kpid_mutex);

static unsigned int npids, npids_pending;
static int klp_pids[NR_CPUS];
module_param_array(klp_pids, int, &npids_pending, 0);
MODULE_PARM_DESC(klp_pids, "Array of pids to be transitioned to livepatched state.");

static atomic_long_t calls = ATOMIC_LONG_INIT(0);

static ssize_t npids_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", npids_pending);
}

static ssize_t calls_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&calls));
}

static struct kobj_attribute klp_attr = __ATTR_RO(npids);
static struct kobj_attribute calls_attr = __ATTR_RO(calls);
static struct attribute *klp_attrs[] = {
	&klp_attr.attr,
	&calls_attr.attr,
	NULL
};

static const struct attribute_group klp_group = {
	.attrs = klp_attrs,
};

static struct kobject *klp_kobj;

static asmlinkage long lp_sys_getpid(void)
{
	int i;

	atomic_long_inc(&calls);
	mutex_lock(&kpid_mutex);
	if (npids_pending > 0) {
		for (i = 0; i < npids; i++) {
			if (current->pid == klp_pids[i]) {
				klp_pids[i] = 0;
				npids_pending--;
				break;
			}
		}
	}
	mutex_unlock(&kpid_mutex);

	return task_tgid_vnr(current);
}

static struct kgr_patch patch = {
	.name = KBUILD_MODNAME,
	.patches = {
		{
			/* The name is built: KGR_PATCH() would not expand it. */
			.name = __stringify(FN_PREFIX) "sys_getpid",
			.new_fun = lp_sys_getpid,
			.abort_if_missing = true,
		},
		KGR_PATCH_END
	}
};

static int __init kgr_test_klp_syscall_init(void)
{
	int ret;

	klp_kobj = kobject_create_and_add(KBUILD_MODNAME, kernel_kobj);
	if (!klp_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(klp_kobj, &klp_group);
	if (ret) {
		kobject_put(klp_kobj);
		return ret;
	}

	/*
	 * Save the number pids to transition to livepatched state before the
	 * number of pending pids is decremented.
	 */
	npids = npids_pending;

	ret = kgr_patch_kernel(&patch);
	if (ret)
		kobject_put(klp_kobj);
	return ret;
}

static void __exit kgr_test_klp_syscall_exit(void)
{
	kgr_patch_remove(&patch);
	kobject_put(klp_kobj);
}

module_init(kgr_test_klp_syscall_init);
module_exit(kgr_test_klp_syscall_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: the livepatch selftests' test_klp_syscall");
