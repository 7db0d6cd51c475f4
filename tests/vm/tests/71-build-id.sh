# SPDX-License-Identifier: GPL-2.0-or-later
# A patch built for another kernel: one that declares a build-id other
# than the running vmlinux's is refused (ENOEXEC), the log names both
# builds, nothing is left behind; the running build-id, in either case,
# is accepted. (The kernel's own vermagic check refuses a module built
# against other headers before kgr sees it.)
# timeout: 60
. /tests/lib.sh

# The GNU build-id note of vmlinux: namesz 4, descsz 20, type 3, "GNU".
running=$(xxd -p /sys/kernel/notes | tr -d '\n' |
	sed -n 's/.*040000001400000003000000474e5500\([0-9a-f]\{40\}\).*/\1/p')
[ -n "$running" ] || skip "no 20-byte GNU build-id in /sys/kernel/notes"
# Another build: the same id with its last digit changed.
case $running in
*0) other=${running%?}1 ;;
*) other=${running%?}0 ;;
esac

load_kgr
dmesg -c > /dev/null
if out=$(insmod $KO/kgr_test_patch.ko build_id=$other 2>&1); then
	rmmod kgr_test_patch
	fail "a patch built for kernel $other was applied on $running"
fi
expect_contains "$out" "invalid module format"
log=$(dmesg)
expect_contains "$log" "kgr_test_patch: built for kernel build-id $other, running $running"
echo "$log" | grep "built for"
[ ! -d $KGR/kgr_test_patch ] || fail "$KGR/kgr_test_patch left behind"
grep -q '^kgr_test_patch ' /proc/modules && fail "kgr_test_patch left loaded"
expect_not_contains "$(cat /proc/cmdline)" kgr_test_patch

# The running build, in upper case: applied.
upper=$(echo "$running" | tr a-f A-F)
insmod $KO/kgr_test_patch.ko build_id=$upper ||
	fail "a patch built for the running kernel $upper was refused"
kgr_wait_transition kgr_test_patch
[ "$(cat /proc/cmdline)" = kgr_test_patch ] || fail "kgr_test_patch not applied"
kgr_revert kgr_test_patch kgr_test_patch
