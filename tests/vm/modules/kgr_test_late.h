/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef _KGR_TEST_LATE_H
#define _KGR_TEST_LATE_H

/* What the original and the patched kgr_test_late_fn() return. */
#define KGR_LATE_ORIGINAL	1
#define KGR_LATE_PATCHED	2

#endif
