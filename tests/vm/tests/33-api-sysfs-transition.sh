# SPDX-License-Identifier: GPL-2.0-or-later
# The sysfs ABI while a transition runs: a reader asleep in a patched
# pipe_read keeps kgr_test_pipe's transition open (no fake signal for a
# minute). in_progress, transition and blocking say so; bad writes change
# nothing; writing 0 to enabled turns the transition around, after which
# the patch cannot be enabled again. (27-consistency-force.sh forces a
# transition.)
# timeout: 60
. /tests/lib.sh

P=kgr_test_pipe
D=$KGR/$P
PARAM=/sys/module/kgr/parameters/migrate_signal_ms

load_kgr
cd /tmp
rm -f fifo
mkfifo fifo
(line=$(cat /tmp/fifo)) &
reader=$!
n=50
while [ "$(cat /proc/$reader/wchan 2>/dev/null)" != pipe_read ]; do
	n=$((n - 1))
	[ $n -gt 0 ] || fail "reader never slept in pipe_read"
	sleep 0.1
done

old_timeout=$(cat $PARAM)
echo 60000 > $PARAM
load $P
sleep 0.5
[ "$(cat $D/transition)" = 1 ] || fail "no transition while the reader blocks"
[ "$(cat $KGR/in_progress)" = 1 ] || fail "in_progress is not 1 during a transition"
[ "$(cat $D/enabled)" = 1 ] || fail "enabled is not 1 while applying"
F=$D/vmlinux/pipe_read,1
[ "$(cat $F/state)" = slow ] || fail "state while applying: $(cat $F/state)"
expect_contains "$(cat $D/blocking)" "$reader sh pipe_read"

# Bad writes: refused, and the transition runs on unchanged.
echo maybe > $D/enabled 2>/dev/null && fail "enabled accepted 'maybe'"
echo x > $D/force 2>/dev/null && fail "force accepted 'x'"
echo 0 > $D/force || fail "force refused 0, which does nothing"
[ "$(cat $D/transition)" = 1 ] || fail "a refused write ended the transition"
[ "$(cat $D/enabled)" = 1 ] || fail "a refused write changed enabled"

# Reverse: the reader never left the old code, so the way back is free.
[ "$(cat $D/forced)" = 0 ] || fail "forced is not 0"
echo 0 > $D/enabled || fail "reversing the transition refused"
[ "$(cat $D/enabled)" = 0 ] || fail "enabled is not 0 after the reversal"
kgr_wait_transition $P 10
[ "$(cat $KGR/in_progress)" = 0 ] || fail "in_progress still 1 after the reversal"
[ "$(cat $F/state)" = init ] || fail "state after the reversal: $(cat $F/state)"
[ -z "$(cat $D/blocking)" ] || fail "blocking not empty after the reversal"
echo 1 > $D/force 2>/dev/null && fail "force accepted with no transition"
echo 1 > $D/enabled 2>/dev/null && fail "a reverted patch was enabled again"

echo "$old_timeout" > $PARAM
rmmod $P || fail "rmmod $P failed after the reversal"
echo hello > /tmp/fifo
wait $reader
exit 0
