# SPDX-License-Identifier: GPL-2.0-or-later
# A patch applied while its target module is COMING but before kgr's
# module notifier has seen it (kgr_test_slowcoming holds the module
# there): the module is patched once, by the notifier, with its pre_apply
# hook run once, not twice over the same redirection.
# timeout: 60
. /tests/lib.sh

load_kgr
insmod $KO/kgr_test_slowcoming.ko delay_ms=3000 || fail "insmod kgr_test_slowcoming failed"
dmesg -c > /dev/null
insmod $KO/kgr_test_target.ko &
loader=$!
n=50
until dmesg | grep -q "holding kgr_test_target in COMING"; do
	n=$((n - 1))
	[ $n -gt 0 ] || fail "kgr_test_target never reached the slow notifier"
	sleep 0.1
done
load kgr_sample_module
kgr_wait_transition kgr_sample_module
wait $loader || fail "insmod kgr_test_target failed"
hooks=$(dmesg | grep -c "kgr_sample_module: patching kgr_test_target")
[ "$hooks" = 1 ] || fail "the pre_apply hook of kgr_test_target ran $hooks times"
expect_contains "$(cat /proc/kgr_test_target)" "patched 1"
S=$KGR/kgr_sample_module/kgr_test_target/kgr_test_target_show,1/state
[ "$(cat $S)" = fast ] || fail "state is $(cat $S), not fast"
kgr_revert kgr_sample_module kgr_sample_module
expect_contains "$(cat /proc/kgr_test_target)" "original"
rmmod kgr_test_target || fail "rmmod kgr_test_target failed"
rmmod kgr_test_slowcoming || fail "rmmod kgr_test_slowcoming failed"
