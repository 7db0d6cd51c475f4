# SPDX-License-Identifier: GPL-2.0-or-later
# One small diff per verdict rule, and diffs klp-ccp must refuse.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

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
expect kthread-fn 1 "^net/bluetooth/rfcomm/core.c:2241: rfcomm_run: NEEDS HOOK: the function of the kernel thread that kthread_run() at line 2353 starts: .*the transition would not finish" \
	"a kernel thread's function (krfcommd's rfcomm_run): NEEDS HOOK, naming the kthread_run()"
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
expect inline-only 0 "softirq_handle_end: PATCHABLE: exists only inlined (declared inline): patched through its callers handle_softirqs" \
	"inline-only target is patched through its callers"
also "handle_softirqs: PATCHABLE: inlines changed softirq_handle_end" \
	"its caller is a patched function of its own row"
expect inline-only-init 1 "^kernel/signal.c:4713: siginfo_buildtime_checks: NOT PATCHABLE: exists only inlined (declared inline), and none of its callers is left to patch it through (left out: signals_init, __init)" \
	"inline-only function whose only caller is __init: nothing left to patch it through"
expect inline-only-some-init 0 "^mm/slab_common.c:691: size_index_elem: PATCHABLE: exists only inlined (declared inline): patched through its callers kmalloc_slab (left out: setup_kmalloc_cache_index_table, __init)$" \
	"inline-only function with an __init caller and another: the row names only the patched one, and the left-out one"
also "^mm/slab_common.c:700: kmalloc_slab: PATCHABLE: inlines changed size_index_elem$" \
	"its non-__init caller is patched"
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
# wl.c includes fastmap-wl.c inside #ifdef CONFIG_MTD_UBI_FASTMAP, which
# Debian leaves off: parsed behind wl.c's text, it compiled, and its
# functions came out PATCHABLE, one of them matching wl.c's own
# ubi_wl_get_peb.
expect included-config-off 0 "^drivers/mtd/ubi/fastmap-wl.c:0: (file): NOT BUILT: not built by this config: drivers/mtd/ubi/wl.c includes it inside a conditional the config leaves out" \
	"file a sibling includes under a config the target lacks (fastmap-wl.c): NOT BUILT"
also "^summary: 1 row in 1 file: 1 NOT BUILT$" "and no row for its functions"
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
