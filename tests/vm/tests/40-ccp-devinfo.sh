# SPDX-License-Identifier: GPL-2.0-or-later
# The devinfo_show fix of issue 6, extracted by klp-ccp from its source diff
# at build time (tests/vm/prebuild): /proc/devices starts with "Devices:"
# while it is applied, and no longer once it is reverted and unloaded.
# chrdev_show/blkdev_show are global but not exported: they come via shims.
# On 6.12 the patch is extracted from the 6.12 source for its IBT config:
# objtool sealed those two (only ever called directly), so the patch must
# reach them through call shims; with strict_ibt on, kgr refuses a
# pointer shim to a sealed function, as an IBT CPU would trap on it (qemu
# does not enforce IBT).
# timeout: 60
. /tests/lib.sh

P=kgr_ccp_devinfo

[ -f "$KO/$P.ko" ] || fail "$P.ko missing: klp-ccp generation failed (see the prebuild output)"
load_kgr
[ "$(kver)" = 6.1 ] || echo 1 > /sys/module/kgr/parameters/strict_ibt
[ "$(head -n 1 /proc/devices)" = "Character devices:" ] ||
	fail "unexpected /proc/devices before the patch: $(head -n 1 /proc/devices)"

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
[ "$(kver)" = 6.1 ] || echo 0 > /sys/module/kgr/parameters/strict_ibt
