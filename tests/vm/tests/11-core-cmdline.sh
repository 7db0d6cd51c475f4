# SPDX-License-Identifier: GPL-2.0-or-later
# cmdline_proc_show patched through a shim of saved_command_line; revert.
# timeout: 60
. /tests/lib.sh

load_kgr
orig=$(cat /proc/cmdline)
load kgr_sample_cmdline
kgr_wait_transition kgr_sample_cmdline
[ "$(cat /proc/cmdline)" = "$orig kgr_patched" ] ||
	fail "/proc/cmdline is '$(cat /proc/cmdline)', expected '$orig kgr_patched'"
# Revert, load again, revert again for good.
kgr_revert kgr_sample_cmdline kgr_sample_cmdline
[ "$(cat /proc/cmdline)" = "$orig" ] || fail "not reverted: $(cat /proc/cmdline)"
load kgr_sample_cmdline
kgr_wait_transition kgr_sample_cmdline
[ "$(cat /proc/cmdline)" = "$orig kgr_patched" ] || fail "not applied again"
kgr_revert kgr_sample_cmdline kgr_sample_cmdline
[ "$(cat /proc/cmdline)" = "$orig" ] || fail "not reverted: $(cat /proc/cmdline)"
