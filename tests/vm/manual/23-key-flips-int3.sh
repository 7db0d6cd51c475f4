# SPDX-License-Identifier: GPL-2.0-or-later
# Multi-threaded TCG's stale int3 with no kgr module loaded: readers of
# /dev/urandom on both vCPUs while the kernel flips static keys of its
# own during boot, as 72-sysfs-garbage.sh ran into in CI on 6.12
# ("Oops: int3" at urandom_read_iter+0x10, the site of crng_is_ready).
# kgr_guest.flips leaves out the suite's guards against these flips
# (tests/vm/run's tsc=reliable, /init's wait for the random number
# generator). A boot that dies with "Oops: int3" shows the crash is not
# kgr's; a boot that passes shows nothing. On 6.12, 6 of 7 boots died at
# sched_clock_cpu+0x9, when the clocksource watchdog marked the TSC
# unstable (__sched_clock_stable); with tsc=reliable none of 8 did.
# timeout: 120
# kernel-cmdline: kgr_guest.flips
. /tests/lib.sh

grep -q kgr /proc/modules && fail "a kgr module is loaded"
dmesg | grep -q "crng init done" && skip "the generator was ready at boot"
for cpu in 0 1; do
	(while [ ! -e /tmp/stop ]; do
		head -c 4096 /dev/urandom > /dev/null
	done) &
done
n=0
while ! dmesg | grep -q "crng init done"; do
	sleep 0.2
	n=$((n + 1))
	[ $n -lt 300 ] || { touch /tmp/stop; wait; fail "no crng init in 60 s"; }
done
# The key flips in a kworker after the message; the watchdog's check
# runs every half second: read on through both.
sleep 5
touch /tmp/stop
wait
dmesg | grep -E "crng init done|clocksource"
echo "both readers ran through the initialization"
