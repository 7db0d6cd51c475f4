# SPDX-License-Identifier: GPL-2.0-or-later
# Targets built with CONFIG_X86_KERNEL_IBT: call shims.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# A target built with CONFIG_X86_KERNEL_IBT (Debian 6.12) seals functions
# whose address the kernel never takes, and kgr refuses a pointer shim to
# one: functions the patch only calls get call shims there. The 6.1
# config with IBT turned on stands for such a target.
ibt_config "$tmp/config-ibt"
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
