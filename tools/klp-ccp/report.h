/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: the verdict table as text rows plus a summary, or as JSON. */
#ifndef KLP_CCP_REPORT_H
#define KLP_CCP_REPORT_H

#include <stdio.h>

#include "verdict.h"

void report_text(const struct verdict_table *t, FILE *f);
void report_json(const struct verdict_table *t, const char *diff_name,
		 FILE *f);

#endif
