// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A patch whose every field comes from module parameters, to drive the
 * refusals of kgr_patch_kernel() from a real module load: insmod fails
 * with the errno kgr returned. Its new function has the prototype of a
 * seq_file show function (cmdline_proc_show by default), so the patch is
 * only safe to apply on such a target; the refusal tests never get there.
 *
 *   target=  function replaced        obj=     its module (default vmlinux)
 *   sympos=  its position             must_exist= 0: skip it if missing
 *   name=    patch name               build_id= vmlinux build-id to demand
 *   shim=    a symbol to resolve      twice=   1: the same target twice
 *   empty=   1: no new function      hook_err= errno the pre_apply hook
 *                                              of module obj= returns
 *   sympos2= the second entry's sympos (with twice=1)
 *   foreign= 1: the new function is a kernel function, not this module's
 *   hook_sleep_ms= the patch's pre_apply hook sleeps that long (it runs
 *            under kgr's mutex)
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/delay.h>
#include <kgr/kgr.h>

static char *target = "cmdline_proc_show";
module_param(target, charp, 0444);
static char *obj;
module_param(obj, charp, 0444);
static ulong sympos;
module_param(sympos, ulong, 0444);
static bool must_exist = true;
module_param(must_exist, bool, 0444);
static char *name = "kgr_test_patch";
module_param(name, charp, 0444);
static char *build_id;
module_param(build_id, charp, 0444);
static char *shim;
module_param(shim, charp, 0444);
static bool twice;
module_param(twice, bool, 0444);
static bool empty;
module_param(empty, bool, 0444);
static int hook_err;
module_param(hook_err, int, 0444);
static ulong sympos2;
module_param(sympos2, ulong, 0444);
static bool foreign;
module_param(foreign, bool, 0444);
static uint hook_sleep_ms;
module_param(hook_sleep_ms, uint, 0444);

static void *kgr_test_shim;

static int kgr_test_patch_show(struct seq_file *m, void *v)
{
	seq_puts(m, "kgr_test_patch\n");
	return 0;
}

static int kgr_test_patch_pre_apply(struct kgr_patch *patch)
{
	return -hook_err;
}

static int kgr_test_patch_sleep(struct kgr_patch *patch)
{
	msleep(hook_sleep_ms);
	return 0;
}

static struct kgr_hooks object_hooks[] = {
	{ .pre_apply = kgr_test_patch_pre_apply },
	{ }
};

static struct kgr_symbol symbols[] = {
	KGR_SYMBOL(kgr_test_shim, unset),
	KGR_SYMBOL_END
};

static struct kgr_patch patch = {
	.owner = THIS_MODULE,
	.patches = { KGR_PATCH(unset, kgr_test_patch_show, true),
		     KGR_PATCH(unset, kgr_test_patch_show, true),
		     KGR_PATCH_END }
};

static void kgr_test_patch_fill(struct kgr_patch_fun *fun)
{
	fun->name = target;
	fun->objname = obj;
	fun->sympos = sympos;
	fun->abort_if_missing = must_exist;
	if (empty)
		fun->new_fun = NULL;
	else if (foreign)
		fun->new_fun = seq_read;
}

static int __init kgr_test_patch_init(void)
{
	patch.name = name;
	patch.build_id = build_id;
	if (hook_err && obj) {
		object_hooks[0].objname = obj;
		patch.object_hooks = object_hooks;
	}
	if (shim) {
		symbols[0].name = shim;
		patch.symbols = symbols;
	}
	kgr_test_patch_fill(&patch.patches[0]);
	if (hook_sleep_ms)
		patch.hooks.pre_apply = kgr_test_patch_sleep;
	if (twice) {
		kgr_test_patch_fill(&patch.patches[1]);
		patch.patches[1].sympos = sympos2;
	} else
		patch.patches[1].name = NULL;
	return kgr_patch_kernel(&patch);
}

static void __exit kgr_test_patch_exit(void)
{
	kgr_patch_remove(&patch);
}

module_init(kgr_test_patch_init);
module_exit(kgr_test_patch_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: a patch built from module parameters");
