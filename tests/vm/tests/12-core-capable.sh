# SPDX-License-Identifier: GPL-2.0-or-later
# The kGraft design's sample, unchanged but for its include: capable()
# gains a printk, seen in the kernel log once a privileged call is made.
# timeout: 60
. /tests/lib.sh

load_kgr
load kgr_sample_capable
kgr_wait_transition sample_kgraft_patch
rm -f /tmp/kgr_null
mknod /tmp/kgr_null c 1 3 || fail "mknod failed"
rm -f /tmp/kgr_null
expect_contains "$(dmesg)" "we added a printk to capable()"
kgr_revert sample_kgraft_patch kgr_sample_capable
dmesg -c > /dev/null
mknod /tmp/kgr_null c 1 3 || fail "mknod failed"
rm -f /tmp/kgr_null
expect_not_contains "$(dmesg)" "we added a printk to capable()"
