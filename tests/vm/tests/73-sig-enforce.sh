# SPDX-License-Identifier: GPL-2.0-or-later
# A kernel that enforces module signatures (module.sig_enforce=1, as
# under Secure Boot) refuses an unsigned patch module, and kgrctl load
# explains why and what to do instead of a bare errno. The guest trusts
# only Debian's keys: kgr.ko itself, unsigned, is the module refused.
# kernel-cmdline: module.sig_enforce=1
# timeout: 30
. /tests/lib.sh

[ "$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)" = Y ] ||
	skip "module.sig_enforce=1 did not take: no CONFIG_MODULE_SIG"
dmesg -c > /dev/null
out=$(kgrctl load $KO/kgr.ko 2>&1) && fail "an unsigned kgr.ko was loaded"
echo "$out"
expect_contains "$out" "load $KO/kgr.ko: signature refused: the kernel loads only modules signed with a key it trusts"
expect_contains "$out" "enroll the certificate as a MOK"
expect_contains "$(dmesg)" "Loading of unsigned module is rejected"
[ -d $KGR ] && fail "$KGR exists after the refusal"
grep -q '^kgr ' /proc/modules && fail "kgr.ko loaded after the refusal"
echo "refused as it should"
