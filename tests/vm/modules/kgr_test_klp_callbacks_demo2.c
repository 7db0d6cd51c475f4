// SPDX-License-Identifier: GPL-2.0
/*
 * lib/livepatch/test_klp_callbacks_demo2.c of Linux 6.1, on kgr: the demo
 * with the patch's own hooks only.
 */
#define KGR_CALLBACKS_DEMO2
#include "kgr_test_klp_callbacks_demo.c"
