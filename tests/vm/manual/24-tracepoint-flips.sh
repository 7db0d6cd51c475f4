# SPDX-License-Identifier: GPL-2.0-or-later
# Multi-threaded TCG's stale int3 at a tracepoint site, with no kgr module
# loaded: tasks fork and exit on both vCPUs, so that RCU callbacks run
# delayed_put_task_struct() and its sched_process_free tracepoint all the
# time, while the event is turned on and off through tracefs, each time a
# text_poke_bp() of that site. kgr.ko hooks this tracepoint at load and
# unhooks it at unload, the same flip: CI saw 6.1 hang in 74-fault-injection
# (which loads kgr-fault.ko dozens of times) with a vCPU's ip stuck at the
# site, in softirq, for 900 s. A boot that hangs or dies here the same way
# shows the bug is not kgr's; a boot that passes shows nothing. On 6.1,
# 4 boots of 4 hung, the two with a full log within 30 s of boot, both
# vCPUs at delayed_put_task_struct+0x21 in ksoftirqd, the NMI backtrace
# showing asm_exc_int3 entered from there while the site reads 66 90.
# timeout: 300
. /tests/lib.sh

EV=/sys/kernel/tracing/events/sched/sched_process_free/enable
grep -q kgr /proc/modules && fail "a kgr module is loaded"
[ -w "$EV" ] || fail "$EV is missing"
for cpu in 0 1; do
	(while [ ! -e /tmp/stop ]; do /bin/true; done) &
done
n=0
start=$(date +%s)
now=$start
while [ $now -lt $((start + 200)) ]; do
	echo 1 > "$EV"
	echo 0 > "$EV"
	n=$((n + 1))
	[ $((n % 20)) = 0 ] || continue
	now=$(date +%s)
	echo "$((now - start)) s: $n flips"
done
touch /tmp/stop
wait
echo "$n on/off flips of sched_process_free while tasks ended"
