// SPDX-License-Identifier: GPL-2.0-or-later
/* A replace_all torture patch: version 4, superseding every other one. */
#define KGR_TORTURE_VERSION	4
#define KGR_TORTURE_NAME	"kgr_test_torture_all"
#define KGR_TORTURE_REPLACE_ALL	true
#include "kgr_test_torture_patch.h"
