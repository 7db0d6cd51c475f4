# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/sched/sch_fq_pie.c
# function: fq_pie_change
# effect: "tc qdisc add dev lo root fq_pie quantum 1": the fix raises a
#   quantum below 256 to 256 (the dump says 256); before it, 1.
probe() { kgr-fixprobe qdisc fq_pie 1; }
OLD='errno=0 quantum=1'
NEW='errno=0 quantum=256'
