# SPDX-License-Identifier: GPL-2.0-or-later
# tools/testing/selftests/livepatch/test-kprobe.sh (upstream after Linux
# 6.12) on kgr: a kprobe with a post_handler arms its ftrace_ops with
# IPMODIFY, as kgr's are, and ftrace lets one such ops per function: the
# patch of a kprobed function is refused with -EBUSY. A kprobe without one
# shares the function with the patch. Beyond the selftest: the kprobe's
# pre_handler still runs on every call of the patched function, and the
# other order, the kprobe registered on an already patched function.
# timeout: 90
. /tests/lib.sh

MOD_LIVEPATCH=kgr_test_klp_livepatch
MOD_KPROBE=kgr_test_kprobe
PATCHED="$MOD_LIVEPATCH: this has been live patched"
KPROBES=/sys/kernel/debug/kprobes/enabled
HITS=/sys/module/$MOD_KPROBE/parameters/hits

# Fail unless /proc/cmdline is the patched one ($1 = 1) or not ($1 = 0),
# and, with $2 = probed, unless reading it ran the kprobe's pre_handler.
read_cmdline()
{
	[ "$2" != probed ] || _h=$(cat $HITS)
	_c=$(cat /proc/cmdline)
	if [ "$1" = 1 ]; then
		[ "$_c" = "$PATCHED" ] || fail "/proc/cmdline not patched: $_c"
	else
		[ "$_c" != "$PATCHED" ] || fail "/proc/cmdline still patched"
	fi
	[ "$2" != probed ] || [ "$(cat $HITS)" -gt "$_h" ] ||
		fail "the kprobe did not fire on cmdline_proc_show ($_h hits)"
}

load_kgr
[ -f $KPROBES ] || fail "no $KPROBES"
kprobes_state=$(cat $KPROBES)
echo 1 > $KPROBES || fail "cannot enable kprobes"

st_start "livepatch interaction with kprobed function with post_handler"
st_load $MOD_KPROBE has_post_handler=y
st_load_failing $MOD_LIVEPATCH
[ ! -d "$KGR/$MOD_LIVEPATCH" ] || fail "refused patch left $KGR/$MOD_LIVEPATCH"
read_cmdline 0 probed
st_unload $MOD_KPROBE
# kgr names the other IPMODIFY user of the function by its handler; busybox's
# insmod tries twice (finit_module, then init_module).
st_check <<EOT
% insmod $MOD_KPROBE has_post_handler=y
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: 'cmdline_proc_show' is already redirected by kprobe_ftrace_handler
kgr: $MOD_LIVEPATCH: not applied: -16
kgr: $MOD_LIVEPATCH: 'cmdline_proc_show' is already redirected by kprobe_ftrace_handler
kgr: $MOD_LIVEPATCH: not applied: -16
insmod: can't insert '$KO/$MOD_LIVEPATCH.ko': Device or resource busy
% rmmod $MOD_KPROBE
EOT

st_start "livepatch interaction with kprobed function without post_handler"
st_load $MOD_KPROBE has_post_handler=n
st_load_lp $MOD_LIVEPATCH
read_cmdline 1 probed
st_unload $MOD_KPROBE
read_cmdline 1
st_disable $MOD_LIVEPATCH
st_unload $MOD_LIVEPATCH
read_cmdline 0
st_check <<EOT
% insmod $MOD_KPROBE has_post_handler=n
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
% rmmod $MOD_KPROBE
% echo 0 > $KGR/$MOD_LIVEPATCH/enabled
kgr: $MOD_LIVEPATCH: reverting
kgr: $MOD_LIVEPATCH: reverted
% rmmod $MOD_LIVEPATCH
EOT

# The other order: ftrace refuses the kprobe's IPMODIFY ops on the patched
# function, and takes the one without; the revert leaves the kprobe armed.
st_start "kprobe on a livepatched function"
st_load_lp $MOD_LIVEPATCH
st_load_failing $MOD_KPROBE has_post_handler=y
read_cmdline 1
st_load $MOD_KPROBE has_post_handler=n
read_cmdline 1 probed
st_disable $MOD_LIVEPATCH
read_cmdline 0 probed
st_unload $MOD_LIVEPATCH
read_cmdline 0 probed
st_unload $MOD_KPROBE
st_check <<EOT
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
% insmod $MOD_KPROBE has_post_handler=y
insmod: can't insert '$KO/$MOD_KPROBE.ko': Device or resource busy
% insmod $MOD_KPROBE has_post_handler=n
% echo 0 > $KGR/$MOD_LIVEPATCH/enabled
kgr: $MOD_LIVEPATCH: reverting
kgr: $MOD_LIVEPATCH: reverted
% rmmod $MOD_LIVEPATCH
% rmmod $MOD_KPROBE
EOT

echo "$kprobes_state" > $KPROBES
exit 0
