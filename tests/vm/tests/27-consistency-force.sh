# SPDX-License-Identifier: GPL-2.0-or-later
# Force ends a transition that a task holds: the kernel is tainted, the
# patch reads forced, and its module stays loaded for good, even after a
# revert, because the task forced across may still run its code.
#
# It runs on single-threaded TCG: both sleepers call the pair a thousand
# times a second while the patch pokes its fentry sites, and under
# multi-threaded TCG 1 boot of 10 on 6.1 hung with both vCPUs at
# kgr_torture_a+0x0 while the patch module was still loading: qemu's stale
# int3 (Documentation/consistency.rst). Force does not need the vCPUs to
# run at once; make soak runs the torture under both TCG modes.
# own-boot
# qemu-accel: tcg,thread=single
# timeout: 90
. /tests/lib.sh

K=32768
P=kgr_test_torture_patch
load_kgr
torture_start
# Long enough to force and revert under it, under the guest's 20 s
# hung_task_timeout_secs: the holder sleeps uninterruptibly.
echo 15000 > /sys/module/kgr_test_torture/parameters/hold_ms
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
