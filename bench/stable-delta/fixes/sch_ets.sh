# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/sched/sch_ets.c
# function: ets_quantum_parse (inlined: patched through
#   ets_qdisc_quanta_parse and ets_class_change)
# effect: "tc qdisc add dev lo root ets bands 2 quanta 0 0": the fix
#   raises a quantum of 0 to 256 (the dump says 256); before it, EINVAL.
probe() { kgr-fixprobe qdisc ets 0; }
OLD='errno=22 quantum=-1'
NEW='errno=0 quantum=256'
