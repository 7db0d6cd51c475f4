# SPDX-License-Identifier: GPL-2.0-or-later
# Consistency torture: a kthread per vCPU and two user loops call new A and
# new B of kgr_test_torture in pairs (A, sleep, B) inside a patched pair
# function, during repeated apply/revert cycles, half of them reversed
# midway. No pair may mix old and new code.
#
# It runs on single-threaded TCG: with a thread per vCPU, qemu sometimes
# lets a vCPU execute an int3 that text_poke_bp() of the other vCPU has
# already removed ("Oops: int3" on 6.12, soft lockups on 6.1). The kernel's
# own livepatch does the same under this very test
# (tests/vm/manual/22-klp-torture.sh: 3 of 3 boots on 6.12, at a text_poke
# site unrelated to the patch; on 6.1 a soft lockup at kgr_torture_b+0x0,
# 1 boot of 5); with one thread neither has crashed. The
# two vCPUs still interleave, preempt and IPI each other.
# timeout: 240
# qemu-accel: tcg,thread=single
. /tests/lib.sh

CYCLES=10
PATCH=kgr_test_torture_patch

load_kgr
torture_start
i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	load $PATCH
	# Odd cycles: revert at once, reversing the transition midway.
	[ $((i % 2)) = 1 ] || kgr_wait_transition $PATCH 30
	kgr_revert $PATCH $PATCH
done
torture_check 1 2
