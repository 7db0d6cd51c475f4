// SPDX-License-Identifier: GPL-2.0-or-later
/* The torture tests' first patch: version 2. */
#define KGR_TORTURE_VERSION	2
#define KGR_TORTURE_NAME	"kgr_test_torture_patch"
#define KGR_TORTURE_REPLACE_ALL	false
#include "kgr_test_torture_patch.h"
