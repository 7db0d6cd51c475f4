# SPDX-License-Identifier: GPL-2.0-or-later
# Coexistence with the kernel's own livepatch: a klp patch of another
# function works alongside kgr; on the same function kgr gets -EBUSY and
# names klp's handler. Named to run last in its boot: a kernel livepatch
# taints the kernel (K) until reboot, and later tests may check for K.
# timeout: 120
# allow-taint: K
. /tests/lib.sh

load_kgr
orig=$(cat /proc/cmdline)
insmod $KO/kgr_test_klp.ko func=version_proc_show || fail "klp patch refused"
klp_wait kgr_test_klp
[ "$(cat /proc/version)" = klp ] || fail "klp patch of version_proc_show not working"
load kgr_sample_cmdline
kgr_wait_transition kgr_sample_cmdline
[ "$(cat /proc/cmdline)" = "$orig kgr_patched" ] || fail "kgr beside klp not working"
[ "$(cat /proc/version)" = klp ] || fail "klp stopped working beside kgr"
kgr_revert kgr_sample_cmdline kgr_sample_cmdline
klp_remove kgr_test_klp

insmod $KO/kgr_test_klp.ko func=cmdline_proc_show || fail "klp patch refused"
klp_wait kgr_test_klp
dmesg -c > /dev/null
if out=$(insmod $KO/kgr_sample_cmdline.ko 2>&1); then
	fail "kgr patched a function the kernel's livepatch holds"
fi
expect_contains "$out" "Device or resource busy"
expect_contains "$(dmesg)" "kgr_sample_cmdline: 'cmdline_proc_show' is already redirected by klp_ftrace_handler"
[ "$(cat /proc/cmdline)" = klp ] || fail "klp patch disturbed by kgr's refusal"
klp_remove kgr_test_klp
[ "$(cat /proc/cmdline)" = "$orig" ] || fail "/proc/cmdline not back to the original"
