/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The new A, B and pair of every torture patch, kgr's and the kernel's
 * livepatch's: A and B return KGR_TORTURE_VERSION, and the pair counts
 * its own version with theirs, so that a task inside the pair keeps the
 * code it started with, and a task that mixed two versions is counted as
 * mixed by kgr_test_torture.
 */
#include <linux/delay.h>
#include "kgr_test_torture.h"

static int kgr_torture_new = KGR_TORTURE_VERSION;

static int kgr_new_torture_a(void)
{
	return READ_ONCE(kgr_torture_new);
}

static int kgr_new_torture_b(void)
{
	return READ_ONCE(kgr_torture_new);
}

/* The universe picks which A and B run; this pair must see the same one. */
static void kgr_new_torture_pair(unsigned int stay_us)
{
	int a = kgr_torture_a();

	if (stay_us >= 20000)
		msleep(stay_us / 1000);
	else if (stay_us)
		usleep_range(stay_us, 2 * stay_us);
	kgr_torture_count(KGR_TORTURE_VERSION, a, kgr_torture_b());
}
