# SPDX-License-Identifier: GPL-2.0-or-later
# A reader asleep in read() on a pipe while pipe_read is patched holds the
# transition open and is listed as blocking; kgr's fake signal releases it
# without the reader seeing any signal: it traps them all (but SIGCHLD,
# which its child really sends) and must catch none, and its read still
# returns the data written later, after it has restarted in the new
# pipe_read. The reader is a shell reading a command substitution (the
# shell's own read builtin would poll instead).
# timeout: 60
. /tests/lib.sh

SIGNALS="HUP INT QUIT USR1 USR2 PIPE ALRM TERM CONT TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS"
PARAM=/sys/module/kgr/parameters/migrate_signal_ms

load_kgr
cd /tmp
rm -f fifo sigs got
mkfifo fifo
(
	for s in $SIGNALS; do
		trap "echo $s >> /tmp/sigs" "$s"
	done
	line=$(cat /tmp/fifo)
	echo "$line" > /tmp/got
) &
reader=$!

wait_wchan $reader pipe_read

old_timeout=$(cat $PARAM)
echo 1500 > $PARAM
load kgr_test_pipe
echo $reader > /sys/module/kgr_test_pipe/parameters/watch_pid
sleep 0.5
[ "$(cat $KGR/kgr_test_pipe/transition)" = 1 ] ||
	fail "the transition did not wait for the reader in pipe_read"
blocking=$(cat $KGR/kgr_test_pipe/blocking)
expect_contains "$blocking" "$reader sh pipe_read"
[ "$(cat /sys/module/kgr_test_pipe/parameters/watched_calls)" = 0 ] ||
	fail "the new pipe_read ran before the reader restarted its read"

# The fake signal comes after 1.5 s; the reader restarts read() in the new
# universe, which lets the transition finish.
kgr_wait_transition kgr_test_pipe 10
echo "$old_timeout" > $PARAM
[ "$(cat /proc/$reader/wchan 2>/dev/null)" = pipe_read ] ||
	fail "the reader is no longer asleep in pipe_read"
calls=$(cat /sys/module/kgr_test_pipe/parameters/watched_calls)
[ "$calls" -ge 1 ] || fail "the restarted read did not go through the new pipe_read"

echo hello > /tmp/fifo
wait $reader
[ "$(cat /tmp/got)" = hello ] || fail "the reader got '$(cat /tmp/got)', not hello"
[ ! -s /tmp/sigs ] || fail "the reader caught signals: $(cat /tmp/sigs)"
kgr_revert kgr_test_pipe kgr_test_pipe
