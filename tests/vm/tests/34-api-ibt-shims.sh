# SPDX-License-Identifier: GPL-2.0-or-later
# Shims and IBT. On a kernel built for IBT (6.12) objtool seals every
# function whose address is never taken: calling one through a shim traps
# where the CPU enforces IBT, which qemu does not. With kgr's strict_ibt
# such a shim is refused with a clear error, as it is on an IBT CPU; data
# shims, shims to functions that keep their endbr64 and call shims
# (KGR_CALL_DECLARE, a direct call) are accepted.
# timeout: 60
. /tests/lib.sh

PARAM=/sys/module/kgr/parameters/strict_ibt

# shim_ok <symbol>: kgr_test_patch with that shim is applied.
shim_ok()
{
	insmod $KO/kgr_test_patch.ko shim=$1 || fail "shim to $1 refused: $(dmesg | tail -n 3)"
	kgr_wait_transition kgr_test_patch
	kgr_revert kgr_test_patch kgr_test_patch
}

load_kgr
echo 1 > $PARAM
shim_ok saved_command_line	# data
shim_ok cmdline_proc_show	# a seq_file callback: its address is taken
# get_idle_time is only ever called directly: sealed on 6.12.
if [ "$(kver)" = 6.1 ]; then
	shim_ok get_idle_time
else
	dmesg -c > /dev/null
	out=$(insmod $KO/kgr_test_patch.ko shim=get_idle_time 2>&1) &&
		fail "the shim to the sealed get_idle_time was accepted"
	expect_contains "$out" "Invalid argument"
	expect_contains "$(dmesg)" "kgr_test_patch: shim 'get_idle_time' of vmlinux is a function sealed by IBT (no endbr64): a call through the shim would trap"
	[ ! -d $KGR/kgr_test_patch ] || fail "the refused patch is in sysfs"
fi
# A call shim to the same function is a direct call: accepted, and works.
before=$(cut -d' ' -f2 /proc/uptime)
load kgr_sample_uptime
kgr_wait_transition kgr_sample_uptime
out=$(cat /proc/uptime)
expect_contains "$out" " kgr"
# The idle time comes from get_idle_time() through the call shim.
idle=$(echo "$out" | cut -d' ' -f2)
awk "BEGIN { exit !($idle >= $before && $idle < $before + 60) }" ||
	fail "idle time $idle through the call shim, $before before the patch"
kgr_revert kgr_sample_uptime kgr_sample_uptime
# Without strict_ibt a CPU that does not enforce IBT takes the pointer.
echo 0 > $PARAM
shim_ok get_idle_time
