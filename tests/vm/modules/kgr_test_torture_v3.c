// SPDX-License-Identifier: GPL-2.0-or-later
/* A torture patch stacked on kgr_test_torture_patch: version 3. */
#define KGR_TORTURE_VERSION	3
#define KGR_TORTURE_NAME	"kgr_test_torture_v3"
#define KGR_TORTURE_REPLACE_ALL	false
#include "kgr_test_torture_patch.h"
