# SPDX-License-Identifier: GPL-2.0-or-later
# A replace_all patch supersedes every applied patch: its own function
# runs, the others' functions return to the original, and the superseded
# patches end up reverted and unloadable.
# timeout: 90
. /tests/lib.sh

load_kgr
orig=$(cat /proc/cmdline)
load kgr_sample_uptime
kgr_wait_transition kgr_sample_uptime
load kgr_sample_stack1
kgr_wait_transition kgr_sample_stack1
expect_contains "$(cat /proc/uptime)" " kgr"
load kgr_sample_replace
kgr_wait_transition kgr_sample_replace
[ "$(cat /proc/cmdline)" = "$orig kgr_replace" ] || fail "replace not applied: $(cat /proc/cmdline)"
expect_not_contains "$(cat /proc/uptime)" kgr
[ "$(cat $KGR/kgr_sample_uptime/enabled)" = 0 ] || fail "uptime patch still enabled"
[ "$(cat $KGR/kgr_sample_stack1/enabled)" = 0 ] || fail "stack1 still enabled"
[ "$(cat $KGR/kgr_sample_replace/replace_all)" = 1 ] || fail "replace_all is not 1"
rmmod kgr_sample_uptime || fail "superseded kgr_sample_uptime cannot be unloaded"
rmmod kgr_sample_stack1 || fail "superseded kgr_sample_stack1 cannot be unloaded"
kgr_revert kgr_sample_replace kgr_sample_replace
[ "$(cat /proc/cmdline)" = "$orig" ] || fail "not reverted: $(cat /proc/cmdline)"
