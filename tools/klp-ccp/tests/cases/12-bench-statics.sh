# SPDX-License-Identifier: GPL-2.0-or-later
# bench/stable-delta's diff helpers, and static locals of changed functions.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

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
# kallsyms as <var>.<N> (audit_kallsyms).
audit_kallsyms "$tmp/ks-audit.txt"
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
