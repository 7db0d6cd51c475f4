// SPDX-License-Identifier: GPL-2.0-or-later
/* The upper patch of the stacking pair: see kgr_sample_stack1.c. */
#define KGR_STACK_LEVEL 2
#include "kgr_sample_stack1.c"
