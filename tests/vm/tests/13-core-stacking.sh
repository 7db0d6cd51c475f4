# SPDX-License-Identifier: GPL-2.0-or-later
# Two patches of one function: the newer takes over, the older cannot be
# reverted under it, reverting the newer brings the older back.
# timeout: 90
. /tests/lib.sh

load_kgr
orig=$(cat /proc/cmdline)
load kgr_sample_stack1
kgr_wait_transition kgr_sample_stack1
[ "$(cat /proc/cmdline)" = "$orig kgr_stack1" ] || fail "stack1 not applied"
load kgr_sample_stack2
kgr_wait_transition kgr_sample_stack2
[ "$(cat /proc/cmdline)" = "$orig kgr_stack2" ] || fail "stack2 not on top"
echo 0 > $KGR/kgr_sample_stack1/enabled 2>/dev/null &&
	fail "revert of the lower patch under a higher one succeeded"
expect_contains "$(dmesg)" "kgr_sample_stack1: cannot revert: 'cmdline_proc_show' is patched again by kgr_sample_stack2"
[ "$(cat $KGR/kgr_sample_stack1/enabled)" = 1 ] || fail "stack1 changed by a refused revert"
kgr_revert kgr_sample_stack2 kgr_sample_stack2
[ "$(cat /proc/cmdline)" = "$orig kgr_stack1" ] || fail "stack1 not back: $(cat /proc/cmdline)"
kgr_revert kgr_sample_stack1 kgr_sample_stack1
[ "$(cat /proc/cmdline)" = "$orig" ] || fail "not reverted: $(cat /proc/cmdline)"
