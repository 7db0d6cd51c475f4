# SPDX-License-Identifier: GPL-2.0-or-later
# kgr_sample_hooks: the patch's hooks and those of module kgr_test_target
# run in order around apply, module load and unload, and revert; a failing
# pre_apply refuses the patch, a failing module pre_apply refuses the load.
# timeout: 60
. /tests/lib.sh

P=kgr_sample_hooks
T=kgr_test_target
PARAM=/sys/module/$P/parameters/fail_object_pre_apply

# The hooks logged since the last check must be $1. (dmesg is not cleared:
# the harness reads it after the test.)
seen=0
expect_hooks()
{
	dmesg | sed -n "s/.*\] $P: hook //p" > /tmp/hooks
	got=$(tail -n +$((seen + 1)) /tmp/hooks | tr '\n' ' ')
	seen=$(wc -l < /tmp/hooks)
	[ "$got" = "$1" ] || fail "hooks: expected '$1', got '$got'"
}

# After a refused insmod: busybox may retry with init_module() after
# finit_module(), so the failing hook may have run more than once.
expect_refused_hooks()
{
	dmesg | sed -n "s/.*\] $P: hook //p" > /tmp/hooks
	got=$(tail -n +$((seen + 1)) /tmp/hooks | uniq | tr '\n' ' ')
	seen=$(wc -l < /tmp/hooks)
	[ "$got" = "$1" ] || fail "hooks: expected '$1', got '$got'"
}

load_kgr

insmod $KO/$P.ko fail_pre_apply=1 2>/dev/null &&
	fail "patch applied although its pre_apply failed"
[ ! -d "$KGR/$P" ] || fail "refused patch left $KGR/$P"
expect_refused_hooks "pre_apply "

load $P
kgr_wait_transition $P
expect_hooks "pre_apply post_apply "
F=$KGR/$P/$T/kgr_test_target_show,1
[ "$(cat $F/object)" = $T ] || fail "object of $F: $(cat $F/object)"
[ "$(cat $F/state)" = init ] || fail "state with $T absent: $(cat $F/state)"
[ "$(cat $F/old_addr)" = 0x0 ] || fail "old_addr with $T absent: $(cat $F/old_addr)"

load $T
expect_hooks "kgr_test_target pre_apply kgr_test_target post_apply "
[ "$(cat $F/state)" = fast ] || fail "state with $T loaded: $(cat $F/state)"
addr=$(grep ' kgr_test_target_show' /proc/kallsyms | cut -d' ' -f1)
[ "$(cat $F/old_addr)" = "0x$addr" ] ||
	fail "old_addr $(cat $F/old_addr), kallsyms says $addr"
out=$(cat /proc/$T)
[ "$out" = "hello from $P, $T patched 1 times" ] || fail "/proc/$T: $out"

rmmod $T || fail "rmmod $T failed"
expect_hooks "kgr_test_target pre_revert kgr_test_target post_revert "

echo 1 > $PARAM
insmod $KO/$T.ko 2>/dev/null && fail "$T loaded although its pre_apply failed"
grep -q "^$T " /proc/modules && fail "$T listed after its refused load"
expect_refused_hooks "kgr_test_target pre_apply "
echo 0 > $PARAM

load $T
expect_hooks "kgr_test_target pre_apply kgr_test_target post_apply "
out=$(cat /proc/$T)
[ "$out" = "hello from $P, $T patched 2 times" ] || fail "/proc/$T: $out"

kgr_revert $P $P
expect_hooks "pre_revert kgr_test_target pre_revert kgr_test_target post_revert post_revert "
expect_contains "$(cat /proc/$T)" original
rmmod $T || fail "rmmod $T failed"
exit 0
