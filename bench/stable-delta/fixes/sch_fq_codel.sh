# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/sched/sch_fq_codel.c
# function: fq_codel_init
# effect: fq_codel without options on lo of MTU 100 (psched_mtu 114):
#   the fix makes the default quantum at least 256; before it, 114.
probe() { kgr-fixprobe qdisc-mtu fq_codel 100; }
OLD='errno=0 quantum=114'
NEW='errno=0 quantum=256'
