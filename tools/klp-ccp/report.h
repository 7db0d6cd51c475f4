/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-ccp: the verdict table as text rows plus a summary, or as JSON. */
#ifndef KLP_CCP_REPORT_H
#define KLP_CCP_REPORT_H

#include <stdio.h>

#include "extract.h"
#include "verdict.h"

/* @copied: the static callees the patch copies for lack of a symbol. */
void report_text(const struct verdict_table *t, const struct copied_list *copied,
		 FILE *f);
void report_json(const struct verdict_table *t, const struct copied_list *copied,
		 const char *diff_name, FILE *f);

#endif
