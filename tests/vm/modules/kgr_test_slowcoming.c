// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Widens the window between a module becoming COMING and kgr's module
 * notifier seeing it: a notifier that runs before kgr's (higher priority)
 * and sleeps delay_ms when module `target` comes. A patch applied in that
 * window must not patch the module a second time when kgr's notifier runs.
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/notifier.h>

static char *target = "kgr_test_target";
module_param(target, charp, 0444);
static unsigned int delay_ms = 3000;
module_param(delay_ms, uint, 0444);

static int kgr_slowcoming_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct module *mod = data;

	if (action == MODULE_STATE_COMING && !strcmp(mod->name, target)) {
		pr_info("kgr_test_slowcoming: holding %s in COMING\n", target);
		msleep(delay_ms);
		pr_info("kgr_test_slowcoming: releasing %s\n", target);
	}
	return NOTIFY_OK;
}

static struct notifier_block kgr_slowcoming_nb = {
	.notifier_call = kgr_slowcoming_notify,
	.priority = INT_MAX,
};

static int __init kgr_test_slowcoming_init(void)
{
	return register_module_notifier(&kgr_slowcoming_nb);
}

static void __exit kgr_test_slowcoming_exit(void)
{
	unregister_module_notifier(&kgr_slowcoming_nb);
}

module_init(kgr_test_slowcoming_init);
module_exit(kgr_test_slowcoming_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kgr test: a module notifier that holds a module in COMING");
