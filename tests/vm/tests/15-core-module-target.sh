# SPDX-License-Identifier: GPL-2.0-or-later
# A patch of a module that loads after the patch: patched when it loads
# (before its init runs), again on every reload, unpatched on revert.
# The object directory's "patched" follows the module.
# timeout: 90
. /tests/lib.sh

expect_patched()	# expect_patched <patch> <0|1> <when>
{
	_p=$(cat $KGR/$1/kgr_test_target/patched)
	[ "$_p" = "$2" ] || fail "$1/kgr_test_target/patched is '$_p' $3, not $2"
}

load_kgr
load kgr_sample_module
kgr_wait_transition kgr_sample_module
state=$(cat $KGR/kgr_sample_module/kgr_test_target/kgr_test_target_show,1/state)
[ "$state" = init ] || fail "state of a target not loaded yet is '$state', not init"
expect_patched kgr_sample_module 0 "before the target loads"
load kgr_test_target
expect_patched kgr_sample_module 1 "once the target loaded"
expect_contains "$(cat /proc/kgr_test_target)" "patched 1"
expect_contains "$(cat /proc/kgr_test_target)" "patched 2"
expect_contains "$(dmesg)" "kgr_sample_module: patching kgr_test_target"
rmmod kgr_test_target || fail "rmmod of the target failed"
expect_contains "$(dmesg)" "kgr_sample_module: kgr_test_target unpatched"
expect_patched kgr_sample_module 0 "after rmmod of the target"
load kgr_test_target
expect_contains "$(cat /proc/kgr_test_target)" "patched 1"
expect_patched kgr_sample_module 1 "once the target loaded again"
kgr_revert kgr_sample_module
expect_patched kgr_sample_module 0 "after the revert"
rmmod kgr_sample_module || fail "rmmod kgr_sample_module failed after revert"
expect_contains "$(cat /proc/kgr_test_target)" "original 2"
rmmod kgr_test_target || fail "rmmod of the target failed"
# Target loaded before the patch: patched at once.
load kgr_test_target
load kgr_sample_module
kgr_wait_transition kgr_sample_module
expect_contains "$(cat /proc/kgr_test_target)" "patched 1"
expect_patched kgr_sample_module 1 "applied with the target loaded"
kgr_revert kgr_sample_module kgr_sample_module
rmmod kgr_test_target || fail "rmmod of the target failed"

# Refusals when the module loads: a missing symbol, a failing pre_apply
# hook. insmod of the target fails with the errno; the patch stays.
insmod $KO/kgr_test_patch.ko target=kgr_no_such_fn obj=kgr_test_target ||
	fail "a patch of a module not loaded yet was refused"
kgr_wait_transition kgr_test_patch
dmesg -c > /dev/null
out=$(insmod $KO/kgr_test_target.ko 2>&1) && fail "target loaded without kgr_no_such_fn"
expect_contains "$out" "unknown symbol"
expect_contains "$(dmesg)" "kgr_test_patch: symbol 'kgr_no_such_fn' not found in kgr_test_target"
expect_contains "$(dmesg)" "kgr_test_patch: refusing to load module kgr_test_target: -2"
expect_patched kgr_test_patch 0 "after the target's load was refused"
kgr_revert kgr_test_patch kgr_test_patch

insmod $KO/kgr_test_patch.ko target=kgr_test_target_show obj=kgr_test_target hook_err=1 ||
	fail "a patch with a module hook was refused"
kgr_wait_transition kgr_test_patch
dmesg -c > /dev/null
out=$(insmod $KO/kgr_test_target.ko 2>&1) && fail "target loaded despite its failing pre_apply hook"
expect_contains "$out" "Operation not permitted"
expect_contains "$(dmesg)" "kgr_test_patch: pre_apply hook of kgr_test_target failed: -1"
kgr_revert kgr_test_patch kgr_test_patch
load kgr_test_target
expect_contains "$(cat /proc/kgr_test_target)" "original 1"
rmmod kgr_test_target || fail "rmmod of the target failed"
