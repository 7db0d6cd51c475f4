// SPDX-License-Identifier: GPL-2.0
/*
 * A patch written with kpatch's macros, built as a kgr patch through
 * include/kgr/kpatch-compat.h by tests/run.sh (never loaded): every macro
 * of kpatch-macros.h and kpatch-syscall.h, and klp_shadow_*().
 */
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/livepatch.h>
#include "kpatch-macros.h"
#include "kpatch-syscall.h"

#define SETHOSTNAME_CALLS 0x6b677231

static int sample_pre_patch(patch_object *obj)
{
	pr_info("kpatch sample: applying\n");
	return 0;
}

static void sample_post_patch(patch_object *obj)
{
	pr_info("kpatch sample: applied\n");
}

static void sample_pre_unpatch(patch_object *obj)
{
	pr_info("kpatch sample: reverting\n");
}

static void sample_post_unpatch(patch_object *obj)
{
	klp_shadow_free_all(SETHOSTNAME_CALLS, NULL);
}

KPATCH_PRE_PATCH_CALLBACK(sample_pre_patch);
KPATCH_POST_PATCH_CALLBACK(sample_post_patch);
KPATCH_PRE_UNPATCH_CALLBACK(sample_pre_unpatch);
KPATCH_POST_UNPATCH_CALLBACK(sample_post_unpatch);
KPATCH_IGNORE_SECTION(".data.unlikely");
KPATCH_IGNORE_FUNCTION(sample_post_patch);
KPATCH_FORCE_UNSAFE(sample_pre_patch);

static int count_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	*(unsigned long *)shadow_data = 0;
	return 0;
}

KPATCH_SYSCALL_DEFINE2(sethostname, char __user *, name, int, len)
{
	klp_shadow_ctor_t ctor = count_ctor;
	unsigned long *calls;
	char tmp[__NEW_UTS_LEN];
	struct new_utsname *u;

	if (!ns_capable(current->nsproxy->uts_ns->user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len >= __NEW_UTS_LEN)
		return -EINVAL;
	if (copy_from_user(tmp, name, len))
		return -EFAULT;
	calls = klp_shadow_get_or_alloc(current->nsproxy->uts_ns,
					SETHOSTNAME_CALLS, sizeof(*calls),
					GFP_KERNEL, ctor, NULL);
	if (calls)
		(*calls)++;
	u = utsname();
	memcpy(u->nodename, tmp, len);
	memset(u->nodename + len, 0, sizeof(u->nodename) - len);
	return 0;
}

static struct kgr_patch patch = {
	.name = "kgr_kpatch_sample",
	.hooks = KPATCH_KGR_HOOKS(NULL),
	.patches = {
		KPATCH_SYSCALL_PATCH(x64, sethostname),
#ifdef CONFIG_IA32_EMULATION
		KPATCH_SYSCALL_PATCH(ia32, sethostname),
#endif
		KGR_PATCH_END
	}
};

module_kgr_patch(patch);
MODULE_DESCRIPTION("kgr patch written with kpatch's macros");
MODULE_LICENSE("GPL");
