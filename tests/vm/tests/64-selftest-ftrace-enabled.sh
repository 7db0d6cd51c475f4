# SPDX-License-Identifier: GPL-2.0-or-later
# tools/testing/selftests/livepatch/test-ftrace.sh of Linux 6.1 on kgr:
# with kernel.ftrace_enabled off a patch is refused (kgr's ftrace_ops are
# permanent, as livepatch's), with it on the patch applies, and the sysctl
# cannot be turned off while the patch is applied, on the direct path too.
# timeout: 60
. /tests/lib.sh

MOD_LIVEPATCH=kgr_test_klp_livepatch
PATCHED="$MOD_LIVEPATCH: this has been live patched"
SYSCTL=/proc/sys/kernel/ftrace_enabled

# As the selftest's set_ftrace_enabled: the sysctl's value into the log.
set_ftrace_enabled()
{
	echo "$1" > $SYSCTL 2>/dev/null || fail "cannot set ftrace_enabled to $1"
	st_log "kernel.ftrace_enabled = $(cat $SYSCTL)"
}

load_kgr
[ -f $SYSCTL ] || skip "no $SYSCTL"

st_start "livepatch interaction with ftrace_enabled sysctl"
set_ftrace_enabled 0
st_load_failing $MOD_LIVEPATCH
[ ! -d "$KGR/$MOD_LIVEPATCH" ] || fail "refused patch left $KGR/$MOD_LIVEPATCH"
set_ftrace_enabled 1
st_load_lp $MOD_LIVEPATCH
[ "$(cat /proc/cmdline)" = "$PATCHED" ] || fail "/proc/cmdline: $(cat /proc/cmdline)"
# kgr's ftrace_ops are FTRACE_OPS_FL_PERMANENT: the sysctl refuses. Once
# the function is on the direct path (ftrace's direct ops, kgr's handler
# gone), the direct ops must refuse it as well.
kgr_wait_direct
st_log "% echo 0 > $SYSCTL"
if echo 0 > $SYSCTL 2>/dev/null; then
	fail "ftrace_enabled turned off under an applied patch"
fi
st_log "kernel.ftrace_enabled = $(cat $SYSCTL)"
[ "$(cat /proc/cmdline)" = "$PATCHED" ] || fail "/proc/cmdline: $(cat /proc/cmdline)"
st_disable $MOD_LIVEPATCH
st_unload $MOD_LIVEPATCH
# The refusal names its reason: ftrace's -EBUSY comes from the sysctl
# here, not from another ftrace user of the function.
st_check <<EOT
kernel.ftrace_enabled = 0
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: cannot redirect 'cmdline_proc_show': ftrace is disabled (kernel.ftrace_enabled = 0)
kgr: $MOD_LIVEPATCH: not applied: -16
kgr: $MOD_LIVEPATCH: cannot redirect 'cmdline_proc_show': ftrace is disabled (kernel.ftrace_enabled = 0)
kgr: $MOD_LIVEPATCH: not applied: -16
insmod: can't insert '$KO/$MOD_LIVEPATCH.ko': Device or resource busy
kernel.ftrace_enabled = 1
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
% echo 0 > $SYSCTL
kernel.ftrace_enabled = 1
% echo 0 > $KGR/$MOD_LIVEPATCH/enabled
kgr: $MOD_LIVEPATCH: reverting
kgr: $MOD_LIVEPATCH: reverted
% rmmod $MOD_LIVEPATCH
EOT

exit 0
