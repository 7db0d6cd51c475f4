# SPDX-License-Identifier: GPL-2.0-or-later
# Force ends a transition that a task holds: the kernel is tainted, the
# patch reads forced, and its module stays loaded for good, even after a
# revert, because the task forced across may still run its code.
# own-boot
# timeout: 90
. /tests/lib.sh

K=32768
P=kgr_test_torture_patch
load_kgr
torture_start
echo 30000 > /sys/module/kgr_test_torture/parameters/hold_ms
cat /proc/kgr_torture_hold > /dev/null &
sleep 0.5
load $P
sleep 1
[ "$(cat $KGR/$P/transition)" = 1 ] || fail "the holder did not keep the transition open"
[ "$(cat $KGR/$P/forced)" = 0 ] || fail "forced is not 0 before force"
expect_contains "$(cat $KGR/$P/blocking)" kgr_torture_pair
echo 1 > $KGR/$P/force || fail "force refused"
kgr_wait_transition $P 10
[ "$(cat $KGR/$P/forced)" = 1 ] || fail "forced is not 1 after force"
[ $(( $(cat /proc/sys/kernel/tainted) & K )) != 0 ] || fail "force did not taint K"
expect_contains "$(dmesg)" "still blocking"
expect_contains "$(kgrctl status $P)" forced

echo 0 > $KGR/$P/enabled || fail "revert of a forced patch refused"
kgr_wait_transition $P 30
rmmod $P 2>/dev/null && fail "a forced patch's module was removed"
[ "$(cat $KGR/$P/forced)" = 1 ] || fail "forced is not 1 after the revert"
touch /tmp/torture_stop
exit 0
