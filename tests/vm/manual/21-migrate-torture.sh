# SPDX-License-Identifier: GPL-2.0-or-later
# Consistency torture: a kthread per vCPU and two user loops call new A and
# new B of kgr_test_torture in pairs (A, sleep, B) inside a patched pair
# function, during repeated apply/revert cycles, half of them reversed
# midway. No pair may mix old and new code.
#
# Manual (tests/vm/manual/run), not in make check: under qemu TCG, with
# ftrace patching the three functions while both vCPUs run through them,
# about one boot in ten ends in an "Oops: int3" at the site being patched
# (6.12) or a soft lockup of the callers (6.1); a bench/transition boot
# died the same way (6.12) while the kernel's livepatch applied a patch
# of unrelated code. Whenever the boot survives, mixed is 0.
# timeout: 240
. /tests/lib.sh

CYCLES=10
PATCH=kgr_test_torture_patch

load_kgr
load kgr_test_torture
rm -f /tmp/stop
for i in 1 2; do
	( while [ ! -e /tmp/stop ]; do cat /proc/kgr_torture > /dev/null; done ) &
done

i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	load $PATCH
	# Odd cycles: revert at once, reversing the transition midway.
	[ $((i % 2)) = 1 ] || kgr_wait_transition $PATCH 30
	kgr_revert $PATCH $PATCH
done

touch /tmp/stop
wait
counts=$(cat /proc/kgr_torture)
echo "$counts"
rmmod kgr_test_torture || fail "rmmod kgr_test_torture failed"

set -- $counts
[ "$1 $3 $5" = "old new mixed" ] || fail "unexpected /proc/kgr_torture: $counts"
[ "$6" = 0 ] || fail "$6 pairs mixed old and new code: $counts"
[ "$2" -gt 0 ] || fail "no pair ran the old code: $counts"
[ "$4" -gt 0 ] || fail "no pair ran the new code: $counts"
