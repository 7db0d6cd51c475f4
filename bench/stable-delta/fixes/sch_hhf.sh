# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/sched/sch_hhf.c
# function: hhf_change
# effect: "tc qdisc add dev lo root hhf quantum 1": the fix raises a
#   quantum below 256 to 256 (the dump says 256); before it, 1. The same
#   fix bounds hh_limit through hhf_policy, a data change: klp-ccp calls
#   the file NOT PATCHABLE, so no patch is expected here.
probe() { kgr-fixprobe qdisc hhf 1; }
OLD='errno=0 quantum=1'
NEW='errno=0 quantum=256'
