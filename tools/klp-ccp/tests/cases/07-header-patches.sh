# SPDX-License-Identifier: GPL-2.0-or-later
# Patches of the callers of changed header inlines and macros.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

# Header changes: the callers get the header's new definitions.
built header-inline kgr_ccp_hdr "header inline's caller: extracted and built warning-free (W=1, sparse)"
ok=1
grep -q "^#define idr_get_cursor kgr_idr_get_cursor$" "$f" &&
	grep -q "return READ_ONCE(idr->idr_next) & INT_MAX;" "$f" &&
	grep -q "KGR_PATCH(loadavg_proc_show, kgr_loadavg_proc_show, true)" "$f" && ok=0
result $ok "the header's new inline is copied for the patched caller" "$f"
# A member the fix adds as an alias of an old one, in an anonymous union
# (as 6.1.190 did with dst_entry's dev_rcu of dev): no layout change, but
# the running kernel's fs.h has no fs_name, so the patch spells name.
built member-alias kgr_ccp_alias \
	"new member aliasing an old one, used by a new header inline: extracted and built (W=1, sparse)"
ok=1
grep -q "^#define fs_name name$" "$f" && grep -q "return type->fs_name;" "$f" && ok=0
result $ok "the patch defines the new member to the old one" "$f"
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

# A new static inline the fix adds to a header, which the changed one
# calls: the patch's #include has the old header, so it is copied too,
# ahead of its user; it gets no row of its own (new code is free).
built header-new-inline kgr_ccp_hdr_new \
	"a header's new inline, called by its changed one: extracted and built warning-free"
ok=1
ccp header-new-inline --check
ahead "^static inline unsigned int idr_cursor_clamp(unsigned int cursor)$" \
	"return idr_cursor_clamp(READ_ONCE(idr->idr_next));" &&
	grep -q "^#define idr_cursor_clamp kgr_idr_cursor_clamp$" "$f" &&
	! grep -q "idr_cursor_clamp:" "$tmp/out" && ok=0
result $ok "the new inline is copied ahead of the changed one that calls it, with no row" "$f"

# An #include line the fix adds to a system header, for its new inline:
# the patch includes the running kernel's header, which lacks it, so the
# line goes ahead of the header's own (asm/insn-eval.h gained
# <asm/insn.h> in the stable delta; kvm's emulate.c then failed to build
# on MAX_INSN_SIZE).
built header-added-include kgr_ccp_hdr_inc \
	"a system header's added #include, needed by its new inline: extracted and built warning-free"
ok=1
ahead "^#include <linux/crc32.h>$" "^#include <linux/kmod.h>$" &&
	[ "$(grep -c "^#include <linux/crc32.h>$" "$f")" = 1 ] && ok=0
result $ok "the added #include goes ahead of the header's, once" "$f"
