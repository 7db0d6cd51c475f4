# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/sched/sch_sfq.c
# function: sfq_change (inlined: patched through sfq_init)
# effect: "tc qdisc add dev lo root sfq quantum 2097152": the fix refuses
#   a quantum above 2^20 (EINVAL); before it the qdisc is created with it.
probe() { kgr-fixprobe qdisc sfq 2097152; }
OLD='errno=0 quantum=2097152'
NEW='errno=22 quantum=-1'
