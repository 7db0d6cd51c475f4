# SPDX-License-Identifier: GPL-2.0-or-later
# A patch of a module that loads after the patch: patched when it loads
# (before its init runs), again on every reload, unpatched on revert.
# timeout: 90
. /tests/lib.sh

load_kgr
load kgr_sample_module
kgr_wait_transition kgr_sample_module
state=$(cat $KGR/kgr_sample_module/kgr_test_target/kgr_test_target_show,1/state)
[ "$state" = init ] || fail "state of a target not loaded yet is '$state', not init"
load kgr_test_target
expect_contains "$(cat /proc/kgr_test_target)" "patched 1"
expect_contains "$(cat /proc/kgr_test_target)" "patched 2"
expect_contains "$(dmesg)" "kgr_sample_module: patching kgr_test_target"
rmmod kgr_test_target || fail "rmmod of the target failed"
expect_contains "$(dmesg)" "kgr_sample_module: kgr_test_target unpatched"
load kgr_test_target
expect_contains "$(cat /proc/kgr_test_target)" "patched 1"
kgr_revert kgr_sample_module kgr_sample_module
expect_contains "$(cat /proc/kgr_test_target)" "original 2"
rmmod kgr_test_target || fail "rmmod of the target failed"
# Target loaded before the patch: patched at once.
load kgr_test_target
load kgr_sample_module
kgr_wait_transition kgr_sample_module
expect_contains "$(cat /proc/kgr_test_target)" "patched 1"
kgr_revert kgr_sample_module kgr_sample_module
rmmod kgr_test_target || fail "rmmod of the target failed"
