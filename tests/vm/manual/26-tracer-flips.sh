# SPDX-License-Identifier: GPL-2.0-or-later
# Multi-threaded TCG's stale int3 under the function tracer, with no kgr
# module loaded: what 63-selftest-ftrace does to the kernel's text, over
# and over. Turning the function tracer on registers the sched_switch,
# sched_wakeup and sched_wakeup_new probes that record comm names, each a
# text_poke_bp() of a static call, and patches the fentry site of the
# filtered function; tasks fork, wake and exit on both vCPUs meanwhile.
# CI saw 63-selftest-ftrace die on 6.1 of a soft lockup with a vCPU in
# text_poke_bp_batch() waiting 45 s for the other to answer its IPI while
# registering sched_wakeup_new. A boot that hangs or dies here the same way
# shows the bug is not kgr's; a boot that passes shows nothing.
# timeout: 300
. /tests/lib.sh

TR=/sys/kernel/tracing
grep -q kgr /proc/modules && fail "a kgr module is loaded"
[ -w $TR/set_ftrace_filter ] || fail "$TR/set_ftrace_filter is missing"
echo cmdline_proc_show > $TR/set_ftrace_filter || fail "cannot filter"
for cpu in 0 1; do
	(while [ ! -e /tmp/stop ]; do /bin/true; cat /proc/cmdline > /dev/null; done) &
done
n=0
start=$(date +%s)
now=$start
while [ $now -lt $((start + 200)) ]; do
	echo function > $TR/current_tracer
	echo nop > $TR/current_tracer
	n=$((n + 1))
	[ $((n % 10)) = 0 ] || continue
	now=$(date +%s)
	echo "$((now - start)) s: $n flips"
done
touch /tmp/stop
wait
echo > $TR/set_ftrace_filter
echo "$n on/off flips of the function tracer while tasks ran"
