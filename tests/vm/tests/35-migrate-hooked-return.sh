# SPDX-License-Identifier: GPL-2.0-or-later
# A reader asleep in pipe_read, whose return address into it a tracer took
# over (function_graph on schedule, then a kretprobe on it), still holds
# the transition of a patch of pipe_read. kgr reads a sleeper's stack
# words before unwinding it (framework/stack.c): with the tracer the
# address into pipe_read is no longer among them, so the trampoline's
# address must send the task to the unwinder, which finds pipe_read
# behind it. Hooking schedule pokes the hottest site there is: single-
# threaded TCG (consistency.rst, qemu's stale int3).
# timeout: 120
# qemu-accel: tcg,thread=single
. /tests/lib.sh

TR=/sys/kernel/tracing
PARAM=/sys/module/kgr/parameters/migrate_signal_ms

load_kgr
old_timeout=$(cat $PARAM)
# No fake signal while the test looks: the reader must stay in pipe_read.
echo 600000 > $PARAM
cd /tmp
mkfifo fifo

# Start a reader under the tracer, check that the patch waits for it,
# let it go; $1 names the tracer.
hold()
{
	rm -f got
	(
		line=$(cat /tmp/fifo)
		echo "$line" > /tmp/got
	) &
	reader=$!
	wait_wchan $reader pipe_read
	load kgr_test_pipe
	sleep 0.5
	[ "$(cat $KGR/kgr_test_pipe/transition)" = 1 ] ||
		fail "$1: the transition did not wait for the reader in pipe_read"
	expect_contains "$(cat $KGR/kgr_test_pipe/blocking)" "$reader sh pipe_read"
	echo hello > /tmp/fifo
	wait $reader
	[ "$(cat /tmp/got)" = hello ] || fail "$1: the reader got '$(cat /tmp/got)'"
	kgr_wait_transition kgr_test_pipe 10
	kgr_revert kgr_test_pipe kgr_test_pipe
}

echo schedule > $TR/set_ftrace_filter || fail "schedule cannot be traced"
echo 1 > $TR/options/funcgraph-proc
echo function_graph > $TR/current_tracer || fail "no function_graph tracer"
hold function_graph
echo nop > $TR/current_tracer
echo > $TR/set_ftrace_filter

echo 'r1024:kgr_schedule_ret schedule' > $TR/kprobe_events ||
	fail "no kretprobe on schedule"
echo 1 > $TR/events/kprobes/kgr_schedule_ret/enable
hold kretprobe
echo 0 > $TR/events/kprobes/kgr_schedule_ret/enable
echo > $TR/kprobe_events

echo "$old_timeout" > $PARAM
