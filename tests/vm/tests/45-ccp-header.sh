# SPDX-License-Identifier: GPL-2.0-or-later
# A fix of a static inline in a header, extracted by klp-ccp from
# tools/klp-ccp/tests/diffs/header-vm-idr.diff at build time: the diff
# changes only idr_get_cursor() of include/linux/idr.h (it adds 1000000),
# and --callers-in fs/proc/loadavg.c makes loadavg_proc_show the patched
# caller, with the new inline compiled in. The last field of /proc/loadavg
# (the last pid, idr_get_cursor() - 1) is below 1000000 before the patch,
# at least that while it is applied, and below again once it is reverted.
# timeout: 60
. /tests/lib.sh

P=kgr_ccp_header

[ "$(kver)" = 6.1 ] || skip "klp-ccp patches are generated for the 6.1 sources only"
[ -f "$KO/$P.ko" ] || fail "$P.ko missing: klp-ccp generation failed (see the prebuild output)"

last_pid()
{
	read -r _ _ _ _ _last < /proc/loadavg
	echo "$_last"
}

before=$(last_pid)
[ "$before" -lt 1000000 ] || fail "last pid before the patch: $before"

load_kgr
load $P
kgr_wait_transition $P
patched=$(last_pid)
[ "$patched" -ge 1000000 ] || fail "patched /proc/loadavg: $(cat /proc/loadavg)"
[ "$((patched - 1000000))" -ge "$before" ] ||
	fail "patched last pid $patched is not the old cursor plus 1000000 (before: $before)"

kgr_revert $P $P
after=$(last_pid)
[ "$after" -lt 1000000 ] || fail "reverted /proc/loadavg: $(cat /proc/loadavg)"
