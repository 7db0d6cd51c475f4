# SPDX-License-Identifier: GPL-2.0-or-later
# Extraction: patches built against the 6.1 headers with W=1 and sparse.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# Extraction: devinfo_show, built against the 6.1 headers with W=1 and sparse.



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
grep -q "^__iwl_dbg(struct device \*dev,$" "$f" && grep -q "^#define __iwl_err (\*kgr___iwl_err)$" "$f" &&
	grep -q 'KGR_SYMBOL_OBJPOS(kgr___iwl_err, __iwl_err, "iwlwifi", 0),' "$f" &&
	! grep -q "MODULE_IMPORT_NS" "$f" && ok=0
result $ok "what a copied macro calls is a shim of its exporter (iwlwifi's __iwl_err) or copied; no namespace import" "$f"

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

# A local header the diff changes, which another local header includes
# as "../amd_sfh_common.h" from sfh1_1/: clang names it by that path, and
# its definitions are copied from the diff's text all the same (they were
# read from the old file at the new text's offsets: "#define ))").
built local-header-dotdot kgr_ccp_dotdot \
	"a changed local header reached through a ../ path: extracted and built warning-free"
ok=1
grep -q "^#define AMD_SFH_DISCOVERY_REG		AMD_P2C_MSG(1)$" "$f" &&
	! grep -q "^#define [^A-Za-z_]" "$f" && ok=0
result $ok "its macros are copied whole from the diff's text" "$f"

# A .c file that no Makefile names but a sibling includes: parsed behind
# the includer's text above its #include line, whose headers the patch
# includes (ident_map.c has no #include of its own: init_64.c's).
built included-no-includes kgr_ccp_included \
	"file included by a sibling, without includes of its own (ident_map.c): extracted and built"
grep -q "^#include <asm/pgalloc.h>$" "$f"
result $? "included file's patch includes its includer's headers (init_64.c's asm/pgalloc.h)" "$f"
# The fix changes the includer too, above its #include line (a macro of
# init_64.c that ident_map.c now uses): the new version is parsed behind
# the includer's new text, and the patch copies the macro from it.
built included-changed-includer kgr_ccp_included_changed \
	"file included by a sibling the fix changes above its #include (init_64.c): extracted and built"
grep -q "^#define IDENT_PUD_NEXT(addr, end)" "$f"
result $? "the patch has the includer's new macro" "$f"
built config-included-blank kgr_ccp_included_blank \
	"file included by a sibling as '# include' (cpufreq_schedutil.c): extracted and built"
# A local header's quoted include of a header of include/ (nouveau_drv.h's
# "uapi/drm/nouveau_drm.h", whose NOUVEAU_GEM_DOMAIN_VRAM the patched
# nouveau_bo_pin uses): the patch includes it the system way.
built kbuild-nested-include kgr_ccp_quoted_system \
	"quoted include of an include/ header by a local header (nouveau_drm.h): extracted and built"
grep -q "^#include <uapi/drm/nouveau_drm.h>$" "$f"
result $? "the patch includes <uapi/drm/nouveau_drm.h>" "$f"
# A definition that includes a local header inside itself: reed_solomon.c's
# encode_rs8() is "{ #include "encode_rs.c" }". The patch has the header's
# text in its place (the headers package lacks it), marked; the static
# that FORTIFY's memmove() hides in that text is known for what it is.
built nested-local-include kgr_ccp_nested \
	"definition including a local header inside it (encode_rs8): extracted and built"
ok=1
! grep -q '^#include "encode_rs.c"' "$f" &&
	grep -q '^/\* klp-ccp: #include "encode_rs.c" \*/$' "$f" &&
	grep -q "^	pad = nn - nroots - len;$" "$f" && ok=0
result $ok "the patch has encode_rs.c's text where encode_rs8 includes it" "$f"
also "encode_rs8: PATCHABLE: .*memmove() once-only flag" \
	"a static of a macro in the included text is known (memmove's once-only flag)"

# nfsd4_ops is declared "static const struct nfsd4_operation nfsd4_ops[];"
# ahead of its definition; nfs41_check_op_ordering() uses it there, and
# nfsd4_op_name() takes ARRAY_SIZE() of it after (nfs4proc.c of the
# stable delta): the shim needs the definition's size.
built array-shim-size kgr_ccp_arrsize \
	"an array declared without its size ahead of its definition, ARRAY_SIZE()d (nfs4proc.c): extracted and built warning-free"
ok=1
grep -q "^static typeof(const struct nfsd4_operation\[[0-9][0-9]*\]) \*kgr_nfsd4_ops;$" "$f" && ok=0
result $ok "the array's shim has the size of its definition" "$f"

# A macro inside "typedef struct _X {...} X;" belongs to both entities,
# the struct and the typedef, whichever is copied (bench/stable-delta:
# mpt3sas_base.c did not build).
built typedef-tags-macro kgr_ccp_typedefmacro \
	"mpt3sas's MPI2_IOUNIT8_SENSOR, a typedef of a struct whose array's size is a local macro: extracted and built warning-free"
ok=1
grep -q "^#define MPI2_IOUNIT8_NUM_THRESHOLDS " "$f" && ok=0
result $ok "the macro inside \"typedef struct _X {...} X;\" is copied" "$f"
