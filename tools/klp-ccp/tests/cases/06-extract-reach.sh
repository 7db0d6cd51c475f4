# SPDX-License-Identifier: GPL-2.0-or-later
# Extraction: what copied code reaches beyond a plain reference walk.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

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
built local-macro-pastes-file-macro kgr_ccp_localpaste \
	"dprintk() reaching lockd.c's NFSDDBG_FACILITY through nfsd.h's ifdebug, NFSDDBG_##flag: extracted and built warning-free"
ok=1
grep -q "^#define NFSDDBG_FACILITY[[:space:]]*NFSDDBG_LOCKD$" "$f" && ok=0
result $ok "the file's macro that a local header's macro's ## pastes is copied" "$f"
ok=1
ahead "^#undef ifdebug$" "^#define ifdebug(flag)" && ok=0
result $ok "a local macro that replaces one of include/ is #undef'd first, as its header did" "$f"
built local-macro-pastes-call-args kgr_ccp_nvdef \
	"PUSH_CALL() of push206e.h calling NVDEF(NV206E, DMA, OPCODE2, CALL), which pastes NV206E_DMA_OPCODE2_CALL (nouveau_gem.c): extracted and built warning-free"
ok=1
grep -q "^#define NV206E_DMA_OPCODE2_CALL[[:space:]]" "$f" &&
	grep -q "^#define NV206E_DMA_OPCODE2[[:space:]]" "$f" && ok=0
result $ok "the macros that a local macro's call pastes from its arguments are copied" "$f"
ok=1
ahead "^enum nvkm_subdev_type;$" "^struct nvkm_device_chip {" && ok=0
result $ok "a copied enum is declared ahead, as device.h did for a parameter of a pointer field" "$f"
built function-pastes-call-args kgr_ccp_nvmthd \
	"nv50_bo_move_m2mf() calling PUSH_MTHD(push, NV5039, ...) and NVDEF(NV5039, ...) in its own text (nouveau_bo5039.c): extracted and built warning-free"
ok=1
grep -q "^#define NV5039_SET_SRC_BLOCK_SIZE_WIDTH_ONE_GOB[[:space:]]" "$f" &&
	grep -q "^#define NV5039_SET_SRC_ORIGIN[[:space:]]" "$f" && ok=0
result $ok "the macros that the function's calls paste from their arguments are copied" "$f"
built local-macro-functions kgr_ccp_setget \
	"btrfs_dev_extent_chunk_objectid(), one of four functions a BTRFS_SETGET_FUNCS() of ctree.h defines (tree-checker.c): extracted and built warning-free"
ok=1
grep -q "^void btrfs_set_64(const struct extent_buffer \*, void \*, unsigned long, u64);$" "$f" &&
	! grep -q "kgr_btrfs_set_64" "$f" && ok=0
result $ok "what only the expansion's unused functions call is declared, not shimmed" "$f"
built function-defines-struct kgr_ccp_sgtiter \
	"for_each_sgt_page() calling __sgt_iter(), whose return type defines struct sgt_iter (i915_gem_shmem.c): extracted and built warning-free"
ok=1
[ "$(grep -c "struct sgt_iter {" "$f")" = 1 ] &&
	grep -q "^static __always_inline struct sgt_iter __sgt_iter(struct scatterlist \*sgl, bool dma) {$" "$f" && ok=0
result $ok "the struct is defined once, as a type of its own; the function names it by its tag" "$f"
built macro-named-like-var kgr_ccp_rdsib \
	"rds_ib_stats_inc() of ib.h, whose name starts with the per-CPU rds_ib_stats it spells (ib_frmr.c): extracted and built warning-free"
ok=1
grep -q "^		rds_ib_stats_inc(s_ib_rdma_mr_1m_used);$" "$f" &&
	ahead "^static typeof(typeof(struct rds_ib_statistics)) __percpu \*kgr_rds_ib_stats;$" \
		"rds_ib_stats_inc(s_ib_rdma_mr_1m_used)" && ok=0
result $ok "a variable is renamed only where its whole name is written; its per-CPU shim is declared ahead" "$f"
built macro-named-like-var-exported kgr_ccp_rdsstats \
	"rds_stats_inc() of rds.h, spelling the exported per-CPU rds_stats (cong.c): extracted and built warning-free"
ok=1
grep -q "^DECLARE_PER_CPU_SHARED_ALIGNED(struct rds_statistics, rds_stats);$" "$f" && ok=0
result $ok "the declaration DECLARE_PER_CPU_SHARED_ALIGNED() makes is copied whole, up to its \")\"" "$f"
built macro-member-like-var kgr_ccp_pm8001 \
	"pm8001_dbg() of pm8001_sas.h, spelling the member (HBA)->logging_level like pm8001_init.c's static logging_level: extracted and built warning-free"
ok=1
grep -q "(HBA)->logging_level" "$f" && ! grep -q "define logging_level" "$f" && ok=0
result $ok "a macro's member name after -> is no use of the file's variable: no #define of it" "$f"
# A static of a struct without a tag (timekeeping.c's tk_core): libclang
# spells its type "struct (unnamed struct at <file>:<line>:<col>)".
built anon-struct-var kgr_ccp_tkcore \
	"ktime_get_coarse_real_ts64() using tk_core, a static of an untagged struct (timekeeping.c): extracted and built warning-free"
ok=1
grep -q "^static struct { seqcount_raw_spinlock_t seq; struct timekeeper timekeeper; } \*kgr_tk_core;$" "$f" &&
	! grep -q "unnamed" "$f" && ok=0
result $ok "its shim spells the struct's definition" "$f"
# BPF_CALL_2(bpf_skb_pull_data, ...) { body } of filter.c makes the
# wrapper bpf_skb_pull_data and ____bpf_skb_pull_data, which it inlines,
# with the body: the patch has the call once, its name argument renamed
# (it had the call as a declaration, twice, and a body without a head).
built macro-made-function kgr_ccp_bpfcall \
	"a BPF helper that BPF_CALL_2() defines (filter.c): extracted and built warning-free"
ok=1
[ "$(grep -c "^BPF_CALL_2(" "$f")" = 1 ] &&
	grep -q "^BPF_CALL_2(kgr_bpf_skb_pull_data, struct sk_buff \*, skb, u32, len)$" "$f" &&
	grep -q "KGR_PATCH(bpf_skb_pull_data, kgr_bpf_skb_pull_data, true)" "$f" &&
	! grep -q "KGR_PATCH(____" "$f" && ok=0
result $ok "the macro call is copied once, renamed through its argument; the wrapper is patched" "$f"
built exported-var-of-file kgr_ccp_rdswq \
	"rds_wq, a global of threads.c that EXPORT_SYMBOL_GPL() declares again as typeof(rds_wq): extracted and built warning-free"
ok=1
grep -q "^static struct workqueue_struct \*\*kgr_rds_wq;$" "$f" && ok=0
result $ok "its shim has the type of its first declaration, not typeof(rds_wq)" "$f"
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

# What a header declares for vmlinux only ("#ifndef MODULE" of
# asm/tlbflush.h) and the patch, a module, needs all the same:
# asm/tlb.h's tlb_flush() calls flush_tlb_mm_range(), maccess.c calls
# nmi_uaccess_okay(). Each failed to build before.
built module-hidden-decl kgr_ccp_modhidden \
	"declarations a header hides from modules (asm/tlbflush.h): extracted and built warning-free"
ok=1
grep -q "^bool nmi_uaccess_okay(void);$" "$f" && grep -q "^struct mm_struct;$" "$f" &&
	ahead "^extern void flush_tlb_mm_range(struct mm_struct \*mm, unsigned long start,$" \
		"^#include <asm/tlb.h>$" &&
	! grep -q "#ifndef MODULE" "$tmp/kgr_ccp_newfn/kgr_ccp_newfn.c" && ok=0
result $ok "they are declared ahead of the headers that use them; a patch without such uses declares none" "$f"

# A local header that includes a system header below its own definitions:
# mm/slab.h defines struct slab and slab_address(), then includes
# <linux/slub_def.h>, whose inlines use both. usercopy.c's patch (and
# memcontrol.c's, of the stable delta) did not build: both go ahead of
# that #include. check_stack_object() also reads current_stack_pointer,
# asm/asm.h's global register variable: %rsp, not a symbol to shim.
built late-include kgr_ccp_lateinc \
	"a system header included below a local header's definitions: extracted and built warning-free"
ok=1
ahead "^struct slab {$" "^#include <linux/slub_def.h>$" &&
	ahead "^static inline void \*slab_address(const struct slab \*slab)$" \
		"^#include <linux/slub_def.h>$" &&
	[ "$(grep -c "^struct slab {$" "$f")" = 1 ] &&
	grep -q "(void \*)current_stack_pointer < obj + len" "$f" &&
	! grep -q "kgr_current_stack_pointer" "$f" &&
	! grep -q "^struct slab {$" "$tmp/kgr_ccp_modhidden/kgr_ccp_modhidden.c" && ok=0
result $ok "what the system header uses goes ahead of its #include, once; a register variable is no shim" "$f"

# The same for the file's own #include: fs/ext4/fsync.c includes "ext4.h"
# then <trace/events/ext4.h>, whose events take its ext4_group_t. And
# EXT4_INODE_BIT_FNS(state, ...) of ext4.h makes three functions from one
# line, which the patch has once (it had it twice: "redefinition").
built late-include-main kgr_ccp_lateincm \
	"a system header the file includes below its local headers: extracted and built warning-free"
ok=1
ahead "^typedef unsigned int ext4_group_t;$" "^#include <trace/events/ext4.h>$" &&
	[ "$(grep -c "^EXT4_INODE_BIT_FNS(state, flags, 32)$" "$f")" = 1 ] && ok=0
result $ok "the local types the trace header uses go ahead of it; a macro making three functions is copied once" "$f"

# A local list macro's callback: i915_params.h defines MEMBER, fills
# struct i915_params with I915_PARAMS_FOR_EACH(MEMBER), then #undefs it.
# libclang reports the list's expansion only; MEMBER, an argument, is
# as much a use. id_forced() (inlined in the target, so copied) reads
# i915_modparams.force_probe: the struct did not build without it.
callee_kallsyms "$tmp/ks-i915.txt"
for s in i915_pci_probe device_id_in_list i915_modparams i915_pci_resource_valid \
	intel_modeset_probe_defer i915_driver_probe i915_pci_remove; do
	printf '0000000000000000 t %s\t[i915]\n' "$s"
done >> "$tmp/ks-i915.txt"
built xmacro-callback kgr_ccp_xmacro \
	"a local macro passed to a list macro: extracted and built warning-free" \
	--symbols "$tmp/ks-i915.txt"
ok=1
ahead "^#define MEMBER(T, member, ...) T member;$" "^	I915_PARAMS_FOR_EACH(MEMBER);$" && ok=0
result $ok "the callback macro is copied ahead of the struct it fills" "$f"

# An #include inside a definition: kernel/bpf/syscall.c fills its
# bpf_*_types[] arrays from <linux/bpf_types.h>, under the BPF_*_TYPE
# macros of the moment. At the top of the patch, outside any array, the
# header did not compile.
built nested-include kgr_ccp_nestinc \
	"a file that includes a header inside its definitions: extracted and built warning-free"
ok=1
grep -q "^#include <linux/bpf.h>$" "$f" && ! grep -q "bpf_types.h" "$f" && ok=0
result $ok "a header included inside a definition is not included at the top" "$f"

# A local header inline copied as is calls an exported function that the
# patched code of the file reaches through a shim: the inline calls it
# through the shim too (bench/stable-delta: xhci.c did not build).
built local-inline-calls-shim kgr_ccp_inlineshim \
	"xhci.h's xhci_urb_to_transfer_ring() calling xhci_get_endpoint_index(), which the patched xhci_urb_dequeue() reaches through a shim: extracted and built warning-free"
ok=1
grep -q "^#define xhci_get_endpoint_index (\*kgr_xhci_get_endpoint_index)$" "$f" && ok=0
result $ok "the local inline's call goes through the shim too" "$f"

# A shim sizes a copied type: hid-nintendo's struct joycon_ctlr has
# leds[JC_NUM_LEDS], JC_NUM_LEDS being ARRAY_SIZE() of the shimmed
# joycon_player_led_names. The shim and its #define go ahead of the
# types (bench/stable-delta: hid-nintendo.c did not build).
built shim-sizes-copied-type kgr_ccp_shimsize \
	"struct joycon_ctlr's array sized by the shimmed joycon_player_led_names: extracted and built warning-free"
ok=1
ahead "^#define joycon_player_led_names (\*kgr_joycon_player_led_names)$" "^struct joycon_ctlr {" && ok=0
result $ok "the shim's #define is ahead of the struct its macro sizes" "$f"
