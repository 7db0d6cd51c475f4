# SPDX-License-Identifier: GPL-2.0-or-later
# SYSCALL_DEFINE bodies, and fixes written for kpatch-build.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# A fix inside SYSCALL_DEFINE2(sethostname): __do_sys_sethostname exists
# only inlined into the wrappers, so the patch replaces those: the ones
# the config builds, or those of --symbols that it builds.
expect syscall-body 0 "kernel/sys.c:1367: __do_sys_sethostname: PATCHABLE: code changes; syscall body, inlined into its wrappers: the patch replaces __x64_sys_sethostname, __ia32_sys_sethostname (those the config builds)" \
	"SYSCALL_DEFINE body change: patchable through the wrappers the config builds"
built syscall-body kgr_ccp_syscall \
	"syscall fix: extracted and built warning-free (W=1, sparse)"
ok=1
grep -q "^static long kgr___do_sys_sethostname(char __user \*name, int len)$" "$f" &&
	grep -q "^static long kgr___x64_sys_sethostname(const struct pt_regs \*regs)$" "$f" &&
	grep -q "(__force char __user \*)(long)regs->di,$" "$f" &&
	grep -q "(__force int)(long)(unsigned int)regs->cx);$" "$f" &&
	grep -q "KGR_PATCH(__x64_sys_sethostname, kgr___x64_sys_sethostname, true)" "$f" &&
	grep -q "KGR_PATCH(__ia32_sys_sethostname, kgr___ia32_sys_sethostname, true)" "$f" &&
	[ "$(grep -c "KGR_PATCH(" "$f")" = 2 ] && ok=0
result $ok "new wrappers unpack pt_regs as syscall_wrapper.h and replace both entries" "$f"
perl "$KSRC/scripts/checkpatch.pl" --no-tree -q -f "$f" > "$tmp/cp.log" 2>&1
result $? "syscall patch passes checkpatch.pl" "$tmp/cp.log"
i=0
while [ $i -lt 1200 ]; do
	echo "ffffffff81000000 t filler_$i"
	i=$((i + 1))
done > "$tmp/sys.map"
printf 'ffffffff81000000 T %s\n' __x64_sys_sethostname uts_proc_notify >> "$tmp/sys.map"
printf 'ffffffff81000000 D %s\n' uts_sem >> "$tmp/sys.map"
ccp syscall-body --symbols "$tmp/sys.map" -o "$tmp/sys-map.c"
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "the patch replaces __x64_sys_sethostname (built by the config and in .*sys.map)" "$tmp/out" &&
	[ "$(grep -c "KGR_PATCH(" "$tmp/sys-map.c")" = 1 ] && ! grep -q "__ia32_sys" "$tmp/sys-map.c" && ok=0
result $ok "--symbols without __ia32_sys_sethostname: only the x64 wrapper is replaced" "$tmp/out"
grep -v '^CONFIG_IA32_EMULATION=' "$KCONFIG" > "$tmp/config-no-ia32"
KCONFIG=$tmp/config-no-ia32 ccp syscall-body --check
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "the patch replaces __x64_sys_sethostname (those the config builds)" "$tmp/out" && ok=0
result $ok "config without IA32_EMULATION: no __ia32_sys wrapper" "$tmp/out"
expect syscall-args 1 "__do_sys_sethostname: NOT PATCHABLE: the arguments of syscall sethostname change" \
	"SYSCALL_DEFINE whose arguments change is refused"
built syscall-define0 kgr_ccp_define0 \
	"SYSCALL_DEFINE0(getppid) fix: extracted and built warning-free"
ok=1
grep -q "^static long kgr___do_sys_getppid(const struct pt_regs \*__unused)$" "$f" &&
	grep -q "return kgr___do_sys_getppid(regs);" "$f" &&
	[ "$(grep -c "KGR_PATCH(" "$f")" = 1 ] && grep -q "KGR_PATCH(__x64_sys_getppid, " "$f" && ok=0
result $ok "SYSCALL_DEFINE0: the x64 wrapper, the code of its ia32 alias too, is the one replaced" "$f"

# COMPAT_SYSCALL_DEFINE3(lseek): the compat body is inlined into its
# compat wrappers only, ia32 (ia32 registers) and x32 (x86-64 registers).
expect compat-syscall 0 "fs/read_write.c:317: __do_compat_sys_lseek: PATCHABLE: code changes; syscall body, inlined into its wrappers: the patch replaces __ia32_compat_sys_lseek, __x64_compat_sys_lseek (those the config builds)" \
	"COMPAT_SYSCALL_DEFINE body: its compat wrappers, not the native ones"
built compat-syscall kgr_ccp_compat_sys \
	"compat syscall fix: extracted and built warning-free"
ok=1
grep -q "^static long kgr___ia32_compat_sys_lseek(const struct pt_regs \*regs)$" "$f" &&
	grep -q "(__force compat_off_t)(long)(unsigned int)regs->cx," "$f" &&
	grep -q "(__force compat_off_t)(long)regs->si," "$f" &&
	[ "$(grep -c "KGR_PATCH(" "$f")" = 2 ] &&
	grep -q "KGR_PATCH(__x64_compat_sys_lseek, kgr___x64_compat_sys_lseek, true)" "$f" &&
	! grep -q "KGR_PATCH(__x64_sys_lseek" "$f" && ok=0
result $ok "compat wrappers unpack ia32 and x32 registers as syscall_wrapper.h does" "$f"

# Fixes written for kpatch-build: kpatch-macros.h and kpatch-syscall.h
# (include/kgr/kpatch/ on klp-ccp's include path) map onto kgr through
# include/kgr/kpatch-compat.h, which the patch includes.
expect kpatch-syscall 0 "kernel/sys.c:1374: KPATCH_PRE_PATCH_CALLBACK: PATCHABLE: kpatch callback: runs as kgr's pre_apply hook" \
	"kpatch callback: a row naming the kgr hook it becomes"
also "__do_sys_sethostname: PATCHABLE: code changes; syscall body, inlined into its wrappers: the patch replaces __x64_sys_sethostname, __ia32_sys_sethostname" \
	"KPATCH_SYSCALL_DEFINE2 for SYSCALL_DEFINE2: a change of the body alone"
built kpatch-syscall kgr_ccp_kpatch_sys \
	"kpatch-style syscall fix with a callback: extracted and built warning-free"
ok=1
grep -q "^#include <kgr/kpatch-compat.h>$" "$f" && ! grep -q "kpatch-macros.h\|kpatch-syscall.h" "$f" &&
	grep -q "^KPATCH_PRE_PATCH_CALLBACK(hostname_fix_loaded);$" "$f" &&
	grep -q "^static int hostname_fix_loaded(patch_object \*obj)$" "$f" &&
	grep -q "^	.hooks = KPATCH_KGR_HOOKS(NULL),$" "$f" &&
	grep -q "^static long kgr___x64_sys_sethostname(const struct pt_regs \*regs)$" "$f" &&
	! grep -q "KPATCH_SYSCALL_DEFINE" "$f" && ok=0
result $ok "callback and its function copied, run by the patch's hooks; kpatch's includes become kpatch-compat.h" "$f"
expect kpatch-force 0 "audit_log_lost: PATCHABLE: code changes; KPATCH_FORCE_UNSAFE: these static locals start fresh, their state is not carried over: last_msg, lock" \
	"KPATCH_FORCE_UNSAFE: a static local's state no longer needs a hook"
also "audit_log_config_change: PATCHABLE: KPATCH_IGNORE_FUNCTION: its change stays out of the patch" \
	"KPATCH_IGNORE_FUNCTION: the changed function is named and left out"
built kpatch-force kgr_ccp_kpatch_force \
	"klp_shadow_* and kpatch markers: extracted and built warning-free"
ok=1
grep -q "^#include <kgr/kpatch-compat.h>$" "$f" && grep -q "klp_shadow_get_or_alloc(" "$f" &&
	grep -q "kgr_shadow_get_or_alloc" "$tmp/kgr_ccp_kpatch_force/build.log" &&
	[ "$(grep -c "KGR_PATCH(" "$f")" = 1 ] && ! grep -q "kgr_audit_log_config_change" "$f" && ok=0
result $ok "klp_shadow_* go to kgr's shadow variables; the ignored function is not patched" "$f"
mkdir -p "$tmp/kpatch-sample"
cp "$here/kpatch-sample.c" "$tmp/kpatch-sample/kgr_kpatch_sample.c"
printf 'obj-m += kgr_kpatch_sample.o\nccflags-y += -I%s/include -I%s/include/kgr/kpatch\n' "$repo" "$repo" \
	> "$tmp/kpatch-sample/Kbuild"
ok=1
make -s -C "$KHDR" M="$tmp/kpatch-sample" W=1 C=2 KBUILD_MODPOST_WARN=1 modules \
	> "$tmp/kpatch-sample/build.log" 2>&1 &&
	! grep -v 'modpost: "_*kgr_[a-z_]*" .* undefined' "$tmp/kpatch-sample/build.log" |
	grep -qi "warning\|error" && ok=0
result $ok "a patch using every macro of kpatch-compat.h builds warning-free (W=1, sparse)" "$tmp/kpatch-sample/build.log"

# kpatch-build sees a WARN whose __LINE__ moved as a change; the tokens
# klp-ccp compares have no line numbers.
expect warn-line-moved 0 "^summary: 1 row in 1 file: 1 PATCHABLE" \
	"WARN_ON_ONCE moved down by lines added above: no row for its function"
