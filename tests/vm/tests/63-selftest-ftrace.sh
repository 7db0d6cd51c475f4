# SPDX-License-Identifier: GPL-2.0-or-later
# kgr and the function tracer, next to the ftrace scenario of
# tools/testing/selftests/livepatch (its ftrace_enabled scenario is
# 64-selftest-ftrace-enabled.sh): the tracer traces the old and the new
# function while kgr redirects one to the other. Turning the tracer on
# pokes the scheduler's hottest tracepoints (sched_switch, sched_wakeup,
# sched_wakeup_new), which multi-threaded TCG's stale int3 can hang
# (tests/vm/manual/26-tracer-flips.sh): single-threaded TCG.
# timeout: 60
# qemu-accel: tcg,thread=single
. /tests/lib.sh

MOD_LIVEPATCH=kgr_test_klp_livepatch
PATCHED="$MOD_LIVEPATCH: this has been live patched"
TR=/sys/kernel/tracing

load_kgr
[ -f $TR/set_ftrace_filter ] || skip "no $TR/set_ftrace_filter"

# The function tracer shares the fentry site of cmdline_proc_show with
# kgr's redirection: both the old function's entry and the new function
# show in the trace, and the patched output is the new one's.
st_start "function tracer on a patched function"
st_load_lp $MOD_LIVEPATCH
echo cmdline_proc_show > $TR/set_ftrace_filter || fail "cannot trace cmdline_proc_show"
echo livepatch_cmdline_proc_show >> $TR/set_ftrace_filter ||
	fail "cannot trace the new function"
echo > $TR/trace
echo function > $TR/current_tracer || fail "no function tracer"
[ "$(cat /proc/cmdline)" = "$PATCHED" ] || fail "traced /proc/cmdline: $(cat /proc/cmdline)"
trace=$(cat $TR/trace)
expect_contains "$trace" " cmdline_proc_show <-"
expect_contains "$trace" " livepatch_cmdline_proc_show <-"
st_disable $MOD_LIVEPATCH
echo > $TR/trace
[ "$(cat /proc/cmdline)" != "$PATCHED" ] || fail "/proc/cmdline patched after the revert"
trace=$(cat $TR/trace)
expect_contains "$trace" " cmdline_proc_show <-"
expect_not_contains "$trace" "livepatch_cmdline_proc_show"
echo nop > $TR/current_tracer
echo > $TR/set_ftrace_filter
st_unload $MOD_LIVEPATCH
st_check <<EOT
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
% echo 0 > $KGR/$MOD_LIVEPATCH/enabled
kgr: $MOD_LIVEPATCH: reverting
kgr: $MOD_LIVEPATCH: reverted
% rmmod $MOD_LIVEPATCH
EOT
exit 0
