# SPDX-License-Identifier: GPL-2.0-or-later
# A fix extracted by klp-ccp that calls a static function of its file
# (__get_fs_type) and uses its static variables (file_systems,
# file_systems_lock) through shims: /proc/filesystems gains a first line
# while the patch is applied, lists the same filesystems, and is as before
# once the patch is reverted and unloaded.
# timeout: 60
. /tests/lib.sh

P=kgr_ccp_static

[ "$(kver)" = 6.1 ] || skip "klp-ccp patches are generated for the 6.1 sources only"
[ -f "$KO/$P.ko" ] || fail "$P.ko missing: klp-ccp generation failed (see the prebuild output)"
before=$(cat /proc/filesystems)
expect_not_contains "$before" "registered"

load_kgr
load $P
kgr_wait_transition $P
first=$(head -n 1 /proc/filesystems)
[ "$first" = "#	proc registered" ] || fail "patched /proc/filesystems starts with: $first"
[ "$(sed 1d /proc/filesystems)" = "$before" ] ||
	fail "patched /proc/filesystems lists other filesystems: $(cat /proc/filesystems)"

kgr_revert $P $P
[ "$(cat /proc/filesystems)" = "$before" ] ||
	fail "reverted /proc/filesystems differs: $(head -n 2 /proc/filesystems)"
