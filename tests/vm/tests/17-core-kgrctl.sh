# SPDX-License-Identifier: GPL-2.0-or-later
# tools/kgrctl (/bin/kgrctl, copied by tests/vm/run) against the real
# /sys/kernel/kgr: load and wait, list, status, revert and unload, and a
# clear failure for a module file that does not exist.
# timeout: 90
. /tests/lib.sh

load_kgr
command -v kgrctl > /dev/null || fail "kgrctl is not in the initramfs"
expect_not_contains "$(cat /proc/uptime)" kgr

out=$(kgrctl load $KO/kgr_sample_uptime.ko --wait 30 2>&1) || fail "kgrctl load failed: $out"
expect_contains "$out" "kgr_sample_uptime: loaded"
expect_contains "$out" "kgr_sample_uptime: transition finished"
[ "$(cat $KGR/kgr_sample_uptime/transition)" = 0 ] || fail "transition still running after load --wait"

out=$(kgrctl list) || fail "kgrctl list failed: $out"
echo "$out"
echo "$out" | grep -q '^kgr_sample_uptime  *1  *0  *0$' || fail "list does not show the patch enabled: $out"
out=$(kgrctl list --json) || fail "kgrctl list --json failed"
expect_contains "$out" '{"name":"kgr_sample_uptime","enabled":true,"transition":false,"replace_all":false,"forced":false}'

out=$(kgrctl status kgr_sample_uptime) || fail "kgrctl status failed: $out"
echo "$out"
echo "$out" | grep -q '^  vmlinux  *uptime_proc_show  *0  *fast  *0x[0-9a-f]*[1-9a-f][0-9a-f]*$' ||
	fail "status does not show uptime_proc_show fast with its address: $out"
expect_contains "$(kgrctl status kgr_sample_uptime --json)" '"function":"uptime_proc_show","sympos":"0","state":"fast"'
expect_contains "$(cat /proc/uptime)" " kgr"
kgrctl wait --timeout 10 || fail "kgrctl wait with no transition failed"

out=$(kgrctl revert kgr_sample_uptime --wait 30 --unload 2>&1) || fail "kgrctl revert failed: $out"
expect_contains "$out" "kgr_sample_uptime: reverted"
expect_contains "$out" "kgr_sample_uptime: unloaded"
[ -d $KGR/kgr_sample_uptime ] && fail "the patch is still in sysfs after revert --unload"
grep -q '^kgr_sample_uptime ' /proc/modules && fail "the module is still loaded"
expect_not_contains "$(cat /proc/uptime)" kgr
expect_contains "$(dmesg)" "kgr_sample_uptime: reverted"

out=$(kgrctl load $KO/no_such_patch.ko 2>&1)
rc=$?
[ $rc = 1 ] || fail "load of a missing file exited $rc, not 1: $out"
[ "$out" = "kgrctl: load $KO/no_such_patch.ko: No such file or directory" ] ||
	fail "unclear error for a missing file: $out"
out=$(kgrctl status kgr_sample_uptime 2>&1)
[ $? = 1 ] || fail "status of an unloaded patch did not fail"
expect_contains "$out" "unknown patch 'kgr_sample_uptime'"
echo "kgrctl ok"
