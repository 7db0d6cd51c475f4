/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kgr_test_torture: the functions its patch calls or replaces. */
#ifndef _KGR_TEST_TORTURE_H
#define _KGR_TEST_TORTURE_H

int kgr_torture_a(void);
int kgr_torture_b(void);
void kgr_torture_count(int a, int b);
void kgr_torture_pair(void);

#endif
