# SPDX-License-Identifier: GPL-2.0-or-later
# kgr.ko loads into the stock kernel, creates /sys/kernel/kgr, and unloads.
# timeout: 30
. /tests/lib.sh

load_kgr
[ "$(cat $KGR/in_progress)" = 0 ] || fail "in_progress is not 0 on an idle kgr"
grep -q '^kgr ' /proc/modules || fail "kgr missing from /proc/modules"
rmmod kgr || fail "rmmod kgr failed with no patch loaded"
[ ! -d "$KGR" ] || fail "$KGR still there after rmmod"
