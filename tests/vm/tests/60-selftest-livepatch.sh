# SPDX-License-Identifier: GPL-2.0-or-later
# tools/testing/selftests/livepatch/test-livepatch.sh of Linux 6.1 on kgr:
# basic function patching, two patches stacked on different functions, an
# atomic replace (replace_all) one. Each scenario compares the kernel log
# with the selftest's expected one, klp's messages turned into kgr's.
# timeout: 60
. /tests/lib.sh

MOD_LIVEPATCH=kgr_test_klp_livepatch
MOD_REPLACE=kgr_test_klp_atomic_replace
PATCHED="$MOD_LIVEPATCH: this has been live patched"

# The selftest's probe: which of the patched files say so, into the log.
probe()
{
	grep 'live patched' /proc/cmdline > /dev/kmsg
	grep 'live patched' /proc/meminfo > /dev/kmsg
}

load_kgr

st_start "basic function patching"
st_load_lp $MOD_LIVEPATCH
[ "$(cat /proc/cmdline)" = "$PATCHED" ] || fail "/proc/cmdline: $(cat /proc/cmdline)"
st_disable $MOD_LIVEPATCH
st_unload $MOD_LIVEPATCH
[ "$(cat /proc/cmdline)" != "$PATCHED" ] || fail "/proc/cmdline still patched"
st_check <<EOT
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
% echo 0 > $KGR/$MOD_LIVEPATCH/enabled
kgr: $MOD_LIVEPATCH: reverting
kgr: $MOD_LIVEPATCH: reverted
% rmmod $MOD_LIVEPATCH
EOT

st_start "multiple livepatches"
st_load_lp $MOD_LIVEPATCH
probe
st_load_lp $MOD_REPLACE replace=0
probe
st_disable $MOD_REPLACE
st_unload $MOD_REPLACE
probe
st_disable $MOD_LIVEPATCH
st_unload $MOD_LIVEPATCH
probe
st_check <<EOT
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
$MOD_LIVEPATCH: this has been live patched
% insmod $MOD_REPLACE replace=0
kgr: $MOD_REPLACE: applying
kgr: $MOD_REPLACE: applied
$MOD_LIVEPATCH: this has been live patched
$MOD_REPLACE: this has been live patched
% echo 0 > $KGR/$MOD_REPLACE/enabled
kgr: $MOD_REPLACE: reverting
kgr: $MOD_REPLACE: reverted
% rmmod $MOD_REPLACE
$MOD_LIVEPATCH: this has been live patched
% echo 0 > $KGR/$MOD_LIVEPATCH/enabled
kgr: $MOD_LIVEPATCH: reverting
kgr: $MOD_LIVEPATCH: reverted
% rmmod $MOD_LIVEPATCH
EOT

st_start "atomic replace livepatch"
st_load_lp $MOD_LIVEPATCH
probe
st_load_lp $MOD_REPLACE replace=1
probe
st_unload $MOD_LIVEPATCH
probe
st_disable $MOD_REPLACE
st_unload $MOD_REPLACE
probe
st_check <<EOT
% insmod $MOD_LIVEPATCH
kgr: $MOD_LIVEPATCH: applying
kgr: $MOD_LIVEPATCH: applied
$MOD_LIVEPATCH: this has been live patched
% insmod $MOD_REPLACE replace=1
kgr: $MOD_REPLACE: applying
kgr: $MOD_LIVEPATCH: replaced by $MOD_REPLACE
kgr: $MOD_REPLACE: applied
$MOD_REPLACE: this has been live patched
% rmmod $MOD_LIVEPATCH
$MOD_REPLACE: this has been live patched
% echo 0 > $KGR/$MOD_REPLACE/enabled
kgr: $MOD_REPLACE: reverting
kgr: $MOD_REPLACE: reverted
% rmmod $MOD_REPLACE
EOT
exit 0
