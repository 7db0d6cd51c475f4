# SPDX-License-Identifier: GPL-2.0-or-later
# Static callees the target has under no symbol of their name.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# Static callees the target has under no symbol of their name (GCC
# inlined them, or kept only a clone with another ABI): with a kallsyms
# copy they are copied into the patch instead of shimmed. The names are
# the 6.1.0-57 kernel's.
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

# A copied callee its file declares ahead (kernel/acct.c's fill_ac,
# which acct_pin_kill calls above its definition): so does the patch.
callee_kallsyms "$tmp/ks-acct.txt" acct_pin_kill pin_remove
callee_patch declared-ahead kgr_ccp_ahead "$tmp/ks-acct.txt"
ok=1
decl=$(grep -n "^static void fill_ac(struct bsd_acct_struct \*acct);$" "$f" | cut -d: -f1)
use=$(grep -n "^	fill_ac(acct);$" "$f" | cut -d: -f1)
[ "$rc" = 0 ] && [ -n "$decl" ] && [ -n "$use" ] && [ "$decl" -lt "$use" ] &&
	[ "$(grep -c "^static void fill_ac(" "$f")" = 2 ] && ok=0
result $ok "a copied callee used above its definition is declared ahead, once" "$f"
# (acct.c's own: sparse's __rcu warnings of current->sighand)
build_module kgr_ccp_ahead
ok=1
[ -e "$tmp/kgr_ccp_ahead/kgr_ccp_ahead.ko" ] &&
	! grep -v -e 'modpost: "_*kgr_[a-z_]*" .* undefined' \
		-e "incorrect type in argument 1 (different address spaces)" \
		"$tmp/kgr_ccp_ahead/build.log" | grep -qi "warning\|error" && ok=0
result $ok "patch with the callee declared ahead: built, W=1 and sparse clean but for the kernel's own" "$tmp/kgr_ccp_ahead/build.log"

# A changed function the target has only inlined (exthdrs.c's
# ipv6_srh_rcv, in ipv6_rthdr_rcv): its caller is patched instead, its
# own row, a copy with the new code inlined; the stable delta's fixes of
# such functions were NOT PATCHABLE rows naming the callers.
callee_kallsyms "$tmp/ks-ic.txt" ipv6_rthdr_rcv ip6_route_input ipv6_rpl_srh_size \
	ipv6_rpl_srh_decompress ipv6_chk_rpl_srh_loop ipv6_rpl_srh_compress ipv6_chk_home_addr
echo "0000000000000000 T icmpv6_param_prob_reason" >> "$tmp/ks-ic.txt"
built inlined-changed kgr_ccp_inlchg \
	"a changed function only inlined: patched through its caller, built warning-free" \
	--symbols "$tmp/ks-ic.txt"
ok=1
grep -q "^net/ipv6/exthdrs.c:376: ipv6_srh_rcv: PATCHABLE: exists only inlined (no symbol in System.map): patched through its callers ipv6_rthdr_rcv$" "$tmp/out" &&
	grep -q "^net/ipv6/exthdrs.c:678: ipv6_rthdr_rcv: PATCHABLE: inlines changed ipv6_srh_rcv$" "$tmp/out" &&
	grep -q "KGR_PATCH(ipv6_rthdr_rcv, kgr_ipv6_rthdr_rcv, true)," "$f" &&
	ahead "^	prefetch(addr);$" "^static int kgr_ipv6_rthdr_rcv(struct sk_buff \*skb)$" &&
	! grep -q "KGR_PATCH(ipv6_srh_rcv" "$f" && ok=0
result $ok "the caller is the patched function, the new code copied into the patch" "$f"

# A callee another module exports, declared in a local header (libahci's
# ahci_handle_port_intr, in ahci.h for ahci.c): reached through a shim of
# that module, so that the patch does not depend on it (a patch of
# hv_sock naming hv_vmbus's vmbus_open did not load where hv_vmbus does
# not).
callee_kallsyms "$tmp/ks-ahci.txt"
printf '0000000000000000 t ahci_mv_irq_handler\t[ahci]\n0000000000000000 T ahci_handle_port_intr\t[libahci]\n' >> "$tmp/ks-ahci.txt"
built other-module-export kgr_ccp_othermod \
	"callee exported by another module (ahci_handle_port_intr): extracted and built warning-free" \
	--symbols "$tmp/ks-ahci.txt"
ok=1
grep -q 'KGR_SYMBOL_OBJPOS(kgr_ahci_handle_port_intr, ahci_handle_port_intr, "libahci", 0),' "$f" &&
	grep -q "	rc = kgr_ahci_handle_port_intr(host, irq_masked & hpriv->port_map);" "$f" &&
	[ -f "${f%.c}.ko" ] && ! modinfo -F depends "${f%.c}.ko" | grep -q libahci && ok=0
result $ok "the other module's export is a shim of that module, no dependency on it" "$f"

# kvm_intel's handle_dr() reads a register through kvm_cache_regs.h's
# static_call(kvm_x86_cache_reg), whose key and trampoline kvm exports:
# asm calls the trampoline, so they stay references by name (a shim made
# the patch fail to compile); kvm's plain exports are shims of kvm.
# (Built with the copied kvm code's own sparse warnings.)
nomod_kallsyms "$tmp/ks-kvm.txt"
build_patch other-module-static-call kgr_ccp_othermod_sc --symbols "$tmp/ks-kvm.txt" \
	--modules "/lib/modules/${KHDR##*/linux-headers-}"
f=$tmp/kgr_ccp_othermod_sc/kgr_ccp_othermod_sc.c
ok=1
[ -f "${f%.c}.ko" ] && ! grep -q "kgr___SC[KT]__" "$f" &&
	grep -q 'KGR_SYMBOL_OBJPOS(kgr_kvm_require_dr, kvm_require_dr, "kvm", 0),' "$f" && ok=0
result $ok "another module's static call (kvm_x86_cache_reg) stays by name, its functions are shims of it" \
	"$tmp/kgr_ccp_othermod_sc/build.log"

# A name a copied macro spells is defined to its shim, unless that breaks
# the copied code: ath11k's debug mask is a variable of ath11k and
# enum ath11k_debug_mask, stmmac's module parameter tc is also the hw->tc
# member its hwif.h macros paste. Both stay as spelled.
for c in tag:ath11k_debug_mask member:tc; do
	built "alias-${c%%:*}-clash" "kgr_ccp_clash_${c%%:*}" \
		"a macro-spelled name that is also a ${c%%:*} (${c#*:}): extracted and built warning-free" \
		--symbols "$tmp/ks-kvm.txt" --modules "/lib/modules/${KHDR##*/linux-headers-}"
	ok=1
	[ -f "${f%.c}.ko" ] && ! grep -q "^#define ${c#*:} " "$f" && ok=0
	result $ok "no #define of ${c#*:} to its shim" "$f"
done

# A static of the module itself that is also a tag (kvm_intel's
# vmcs_config, read by capabilities.h's inlines): its tag is spelled in
# the types copied ahead, so the definition stays, and the patch links.
build_patch alias-own-tag kgr_ccp_own_tag --symbols "$tmp/ks-kvm.txt" \
	--modules "/lib/modules/${KHDR##*/linux-headers-}"
f=$tmp/kgr_ccp_own_tag/kgr_ccp_own_tag.c
ok=1
[ -f "${f%.c}.ko" ] && grep -q "^#define vmcs_config (\*kgr_vmcs_config)$" "$f" && ok=0
result $ok "a static of the module that is also a tag (vmcs_config): defined to its shim, built" \
	"$tmp/kgr_ccp_own_tag/build.log"

# An export of the file itself that a copied inline of a local header
# spells (blk-cgroup.h's blkg_lookup() and blkcg_root, defined and
# exported by blk-cgroup.c): the header's declaration is copied, for a
# direct reference; no shim can rename a header's text.
built local-header-exported-var kgr_ccp_hdr_export \
	"export of the file that a copied local header inline spells (blkcg_root): extracted and built warning-free"
ok=1
grep -q "^extern struct blkcg blkcg_root;$" "$f" && ahead "^extern struct blkcg blkcg_root;$" "blkcg == &blkcg_root" && ok=0
result $ok "its declaration is copied ahead of the inline that spells it" "$f"

# The same for an export of a namespace (usb-storage's usb_stor_probe1,
# EXPORT_SYMBOL_NS_GPL(..., USB_STORAGE), in usb.h for ene_ub6250.c): a
# shim needs no import of the namespace, and modpost does not ask for one.
callee_kallsyms "$tmp/ks-ums.txt"
for s in ene_ub6250_probe ene_ub6250_usb_ids ene_ub6250_unusual_dev_list \
	ene_ub6250_host_template ene_ub6250_info_destructor ene_transport; do
	printf '0000000000000000 t %s\t[ums_eneub6250]\n' "$s"
done >> "$tmp/ks-ums.txt"
printf '0000000000000000 T usb_stor_probe1\t[usb_storage]\n' >> "$tmp/ks-ums.txt"
# (Built with the copied inlined callees' own sparse warnings.)
build_patch namespaced-other-module kgr_ccp_othermod_ns --symbols "$tmp/ks-ums.txt"
f=$tmp/kgr_ccp_othermod_ns/kgr_ccp_othermod_ns.c
ok=1
[ -f "${f%.c}.ko" ] && ! grep -q "MODULE_IMPORT_NS" "$f" &&
	grep -q 'KGR_SYMBOL_OBJPOS(kgr_usb_stor_probe1, usb_stor_probe1, "usb_storage", 0),' "$f" &&
	! grep -q "namespace" "$tmp/kgr_ccp_othermod_ns/build.log" && ok=0
result $ok "callee another module exports to a namespace (usb_stor_probe1): a shim of usb_storage, no import, modpost agrees" \
	"$tmp/kgr_ccp_othermod_ns/build.log"

# trace_rpcgss_update_slack() of include/trace/events/rpcgss.h: its
# static call's key and trampoline are not exported (modpost: undefined);
# the tracepoint becomes a shim, and trace_rpcgss_update_slack a
# function through it.
callee_kallsyms "$tmp/ks-gss.txt"
printf '0000000000000000 t gss_update_rslack\t[auth_rpcgss]\n0000000000000000 d __tracepoint_rpcgss_update_slack\t[auth_rpcgss]\n' >> "$tmp/ks-gss.txt"
built trace-unexported kgr_ccp_trace \
	"unexported tracepoint of a system trace header: extracted and built warning-free" \
	--symbols "$tmp/ks-gss.txt"
ok=1
grep -q "^static struct tracepoint \*kgr___tracepoint_rpcgss_update_slack;" "$f" &&
	grep -q "^#define trace_rpcgss_update_slack kgr_trace_rpcgss_update_slack$" "$f" &&
	grep -q "^static inline void kgr_trace_rpcgss_update_slack(const struct rpc_task \*a0, const struct rpc_auth \*a1)$" "$f" &&
	grep -q "^#define trace_rpcgss_update_slack_enabled kgr_trace_rpcgss_update_slack_enabled$" "$f" &&
	grep -q 'KGR_SYMBOL_OBJPOS(kgr___tracepoint_rpcgss_update_slack, __tracepoint_rpcgss_update_slack, "auth_rpcgss", 0)' "$f" && ok=0
result $ok "the tracepoint is a shim, trace_rpcgss_update_slack() a function through it" "$f"

# A local trace header's events (nfstrace.h's DEFINE_NFS_INODE_EVENT, a
# local macro over DEFINE_EVENT): not exported, so the same function
# through the tracepoint's shim, the iterator cast from trace_foo()'s own
# type; nothing of the trace header is copied, nor <trace/define_trace.h>.
callee_kallsyms "$tmp/ks-nfs.txt"
for s in nfs_clear_invalid_mapping nfs_invalidate_mapping nfs_wait_bit_killable \
	__tracepoint_nfs_invalidate_mapping_enter __tracepoint_nfs_invalidate_mapping_exit; do
	printf '0000000000000000 t %s\t[nfs]\n' "$s"
done >> "$tmp/ks-nfs.txt"
built trace-local kgr_ccp_trace_local \
	"unexported tracepoints of a local trace header: extracted and built warning-free" \
	--symbols "$tmp/ks-nfs.txt"
ok=1
grep -q "^#define trace_nfs_invalidate_mapping_exit kgr_trace_nfs_invalidate_mapping_exit$" "$f" &&
	grep -q "((int (\*)(void \*, const struct inode \*, int))kgr___tracepoint_nfs_invalidate_mapping_exit->iterator)(NULL, a0, a1);" "$f" &&
	grep -q 'KGR_SYMBOL_OBJPOS(kgr___tracepoint_nfs_invalidate_mapping_enter, __tracepoint_nfs_invalidate_mapping_enter, "nfs", 0)' "$f" &&
	! grep -q "DEFINE_NFS_INODE_EVENT\|TRACE_SYSTEM\|define_trace.h\|__SCT__\|__SCK__" "$f" && ok=0
result $ok "the events are functions through their tracepoints' shims; no trace header text" "$f"

# trace_xhci_dbg_cancel_urb of xhci-trace.h is no call: xhci_dbg_trace()
# takes it as a function pointer (ice's trace macro puts its name in
# parentheses). trace_foo names a function, so these build too.
callee_kallsyms "$tmp/ks-xhci.txt"
for s in xhci_move_dequeue_past_td __tracepoint_xhci_dbg_cancel_urb \
	xhci_triad_to_transfer_ring xhci_trb_virt_to_dma xhci_alloc_command \
	xhci_ring_expansion xhci_free_command xhci_ring_cmd_db queue_command \
	xhci_get_hw_deq next_trb; do
	printf '0000000000000000 t %s\t[xhci_hcd]\n' "$s"
done >> "$tmp/ks-xhci.txt"
built trace-pointer kgr_ccp_trace_ptr \
	"a local event passed as a function pointer: extracted and built warning-free" \
	--symbols "$tmp/ks-xhci.txt"
ok=1
ahead "^#define trace_xhci_dbg_cancel_urb kgr_trace_xhci_dbg_cancel_urb$" \
	"^	xhci_dbg_trace(xhci, trace_xhci_dbg_cancel_urb,$" && ok=0
result $ok "the pointer is the function through the tracepoint's shim" "$f"

# An event with a condition (f2fs: TP_CONDITION(page->mapping), which
# its field assignments rely on): the patch's function could not test
# it, and the call would not link (modpost: the tracepoint): refused.
callee_kallsyms "$tmp/ks-f2fs.txt"
for s in f2fs_submit_page_bio __tracepoint_f2fs_submit_page_bio f2fs_is_valid_blkaddr \
	f2fs_handle_error __bio_alloc f2fs_set_bio_crypt_ctx __submit_bio __read_io_type; do
	printf '0000000000000000 t %s\t[f2fs]\n' "$s"
done >> "$tmp/ks-f2fs.txt"
callee_patch trace-condition kgr_ccp_trace_cond "$tmp/ks-f2fs.txt"
ok=1
[ "$rc" = 1 ] && [ ! -e "$f" ] &&
	grep -q "^fs/f2fs/data.c:710: trace_f2fs_submit_page_bio: NOT PATCHABLE: f2fs_submit_page_bio calls trace_f2fs_submit_page_bio, whose event has a condition (TP_CONDITION) .* __tracepoint_f2fs_submit_page_bio is not exported" "$tmp/out" &&
	grep -q "cpu_online(raw_smp_processor_id())" "$tmp/kgr_ccp_trace/kgr_ccp_trace.c" && ok=0
result $ok "an unexported event with a TP_CONDITION: a NOT PATCHABLE row, nothing written; the others' function tests the CPU online" "$tmp/out"

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
ibt_config "$tmp/config-ibt"
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

# is_huge_zero_page() of include/linux/huge_mm.h reads huge_zero_page,
# which vmlinux does not export (modpost: undefined): the name is
# #defined, before the first #include, to a pointer shim the header's
# extern declaration then declares and the patch defines.
callee_kallsyms "$tmp/ks-hzp.txt" free_page_and_swap_cache free_swap_cache
echo "0000000000000000 B huge_zero_page" >> "$tmp/ks-hzp.txt"
built header-inline-var kgr_ccp_hdrvar \
	"a system inline reading an unexported variable: extracted and built warning-free" \
	--symbols "$tmp/ks-hzp.txt"
ok=1
grep -A1 "^#define huge_zero_page (\*kgr_huge_zero_page)$" "$f" | grep -q "^#include <linux/module.h>" &&
	grep -q "^typeof(kgr_huge_zero_page) kgr_huge_zero_page;$" "$f" &&
	grep -q "KGR_SYMBOL_TYPED(kgr_huge_zero_page, huge_zero_page)," "$f" && ok=0
result $ok "the variable is a pointer shim the header's declaration names" "$f"
# lru_gen_enabled() of include/linux/mm_inline.h tests the static key
# lru_gen_caps[], which it declares in its body (DECLARE_STATIC_KEY_*)
# and vmlinux does not export: a pointer shim of the key's type, and the
# patch's static branches read the keys (a jump entry needs the key's
# address at link time). It failed modpost before (vmscan.c of the
# stable delta).
callee_kallsyms "$tmp/ks-lru.txt" lru_deactivate_fn __count_memcg_events
printf '0000000000000000 D lru_gen_caps\n0000000000000000 T __mod_lruvec_state\n0000000000000000 T mem_cgroup_update_lru_size\n' >> "$tmp/ks-lru.txt"
built static-key-inline kgr_ccp_statkey \
	"a system inline testing an unexported static key: extracted and built warning-free" \
	--symbols "$tmp/ks-lru.txt"
ok=1
ahead "^#define lru_gen_caps (\*kgr_lru_gen_caps)$" "^#include <linux/module.h>$" &&
	ahead "^#define static_branch_likely(x) likely_notrace(static_key_enabled(&(x)->key))$" \
		"^#include <linux/module.h>$" &&
	grep -q "^struct static_key_false (\*kgr_lru_gen_caps)\[3\];$" "$f" &&
	grep -q "KGR_SYMBOL_TYPED(kgr_lru_gen_caps, lru_gen_caps)," "$f" &&
	! grep -q "static_branch_likely" "$tmp/kgr_ccp_hdrvar/kgr_ccp_hdrvar.c" && ok=0
result $ok "the key is a shim of its type, the branches read it; a patch without such keys keeps its branches" "$f"
# swap.c's cpu_fbatches, a static per-CPU variable, through a shim: the
# pointer is __percpu, or sparse finds local_lock() and this_cpu_ptr()
# given a plain one (different address spaces).
callee_kallsyms "$tmp/ks-pcpu.txt" folio_add_lru cpu_fbatches folio_batch_add_and_move lru_add_fn
echo "0000000000000000 D lru_gen_caps" >> "$tmp/ks-pcpu.txt"
built percpu-shim kgr_ccp_pcpu \
	"a per-CPU variable's shim: extracted and built warning-free (W=1, sparse)" \
	--symbols "$tmp/ks-pcpu.txt"
ok=1
grep -q "^static typeof(typeof(struct cpu_fbatches)) __percpu \*kgr_cpu_fbatches;$" "$f" && ok=0
result $ok "the per-CPU shim is a __percpu pointer" "$f"

# bpf_disable_instrumentation() of include/linux/bpf.h increments the
# per-CPU bpf_prog_active, which vmlinux does not export: a per-CPU name
# the header declares cannot be made a pointer shim. A NOT PATCHABLE row
# naming it, nothing written (hashtab.c of the stable delta failed
# modpost). No kallsyms copy: this needs none.
mkdir -p "$tmp/kgr_ccp_hdrpcpu"
f=$tmp/kgr_ccp_hdrpcpu/kgr_ccp_hdrpcpu.c
ccp header-inline-percpu -o "$f"
rc=$?
ok=1
[ "$rc" = 1 ] && [ ! -e "$f" ] &&
	grep -q "^kernel/bpf/syscall.c:180: bpf_prog_active: NOT PATCHABLE: bpf_map_update_value calls bpf_disable_instrumentation, a static inline of include/linux/bpf.h, which uses the per-CPU variable bpf_prog_active: not exported" "$tmp/out" && ok=0
result $ok "a system inline using an unexported per-CPU variable: a NOT PATCHABLE row naming it, nothing written" "$tmp/out"

# Two of that name in vmlinux: a NOT PATCHABLE row, nothing written.
echo "0000000000000000 b huge_zero_page" >> "$tmp/ks-hzp.txt"
callee_patch header-inline-var kgr_ccp_hdrvar2 "$tmp/ks-hzp.txt"
ok=1
[ "$rc" = 1 ] && [ ! -e "$f" ] &&
	grep -q "^mm/swap_state.c:295: huge_zero_page: NOT PATCHABLE: free_page_and_swap_cache calls is_huge_zero_page, a static inline of include/linux/huge_mm.h, which reads huge_zero_page: not exported, .*more than one of that name" "$tmp/out" && ok=0
result $ok "a variable vmlinux has twice: a NOT PATCHABLE row naming it, nothing written" "$tmp/out"

# What a late system header names may reach the file's own functions:
# ext4.h's ext4_mark_inode_dirty() macro, which trace/events/ext4.h names,
# calls __ext4_mark_inode_dirty(), the patched function, whose
# trace_ext4_mark_inode_dirty() needs that header and the tracepoint's
# shim: the function stays below both (it went ahead of the #include:
# "implicit declaration of trace_ext4_mark_inode_dirty").
callee_kallsyms "$tmp/ks-ext4.txt"
for s in __ext4_mark_inode_dirty ext4_reserve_inode_write ext4_mark_iloc_dirty \
	__ext4_error_inode __ext4_expand_extra_isize ext4_expand_extra_isize_ea \
	__tracepoint_ext4_mark_inode_dirty; do
	printf '0000000000000000 t %s\t[ext4]\n' "$s"
done >> "$tmp/ks-ext4.txt"
built late-include-main-caller kgr_ccp_lateinccaller \
	"a patched function that a macro named by a late system header calls: extracted and built warning-free" \
	--symbols "$tmp/ks-ext4.txt"
ok=1
ahead "^#include <trace/events/ext4.h>$" "^static int kgr___ext4_mark_inode_dirty(" &&
	ahead "^#define trace_ext4_mark_inode_dirty kgr_trace_ext4_mark_inode_dirty$" \
		"^static int kgr___ext4_mark_inode_dirty(" && ok=0
result $ok "the file's function stays below the system header's #include and its trace function" "$f"

# A local header's name that a macro pastes in the file's own code:
# hfi1_cdbg(AFFINITY, ...) of trace_dbg.h calls __hfi1_trace_##which,
# a function trace_dbg.h declares with __hfi1_trace_def(AFFINITY). No
# macro's text spells it, so it got no shim ("implicit declaration"):
# now the shim, and the name defined to it.
callee_kallsyms "$tmp/ks-hfi1.txt"
printf '0000000000000000 t %s\t[hfi1]\n' _dev_comp_vect_mappings_destroy \
	_dev_comp_vect_cpu_put __hfi1_trace_AFFINITY >> "$tmp/ks-hfi1.txt"
built local-pasted-name kgr_ccp_pasted \
	"a local header's function a macro pastes the name of (hfi1 affinity.c): extracted and built warning-free" \
	--symbols "$tmp/ks-hfi1.txt"
ok=1
grep -q "^#define __hfi1_trace_AFFINITY (\*kgr___hfi1_trace_AFFINITY)$" "$f" &&
	grep -q 'KGR_SYMBOL_OBJPOS(kgr___hfi1_trace_AFFINITY, __hfi1_trace_AFFINITY, "hfi1", 0)' "$f" && ok=0
result $ok "the pasted name is defined to its shim" "$f"
