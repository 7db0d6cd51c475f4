// SPDX-License-Identifier: GPL-2.0-or-later
/* Bad input of cocci-check: a module, but no kgr patch. */
#include <linux/module.h>

static int __init fixture_init(void)
{
	return 0;
}

module_init(fixture_init);
MODULE_LICENSE("GPL");
