// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lock.c - kgr_mutex, the lock of kgr's state, and the registry it guards
 *
 * Apart from the files that use them, so that none of them is the owner
 * the others must reach back into: core.c adds and removes patches,
 * transition.c walks them.
 */

#include <linux/list.h>
#include <linux/mutex.h>
#include "internal.h"

/*
 * Serialises every change of kgr's state: the registry, apply, revert,
 * the transition and its finish, the module notifier, sysfs stores. The
 * ftrace handler, the tracepoint probes and sysfs reads never take it
 * (RCU and READ_ONCE() instead): a transition must never wait for them.
 * Not held across kgr_sysfs_del_patch(), which waits for sysfs stores.
 * A function whose comment says "kgr_mutex" asserts it with lockdep.
 */
DEFINE_MUTEX(kgr_mutex);

/* Registered patches, oldest first (bottom of the stack first). kgr_mutex. */
LIST_HEAD(kgr_patches);
