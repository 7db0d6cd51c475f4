# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/sched/sch_drr.c
# function: drr_change_class
# effect: a drr class of quantum 1 on lo: the fix raises it to 256 (the
#   class dump says 256); before it, 1.
probe() { kgr-fixprobe drr-class 1; }
OLD='errno=0 quantum=1'
NEW='errno=0 quantum=256'
