# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/ipv4/fib_rules.c
# function: fib_empty_table (inlined: patched through fib4_rule_configure)
# effect: "ip rule add lookup 0" takes an unused table of its own each
#   time; the fix stops at table 4096 (ENOBUFS) instead of RT_TABLE_MAX
#   (2^32 - 1). 4100 such rules in a fresh namespace, where no table
#   exists yet: all added before, 4096 (tables 1 to 4096) and ENOBUFS
#   after.
probe() { kgr-fixprobe fib-auto 4100; }
OLD='added=4100 errno=0'
NEW='added=4096 errno=105'
