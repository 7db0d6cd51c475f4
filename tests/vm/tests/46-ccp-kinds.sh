# SPDX-License-Identifier: GPL-2.0-or-later
# Patches klp-ccp extracted with this guest's own symbols (tests/vm/run
# copies its /proc/kallsyms in a boot of its own before the build), one
# per kind of fix, each loaded, checked and reverted:
# - kpatch-syscall.diff, written for kpatch-build (KPATCH_SYSCALL_DEFINE2,
#   KPATCH_PRE_PATCH_CALLBACK): a 64-byte hostname is refused while it is
#   applied, and its callback ran as kgr's pre_apply hook;
# - kpatch-force.diff (klp_shadow_*, KPATCH_FORCE_UNSAFE,
#   KPATCH_IGNORE_FUNCTION): loads and reverts;
# - inlined-callee.diff: the callee set_local_port_range exists only
#   inlined, so the patch carries a copy: "40000 40000" is refused as a
#   port range while applied, and a valid range set through the copy;
# - multi-file.diff: three files of fs/proc in one patch, the two statics
#   named proc_single_open told apart by sympos: /proc/self/auxv and
#   /proc/cmdline read as before through the patched functions;
# - new-global-function.diff: a function and a variable the fix adds live
#   in the patch: /proc/cmdline reads as before;
# - stateful-static.diff: audit_log_lost's static locals last_msg and lock
#   are the running kernel's, reached through shims to last_msg.<N> and
#   lock.<N> of this kernel: the patch resolves them, loads and reverts;
# - late-include.diff: usercopy.c's check_stack_object, whose patch has
#   mm/slab.h's struct slab and slab_address() ahead of <linux/slub_def.h>
#   and reads %rsp as current_stack_pointer: it patches the function
#   every copy to user space of a kernel stack object checks with, and
#   uname (utsname copied from the stack) works through it.
# - static-key-inline.diff: swap.c's lru_deactivate_fn calls
#   lru_gen_enabled() of mm_inline.h, which tests the static key
#   lru_gen_caps[] that vmlinux does not export: the patch reads it
#   through a shim that resolves in this kernel, loads and reverts.
# - inlined-changed.diff: exthdrs.c's ipv6_srh_rcv, which this kernel has
#   only inlined into ipv6_rthdr_rcv: the patch replaces ipv6_rthdr_rcv,
#   resolves its shims in this kernel, loads and reverts.
# timeout: 180
. /tests/lib.sh

[ "$(kver)" = 6.1 ] || skip "klp-ccp patches are generated for the 6.1 sources only"
for p in kgr_ccp_kpatch_sys kgr_ccp_kpatch_force kgr_ccp_inlined \
	 kgr_ccp_multi kgr_ccp_newfn kgr_ccp_statics kgr_ccp_lateinc \
	 kgr_ccp_statkey kgr_ccp_inlchg; do
	[ -f "$KO/$p.ko" ] || fail "$p.ko missing: the symbols boot or klp-ccp generation failed (see the prebuild output)"
done
load_kgr

# kpatch-style syscall fix and pre-patch callback
P=kgr_ccp_kpatch_sys
long=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
old=$(hostname)
hostname "$long" || fail "64-byte hostname refused before the patch"
hostname "$old"
load $P
kgr_wait_transition $P
dmesg | grep -q "sethostname: 64-byte names refused" ||
	fail "the KPATCH_PRE_PATCH_CALLBACK did not run"
if hostname "$long" 2>/dev/null; then
	hostname "$old"
	fail "64-byte hostname accepted while $P is applied"
fi
hostname kgr-kpatch || fail "short hostname refused while $P is applied"
hostname "$old"
kgr_revert $P $P
hostname "$long" || fail "64-byte hostname refused after the revert of $P"
hostname "$old"

# kpatch shadow variables and force/ignore markers
P=kgr_ccp_kpatch_force
load $P
kgr_wait_transition $P
ls -d "$KGR/$P/vmlinux/audit_log_lost,"* > /dev/null 2>&1 ||
	fail "$P does not patch audit_log_lost: $(ls "$KGR/$P/vmlinux")"
! ls -d "$KGR/$P/vmlinux/audit_log_config_change,"* > /dev/null 2>&1 ||
	fail "$P patches audit_log_config_change despite KPATCH_IGNORE_FUNCTION"
kgr_revert $P $P

# a callee the target only inlined, copied into the patch
P=kgr_ccp_inlined
R=/proc/sys/net/ipv4/ip_local_port_range
range=$(cat $R)
echo "40000 40000" > $R || fail "a one-port range refused before the patch"
echo "$range" > $R
load $P
kgr_wait_transition $P
if echo "40000 40000" > $R 2>/dev/null; then
	echo "$range" > $R
	fail "a one-port range accepted while $P is applied"
fi
echo "40000 40100" > $R || fail "a valid range refused while $P is applied"
[ "$(cat $R | tr -s ' \t' '  ')" = "40000 40100" ] ||
	fail "the copied set_local_port_range set: $(cat $R)"
echo "$range" > $R
kgr_revert $P $P
echo "40000 40000" > $R || fail "a one-port range refused after the revert of $P"
echo "$range" > $R

# three files in one patch; same-named statics by sympos
P=kgr_ccp_multi
[ "$(grep -c ' proc_single_open$' /proc/kallsyms)" = 2 ] ||
	fail "expected two proc_single_open in kallsyms"
auxv=$(wc -c < /proc/self/auxv)
cmdline=$(cat /proc/cmdline)
load $P
kgr_wait_transition $P
for f in auxv_open proc_create_single_data cmdline_proc_show; do
	ls -d "$KGR/$P/vmlinux/$f,"* > /dev/null 2>&1 || fail "$P does not patch $f"
done
[ "$(wc -c < /proc/self/auxv)" = "$auxv" ] ||
	fail "patched /proc/self/auxv has $(wc -c < /proc/self/auxv) bytes, not $auxv"
[ "$(cat /proc/cmdline)" = "$cmdline" ] || fail "patched /proc/cmdline: $(cat /proc/cmdline)"
kgr_revert $P $P

# a new function and a new variable, in the patch
P=kgr_ccp_newfn
load $P
kgr_wait_transition $P
[ "$(cat /proc/cmdline)" = "$cmdline" ] || fail "patched /proc/cmdline: $(cat /proc/cmdline)"
kgr_revert $P $P
[ "$(cat /proc/cmdline)" = "$cmdline" ] || fail "reverted /proc/cmdline: $(cat /proc/cmdline)"

# static locals kept: shims to this kernel's last_msg.<N> and lock.<N>
P=kgr_ccp_statics
grep -q " last_msg\.[0-9]*$" /proc/kallsyms || fail "no last_msg.<N> in kallsyms"
load $P
kgr_wait_transition $P
ls -d "$KGR/$P/vmlinux/audit_log_lost,"* > /dev/null 2>&1 ||
	fail "$P does not patch audit_log_lost"
kgr_revert $P $P

# mm/slab.h's definitions ahead of <linux/slub_def.h>
P=kgr_ccp_lateinc
uts=$(uname -a)
load $P
kgr_wait_transition $P
ls -d "$KGR/$P/vmlinux/check_stack_object,"* > /dev/null 2>&1 ||
	fail "$P does not patch check_stack_object: $(ls "$KGR/$P/vmlinux")"
[ "$(uname -a)" = "$uts" ] || fail "uname -a through the patched check: $(uname -a)"
kgr_revert $P $P
[ "$(uname -a)" = "$uts" ] || fail "uname -a after the revert: $(uname -a)"

# applies_reverts <patch> <function of vmlinux it patches>
applies_reverts()
{
	load "$1"
	kgr_wait_transition "$1"
	ls -d "$KGR/$1/vmlinux/$2,"* > /dev/null 2>&1 ||
		fail "$1 does not patch $2: $(ls "$KGR/$1/vmlinux")"
	kgr_revert "$1" "$1"
}

# mm_inline.h's static key lru_gen_caps[], not exported, through a shim
applies_reverts kgr_ccp_statkey lru_deactivate_fn
# a change of a function only inlined, patched through its caller
applies_reverts kgr_ccp_inlchg ipv6_rthdr_rcv
