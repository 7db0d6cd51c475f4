# SPDX-License-Identifier: GPL-2.0-or-later
# A task inside a direct path stub is not migrated. kgr_test_torture_slow
# (version 3 on top of kgr_test_torture_patch) holds the callers of the
# pair inside its entry stub, between the pop and the jump, while its
# parameter hold is set: their stacks show no patched function, only the
# stub, whose jump leads to version 3. A stacked v4 and the slow patch's
# own revert must stay in transition while they are held, naming the
# stub as the blocker, and finish once they leave; no pair may mix two
# versions and the slow module must go at once after its revert. Without
# the stub rule of framework/stack.c the held callers migrate while in
# the stub: the blocking list no longer names it and the test fails
# (checked on 6.1; the transition itself stayed open there, held by the
# sleeper kthreads inside the pair).
# Single-threaded TCG, as 21-migrate-torture.sh and for its reason: on
# multi-threaded TCG a make check run on 6.12 took "Oops: int3" at
# kgr_torture_b+0x5, a fentry site the direct path's work had just
# rewritten (text_poke_bp() had already removed the int3 the vCPU ran).
# timeout: 300
# qemu-accel: tcg,thread=single
. /tests/lib.sh

CYCLES=2
SLOW=kgr_test_torture_slow
PARAMS=/sys/module/$SLOW/parameters
PAIR=kgr_test_torture/kgr_torture_pair

# Until patch $1's pair reads direct $2 (10 s at most).
pair_direct()
{
	_t=100
	until [ "$(cat $KGR/$1/$PAIR,*/direct)" = "$2" ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "$1's pair does not read direct $2"
		sleep 0.1
	done
}

# Hold the callers of the pair in the slow stub until one sleeps there.
hold()
{
	echo 1 > $PARAMS/hold || fail "cannot set $SLOW's hold"
	_t=100
	until [ "$(cat $PARAMS/held)" -gt 0 ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "no caller of the pair entered the slow stub"
		sleep 0.1
	done
}

# Patch $1's transition runs and waits for the held callers, then
# finishes once they are let go.
blocked_by_stub()
{
	sleep 2
	[ "$(cat $KGR/$1/transition)" = 1 ] ||
		fail "$1's transition finished with $(cat $PARAMS/held) tasks inside the slow stub"
	expect_contains "$(cat $KGR/$1/blocking)" "kgr direct stub"
	echo 0 > $PARAMS/hold || fail "cannot clear $SLOW's hold"
	kgr_wait_transition "$1" 60
}

load_kgr
[ "$(cat /sys/module/kgr/parameters/direct)" = Y ] ||
	skip "the direct path is off"
torture_start hot=1
load kgr_test_torture_patch
kgr_wait_transition kgr_test_torture_patch 120
i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	load $SLOW
	kgr_wait_transition $SLOW 120
	pair_direct $SLOW 1
	hold
	load kgr_test_torture_v4
	blocked_by_stub kgr_test_torture_v4
	torture_revert_rmmod kgr_test_torture_v4 in_progress
	pair_direct $SLOW 1
	hold
	echo 0 > $KGR/$SLOW/enabled || fail "revert of $SLOW refused"
	blocked_by_stub $SLOW
	rmmod $SLOW || fail "rmmod $SLOW failed right after its revert"
done
torture_revert_rmmod kgr_test_torture_patch in_progress
torture_check 1 2 3 4
