# SPDX-License-Identifier: GPL-2.0-or-later
# A module with a function the patch replaces loads while the patch's
# transition runs, in either direction: it is patched at once, in the
# state of the transition, and the tasks already migrated run the code
# of their universe. (KUnit's kgr_test_ranges_grow shows that the stack
# checks then look for the module's code too.) A reader asleep in the
# patched pipe_read holds each transition open; no fake signal comes.
# timeout: 90
. /tests/lib.sh

PARAM=/sys/module/kgr/parameters/migrate_signal_ms
PATCH=$KGR/kgr_test_pipe
FN=$PATCH/kgr_test_target/kgr_test_target_show,1

# The subshell sleeps in pipe_read on the output of cat, which waits for
# a writer of the fifo.
hold()
{
	( _line=$(cat /tmp/fifo) ) &
	reader=$!
	wait_wchan $reader pipe_read
}

release()
{
	echo x > /tmp/fifo
	wait $reader
}

expect_state()
{
	[ "$(cat $FN/state)" = "$1" ] || fail "kgr_test_target_show is '$(cat $FN/state)' $2, not $1"
}

load_kgr
old_timeout=$(cat $PARAM)
echo 600000 > $PARAM
rm -f /tmp/fifo
mkfifo /tmp/fifo

hold
load kgr_test_pipe
[ "$(cat $PATCH/transition)" = 1 ] || fail "the reader did not hold the transition open"
expect_state init "before its module loads"
load kgr_test_target
expect_state slow "when its module loads while the patch is applied"
[ "$(cat /proc/kgr_test_target)" = kgr_test_pipe ] ||
	fail "a migrated task runs the old kgr_test_target_show"
release
kgr_wait_transition kgr_test_pipe
expect_state fast "after the transition"

hold
echo 0 > $PATCH/enabled || fail "revert refused"
[ "$(cat $PATCH/transition)" = 1 ] || fail "the reader did not hold the revert open"
rmmod kgr_test_target || fail "rmmod of the target failed during the revert"
expect_state init "once its module is gone"
load kgr_test_target
expect_state reverting "when its module loads while the patch is reverted"
expect_contains "$(cat /proc/kgr_test_target)" original
release
kgr_wait_transition kgr_test_pipe
echo "$old_timeout" > $PARAM
rmmod kgr_test_pipe || fail "rmmod kgr_test_pipe failed"
expect_contains "$(cat /proc/kgr_test_target)" original
rmmod kgr_test_target || fail "rmmod of the target failed"
