# SPDX-License-Identifier: GPL-2.0-or-later
# The rules around the consistency model: a reverted or replaced patch
# cannot be enabled again; a patch's new functions must be its module's;
# applying taints the kernel K as livepatch does; sympos 0 and 1 name the
# same function; the state files are read without kgr's mutex and the
# blocking list is root's only; after a revert rmmod succeeds at once.
# timeout: 120
. /tests/lib.sh

K=32768
load_kgr

# Taint on apply, the kernel's and the module's.
load kgr_sample_uptime
kgr_wait_transition kgr_sample_uptime
[ $(( $(cat /proc/sys/kernel/tainted) & K )) != 0 ] || fail "applying did not taint K"
grep '^kgr_sample_uptime ' /proc/modules | grep -q 'K)' ||
	fail "kgr_sample_uptime is not marked K: $(grep '^kgr_sample_uptime ' /proc/modules)"

# A reverted patch cannot come back: it would land on top of newer fixes.
echo 0 > $KGR/kgr_sample_uptime/enabled || fail "revert refused"
kgr_wait_transition kgr_sample_uptime
dmesg -c > /dev/null
echo 1 > $KGR/kgr_sample_uptime/enabled 2>/dev/null && fail "a reverted patch was enabled again"
expect_contains "$(dmesg)" "kgr_sample_uptime: a reverted or replaced patch cannot be enabled again"
[ "$(cat $KGR/kgr_sample_uptime/enabled)" = 0 ] || fail "enabled changed"
rmmod kgr_sample_uptime || fail "rmmod after a revert failed"

# Nor a replaced one.
load kgr_sample_stack1
kgr_wait_transition kgr_sample_stack1
load kgr_sample_replace
kgr_wait_transition kgr_sample_replace
echo 1 > $KGR/kgr_sample_stack1/enabled 2>/dev/null && fail "a replaced patch was enabled again"
kgr_revert kgr_sample_replace kgr_sample_replace
rmmod kgr_sample_stack1 || fail "rmmod of the replaced patch failed"

# New functions outside the patch module; sympos 0 and 1 of one function.
dmesg -c > /dev/null
insmod $KO/kgr_test_patch.ko target=kgr_test_target_show obj=kgr_test_target foreign=1 2>/dev/null &&
	fail "a patch whose new function is not in its module was accepted"
expect_contains "$(dmesg)" "kgr_test_patch: the new function of 'kgr_test_target_show' is not in module kgr_test_patch"
[ ! -d $KGR/kgr_test_patch ] || fail "sysfs left behind"
insmod $KO/kgr_test_patch.ko twice=1 sympos2=1 2>/dev/null &&
	fail "sympos 0 and 1 of one function were accepted"
expect_contains "$(dmesg)" "kgr_test_patch: 'cmdline_proc_show' is patched twice"
[ ! -d $KGR/kgr_test_patch ] || fail "sysfs left behind"

# The state files answer while kgr's mutex is held (a pre_apply hook
# sleeping 3 s holds it); blocking is root's.
load kgr_sample_cmdline
kgr_wait_transition kgr_sample_cmdline
D=$KGR/kgr_sample_cmdline
insmod $KO/kgr_test_patch.ko target=kgr_test_target_show obj=kgr_test_target hook_sleep_ms=3000 &
loader=$!
sleep 1
for f in $D/enabled $D/transition $D/blocking $D/forced $KGR/in_progress; do
	timeout 1 cat $f > /dev/null || fail "reading $f waited for kgr's mutex"
done
wait $loader || fail "insmod kgr_test_patch with a slow hook failed"
kgr_revert kgr_test_patch kgr_test_patch
[ "$(stat -c %a $D/blocking)" = 400 ] || fail "blocking has mode $(stat -c %a $D/blocking)"
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
su -s /bin/sh nobody -c "cat $D/blocking" 2>/dev/null &&
	fail "an unprivileged user read blocking"
su -s /bin/sh nobody -c "echo 0 > $D/enabled" 2>/dev/null &&
	fail "an unprivileged user reverted a patch"
[ "$(cat $D/enabled)" = 1 ] || fail "enabled changed"

# After a revert, rmmod succeeds as soon as transition or in_progress
# reads 0, every time.
i=0
while [ $i -lt 10 ]; do
	i=$((i + 1))
	[ $i = 1 ] || { load kgr_sample_cmdline; kgr_wait_transition kgr_sample_cmdline; }
	echo 0 > $D/enabled || fail "revert refused"
	if [ $((i % 2)) = 0 ]; then
		while [ "$(cat $KGR/in_progress)" = 1 ]; do :; done
	else
		while [ "$(cat $D/transition 2>/dev/null)" = 1 ]; do :; done
	fi
	rmmod kgr_sample_cmdline || fail "rmmod failed right after the revert ended ($i)"
done
