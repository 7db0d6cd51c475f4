# SPDX-License-Identifier: GPL-2.0-or-later
# sympos and symbol checks from System.map, kallsyms copies and .ko files.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# sympos from a System.map: of two __get_fs_type, ours is the one whose
# neighbours are fs/filesystems.c's other symbols (the second here).
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

# A small module of two files, each with a static "enabled" (hci_uart:
# hci_ldisc.c's and hci_serdev.c's hci_uart_setup): both lie within a
# few dozen lines of binfmt_misc.c's other names; the nearest say which.
{
	sed -n '/\[binfmt_misc\]/!p' "$tmp/kallsyms.txt" | grep -v other_mod
	for s in $(seq -f "other_file_%g" 6) enabled $(seq -f "other_file_%g" 7 14) \
		bm_register_write enabled bm_status_read bm_status_write \
		load_misc_binary bm_fill_super; do
		printf '0000000000000000 t %s\t[binfmt_misc]\n' "$s"
	done
} > "$tmp/kallsyms-near.txt"
ccp module-static --symbols "$tmp/kallsyms-near.txt" -o "$tmp/ksyms-near.c"
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q 'KGR_SYMBOL_OBJPOS(kgr_enabled, enabled, "binfmt_misc", 2)' "$tmp/ksyms-near.c" && ok=0
result $ok "--symbols: two statics of one name a few lines apart in a module: the one nearest the file's names" "$tmp/out"

fake_kallsyms "$tmp/kallsyms.txt" "" enabled
ccp module-static --symbols "$tmp/kallsyms.txt" -o "$tmp/ksyms-missing.c"
rc=$?
ok=1
[ "$rc" = 1 ] && [ ! -e "$tmp/ksyms-missing.c" ] &&
	grep -q "^fs/binfmt_misc.c:[0-9]*: enabled: NOT PATCHABLE: .* uses enabled, which does not exist in the target kernel (not in .*kallsyms.txt \[binfmt_misc\])" "$tmp/out" && ok=0
result $ok "--symbols: a symbol the module lacks is a NOT PATCHABLE row naming it" "$tmp/out"

# A kallsyms copy taken while binfmt_misc was not loaded: nothing could
# check the module's symbols; in a run of one file, an input error.
nomod_kallsyms "$tmp/kallsyms-nomod.txt"
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

# A static the module has no symbol of, and that bfa_fcs_lport.c never
# writes: GCC folded BFA_TRC_FILE()'s __trc_fileno into bfa_trc()'s
# uses, so the patch copies it (a shim would find nothing). The renamed
# "enabled" below, which bm_status_write() writes, is still refused.
built folded-static kgr_ccp_folded \
	"static folded away by GCC (bfa's __trc_fileno, from --modules' bfa.ko): extracted and built" \
	--symbols "$tmp/kallsyms-nomod.txt" --modules "$moddir"
ok=1
grep -q "^BFA_TRC_FILE(FCS, PORT);$" "$f" && ! grep -q "kgr___trc_fileno" "$f" && ok=0
result $ok "the patch copies the folded static's definition, no shim" "$f"

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
