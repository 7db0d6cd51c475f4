# SPDX-License-Identifier: GPL-2.0-or-later
# The devinfo_show fix of issue 6, extracted by klp-ccp from its source diff
# at build time (tests/vm/prebuild): /proc/devices starts with "Devices:"
# while it is applied, and no longer once it is reverted and unloaded.
# chrdev_show/blkdev_show are global but not exported: they come via shims.
# timeout: 60
. /tests/lib.sh

P=kgr_ccp_devinfo

[ "$(kver)" = 6.1 ] || skip "klp-ccp patches are generated for the 6.1 sources only"
[ -f "$KO/$P.ko" ] || fail "$P.ko missing: klp-ccp generation failed (see the prebuild output)"
[ "$(head -n 1 /proc/devices)" = "Character devices:" ] ||
	fail "unexpected /proc/devices before the patch: $(head -n 1 /proc/devices)"

load_kgr
load $P
kgr_wait_transition $P
[ "$(head -n 1 /proc/devices)" = "Devices:" ] ||
	fail "patched /proc/devices starts with: $(head -n 1 /proc/devices)"
[ "$(sed -n 2p /proc/devices)" = "Character devices:" ] ||
	fail "patched /proc/devices line 2: $(sed -n 2p /proc/devices)"
grep -q "^Block devices:" /proc/devices || fail "block devices lost: blkdev_show shim"
grep -q " mem$" /proc/devices || fail "character devices lost: chrdev_show shim"

kgr_revert $P $P
[ "$(head -n 1 /proc/devices)" = "Character devices:" ] ||
	fail "reverted /proc/devices starts with: $(head -n 1 /proc/devices)"
