# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel's samples/livepatch/livepatch-sample.c, converted to a kgr
# patch by scripts/klp2kgr at build time (tests/vm/prebuild), loaded with
# kgr.ko: /proc/cmdline reads "this has been live patched" as with the
# kernel's livepatch; reverted and unloaded, it is the command line again.
# timeout: 60
. /tests/lib.sh

P=livepatch_sample

[ -f "$KO/livepatch-sample.ko" ] ||
	fail "livepatch-sample.ko missing: klp2kgr failed (see the prebuild output)"
orig=$(cat /proc/cmdline)
load_kgr
load livepatch-sample
[ -d "$KGR/$P" ] || fail "no $KGR/$P: the converted module did not register with kgr"
[ ! -d /sys/kernel/livepatch/$P ] || fail "the converted module is a kernel livepatch"
kgr_wait_transition $P
[ "$(cat /proc/cmdline)" = "this has been live patched" ] ||
	fail "/proc/cmdline reads '$(cat /proc/cmdline)'"
kgr_revert $P livepatch-sample
[ "$(cat /proc/cmdline)" = "$orig" ] || fail "not reverted: $(cat /proc/cmdline)"
