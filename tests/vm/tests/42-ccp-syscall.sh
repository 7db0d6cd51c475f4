# SPDX-License-Identifier: GPL-2.0-or-later
# A fix inside SYSCALL_DEFINE2(sethostname), extracted by klp-ccp from
# tools/klp-ccp/tests/diffs/syscall-body.diff at build time: the body
# (__do_sys_sethostname) exists only inlined, so the patch replaces the
# wrappers __x64_sys_sethostname and __ia32_sys_sethostname. The fix
# refuses a 64-byte hostname (len >= __NEW_UTS_LEN): accepted before the
# patch, EINVAL while it is applied, accepted again once it is reverted.
# timeout: 60
. /tests/lib.sh

P=kgr_ccp_syscall
long=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

[ "$(kver)" = 6.1 ] || skip "klp-ccp patches are generated for the 6.1 sources only"
[ -f "$KO/$P.ko" ] || fail "$P.ko missing: klp-ccp generation failed (see the prebuild output)"
[ ${#long} = 64 ] || fail "test name is ${#long} bytes"
old=$(hostname)

hostname "$long" || fail "64-byte hostname refused before the patch"
[ "$(hostname)" = "$long" ] || fail "hostname before the patch: $(hostname)"
hostname "$old"

load_kgr
load $P
kgr_wait_transition $P
if hostname "$long" 2> /tmp/sethostname.err; then
	hostname "$old"
	fail "64-byte hostname accepted while the patch is applied"
fi
grep -q "Invalid argument" /tmp/sethostname.err ||
	fail "patched sethostname: $(cat /tmp/sethostname.err)"
[ "$(hostname)" = "$old" ] || fail "hostname changed by the refused call: $(hostname)"
hostname kgr-patched || fail "short hostname refused while the patch is applied"
[ "$(hostname)" = kgr-patched ] || fail "patched sethostname set: $(hostname)"

kgr_revert $P $P
hostname "$long" || fail "64-byte hostname refused after the revert"
hostname "$old"
