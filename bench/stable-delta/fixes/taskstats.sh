# SPDX-License-Identifier: GPL-2.0-or-later
# file: kernel/taskstats.c
# function: parse
# effect: TASKSTATS_CMD_GET registering the cpumask "0-0" in an attribute
#   without a NUL: the fix copies all of it (nla_strdup) and registers;
#   before it, nla_strscpy() dropped the last byte and "0-" is EINVAL.
probe() { kgr-fixprobe taskstats-mask 0-0; }
OLD='errno=22'
NEW='errno=0'
