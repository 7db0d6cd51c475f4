# SPDX-License-Identifier: GPL-2.0-or-later
# A module that an older patch patches loads while a replace_all patch's
# transition runs: the replace_all patch must cover it too (a nop), so a
# task asleep in the older patch's code of that module holds the
# transition, and the older patch's module stays until it has left.
#
# It runs on single-threaded TCG: its callers run the patched pair while
# ftrace and the direct path poke the pair's fentry sites, and under
# multi-threaded TCG a 6.12 boot died of qemu's stale int3 there
# ("Oops: int3" at kgr_torture_b+0x5, Documentation/consistency.rst).
# make soak runs the torture under both TCG modes.
# timeout: 90
# qemu-accel: tcg,thread=single
. /tests/lib.sh

load_kgr
torture_start
echo 4000 > /sys/module/kgr_test_torture/parameters/hold_ms
load kgr_test_torture_patch
kgr_wait_transition kgr_test_torture_patch
load kgr_test_late_patch
kgr_wait_transition kgr_test_late_patch

# A task asleep in the pair of v2 holds the replace_all transition open.
cat /proc/kgr_torture_hold > /dev/null &
holder=$!
sleep 0.5
load kgr_test_torture_all
[ "$(cat $KGR/kgr_test_torture_all/transition)" = 1 ] ||
	fail "the holder did not keep the replace_all transition open"

# The module comes mid-transition; a new task runs kgr_test_late_fn and
# sleeps there past the holder's end: the original if it is in the new
# universe already, kgr_test_late_patch's if it is in the old one, and
# then it must hold the transition until it leaves.
insmod $KO/kgr_test_late.ko sleep_ms=8000 || fail "insmod kgr_test_late failed"
out=/tmp/late.out
cat /proc/kgr_test_late > $out &
sleeper=$!
wait $holder
kgr_wait_transition kgr_test_torture_all 30
kill -0 $sleeper 2>/dev/null && alive=1 || alive=0
rmmod kgr_test_late_patch || fail "rmmod of the replaced kgr_test_late_patch failed"
wait $sleeper
case "$(cat $out)-$alive" in
patched-1) fail "replace_all finished while a task ran kgr_test_late_patch's code" ;;
patched-0|original-*) ;;
*) fail "the sleeper read '$(cat $out)'" ;;
esac
echo 0 > /sys/module/kgr_test_late/parameters/sleep_ms
[ "$(cat /proc/kgr_test_late)" = original ] || fail "kgr_test_late_fn not back to the original"
rmmod kgr_test_torture_patch || fail "rmmod of the replaced v2 failed"
torture_revert_rmmod kgr_test_torture_all transition
rmmod kgr_test_late || fail "rmmod kgr_test_late failed"
torture_check 1 2 4
