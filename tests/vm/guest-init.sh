#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the test guest: runs the tests named in /tests/list, one after
# the other, and reports each as a KTAP line. Between markers it prints the
# test's output and the kernel log the test produced, so that the host can
# judge both (tests/vm/run).
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo 20 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
echo 1 > /proc/sys/kernel/printk_ratelimit 2>/dev/null
hostname kgr-guest
export PATH=/bin:/sbin HOME=/tmp
cd /tmp

# Let the random number generator finish its initialization before any
# test runs. At that moment random.c flips the static key crng_is_ready
# from a kworker, and on multi-threaded TCG a vCPU running through one of
# its sites then can run into qemu's stale int3 (Documentation/
# consistency.rst; tests/vm/run keeps the clocksource watchdog's flip
# away with tsc=reliable). Reading /dev/random waits for the
# initialization; the flip is queued just before the readers wake, so
# give the kworker a second. tests/vm/run gives the guest RDRAND, which
# both kernels trust: the generator is then ready, and the key flipped,
# before the second vCPU starts, and this wait returns at once.
# kgr_guest.flips on the kernel command line (no RDRAND then) skips the
# wait, for tests/vm/manual/23-key-flips-int3.sh.
if ! grep -q kgr_guest.flips /proc/cmdline; then
	timeout 120 head -c 1 /dev/random > /dev/null
	sleep 1
fi

tests=$(cat /tests/list)
count=$(echo "$tests" | grep -c .)
echo "@@KGR GUEST $(uname -r)"
echo "KTAP version 1"
echo "1..$count"
dmesg -c > /dev/null
n=0
for t in $tests; do
	n=$((n + 1))
	timeout=$(sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "/tests/$t.sh" | head -n 1)
	[ -n "$timeout" ] || timeout=60
	taint_before=$(cat /proc/sys/kernel/tainted)
	echo "@@KGR BEGIN $t"
	timeout "$timeout" sh "/tests/$t.sh" < /dev/null 2>&1
	rc=$?
	sync
	echo "@@KGR END $t rc=$rc taint_before=$taint_before taint_after=$(cat /proc/sys/kernel/tainted)"
	echo "@@KGR DMESG $t"
	dmesg -c
	echo "@@KGR DMESG-END $t"
	case $rc in
	0) echo "ok $n $t" ;;
	77) echo "ok $n $t # SKIP" ;;
	*) echo "not ok $n $t # exit status $rc" ;;
	esac
done
echo "@@KGR DONE"
poweroff -f
