# SPDX-License-Identifier: GPL-2.0-or-later
# The other livepatch modules of the kernel that scripts/klp2kgr converts
# and that build: lib/livepatch's test_klp_livepatch and
# test_klp_atomic_replace behave as under the kernel's livepatch (the
# patched /proc file names the module), replace=1 keeps .replace as
# .replace_all; test_klp_shadow_vars, which checks the shadow variable API
# in its init, passes on kgr_shadow_*; the shadow-fix samples apply to
# their (absent) target module and revert.
# timeout: 120
. /tests/lib.sh

need()
{
	[ -f "$KO/$1.ko" ] || fail "$1.ko missing: klp2kgr failed (see the prebuild output)"
}

for m in test_klp_livepatch test_klp_atomic_replace test_klp_shadow_vars \
	 livepatch-shadow-fix1 livepatch-shadow-fix2; do
	need $m
done
orig=$(cat /proc/cmdline)
load_kgr

load test_klp_livepatch
kgr_wait_transition test_klp_livepatch
[ "$(cat /proc/cmdline)" = "test_klp_livepatch: this has been live patched" ] ||
	fail "/proc/cmdline reads '$(cat /proc/cmdline)'"

insmod "$KO/test_klp_atomic_replace.ko" replace=1 ||
	fail "insmod test_klp_atomic_replace replace=1 failed"
kgr_wait_transition test_klp_atomic_replace
[ "$(cat $KGR/test_klp_atomic_replace/replace_all)" = 1 ] ||
	fail "replace=1 did not become replace_all"
[ "$(cat /proc/meminfo)" = "test_klp_atomic_replace: this has been live patched" ] ||
	fail "/proc/meminfo reads '$(head -n 1 /proc/meminfo)'"
# replace_all superseded test_klp_livepatch: cmdline is the original again.
[ "$(cat /proc/cmdline)" = "$orig" ] ||
	fail "replace_all did not revert test_klp_livepatch: $(cat /proc/cmdline)"
[ "$(cat $KGR/test_klp_livepatch/enabled)" = 0 ] || fail "test_klp_livepatch still enabled"
rmmod test_klp_livepatch || fail "superseded test_klp_livepatch cannot be unloaded"
kgr_revert test_klp_atomic_replace test_klp_atomic_replace
expect_contains "$(head -n 1 /proc/meminfo)" "MemTotal:"

load test_klp_shadow_vars
rmmod test_klp_shadow_vars || fail "rmmod test_klp_shadow_vars failed"

for m in livepatch-shadow-fix1 livepatch-shadow-fix2; do
	p=$(echo $m | tr - _)
	load $m
	kgr_wait_transition $p
	kgr_revert $p $m
done
