# SPDX-License-Identifier: GPL-2.0-or-later
# The kGraft demo: patching uptime_proc_show makes /proc/uptime visibly
# change; reverting brings the original back and the patch module unloads.
# timeout: 60
. /tests/lib.sh

load_kgr
expect_not_contains "$(cat /proc/uptime)" kgr
load kgr_sample_uptime
kgr_wait_transition kgr_sample_uptime
[ "$(cat $KGR/kgr_sample_uptime/enabled)" = 1 ] || fail "enabled is not 1"
expect_contains "$(cat /proc/uptime)" " kgr"
state=$(cat $KGR/kgr_sample_uptime/vmlinux/uptime_proc_show,1/state)
[ "$state" = fast ] || fail "state is '$state' after the transition, not fast"
rmmod kgr_sample_uptime 2>/dev/null && fail "rmmod of an applied patch succeeded"
kgr_revert kgr_sample_uptime kgr_sample_uptime
expect_not_contains "$(cat /proc/uptime)" kgr
expect_contains "$(dmesg)" "kgr_sample_uptime: reverted"
