/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kgr_test_torture: the functions its patches call or replace. */
#ifndef _KGR_TEST_TORTURE_H
#define _KGR_TEST_TORTURE_H

/* Version 1 is the original code; patch vN returns N. */
#define KGR_TORTURE_VERSIONS	5

int kgr_torture_a(void);
int kgr_torture_b(void);
void kgr_torture_count(int pair, int a, int b);
void kgr_torture_pair(unsigned int stay_us);

#endif
