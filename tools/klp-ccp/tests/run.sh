#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host tests of klp-ccp against the real Debian 6.1 sources: one small diff
# per verdict rule, bad input, and the devinfo_show extraction built as an
# out-of-tree module (never loaded). Prints TAP; exits non-zero on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tool=$here/../klp-ccp
repo=$(cd "$here/../../.." && pwd)
. "$here/kernel.sh"
tmp=$(mktemp -d /tmp/klp-ccp-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# Kbuild's probes are cached here, not in ~/.cache: the suite runs with it.
export KLP_CCP_PROBE_CACHE="$tmp/probes"
n=0
failed=0

result()	# result <0|1> <name> [diagnostic file]
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -n "${3:-}" ] && sed 's/^/# /' "$3"
	fi
}

ccp()	# ccp <diff> [extra args]: runs the tool, output in $tmp/out
{
	d=$1
	shift
	"$tool" --src "$KSRC" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
		"$@" "$here/diffs/$d.diff" > "$tmp/out" 2>&1
}

expect()	# expect <diff> <exit status> <pattern> <name>
{
	start=$(date +%s.%N)
	ccp "$1" --check
	rc=$?
	t=$(echo "$(date +%s.%N) - $start" | bc)
	echo "# $1: exit $rc in ${t}s"
	ok=1
	[ "$rc" = "$2" ] && grep -q -- "$3" "$tmp/out" && ok=0
	result $ok "$4" "$tmp/out"
}

also()	# also <pattern> <name>: the last run's output has <pattern> too
{
	ok=1
	grep -q -- "$1" "$tmp/out" && ok=0
	result $ok "$2" "$tmp/out"
}

if [ ! -f "$KSRC/Makefile" ] || [ ! -f "$KHDR/Module.symvers" ]; then
	echo "not ok 1 - kernel source $KSRC or headers $KHDR missing"
	exit 1
fi

expect devinfo-issue 0 "fs/proc/devices.c:9: devinfo_show: PATCHABLE" \
	"issue 6's devinfo_show diff applies at its offset and is patchable"
expect init-changed 1 "proc_devices_init: NOT PATCHABLE: __init" \
	"changed __init function is not patchable"
expect new-global-printk 0 "cmdline_proc_show: PATCHABLE" \
	"new global variable plus printk is patchable"
expect const-made-writable 1 "devinfo_ops: NOT PATCHABLE: .*loses const" \
	"static const struct made writable is not patchable"
expect struct-new-field 1 "struct kthread: NEEDS SHADOW VARIABLE" \
	"new field in a live struct needs a shadow variable"
expect struct-union-alias 0 "no changed functions" \
	"a field wrapped in a union with an alias of it: the layout stays, no row"
expect struct-union-grows 1 "struct kthread: NEEDS SHADOW VARIABLE" \
	"a field wrapped in a union with a larger member: the layout changes"
expect printk-once 0 "devinfo_show: PATCHABLE: .*start fresh in the patch: pr_info_once() once-only flag" \
	"new printk_once: its once-only flag starts fresh, patchable"
expect stateless-statics 0 "devinfo_show: PATCHABLE: .*init_waitqueue_head() lockdep class key, mutex_init() lockdep class key, INIT_WORK() lockdep class key, memcpy() once-only flag, pr_debug() dynamic debug descriptor, NL_SET_ERR_MSG() constant message, WARN_ONCE() once-only flag" \
	"hidden statics of lockdep, FORTIFY, pr_debug, NL_SET_ERR_MSG, WARN_ONCE do not block"
expect new-static-local 0 "devinfo_show: PATCHABLE: .*start fresh in the patch: devinfo_reads (new)" \
	"static local added by the fix starts fresh: patchable"
expect stateful-static 1 "audit_log_lost: NEEDS HOOK: static local last_msg holds state.*(no symbols file (--symbols) to find the running kernel's)" \
	"changed function with an existing static local, no symbols file: needs a hook"
expect unique-id-renumbered 0 "^fs/proc/devices.c:9: devinfo_show: PATCHABLE" \
	"min_t renumbers __UNIQUE_ID names: the change is still patchable"
ok=1
grep -q "__UNIQUE_ID" "$tmp/out" || ok=0
result $ok "renumbered __UNIQUE_ID names are no rows" "$tmp/out"
expect exported-prototype 1 "seq_puts: NOT PATCHABLE: exported prototype" \
	"exported prototype change is not patchable"
expect notrace 1 "core_kernel_text: NOT PATCHABLE: notrace.*callers instead: kernel_text_address" \
	"notrace target is refused, naming its callers"
expect inline-only 1 "softirq_handle_end: NOT PATCHABLE: exists only inlined.*handle_softirqs" \
	"inline-only target is refused, naming its callers"
expect no-pg-file 1 "irq_work_queue: NOT PATCHABLE: file built without -pg" \
	"function of a file built without ftrace is refused"
expect framework 1 "NOT PATCHABLE: change to the live patching framework" \
	"change to the framework itself is refused"
expect whitespace-comment 0 "^no changed functions" \
	"whitespace and comment change: no changed functions"
expect comment-local-macro 0 "^no changed functions" \
	"comment at the top of fs/ext4/inode.c: ext4.h's macros do not change"
expect new-file 1 "fs/proc/uptime_bits.c:6: uptime_bits_show: NOT PATCHABLE: new file: new function" \
	"new .c file: a row per definition naming the file, not /dev/null"
expect deleted-file 1 "fs/proc/cmdline.c:0: (file): NOT PATCHABLE: file deleted" \
	"deleted file: not patchable, naming the file"
expect kvm-subdir 0 "arch/x86/kvm/vmx/vmx.c:326: vmentry_l1d_flush_parse: PATCHABLE" \
	"file of a Makefile-less dir (kvm/vmx) whose parent includes virt/kvm/Makefile.kvm"
# Single-file make compiles any file: Kbuild's lists say whether the
# config builds it. A file it does not build gets a NOT BUILT row naming
# the Makefile line, and does not make the diff look unpatchable.
expect config-kcsan 0 "^kernel/kcsan/core.c:0: (file): NOT BUILT: not built by this config: kernel/Makefile: obj-\$(CONFIG_KCSAN) += kcsan/ (CONFIG_KCSAN is not set)" \
	"file under a directory the config leaves out (kernel/kcsan/): NOT BUILT, exit 0"
expect config-kernel 0 "^kernel/kcov.c:0: (file): NOT BUILT: not built by this config: kernel/Makefile: obj-\$(CONFIG_KCOV) += kcov.o (CONFIG_KCOV is not set)" \
	"file whose own Makefile line is off (kcov.o): NOT BUILT"
also "^summary: 2 rows in 2 files: 1 NOT BUILT, 1 PATCHABLE$" \
	"next to it, a file whose line is on (profile.o): still PATCHABLE, and the summary counts both"
expect config-composite 0 "^fs/squashfs/file_cache.c:0: (file): NOT BUILT: not built by this config: fs/squashfs/Makefile: squashfs-\$(CONFIG_SQUASHFS_FILE_CACHE) += file_cache.o (CONFIG_SQUASHFS_FILE_CACHE is not set): " \
	"part of a module's composite object, its line off: NOT BUILT"
also "^summary: 2 rows in 2 files: 1 NOT BUILT, 1 PATCHABLE$" \
	"next to it, a part whose line is on (file_direct.o): still PATCHABLE"
expect config-listed-above 0 "^summary: 1 row in 1 file: 1 NOT BUILT$" \
	"directories listed from above their parent (drivers/: char/ipmi/; the top: lib/, arch/x86/lib/) are built"
expect config-included-blank 0 "^kernel/sched/cpufreq_schedutil.c:74: sugov_should_update_freq: PATCHABLE" \
	"file that a sibling includes as '# include \"cpufreq_schedutil.c\"' (build_policy.c): built"
expect config-parent-lists 0 "^drivers/net/ethernet/mellanox/mlx5/core/esw/bridge.c:129: mlx5_esw_bridge_pkt_reformat_vlan_pop_supported: PATCHABLE" \
	"object listed by a Makefile above its directory's own (mlx5 core/Makefile: esw/bridge.o): built"
expect kbuild-nested-include 0 "^drivers/gpu/drm/nouveau/nouveau_bo.c:423: nouveau_bo_pin: PATCHABLE" \
	"Kbuild file included by an included one through \$(src) (nouveau's nvkm/engine/Kbuild)"
expect kbuild-srctree-src 0 "^drivers/gpu/drm/amd/amdgpu/atom.c:1207: amdgpu_atom_execute_table_locked: PATCHABLE" \
	"Makefile including through \$(srctree)/\$(src)/.. (amdgpu's ../display/Makefile)"
expect const-static-local 0 "^drivers/ata/ahci.c:1113: ahci_sb600_enable_64bit: PATCHABLE: code changes; static locals start fresh in the patch: sysids read-only copy$" \
	"a const static local (a DMI table) is no state: patchable"
expect inline-nonstatic 0 "^security/selinux/avc.c:1136: avc_has_perm_noaudit: PATCHABLE: code changes" \
	"non-static inline function of a .c (its extent starts in the inline macro): gets its row"
expect kbuild-generated-header 0 "^security/selinux/avc.c:1187: avc_has_perm: PATCHABLE" \
	"object depending on a generated header whose generator is not shipped (SELinux flask.h)"
expect creates-existing 2 "fs/proc/cmdline.c: the diff creates it but the kernel tree .* already has it" \
	"diff creating a file the tree has: exit 2"
expect does-not-apply 2 "hunk 1 of fs/proc/devices.c.*does not apply" \
	"diff that does not apply: exit 2"
expect outside-tree 2 "outside the kernel tree" \
	"file outside the tree: exit 2"
expect missing-file 2 "no-such-file.c: not a file of the kernel tree" \
	"file missing from the tree: exit 2"
expect no-such-function 3 "devices.c:0: (file): TOOL ERROR: the patched file does not compile.*kgr_no_such_function" \
	"call of a function that does not exist: a TOOL ERROR row, exit 3"
expect one-file-fails 3 "^summary: 3 rows in 2 files: 2 PATCHABLE, 1 TOOL ERROR" \
	"one file of a diff does not compile: the other file keeps its rows, exit 3"

# Several files: one row per changed definition of each, and a summary.
expect multi-verdicts 1 "^summary: 4 rows in 3 files: 1 PATCHABLE, 1 NEEDS HOOK, 2 NOT PATCHABLE" \
	"multi-file diff: rows of every file and a summary by verdict"
ccp multi-verdicts --check --json
rc=$?
ok=1
[ "$rc" = 1 ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "NOT PATCHABLE" and d["files"] == 3
assert d["summary"] == {"NOT BUILT": 0, "PATCHABLE": 1, "NEEDS SHADOW VARIABLE": 0, "NEEDS HOOK": 1, "NOT PATCHABLE": 2, "TOOL ERROR": 0}
assert [(r["file"], r["name"], r["verdict"]) for r in d["rows"]][:2] == [
	("fs/proc/devices.c", "devinfo_show", "PATCHABLE"),
	("kernel/audit.c", "audit_log_lost", "NEEDS HOOK")]
assert d["rows"][0]["patched"] is True and d["rows"][1]["line"] == 357
' "$tmp/out" 2>> "$tmp/out" && ok=0
result $ok "--json: the same rows and summary as JSON" "$tmp/out"

# A file klp-ccp cannot get flags for (a selftest: its Makefile includes
# ../lib.mk) gets a TOOL ERROR row; the other files still get theirs.
expect tool-error 3 "^tools/testing/selftests/timers/posix_timers.c:0: (file): TOOL ERROR: Kbuild .* printed no compile command for posix_timers.o: .*\*\*\*" \
	"file whose flags cannot be derived: a TOOL ERROR row, exit 3"
ok=1
grep -q "^fs/proc/devices.c:9: devinfo_show: PATCHABLE" "$tmp/out" &&
	grep -q "^summary: 2 rows in 2 files: 1 PATCHABLE, 1 TOOL ERROR" "$tmp/out" && ok=0
result $ok "the other file still gets its verdict, the summary counts the tool error" "$tmp/out"
ccp tool-error -o "$tmp/tool-error.c"
rc=$?
ok=1
[ "$rc" = 3 ] && [ ! -e "$tmp/tool-error.c" ] && ok=0
result $ok "tool error: no patch file written" "$tmp/out"

# --targets naming a function the file lacks is an input error.
echo "no_such_target" > "$tmp/targets"
ccp devinfo --check --targets "$tmp/targets"
rc=$?
ok=1
[ "$rc" = 2 ] && grep -q "target no_such_target is not a function" "$tmp/out" && ok=0
result $ok "unknown --targets function: exit 2" "$tmp/out"

# With its caller given as --targets, an inline-only change is copied into it.
echo "handle_softirqs obj=vmlinux" > "$tmp/targets"
ccp inline-only --check --targets "$tmp/targets"
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "softirq_handle_end: PATCHABLE: exists only inlined: copied into its patched callers handle_softirqs" "$tmp/out" &&
	grep -q "handle_softirqs: PATCHABLE: inlines changed code" "$tmp/out" && ok=0
result $ok "--targets: inline-only change patched through its caller" "$tmp/out"

# A changed static inline or macro of a header: its callers are patched.
expect header-inline 0 "^fs/proc/loadavg.c:14: loadavg_proc_show: PATCHABLE: uses the changed inline idr_get_cursor of include/linux/idr.h$" \
	"header inline changed, used by a .c of the diff: its caller is patched"
also "^include/linux/idr.h:66: idr_get_cursor: PATCHABLE: .*patched through its callers: loadavg_proc_show (fs/proc/loadavg.c); callers in other files are not covered: .*--callers-in.*tools/inline-expand" \
	"the header inline's row names its callers and what is not covered"
expect header-inline-only 1 "idr_get_cursor: NOT PATCHABLE: static inline in a header .*no caller was found in the files given.*--callers-in" \
	"header inline changed, no caller in the files given: not patchable"
callers()	# callers <diff> <file.c> <exit status> <pattern> <name>
{
	ccp "$1" --check --callers-in "$2"
	rc=$?
	ok=1
	[ "$rc" = "$3" ] && grep -q -- "$4" "$tmp/out" && ok=0
	result $ok "$5" "$tmp/out"
}
callers header-inline-only fs/proc/loadavg.c 0 \
	"^fs/proc/loadavg.c:14: loadavg_proc_show: PATCHABLE: uses the changed inline idr_get_cursor" \
	"--callers-in: the caller in a file the diff does not change is patched"
callers header-inline-chain fs/proc/uptime.c 0 \
	"uptime_proc_show: PATCHABLE: uses ktime_get_boottime_ts64, which uses the changed inline ktime_get_boottime of include/linux/timekeeping.h" \
	"inline -> inline -> caller: the caller of the header's other inline is patched"
callers header-inline-other fs/proc/uptime.c 0 \
	"uptime_proc_show: PATCHABLE: uses timens_add_boottime, which uses the changed inline timespec64_add of include/linux/time64.h" \
	"through another header's inline: its caller is patched"
callers header-macro fs/proc/loadavg.c 0 \
	"loadavg_proc_show: PATCHABLE: uses the changed macro LOAD_FRAC of include/linux/sched/loadavg.h" \
	"header macro changed: its caller is patched"
also "LOAD_FRAC: PATCHABLE: macro in a header, .*patched through its callers: loadavg_proc_show (fs/proc/loadavg.c)" \
	"the header macro's row names its caller"
callers header-inline-only fs/proc/uptime.c 1 "idr_get_cursor: NOT PATCHABLE: .*no caller was found" \
	"--callers-in a file without callers: still not patchable"
callers header-inline fs/proc/loadavg.c 2 "callers-in fs/proc/loadavg.c: the diff changes it" \
	"--callers-in a file the diff changes: exit 2"
callers header-inline-only fs/proc/no-such.c 2 "no-such.c" \
	"--callers-in a missing file: exit 2 naming it"

# --context-headers: a .c fix with the header hunks it needs to compile;
# header changes it does not use are not its verdict.
ccp context-headers --check --context-headers
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "^fs/proc/devices.c:9: devinfo_show: PATCHABLE" "$tmp/out" &&
	grep -q "not judged: include/linux/proc_fs.h: struct proc_ops, include/linux/seq_file.h: seq_commit$" "$tmp/out" &&
	! grep -q "^include/" "$tmp/out" && ok=0
result $ok "--context-headers: a header struct and inline the .c does not use get no row" "$tmp/out"
expect context-headers 1 "^include/linux/proc_fs.h:33: struct proc_ops: NEEDS SHADOW VARIABLE" \
	"without --context-headers the same header changes are judged"
also "^include/linux/seq_file.h:86: seq_commit: NOT PATCHABLE" \
	"without --context-headers the unused header inline is not patchable"
ccp context-headers-used --check --context-headers
rc=$?
ok=1
[ "$rc" = 1 ] && grep -q "^include/linux/seq_file.h:34: struct seq_operations: NEEDS SHADOW VARIABLE" "$tmp/out" &&
	! grep -q "not judged" "$tmp/out" && ok=0
result $ok "--context-headers: a header struct the .c uses keeps its row" "$tmp/out"

# The config may be xz-compressed, as Debian's linux-config package has it.
xz -c "$KCONFIG" > "$tmp/config.xz"
KCONFIG=$tmp/config.xz ccp devinfo --check
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "devinfo_show: PATCHABLE" "$tmp/out" && ok=0
result $ok ".config.xz is read like .config" "$tmp/out"

KCONFIG=/etc/hostname ccp devinfo --check
rc=$?
ok=1
[ "$rc" = 2 ] && grep -q "/etc/hostname: not a kernel .config" "$tmp/out" && ok=0
result $ok "a file that is not a .config: exit 2" "$tmp/out"

# A file clang cannot compile cleanly: a config without CONFIG_64BIT gives
# every file of the -m64 build far more than clang's 20 errors. They are
# the original file's: a comment-only change is still no change, and a new
# error is still found among them.
grep -v '^CONFIG_64BIT=' "$KCONFIG" > "$tmp/config-no64"
KCONFIG=$tmp/config-no64 ccp comment-error-limit --check
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "^no changed functions" "$tmp/out" && ok=0
result $ok "comment-only change to a file with over 20 clang errors: no change" "$tmp/out"
KCONFIG=$tmp/config-no64 ccp no-such-function --check
rc=$?
ok=1
[ "$rc" = 3 ] && grep -q "does not compile.*kgr_no_such_function" "$tmp/out" && ok=0
result $ok "new error among over 20 old ones: a TOOL ERROR row, exit 3" "$tmp/out"

# sympos from a System.map: of two __get_fs_type, ours is the one whose
# neighbours are fs/filesystems.c's other symbols (the second here).
fake_map()	# fake_map <file> [name to leave out]
{
	i=0
	while [ $i -lt 1200 ]; do
		case $i in
		300) echo "ffffffff81000000 t __get_fs_type"; echo "ffffffff81000000 t other_fn" ;;
		800) for s in register_filesystem unregister_filesystem fs_index fs_name \
			__get_fs_type filesystems_proc_show get_fs_type put_filesystem \
			get_filesystem file_systems file_systems_lock; do
				[ "$s" = "${2:-}" ] || echo "ffffffff81000000 t $s"
			done ;;
		esac
		echo "ffffffff81000000 t filler_$i"
		i=$((i + 1))
	done > "$1"
}
fake_map "$tmp/System.map"
KLP_CCP_SYSTEM_MAP=$tmp/System.map ccp static-fn-var -o "$tmp/sympos.c"
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "KGR_SYMBOL_OBJPOS(kgr___get_fs_type, __get_fs_type, NULL, 2)" "$tmp/sympos.c" &&
	grep -q "KGR_PATCH(filesystems_proc_show, kgr_filesystems_proc_show, true)" "$tmp/sympos.c" && ok=0
result $ok "sympos of a duplicate static name from System.map order" "$tmp/out"

fake_map "$tmp/System.map" put_filesystem
KLP_CCP_SYSTEM_MAP=$tmp/System.map ccp static-fn-var -o "$tmp/sympos.c"
rc=$?
ok=1
[ "$rc" = 1 ] && grep -q ": put_filesystem: NOT PATCHABLE: .* uses put_filesystem, which does not exist in the target kernel" "$tmp/out" && ok=0
result $ok "symbol missing from System.map: a NOT PATCHABLE row naming it" "$tmp/out"

# --symbols: a copy of /proc/kallsyms from the target (zero addresses, as
# a non-root reader sees them: the order is what counts), with modules.
fake_kallsyms()	# fake_kallsyms <file> [vmlinux name to leave out] [module name to leave out]
{
	fake_map "$1.vmlinux" "${2:-}"
	sed 's/^[0-9a-f]* /0000000000000000 /' "$1.vmlinux" > "$1"
	# the second "enabled" of binfmt_misc is among fs/binfmt_misc.c's names
	for s in enabled $(seq -f "mod_filler_%g" 70) bm_register_write enabled \
		bm_status_read bm_status_write load_misc_binary bm_fill_super; do
		[ "$s" = "${3:-}" ] || printf '0000000000000000 t %s\t[binfmt_misc]\n' "$s"
	done >> "$1"
	printf '0000000000000000 t enabled\t[other_mod]\n' >> "$1"
}
fake_kallsyms "$tmp/kallsyms.txt"
ccp static-fn-var --symbols "$tmp/kallsyms.txt" -o "$tmp/ksyms.c"
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "KGR_SYMBOL_OBJPOS(kgr___get_fs_type, __get_fs_type, NULL, 2)" "$tmp/ksyms.c" && ok=0
result $ok "--symbols kallsyms copy: sympos of a duplicate vmlinux static" "$tmp/out"

ccp module-static --symbols "$tmp/kallsyms.txt" -o "$tmp/ksyms-mod.c"
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q 'KGR_SYMBOL_OBJPOS(kgr_enabled, enabled, "binfmt_misc", 2)' "$tmp/ksyms-mod.c" &&
	grep -q 'KGR_PATCH_OBJPOS(bm_status_read, kgr_bm_status_read, "binfmt_misc", 0)' "$tmp/ksyms-mod.c" && ok=0
result $ok "--symbols: a module's statics are counted in its own [module] lines" "$tmp/out"

fake_kallsyms "$tmp/kallsyms.txt" "" enabled
ccp module-static --symbols "$tmp/kallsyms.txt" -o "$tmp/ksyms-missing.c"
rc=$?
ok=1
[ "$rc" = 1 ] && [ ! -e "$tmp/ksyms-missing.c" ] &&
	grep -q "^fs/binfmt_misc.c:[0-9]*: enabled: NOT PATCHABLE: .* uses enabled, which does not exist in the target kernel (not in .*kallsyms.txt \[binfmt_misc\])" "$tmp/out" && ok=0
result $ok "--symbols: a symbol the module lacks is a NOT PATCHABLE row naming it" "$tmp/out"

# A kallsyms copy taken while binfmt_misc was not loaded: nothing could
# check the module's symbols; in a run of one file, an input error.
grep -v '\[binfmt_misc\]' "$tmp/kallsyms.txt" > "$tmp/kallsyms-nomod.txt"
ccp module-static --symbols "$tmp/kallsyms-nomod.txt" -o "$tmp/ksyms-nomod.c"
rc=$?
ok=1
[ "$rc" = 2 ] && [ ! -e "$tmp/ksyms-nomod.c" ] &&
	grep -q "fs/binfmt_misc.c: .*kallsyms-nomod.txt has no \[binfmt_misc\] lines: the module was not loaded" "$tmp/out" && ok=0
result $ok "--symbols: a kallsyms copy without the file's module is an error naming it, exit 2" "$tmp/out"

# In a run of several files that is one file's TOOL ERROR row instead:
# fs/filesystems.c (vmlinux) still gets its verdict.
ccp module-missing --check --symbols "$tmp/kallsyms-nomod.txt"
rc=$?
ok=1
[ "$rc" = 3 ] &&
	grep -q "^fs/binfmt_misc.c:0: (file): TOOL ERROR: .*kallsyms-nomod.txt has no \[binfmt_misc\] lines: the module was not loaded" "$tmp/out" &&
	grep -q "^fs/filesystems.c:243: filesystems_proc_show: PATCHABLE" "$tmp/out" &&
	grep -q "^summary: 2 rows in 2 files: 1 PATCHABLE, 1 TOOL ERROR" "$tmp/out" && ok=0
result $ok "--symbols: two files, one of a module the copy lacks: its TOOL ERROR row, the other's verdict, exit 3" "$tmp/out"

# --modules: the symbols of a module the copy lacks, from its .ko in the
# target's /lib/modules/<version> (here the installed image of $KHDR's
# version, whose binfmt_misc has one "enabled").
moddir=/lib/modules/${KHDR##*/linux-headers-}
ccp module-static --symbols "$tmp/kallsyms-nomod.txt" --modules "$moddir" -o "$tmp/ksyms-ko.c"
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q 'KGR_SYMBOL_OBJPOS(kgr_enabled, enabled, "binfmt_misc", 0)' "$tmp/ksyms-ko.c" &&
	grep -q 'KGR_PATCH_OBJPOS(bm_status_read, kgr_bm_status_read, "binfmt_misc", 0)' "$tmp/ksyms-ko.c" && ok=0
result $ok "--modules: a module the kallsyms copy lacks is read from its .ko" "$tmp/out"

# A compressed .ko (as Debian's 6.12 ships them) that lacks the symbol.
mkdir -p "$tmp/mods/kernel/fs"
ko=$(find "$moddir/kernel/fs" -name 'binfmt_misc.ko*' | head -n 1)
case $ko in
*.xz) xz -dc "$ko" ;;
*) cat "$ko" ;;
esac > "$tmp/binfmt_misc.ko"
objcopy --redefine-sym enabled=enabled_renamed "$tmp/binfmt_misc.ko" "$tmp/mods/kernel/fs/binfmt_misc.ko"
xz "$tmp/mods/kernel/fs/binfmt_misc.ko"
ccp module-static --symbols "$tmp/kallsyms-nomod.txt" --modules "$tmp/mods" -o "$tmp/ksyms-ko2.c"
rc=$?
ok=1
[ "$rc" = 1 ] && [ ! -e "$tmp/ksyms-ko2.c" ] &&
	grep -q "enabled: NOT PATCHABLE: .* uses enabled, which does not exist in the target kernel (not in .*/mods/kernel/fs/binfmt_misc.ko.xz \[binfmt_misc\])" "$tmp/out" && ok=0
result $ok "--modules: a symbol a compressed .ko lacks is a NOT PATCHABLE row naming the .ko" "$tmp/out"

head -c 4096 "$tmp/binfmt_misc.ko" > "$tmp/mods/kernel/fs/binfmt_misc.ko"
rm "$tmp/mods/kernel/fs/binfmt_misc.ko.xz"
ccp module-static --symbols "$tmp/kallsyms-nomod.txt" --modules "$tmp/mods" -o "$tmp/ksyms-ko3.c"
rc=$?
ok=1
[ "$rc" = 2 ] && [ ! -e "$tmp/ksyms-ko3.c" ] &&
	grep -q "fs/binfmt_misc.c: .*/mods/kernel/fs/binfmt_misc.ko: truncated" "$tmp/out" && ok=0
result $ok "--modules: a truncated .ko is an error naming it, exit 2" "$tmp/out"

rm "$tmp/mods/kernel/fs/binfmt_misc.ko"
ccp module-static --symbols "$tmp/kallsyms-nomod.txt" --modules "$tmp/mods" -o "$tmp/ksyms-ko4.c"
rc=$?
ok=1
[ "$rc" = 2 ] && [ ! -e "$tmp/ksyms-ko4.c" ] &&
	grep -q "module binfmt_misc: no binfmt_misc.ko under .*/mods/kernel" "$tmp/out" && ok=0
result $ok "--modules: a module the target does not have is an error naming it, exit 2" "$tmp/out"

ccp devinfo --modules "$tmp/nonexistent" -o "$tmp/ksyms-ko5.c"
rc=$?
ok=1
[ "$rc" = 2 ] && [ ! -e "$tmp/ksyms-ko5.c" ] &&
	grep -q -- "--modules .*/nonexistent: no kernel/ directory" "$tmp/out" && ok=0
result $ok "--modules: a directory that is not /lib/modules/<version> is an error, exit 2" "$tmp/out"

echo "ffffffffffffffff B The_real_System.map_is_in_the_linux-image-6.1-dbg_package" > "$tmp/stub.map"
ccp devinfo --check --symbols "$tmp/stub.map"
rc=$?
ok=1
[ "$rc" = 2 ] && grep -q "stub.map: not a System.map or /proc/kallsyms copy" "$tmp/out" && ok=0
result $ok "--symbols with Debian's stub System.map: exit 2" "$tmp/out"

"$tool" --src "$KSRC" > "$tmp/out" 2>&1
rc=$?
ok=1
[ "$rc" = 2 ] && grep -q usage "$tmp/out" && ok=0
result $ok "missing arguments: usage, exit 2" "$tmp/out"

# Extraction: devinfo_show, built against the 6.1 headers with W=1 and sparse.
build_patch()	# build_patch <diff> <name> [klp-ccp arguments]
{
	bp_diff=$1 bp_name=$2
	shift 2
	mkdir -p "$tmp/$bp_name"
	ccp "$bp_diff" "$@" -o "$tmp/$bp_name/$bp_name.c" || return 1
	build_module "$bp_name"
}

build_module()	# build_module <name>: $tmp/<name>/<name>.c, built warning-free
{
	printf 'obj-m += %s.o\nccflags-y += -I%s/include\n' "$1" "$repo" > "$tmp/$1/Kbuild"
	make -s -C "$KHDR" M="$tmp/$1" W=1 C=2 KBUILD_MODPOST_WARN=1 modules \
		> "$tmp/$1/build.log" 2>&1 || return 1
	! grep -v 'modpost: "_*kgr_[a-z_]*" .* undefined' "$tmp/$1/build.log" |
		grep -qi "warning\|error"
}

# built <diff> <name> <test name> [klp-ccp arguments]: build_patch and its result; $f is the patch
built()
{
	b_name=$2 b_test=$3
	b_diff=$1
	shift 3
	build_patch "$b_diff" "$b_name" "$@"
	result $? "$b_test" "$tmp/$b_name/build.log"
	f=$tmp/$b_name/$b_name.c
}

build_patch devinfo kgr_ccp_devinfo
result $? "devinfo_show fix: extracted and built warning-free (W=1, sparse)" "$tmp/kgr_ccp_devinfo/build.log"
f=$tmp/kgr_ccp_devinfo/kgr_ccp_devinfo.c
lines=$(wc -l < "$f" 2>/dev/null || echo 999)
echo "# kgr_ccp_devinfo.c: $lines lines"
ok=1
[ "$lines" -lt 80 ] && ok=0
result $ok "devinfo_show patch is under 80 lines"
ok=1
grep -q "KGR_SYMBOL_TYPED(kgr_chrdev_show, chrdev_show)" "$f" &&
	grep -q "KGR_SYMBOL_TYPED(kgr_blkdev_show, blkdev_show)" "$f" &&
	grep -q "kgr_chrdev_show(f, i);" "$f" &&
	grep -q "KGR_PATCH(devinfo_show, kgr_devinfo_show, true)" "$f" && ok=0
result $ok "non-exported chrdev_show/blkdev_show go through typed shims" "$f"
perl "$KSRC/scripts/checkpatch.pl" --no-tree -q -f "$f" > "$tmp/cp.log" 2>&1
result $? "devinfo_show patch passes checkpatch.pl" "$tmp/cp.log"

build_patch static-fn-var kgr_ccp_static
result $? "static function + static variables: extracted and built warning-free" "$tmp/kgr_ccp_static/build.log"
ok=1
grep -q "KGR_SYMBOL(kgr___get_fs_type, __get_fs_type)" "$tmp/kgr_ccp_static/kgr_ccp_static.c" &&
	grep -q "read_lock(&(\*kgr_file_systems_lock));" "$tmp/kgr_ccp_static/kgr_ccp_static.c" && ok=0
result $ok "static function and variables go through shims" "$tmp/kgr_ccp_static/kgr_ccp_static.c"

build_patch module-static kgr_ccp_binfmt
result $? "function of a module (binfmt_misc): extracted and built warning-free" "$tmp/kgr_ccp_binfmt/build.log"
ok=1
grep -q 'KGR_PATCH_OBJPOS(bm_status_read, kgr_bm_status_read, "binfmt_misc", 0)' "$tmp/kgr_ccp_binfmt/kgr_ccp_binfmt.c" &&
	grep -q 'KGR_SYMBOL_OBJPOS(kgr_enabled, enabled, "binfmt_misc", 0)' "$tmp/kgr_ccp_binfmt/kgr_ccp_binfmt.c" && ok=0
result $ok "module targets and shims name their module" "$tmp/kgr_ccp_binfmt/kgr_ccp_binfmt.c"

build_patch local-header-type kgr_ccp_pde
result $? "type of a local header (fs/proc/internal.h): extracted and built warning-free" "$tmp/kgr_ccp_pde/build.log"
ok=1
grep -q "^struct proc_dir_entry {" "$tmp/kgr_ccp_pde/kgr_ccp_pde.c" &&
	! grep -q '"internal.h"' "$tmp/kgr_ccp_pde/kgr_ccp_pde.c" && ok=0
result $ok "local header's struct copied, its #include dropped" "$tmp/kgr_ccp_pde/kgr_ccp_pde.c"

# What a copied definition needs, copied with it (bench/stable-delta's
# build failures): each of these failed to build before.
built local-opaque-struct kgr_ccp_opaque \
	"opaque struct of a local header in copied prototypes (dm-block-manager.h): extracted and built warning-free"
ok=1
grep -q "^struct dm_block;" "$f" && ok=0
result $ok "the opaque struct dm_block is declared ahead" "$f"
built local-header-macro kgr_ccp_lhmacro \
	"struct of a local header sized by its macro (tda18250_priv.h): extracted and built warning-free"
ok=1
grep -q "^#define TDA18250_NUM_REGS 93" "$f" && grep -q "^struct tda18250_dev {" "$f" &&
	[ "$(grep -n "^#define TDA18250_NUM_REGS" "$f" | cut -d: -f1)" -lt "$(grep -n "^struct tda18250_dev {" "$f" | cut -d: -f1)" ] && ok=0
result $ok "the macro a local header's struct expands is copied, before the struct" "$f"
built anon-enum kgr_ccp_anon_enum \
	"constant of an enum without a tag (hci_h5.c): extracted and built warning-free"
ok=1
grep -q "^	H5_WAKEUP_DISABLE,	/\* Device cannot wake host \*/$" "$f" &&
	grep -q "^struct hci_uart;$" "$f" && ok=0
result $ok "the untagged enum is copied; copied structs are declared ahead (hci_uart.h's pointers)" "$f"
built local-header-include kgr_ccp_lhinc \
	"struct of a local header embedding a type of its #include <...> (md.h): extracted and built warning-free"
ok=1
grep -q "^#include <linux/badblocks.h>$" "$f" && grep -q "	struct badblocks badblocks;" "$f" && ok=0
result $ok "a local header's #include <...> lines are kept" "$f"
built include-dir-arg kgr_ccp_incdir \
	"header found through the Makefile's \"-I \$(srctree)/\$(src)/..\" (rtl818x.h): extracted and built warning-free"
ok=1
grep -q "^struct rtl818x_csr {" "$f" && ! grep -q "rtl818x.h" "$f" && ok=0
result $ok "the Makefile's \"-I dir\" reaches the parse: the type of that header is copied" "$f"

built macro-calls kgr_ccp_macro_calls \
	"local header macros calling functions (IWL_ERR, IWL_DEBUG_SCAN of iwl-debug.h): extracted and built warning-free"
ok=1
grep -q "^void __iwl_err(struct device \*dev, enum iwl_err_mode mode, const char \*fmt, ...)" "$f" &&
	grep -q "^__iwl_dbg(struct device \*dev,$" "$f" && grep -q "^MODULE_IMPORT_NS(IWLWIFI);$" "$f" && ok=0
result $ok "what a copied macro calls is declared or copied; its namespace (IWLWIFI) imported" "$f"

built macro-shim kgr_ccp_macro_shim \
	"file macro calling a static function (acm_set_line: acm_ctrl_msg): extracted and built warning-free"
ok=1
grep -q "^#define acm_ctrl_msg (\*kgr_acm_ctrl_msg)$" "$f" &&
	grep -q "KGR_SYMBOL_OBJPOS(kgr_acm_ctrl_msg, acm_ctrl_msg, \"cdc_acm\", 0)" "$f" && ok=0
result $ok "a static a copied macro calls gets its shim, its name defined to it" "$f"
built macro-renamed kgr_ccp_macro_renamed \
	"file macro calling a patched function (acm_set_line: acm_ctrl_msg): extracted and built warning-free"
ok=1
grep -q "^#define acm_ctrl_msg kgr_acm_ctrl_msg$" "$f" &&
	grep -q "KGR_PATCH_OBJPOS(acm_ctrl_msg, kgr_acm_ctrl_msg, \"cdc_acm\", 0)" "$f" && ok=0
result $ok "a patched function a copied macro calls: its name is defined to the new copy" "$f"

built cumul-vm-dma kgr_ccp_dma \
	"static variable of a type of its file, never spelled by the fix: extracted and built warning-free"
ok=1
grep -q "^struct dma_chan {" "$f" &&
	grep -q "^static typeof(struct dma_chan\[8\]) \*kgr_dma_chan_busy;" "$f" && ok=0
result $ok "the type of a shimmed variable (struct dma_chan of kernel/dma.c) is copied" "$f"

# Macros and types the copied code reaches in ways a plain reference
# walk misses (bench/stable-delta's build failures): each failed before.
built system-macro-uses-file-macro kgr_ccp_sysmacro \
	"DMERR() of device-mapper.h printing the file's DM_MSG_PREFIX (dm-era-target.c): extracted and built warning-free"
ok=1
grep -q '^#define DM_MSG_PREFIX "era"$' "$f" && ok=0
result $ok "the file's macro an include/ macro expands is copied" "$f"
built system-macro-pastes-file-macro kgr_ccp_syspaste \
	"dprintk() reaching the file's NFSDBG_FACILITY through NFSDBG_##fac (fs/nfs/client.c): extracted and built warning-free"
ok=1
grep -q "^#define NFSDBG_FACILITY[[:space:]]*NFSDBG_CLIENT$" "$f" &&
	[ "$(grep -c "^#define NFSDBG_" "$f")" = 1 ] && ok=0
result $ok "the file's macro that an include/ macro's ## pastes is copied, alone" "$f"
built file-macro-before-includes kgr_ccp_prfmt \
	"pr_err() of audit.c, whose pr_fmt printk.h tests when included: extracted and built warning-free"
ok=1
a=$(grep -n "^#define pr_fmt(fmt) KBUILD_MODNAME" "$f" | cut -d: -f1)
[ -n "$a" ] && [ "$a" -lt "$(grep -n "^#include <linux/module.h>$" "$f" | cut -d: -f1)" ] &&
	[ "$(grep -c "define pr_fmt" "$f")" = 1 ] && ok=0
result $ok "the file's macro defined above its #include lines is copied above the patch's" "$f"
built struct-named-like-macro kgr_ccp_tagmacro \
	"shimmed array of struct ata_port_info, also a macro of libata.h (ahci.c): extracted and built warning-free"
ok=1
grep -q "^static typeof(const struct ata_port_info\[[0-9]*\]) \*kgr_ahci_port_info;$" "$f" && ok=0
result $ok "an array shim is declared through typeof: no \"(\" after the type's tag" "$f"
built typedef-around-struct kgr_ccp_srb \
	"struct srb defined by qla_def.h's \"typedef struct srb {...} srb_t\": extracted and built warning-free"
ok=1
[ "$(grep -c "^typedef struct srb {" "$f")" = 1 ] && ! grep -q "^struct srb {" "$f" && ok=0
result $ok "a struct a typedef defines is copied once, as the typedef" "$f"
built typedef-struct-macro kgr_ccp_tdmacro \
	"typedef struct mraid_mmadp {...} sized by MAX_DMA_POOLS (megaraid_ioctl.h): extracted and built warning-free"
ok=1
[ "$(grep -c "^typedef struct mraid_mmadp {" "$f")" = 1 ] &&
	grep -q "^#define MAX_DMA_POOLS[[:space:]]*5" "$f" && ok=0
result $ok "what the struct of a typedef expands is copied with the typedef" "$f"
built type-inside-type kgr_ccp_nested \
	"union nfsd4_op_u defined inside struct nfsd4_op (xdr4.h): extracted and built warning-free"
ok=1
[ "$(grep -c "^struct nfsd4_op {" "$f")" = 1 ] && grep -q "^	union nfsd4_op_u {" "$f" &&
	! grep -q "^union nfsd4_op_u {" "$f" && ok=0
result $ok "a type defined inside a struct is copied with that struct, once" "$f"

build_patch new-header-used kgr_ccp_newhdr
result $? "macro of a header the diff creates: extracted and built warning-free" "$tmp/kgr_ccp_newhdr/build.log"
ok=1
grep -q "^#define CMDLINE_END" "$tmp/kgr_ccp_newhdr/kgr_ccp_newhdr.c" && ok=0
result $ok "the new header's macro is copied from the diff" "$tmp/kgr_ccp_newhdr/kgr_ccp_newhdr.c"

build_patch stateless-statics kgr_ccp_stateless
result $? "hidden statics of kernel macros: extracted and built warning-free" "$tmp/kgr_ccp_stateless/build.log"

build_patch new-global-function kgr_ccp_newfn
result $? "new global function and variable: extracted and built warning-free" "$tmp/kgr_ccp_newfn/build.log"
f=$tmp/kgr_ccp_newfn/kgr_ccp_newfn.c
ok=1
grep -q "^static int kgr_cmdline_len(void)" "$f" &&
	grep -q "^static unsigned long kgr_cmdline_shows;" "$f" &&
	grep -q "if (kgr_cmdline_len())" "$f" && ! grep -q "KGR_SYMBOL.*cmdline_len" "$f" && ok=0
result $ok "a global the fix adds is copied as static kgr_<name>, never a shim" "$f"

build_patch noreturn-shim kgr_ccp_noreturn
result $? "shim to a noreturn function (do_exit): extracted and built warning-free, objtool too" "$tmp/kgr_ccp_noreturn/build.log"
ok=1
grep -q "^static void (\*kgr_do_exit)(long) __attribute__((noreturn));" "$tmp/kgr_ccp_noreturn/kgr_ccp_noreturn.c" && ok=0
result $ok "noreturn shim is a valid pointer declaration" "$tmp/kgr_ccp_noreturn/kgr_ccp_noreturn.c"

build_patch multi-file kgr_ccp_multi
result $? "three files in one patch: extracted and built warning-free" "$tmp/kgr_ccp_multi/build.log"
f=$tmp/kgr_ccp_multi/kgr_ccp_multi.c
ok=1
grep -q "KGR_SYMBOL(kgr_proc_single_open, proc_single_open)" "$f" &&
	grep -q "KGR_SYMBOL(kgr_proc_single_open_generic, proc_single_open)" "$f" &&
	grep -q "return kgr_proc_single_open(inode, file);" "$f" &&
	grep -q "name, (\*kgr_proc_single_open_generic));" "$f" &&
	[ "$(grep -c "KGR_PATCH(" "$f")" = 3 ] && ok=0
result $ok "same-named statics of two files get distinct shims" "$f"

build_patch new-global-elsewhere kgr_ccp_elsewhere
result $? "new global function of another file of the diff: extracted and built" "$tmp/kgr_ccp_elsewhere/build.log"
f=$tmp/kgr_ccp_elsewhere/kgr_ccp_elsewhere.c
ok=1
grep -q "^static bool kgr_pde_is_dir(const struct proc_dir_entry \*de)" "$f" &&
	grep -q "bool dir = kgr_pde_is_dir(" "$f" && ! grep -q "KGR_SYMBOL.*pde_is_dir" "$f" && ok=0
result $ok "it is copied from its file, never shimmed" "$f"

build_patch new-global-printk kgr_ccp_cmdline
result $? "new global + printk: extracted and built warning-free" "$tmp/kgr_ccp_cmdline/build.log"
ok=1
grep -q "^static int cmdline_reads;" "$tmp/kgr_ccp_cmdline/kgr_ccp_cmdline.c" && ok=0
result $ok "new global variable lives in the patch" "$tmp/kgr_ccp_cmdline/kgr_ccp_cmdline.c"

# Header changes: the callers get the header's new definitions.
built header-inline kgr_ccp_hdr "header inline's caller: extracted and built warning-free (W=1, sparse)"
ok=1
grep -q "^#define idr_get_cursor kgr_idr_get_cursor$" "$f" &&
	grep -q "return READ_ONCE(idr->idr_next) & INT_MAX;" "$f" &&
	grep -q "KGR_PATCH(loadavg_proc_show, kgr_loadavg_proc_show, true)" "$f" && ok=0
result $ok "the header's new inline is copied for the patched caller" "$f"
built header-inline-chain kgr_ccp_chain \
	"inline -> inline -> caller: extracted and built warning-free (W=1, sparse)" \
	--callers-in fs/proc/uptime.c
ok=1
grep -q "^#define ktime_get_boottime kgr_ktime_get_boottime$" "$f" &&
	grep -q "^#define ktime_get_boottime_ts64 kgr_ktime_get_boottime_ts64$" "$f" &&
	! grep -q "ktime_get_boottime_ns" "$f" && grep -q "fs/proc/uptime.c (--callers-in)" "$f" && ok=0
result $ok "both inlines of the chain are copied, no other user of the changed one" "$f"
built header-inline-other kgr_ccp_other_hdr \
	"through another header's inline: extracted and built warning-free (W=1, sparse)" \
	--callers-in fs/proc/uptime.c
ok=1
grep -q "^#define timens_add_boottime kgr_timens_add_boottime$" "$f" && ok=0
result $ok "the other header's inline is copied too" "$f"
built header-macro kgr_ccp_hdr_macro "header macro's caller: extracted and built warning-free (W=1, sparse)" \
	--callers-in fs/proc/loadavg.c
ok=1
grep -q "^#undef LOAD_FRAC$" "$f" && grep -q "^#define LOAD_FRAC(x) LOAD_INT(((x) & (FIXED_1 - 1)) \* 100UL)$" "$f" && ok=0
result $ok "the header's new macro is defined for the patched caller" "$f"

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

# A target built with CONFIG_X86_KERNEL_IBT (Debian 6.12) seals functions
# whose address the kernel never takes, and kgr refuses a pointer shim to
# one: functions the patch only calls get call shims there. The 6.1
# config with IBT turned on stands for such a target.
(grep -v "CONFIG_X86_KERNEL_IBT" "$KCONFIG"; echo "CONFIG_X86_KERNEL_IBT=y") > "$tmp/config-ibt"
KCONFIG=$tmp/config-ibt built devinfo kgr_ccp_ibt \
	"IBT target: devinfo_show extracted with call shims and built warning-free (W=1, sparse)"
ok=1
grep -q "^KGR_CALL_DECLARE(kgr_chrdev_show, chrdev_show);$" "$f" &&
	grep -q "static_call(kgr_chrdev_show)(f, i);" "$f" &&
	grep -q "KGR_SYMBOL_CALL(kgr_blkdev_show, blkdev_show)," "$f" &&
	! grep -q "(\*kgr_chrdev_show)\|KGR_SYMBOL_TYPED" "$f" && ok=0
result $ok "IBT target: non-exported functions are called through KGR_CALL_DECLARE/KGR_SYMBOL_CALL" "$f"
perl "$KSRC/scripts/checkpatch.pl" --no-tree -q -f "$f" > "$tmp/cp.log" 2>&1
result $? "IBT devinfo_show patch passes checkpatch.pl" "$tmp/cp.log"
KHDR12=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$KHDR12" ]; then
	mkdir -p "$tmp/ibt612"
	cp "$f" "$tmp/kgr_ccp_ibt/Kbuild" "$tmp/ibt612/"
	make -s -C "$KHDR12" M="$tmp/ibt612" W=1 KBUILD_MODPOST_WARN=1 modules \
		> "$tmp/ibt612/build.log" 2>&1 &&
		! grep -v 'modpost: "_*kgr_[a-z_]*" .* undefined' "$tmp/ibt612/build.log" |
		grep -qi "warning\|error"
	result $? "IBT devinfo_show patch builds against the 6.12 headers (IBT, objtool)" "$tmp/ibt612/build.log"
fi
KCONFIG=$tmp/config-ibt built static-fn-var kgr_ccp_ibt_static \
	"IBT target: static function without a visible declaration: built warning-free"
ok=1
grep -q "^extern struct file_system_type \*kgr___get_fs_type_type(const char \*, int);$" "$f" &&
	grep -q "^KGR_CALL_DECLARE(kgr___get_fs_type, kgr___get_fs_type_type);$" "$f" &&
	grep -q "static_call(kgr___get_fs_type)(\"proc\", 4);" "$f" &&
	grep -q "KGR_SYMBOL(kgr_file_systems_lock, file_systems_lock)," "$f" && ok=0
result $ok "IBT target: a prototype types the call shim; variables keep pointer shims" "$f"
fake_map "$tmp/System.map"
KLP_CCP_SYSTEM_MAP=$tmp/System.map KCONFIG=$tmp/config-ibt ccp static-fn-var -o "$tmp/ibt-sympos.c"
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "KGR_SYMBOL_OBJPOS(kgr___get_fs_type, __get_fs_type, NULL, 2)" "$tmp/ibt-sympos.c" &&
	grep -q "KGR_SYMBOL_CALL(kgr_put_filesystem, put_filesystem)," "$tmp/ibt-sympos.c" && ok=0
result $ok "IBT target: a duplicate name (sympos 2) keeps its pointer shim, KGR_SYMBOL_CALL takes unique names only" "$tmp/out"

# A cumulative patch: several fixes, applied in order, in one replace_all
# patch that must keep every function of the one it supersedes.
fixes()	# fixes "<diff>..." [extra args]: klp-ccp --cumulative, output in $tmp/out
{
	ds=
	for d in $1; do
		case $d in
		*/*) ds="$ds $d" ;;
		*) ds="$ds $here/diffs/$d.diff" ;;
		esac
	done
	shift
	# shellcheck disable=SC2086 # one word per diff, paths without spaces
	"$tool" --src "$KSRC" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
		--cumulative "$@" $ds > "$tmp/out" 2>&1
}
mkdir -p "$tmp/kgr_cumul_1" "$tmp/kgr_cumul_2"
cumul1=$tmp/kgr_cumul_1/kgr_cumul_1.c
fixes "devinfo cumul-cmdline" -o "$cumul1" &&
	grep -q "^	.replace_all = true,$" "$cumul1" &&
	grep -q "KGR_PATCH(devinfo_show, kgr_devinfo_show, true)" "$cumul1" &&
	grep -q "KGR_PATCH(cmdline_proc_show, kgr_cmdline_proc_show, true)" "$cumul1" &&
	[ "$(grep -c "KGR_PATCH(" "$cumul1")" = 2 ]
result $? "cumulative patch of two fixes in two files: replace_all, both functions" "$tmp/out"
build_module kgr_cumul_1
result $? "cumulative patch: built warning-free (W=1, sparse)" "$tmp/kgr_cumul_1/build.log"
f=$tmp/kgr_cumul_2/kgr_cumul_2.c
fixes "devinfo cumul-cmdline cumul-devinfo-block" -o "$f" --supersedes "$cumul1" &&
	grep -q "supersedes .*kgr_cumul_1.c: replaces all 2 functions" "$tmp/out" &&
	grep -q "^ \* against fs/proc/devices.c (devinfo.diff, cumul-devinfo-block.diff), fs/proc/cmdline.c (cumul-cmdline.diff).$" "$f" &&
	grep -q 'seq_puts(f, "Devices:\\n");' "$f" &&
	grep -q 'seq_puts(f, "\\nBlock devices (major name):\\n");' "$f" &&
	[ "$(grep -c "KGR_PATCH(devinfo_show," "$f")" = 1 ]
result $? "two fixes of devinfo_show: one entry, both changes; it supersedes the previous patch" "$tmp/out"
build_module kgr_cumul_2
result $? "cumulative patch with a function two fixes change: built warning-free" "$tmp/kgr_cumul_2/build.log"
fixes "cumul-devinfo-block" --supersedes "$cumul1" -o "$tmp/dropped.c"
[ $? = 1 ] && [ ! -e "$tmp/dropped.c" ] &&
	grep -q "kgr_cumul_1.c:[0-9]*: cmdline_proc_show: NOT PATCHABLE: the superseded patch replaces it and this one does not" "$tmp/out" &&
	! grep -q "kgr_cumul_1.c:.*devinfo_show" "$tmp/out"
result $? "--supersedes: a function the previous patch replaces and this one drops is a row, exit 1, nothing written" "$tmp/out"
mkdir -p "$tmp/kgr_cumul_m"
fixes "module-static syscall-body" -o "$tmp/kgr_cumul_m/kgr_cumul_m.c" &&
	fixes "module-static syscall-body devinfo" --check --supersedes "$tmp/kgr_cumul_m/kgr_cumul_m.c" &&
	grep -q "replaces all 3 functions" "$tmp/out"
result $? "--supersedes: a module's function and a syscall's wrappers are matched" "$tmp/out"
fixes "devinfo" --check --supersedes "$tmp/kgr_cumul_m/kgr_cumul_m.c"
[ $? = 1 ] && grep -q "bm_status_read: NOT PATCHABLE: the superseded patch replaces it (in binfmt_misc)" "$tmp/out" &&
	grep -q "__ia32_sys_sethostname: NOT PATCHABLE: the superseded patch" "$tmp/out"
result $? "--supersedes: a dropped module function and syscall wrapper are rows" "$tmp/out"
ccp cumul-cmdline -o "$tmp/stacking.c" "$here/diffs/devinfo.diff" &&
	[ "$(grep -c "KGR_PATCH(" "$tmp/stacking.c")" = 2 ] && ! grep -q "replace_all" "$tmp/stacking.c"
result $? "several fixes without --cumulative: one ordinary patch with all their functions" "$tmp/out"
input_error()	# input_error "<diff>..." <pattern> <test name> [extra args]
{
	ds=$1 pattern=$2 name=$3
	shift 3
	fixes "$ds" -o "$tmp/not-written.c" "$@"
	rc=$?
	ok=1
	[ "$rc" = 2 ] && [ ! -e "$tmp/not-written.c" ] && [ "$(wc -l < "$tmp/out")" = 1 ] &&
		grep -q -- "$pattern" "$tmp/out" && ok=0
	result $ok "$name" "$tmp/out"
}
input_error "devinfo cumul-devinfo-same" \
	"cumul-devinfo-same.diff:3: hunk 1 of fs/proc/devices.c does not apply on top of devinfo.diff: both change devinfo_show()" \
	"two fixes changing the same lines: exit 2 naming the function and both fixes, nothing written"
input_error "devinfo $tmp/no-such.diff" "no-such.diff: No such file" \
	"a missing fix: exit 2 naming it, nothing written"
input_error "deleted-file cumul-cmdline" "fs/proc/cmdline.c: .*cumul-cmdline.diff changes it, but deleted-file.diff deletes it already" \
	"a fix of a file an earlier fix deletes: exit 2 naming both, nothing written"
echo "not a diff" > "$tmp/garbage.diff"
input_error "devinfo $tmp/garbage.diff" "garbage.diff: not a unified diff" \
	"a fix that is not a diff: exit 2 naming it, nothing written"
input_error "devinfo" "garbage.diff: no KGR_PATCH entry" \
	"--supersedes a file that is no kgr patch: exit 2 naming it, nothing written" \
	--supersedes "$tmp/garbage.diff"
sed 's/"kgr_cumul_1"/"not_written"/' "$cumul1" > "$tmp/same-name.c"
input_error "devinfo cumul-cmdline" "same-name.c: the superseded patch is named not_written too" \
	"--supersedes a patch of the new one's name (kgr would refuse it): exit 2, nothing written" \
	--supersedes "$tmp/same-name.c"
ccp devinfo --check --supersedes "$tmp/kgr_cumul_1/kgr_cumul_1.c"
rc=$?
ok=1
[ "$rc" = 2 ] && grep -q usage "$tmp/out" && ok=0
result $ok "--supersedes without --cumulative: usage, exit 2" "$tmp/out"

ccp init-changed -o "$tmp/refused.c"
rc=$?
ok=1
[ "$rc" = 1 ] && [ ! -e "$tmp/refused.c" ] && ok=0
result $ok "not patchable: no patch file written"

# Static callees the target has under no symbol of their name (GCC
# inlined them, or kept only a clone with another ABI): with a kallsyms
# copy they are copied into the patch instead of shimmed. The names are
# the 6.1.0-57 kernel's.
callee_kallsyms()	# callee_kallsyms <file> <name>...: fillers plus <name>s
{
	out=$1
	shift
	{
		seq -f "0000000000000000 t callee_filler_%g" 1200
		for s in "$@"; do
			echo "0000000000000000 t $s"
		done
	} > "$out"
}
callee_patch()	# callee_patch <diff> <name> <kallsyms>: $rc, and $f the patch
{
	mkdir -p "$tmp/$2"
	f=$tmp/$2/$2.c
	ccp "$1" --symbols "$3" -o "$f"
	rc=$?
}
port_syms="ipv4_local_port_range ip_local_port_range_min ip_local_port_range_max"
callee_kallsyms "$tmp/ks-inl.txt" $port_syms
callee_patch inlined-callee kgr_ccp_inl "$tmp/ks-inl.txt"
ok=1
[ "$rc" = 0 ] &&
	grep -q "^copied: net/ipv4/sysctl_net_ipv4.c:51: set_local_port_range: called by ipv4_local_port_range, inlined in the target; static locals start fresh in the copy: pr_err_ratelimited() rate limit" "$tmp/out" &&
	grep -q "^static void set_local_port_range(struct net \*net, int range\[2\])" "$f" &&
	grep -q "^			set_local_port_range(net, range);" "$f" &&
	! grep -q "kgr_set_local_port_range" "$f" && ok=0
result $ok "callee inlined in the target (set_local_port_range): copied, named with why" "$tmp/out"
build_module kgr_ccp_inl
result $? "patch with the inlined callee copied: built warning-free" "$tmp/kgr_ccp_inl/build.log"

ccp inlined-callee --check --json --symbols "$tmp/ks-inl.txt"
ok=1
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["copied"] == [{"file": "net/ipv4/sysctl_net_ipv4.c", "line": 51,
	"name": "set_local_port_range", "caller": "ipv4_local_port_range",
	"reason": "inlined in the target; static locals start fresh in the copy: pr_err_ratelimited() rate limit"}]
' "$tmp/out" 2>> "$tmp/out" && ok=0
result $ok "--json: copied callees with file, line, caller and why" "$tmp/out"

callee_shim()	# callee_shim <test name> [args]: set_local_port_range stays a shim
{
	name=$1
	shift
	rm -f "$tmp/callee-shim.c"
	ccp inlined-callee "$@" -o "$tmp/callee-shim.c"
	rc=$?
	ok=1
	[ "$rc" = 0 ] && ! grep -q "^copied:" "$tmp/out" &&
		grep -q "KGR_SYMBOL(kgr_set_local_port_range, set_local_port_range)" "$tmp/callee-shim.c" && ok=0
	result $ok "$name" "$tmp/out"
}
callee_kallsyms "$tmp/ks-own.txt" $port_syms set_local_port_range
callee_shim "callee present under its own name: still a shim, nothing copied" \
	--symbols "$tmp/ks-own.txt"
callee_shim "without a symbols file: the callee is a shim as before"

callee_kallsyms "$tmp/ks-isra.txt" oom_adj_write __set_oom_adj.isra.0 \
	oom_adj_mutex find_lock_task_mm process_shares_mm
callee_patch isra-callee kgr_ccp_isra "$tmp/ks-isra.txt"
ok=1
[ "$rc" = 0 ] &&
	grep -q "^copied: fs/proc/base.c:1101: __set_oom_adj: called by oom_adj_write, only as __set_oom_adj.isra.0 in the target; static locals start fresh in the copy: pr_warn_once() once-only flag" "$tmp/out" &&
	grep -q "^static int __set_oom_adj(struct file \*file, int oom_adj, bool legacy)" "$f" &&
	grep -q "mutex_lock(&(\*kgr_oom_adj_mutex));" "$f" && ok=0
result $ok "callee only a .isra clone in the target (__set_oom_adj): copied, state through shims" "$tmp/out"
# Two things the kernel's own fs/proc/base.c has too: sparse's context
# warning (find_lock_task_mm() returns locked, unannotated), and a
# tracepoint that modpost cannot resolve (the copy calls
# trace_oom_score_adj_update(); a header's macro spells the names, so
# they get no shim: "a patch file that does not build" in the docs).
build_module kgr_ccp_isra
ok=1
[ -e "$tmp/kgr_ccp_isra/kgr_ccp_isra.ko" ] &&
	! grep -v -e 'modpost: "_*kgr_[a-z_]*" .* undefined' \
		-e 'modpost: "__\(tracepoint\|SCT__tp_func\|SCK__tp_func\)_oom_score_adj_update" .* undefined' \
		-e "context imbalance in '__set_oom_adj' - unexpected unlock" \
		"$tmp/kgr_ccp_isra/build.log" | grep -qi "warning\|error" && ok=0
result $ok "patch with the .isra callee copied: built, W=1 and sparse clean but for the kernel's own" "$tmp/kgr_ccp_isra/build.log"

callee_kallsyms "$tmp/ks-swap.txt" swap_cluster_readahead swp_swap_info
ccp callee-static-local --symbols "$tmp/ks-swap.txt" -o "$tmp/callee-static.c"
rc=$?
ok=1
[ "$rc" = 1 ] && [ ! -e "$tmp/callee-static.c" ] &&
	grep -q "^mm/swap_state.c:571: swapin_nr_pages: NOT PATCHABLE: swap_cluster_readahead calls swapin_nr_pages, which the target kernel has only inlined: .*static local prev_offset (line 573)" "$tmp/out" && ok=0
result $ok "inlined callee with a static local: a NOT PATCHABLE row naming it, nothing written" "$tmp/out"

# A callee another module exports, declared in a local header (libahci's
# ahci_handle_port_intr, in ahci.h for ahci.c): called directly, its
# declaration copied; no shim of ahci's could find it.
callee_kallsyms "$tmp/ks-ahci.txt"
printf '0000000000000000 t ahci_mv_irq_handler\t[ahci]\n0000000000000000 T ahci_handle_port_intr\t[libahci]\n' >> "$tmp/ks-ahci.txt"
built other-module-export kgr_ccp_othermod \
	"callee exported by another module (ahci_handle_port_intr): extracted and built warning-free" \
	--symbols "$tmp/ks-ahci.txt"
ok=1
grep -q "^u32 ahci_handle_port_intr(struct ata_host \*host, u32 irq_masked);" "$f" &&
	grep -q "	rc = ahci_handle_port_intr(host, irq_masked & hpriv->port_map);" "$f" &&
	! grep -q "kgr_ahci_handle_port_intr" "$f" && ok=0
result $ok "the other module's export is called directly, its declaration copied" "$f"

# trace_rpcgss_update_slack() of include/trace/events/rpcgss.h: its
# static call's key and trampoline are not exported (modpost: undefined);
# the tracepoint becomes a shim and the call a macro through it.
callee_kallsyms "$tmp/ks-gss.txt"
printf '0000000000000000 t gss_update_rslack\t[auth_rpcgss]\n0000000000000000 d __tracepoint_rpcgss_update_slack\t[auth_rpcgss]\n' >> "$tmp/ks-gss.txt"
built trace-unexported kgr_ccp_trace \
	"unexported tracepoint of a system trace header: extracted and built warning-free" \
	--symbols "$tmp/ks-gss.txt"
ok=1
grep -q "^static struct tracepoint \*kgr___tracepoint_rpcgss_update_slack;" "$f" &&
	grep -q "^#define trace_rpcgss_update_slack(...) do {" "$f" &&
	grep -q 'KGR_SYMBOL_OBJPOS(kgr___tracepoint_rpcgss_update_slack, __tracepoint_rpcgss_update_slack, "auth_rpcgss", 0)' "$f" && ok=0
result $ok "the tracepoint is a shim, trace_rpcgss_update_slack() a macro through it" "$f"

# An event with a condition (f2fs: TP_CONDITION(page->mapping), which
# its field assignments rely on): the macro could not test it, so the
# tracepoint is no shim and trace_f2fs_submit_page_bio() stays a call.
callee_kallsyms "$tmp/ks-f2fs.txt"
for s in f2fs_submit_page_bio __tracepoint_f2fs_submit_page_bio f2fs_is_valid_blkaddr \
	f2fs_handle_error __bio_alloc f2fs_set_bio_crypt_ctx __submit_bio __read_io_type; do
	printf '0000000000000000 t %s\t[f2fs]\n' "$s"
done >> "$tmp/ks-f2fs.txt"
callee_patch trace-condition kgr_ccp_trace_cond "$tmp/ks-f2fs.txt"
ok=1
[ "$rc" = 0 ] && grep -q "^		trace_f2fs_submit_page_bio(page, fio);" "$f" &&
	! grep -q "define trace_f2fs_submit_page_bio\|kgr___tracepoint_f2fs_submit_page_bio" "$f" &&
	grep -q "cpu_online(raw_smp_processor_id())" "$tmp/kgr_ccp_trace/kgr_ccp_trace.c" && ok=0
result $ok "an event with a TP_CONDITION is no tracepoint shim; the others' macro tests the CPU online" "$f"

# skb_unclone_keeptruesize() of include/linux/skbuff.h calls
# __skb_unclone_keeptruesize, which vmlinux does not export (modpost:
# undefined): the name is #defined, before the first #include, to its
# call shim's trampoline, which the header then declares and calls. The
# __compiletime_assert_N() that READ_ONCE() and the like declare, which
# no kernel has (dead code), get none.
tcp_syms="tcp_trim_head __pskb_trim_head tcp_set_skb_tso_segs"
callee_kallsyms "$tmp/ks-tcp.txt" $tcp_syms __skb_unclone_keeptruesize
built header-inline-unexported kgr_ccp_sysinl \
	"a system inline calling an unexported function: extracted and built warning-free" \
	--symbols "$tmp/ks-tcp.txt"
ok=1
grep -A1 "^#define __skb_unclone_keeptruesize __SCT__kgr___skb_unclone_keeptruesize$" "$f" |
	grep -q "^#include <linux/module.h>" &&
	grep -q "^KGR_CALL_DECLARE(kgr___skb_unclone_keeptruesize, __skb_unclone_keeptruesize);" "$f" &&
	grep -q "KGR_SYMBOL_CALL(kgr___skb_unclone_keeptruesize, __skb_unclone_keeptruesize)," "$f" &&
	[ "$(grep -c "__SCT__" "$f")" = 1 ] && ok=0
result $ok "the inline's callee is a call shim whose trampoline the header declares; no other" "$f"
KCONFIG=$tmp/config-ibt built header-inline-unexported kgr_ccp_sysinl_ibt \
	"IBT target: the system inline's callee through the same call shim, built warning-free" \
	--symbols "$tmp/ks-tcp.txt"
# Two of that name in vmlinux: a NOT PATCHABLE row.
callee_kallsyms "$tmp/ks-tcp2.txt" $tcp_syms __skb_unclone_keeptruesize __skb_unclone_keeptruesize
callee_patch header-inline-unexported kgr_ccp_sysinl2 "$tmp/ks-tcp2.txt"
ok=1
[ "$rc" = 1 ] && [ ! -e "$f" ] &&
	grep -q "^net/ipv4/tcp_output.c:1671: __skb_unclone_keeptruesize: NOT PATCHABLE: tcp_trim_head calls skb_unclone_keeptruesize, a static inline of include/linux/skbuff.h, which calls __skb_unclone_keeptruesize: not exported, .*more than one of that name" "$tmp/out" && ok=0
result $ok "an inline's callee vmlinux has twice: a NOT PATCHABLE row naming it, nothing written" "$tmp/out"

bench_py()	# bench_py <python>: run with m, bench/stable-delta/run, and the trees old, new of $hd
{
	python3 - "$repo/bench/stable-delta/run" "$hd" "$1" > "$tmp/out" 2>&1 <<'PY'
import sys
from importlib.machinery import SourceFileLoader
m = SourceFileLoader("bench", sys.argv[1]).load_module()
old, new = sys.argv[2] + "/old", sys.argv[2] + "/new"
exec(sys.argv[3])
PY
}
# bench/stable-delta's header hunks: dst.h's hunk adds what route.h's
# calls, though the file reaches dst.h first through sock.h.
hd=$tmp/hdrdiff
mkdir -p "$hd/old/include/net" "$hd/new/include/net" "$hd/old/net" "$hd/new/net"
printf '#include <net/sock.h>\n#include <net/route.h>\nint f(void) { return rt_x(); }\n' > "$hd/old/net/a.c"
printf '#include <net/sock.h>\n#include <net/route.h>\nint f(void) { return rt_x() + 1; }\n' > "$hd/new/net/a.c"
for t in old new; do
	printf '#include <net/dst.h>\n' > "$hd/$t/include/net/sock.h"
done
printf '#include <net/dst.h>\nstatic inline int rt_x(void) { return 0; }\n' > "$hd/old/include/net/route.h"
printf '#include <net/dst.h>\nstatic inline int rt_x(void) { return dst_dev(); }\n' > "$hd/new/include/net/route.h"
printf 'struct dst_entry;\n' > "$hd/old/include/net/dst.h"
printf 'struct dst_entry;\nstatic inline int dst_dev(void) { return 0; }\n' > "$hd/new/include/net/dst.h"
bench_py 'print(m.header_diffs(old, new, "net/a.c", m.file_diff(old, new, "net/a.c")))'
ok=1
grep -q "^+++ b/include/net/route.h" "$tmp/out" && grep -q "^+++ b/include/net/dst.h" "$tmp/out" && ok=0
result $ok "bench header hunks: a hunk a kept one calls is kept, whichever includer came first" "$tmp/out"
# ... and a function its local header's hunk declares anew for it comes
# with the diff of the .c that defines it (ocfs2's nodemanager.c, tcp.c).
printf 'int b_get(void);\n' > "$hd/old/net/b.h"
printf 'int b_get(void);\nvoid b_new(int x);\n' > "$hd/new/net/b.h"
printf '#include "b.h"\nint b_get(void) { return 0; }\n' > "$hd/old/net/b.c"
printf '#include "b.h"\nint b_get(void) { return 0; }\nvoid b_new(int x)\n{\n}\n' > "$hd/new/net/b.c"
printf '#include "b.h"\nvoid f(void) { b_get(); }\n' > "$hd/old/net/c.c"
printf '#include "b.h"\nvoid f(void) { b_get(); b_new(1); }\n' > "$hd/new/net/c.c"
bench_py 'fix = m.file_diff(old, new, "net/c.c")
parts = {"net/c.c": fix}
parts.update(m.split_diff(m.header_diffs(old, new, "net/c.c", fix)))
print(list(parts), m.definers(old, new, "net/c.c", fix, parts))'
ok=1
grep -qx "\['net/c.c', 'net/b.h'\] \['net/b.c'\]" "$tmp/out" && ok=0
result $ok "bench: the .c defining a function its header hunk adds comes with the file's diff" "$tmp/out"

# Static locals of a changed function: the running kernel's, found in
# kallsyms as <var>.<N>. kernel/audit.c's layout of the 6.1.0-53 kernel:
# lock.4 (audit_rate_check) and lock.11 (audit_log_lost) both sit among
# the file's symbols, lock.11 next to last_msg.10; one more lock.11 of
# another file lies far away, first, so that sympos is 2.
audit_syms="audit_lost audit_failure audit_rate_limit audit_backlog_limit audit_panic"
callee_kallsyms "$tmp/ks-audit.txt" last_check.2 messages.3 lock.4 serial.6 \
	__key.8 last_msg.10 lock.11 $audit_syms
sed -i '1i 0000000000000000 b lock.11' "$tmp/ks-audit.txt"
callee_patch stateful-static kgr_ccp_statics "$tmp/ks-audit.txt"
ok=1
[ "$rc" = 0 ] &&
	grep -q "^kernel/audit.c:355: audit_log_lost: PATCHABLE: code changes; static local last_msg: the running kernel's (last_msg.10); static local lock: the running kernel's (lock.11)$" "$tmp/out" && ok=0
result $ok "existing static locals found in kallsyms (lock.11 next to last_msg.10): patchable" "$tmp/out"
ok=1
grep -q "^static unsigned long \*kgr_last_msg;$" "$f" && grep -q "^static spinlock_t \*kgr_lock;$" "$f" &&
	grep -q "KGR_SYMBOL(kgr_last_msg, last_msg.10)," "$f" &&
	grep -q "KGR_SYMBOL_OBJPOS(kgr_lock, lock.11, NULL, 2)," "$f" &&
	grep -q "spin_lock_irqsave(&(\*kgr_lock), flags);" "$f" &&
	grep -q "if (time_after(now, (\*kgr_last_msg) + HZ)) {" "$f" &&
	! grep -q "DEFINE_SPINLOCK\|static unsigned long	last_msg" "$f" && ok=0
result $ok "the patch reaches them through shims, their declarations dropped" "$f"
build_module kgr_ccp_statics
result $? "patch with static locals through shims: built warning-free" "$tmp/kgr_ccp_statics/build.log"
static_hook()	# static_hook <kallsyms> <why> <test name>: last_msg needs a hook
{
	ccp stateful-static --check --symbols "$1"
	rc=$?
	ok=1
	[ "$rc" = 1 ] &&
		grep -q "audit_log_lost: NEEDS HOOK: static local last_msg holds state.*($2)" "$tmp/out" && ok=0
	result $ok "$3" "$tmp/out"
}
callee_kallsyms "$tmp/ks-audit2.txt" lock.4 last_msg.3 $audit_syms last_msg.10 lock.11
static_hook "$tmp/ks-audit2.txt" "2 candidates in $tmp/ks-audit2.txt: last_msg.3, last_msg.10" \
	"two candidates for a static local and no way to tell: needs a hook, naming them"
callee_kallsyms "$tmp/ks-audit3.txt" $audit_syms lock.11
static_hook "$tmp/ks-audit3.txt" "not in $tmp/ks-audit3.txt" \
	"a static local not in the symbols file: needs a hook, saying so"

# -j N: the files' verdicts in worker processes, then the report and the
# patch exactly as -j 1 makes them.
jobs_run()	# jobs_run <jobs> <diff name or path> [args]: $tmp/j<jobs>/{out,err,kgr_j.c}, $rc
{
	j=$1 d=$2
	shift 2
	case $d in */*) ;; *) d=$here/diffs/$d.diff ;; esac
	rm -rf "$tmp/j$j"
	mkdir "$tmp/j$j"
	"$tool" --src "$KSRC" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
		-j "$j" -o "$tmp/j$j/kgr_j.c" "$@" "$d" \
		> "$tmp/j$j/out" 2> "$tmp/j$j/err"
	rc=$?
}
jobs_same()	# jobs_same <diff> <exit status> <name> [args]: -j 1 and -j 2 agree
{
	js_diff=$1 js_rc=$2 js_name=$3
	shift 3
	jobs_run 1 "$js_diff" "$@"
	rc1=$rc
	jobs_run 2 "$js_diff" "$@"
	ok=1
	[ "$rc1" = "$js_rc" ] && [ "$rc" = "$js_rc" ] && [ -s "$tmp/j1/out" ] &&
		diff -r "$tmp/j1" "$tmp/j2" -x err > "$tmp/j.diff" && ok=0
	cat "$tmp/j1/err" "$tmp/j2/err" >> "$tmp/j.diff"
	result $ok "$js_name" "$tmp/j.diff"
}
jobs_same multi-verdicts 1 "-j 2: three files (one new), --json: the same rows and summary as -j 1" --json
jobs_same multi-file 0 "-j 2: three files' patch: the same rows and patch file as -j 1"
[ -s "$tmp/j2/kgr_j.c" ]
result $? "-j 2: the patch file is written" "$tmp/j.diff"
jobs_same header-inline 0 "-j 2: a header inline and its caller: the same rows and patch as -j 1"
# The static locals a worker's verdict found in kallsyms reach the patch.
cat "$here/diffs/stateful-static.diff" "$here/diffs/new-static-local.diff" > "$tmp/statics2.diff"
cp "$tmp/ks-audit.txt" "$tmp/ks-statics2.txt"
printf '0000000000000000 %s\n' "t devinfo_show" "T chrdev_show" "T blkdev_show" >> "$tmp/ks-statics2.txt"
jobs_same "$tmp/statics2.diff" 0 "-j 2: static locals through shims: the same rows and patch as -j 1" \
	--symbols "$tmp/ks-statics2.txt"
grep -q "KGR_SYMBOL(kgr_last_msg, last_msg.10)," "$tmp/j2/kgr_j.c"
result $? "-j 2: the patch reaches the running kernel's static locals" "$tmp/j2/kgr_j.c"
jobs_same config-composite 0 "-j 2: a NOT BUILT file next to a built one: the same as -j 1"
jobs_same module-missing 3 "-j 2: a TOOL ERROR row among others: the same as -j 1" --symbols "$tmp/kallsyms-nomod.txt"

for j in 0 abc -1; do
	jobs_run "$j" devinfo
	ok=1
	[ "$rc" = 2 ] && [ ! -s "$tmp/j$j/out" ] && [ "$(wc -l < "$tmp/j$j/err")" = 1 ] &&
		grep -q "^klp-ccp: -j $j: the number of jobs must be a whole number from 1 to 1024$" "$tmp/j$j/err" && ok=0
	result $ok "-j $j: a one-line usage error, exit 2" "$tmp/j$j/err"
done

# A worker killed by a signal: its file's TOOL ERROR row names it, the
# other files keep their rows, no hang.
rm -rf "$tmp/jk" && mkdir "$tmp/jk"
"$tool" --src "$KSRC" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
	-j 2 --check "$here/diffs/multi-file.diff" > "$tmp/jk/out" 2> "$tmp/jk/err" &
pid=$!
i=0
worker=
while [ -z "$worker" ] && [ $i -lt 100 ]; do
	worker=$(pgrep -P "$pid" -x klp-ccp | head -n 1)
	i=$((i + 1))
	[ -n "$worker" ] || sleep 0.1
done
[ -n "$worker" ] && kill -SEGV "$worker"
wait "$pid"
rc=$?
ok=1
[ "$rc" = 3 ] && [ -n "$worker" ] &&
	grep -q "^fs/proc/[a-z]*.c:0: (file): TOOL ERROR: klp-ccp's worker for it was killed by signal 11 (Segmentation fault)$" "$tmp/jk/out" &&
	grep -q "^summary: 3 rows in 3 files: 2 PATCHABLE, 1 TOOL ERROR$" "$tmp/jk/out" && ok=0
cat "$tmp/jk/err" >> "$tmp/jk/out"
result $ok "-j 2: a worker killed by SIGSEGV: its file's TOOL ERROR row, the others' rows, exit 3" "$tmp/jk/out"

# On a terminal a run of several files says on stderr which file is
# done (workers finish in any order); piped, it says nothing of them.
script -qec "'$tool' --src '$KSRC' --config '$KCONFIG' --symvers '$KHDR/Module.symvers' \
	-j 2 --check '$here/diffs/multi-verdicts.diff'" /dev/null | tr -d '\r' > "$tmp/tty.out"
ok=1
for f in fs/proc/devices.c kernel/audit.c fs/proc/uptime_bits.c; do
	grep -q "^klp-ccp: \[[123]/3\] $f$" "$tmp/tty.out" || ok=2
done
[ "$ok" = 1 ] && grep -q "^klp-ccp: \[3/3\] " "$tmp/tty.out" &&
	grep -q "^summary: 4 rows in 3 files" "$tmp/tty.out" &&
	jobs_run 2 multi-verdicts --check && ! grep -q "klp-ccp: \[" "$tmp/j2/err" && ok=0
result $ok "progress on a terminal: [k/3] per file of a run of several files; none when piped" "$tmp/tty.out"

# Kbuild's compiler probes: logged by shims ahead of the real gcc-<N> and
# ld, the ones klp-ccp-probe finds. A run with a fresh cache starts them,
# the same diff again starts none but GCOV's two (its object names its
# scratch dir), and with the same output; a changed compiler asks again.
mkdir "$tmp/shims"
for p in gcc ld $(ls $(echo "$PATH" | tr : ' ') 2>/dev/null | grep -x 'gcc-[0-9]*' | sort -u); do
	real=$(command -v "$p") || continue
	printf '#!/bin/sh\necho "$0 $*" >> "%s/probes.log"\nexec "%s" "$@"\n' \
		"$tmp" "$real" > "$tmp/shims/$p"
	chmod +x "$tmp/shims/$p"
done
probed()	# probed <cache>: devinfo-issue; how many probes ran, not GCOV's
{
	: > "$tmp/probes.log"
	PATH="$tmp/shims:$PATH" KLP_CCP_PROBE_CACHE=$1 ccp devinfo-issue --check --json
	grep -vc -- -fprofile-arcs "$tmp/probes.log"
}
cold=$(probed "$tmp/pc")
cp "$tmp/out" "$tmp/pc.out"
warm=$(probed "$tmp/pc")
cmp -s "$tmp/out" "$tmp/pc.out" && same=0 || same=1
uncached=$(probed off)
cmp -s "$tmp/out" "$tmp/pc.out" || same=1
echo "# probes: $cold with a fresh cache, $warm with it filled, $uncached without it"
ok=1
# (fewer than without it: make -n asks gcc --version twice)
[ "$cold" -gt 0 ] && [ "$warm" = 0 ] && [ "$uncached" -ge "$cold" ] &&
	[ "$same" = 0 ] && ok=0
result $ok "a second run of the same diff starts no cacheable compiler probe; same output" "$tmp/out"
touch -d 2001-01-01 "$tmp/shims/"*
again=$(probed "$tmp/pc")
ok=1
[ "$warm" = 0 ] && [ "$again" = "$cold" ] && cmp -s "$tmp/out" "$tmp/pc.out" && ok=0
result $ok "the cache filled, a compiler with another mtime is probed again" "$tmp/out"

# What a probe writes: an object in try-run's .tmp_<pid> is replayed for
# another pid byte for byte without gcc; one that names the scratch dir
# (-g records the cwd) cannot be, and gcc runs each time.
m=$tmp/probe-m
mkdir -p "$tmp/pbin" "$m/.tmp_11" "$m/.tmp_22" "$m/.tmp_33" "$m/.tmp_44"
ln -s "$here/../klp-ccp-probe" "$tmp/pbin/gcc"
probe()	# probe <pid> [gcc options]: one try-run's cc-option, cwd the scratch dir
{
	p=$1
	shift
	(cd "$m" && PATH="$tmp/pbin:$tmp/shims:$PATH" KLP_CCP_PROBE_BIN="$tmp/pbin" \
		KLP_CCP_PROBE_CACHE="$tmp/pc" KLP_CCP_PROBE_MDIR="$m" \
		gcc "$@" -c -x c /dev/null -o "$m/.tmp_$p/tmp" < /dev/null)
}
: > "$tmp/probes.log"
ok=1
probe 11 && probe 22 && cmp -s "$m/.tmp_11/tmp" "$m/.tmp_22/tmp" &&
	[ "$(grep -c . "$tmp/probes.log")" = 1 ] && ok=0
result $ok "a probe's object is replayed for another try-run, gcc run once" "$tmp/probes.log"
: > "$tmp/probes.log"
ok=1
probe 33 -g && probe 44 -g && cmp -s "$m/.tmp_33/tmp" "$m/.tmp_44/tmp" &&
	[ "$(grep -c . "$tmp/probes.log")" = 2 ] && ok=0
result $ok "an object that names the scratch dir is not replayed: gcc runs each time" "$tmp/probes.log"

echo "1..$n"
[ "$failed" = 0 ]
