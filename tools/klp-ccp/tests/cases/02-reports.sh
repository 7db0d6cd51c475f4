# SPDX-License-Identifier: GPL-2.0-or-later
# Several files in one run: --json, TOOL ERROR rows, --targets.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

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

# --src through a symbolic link: the same patch as through the real path
# (amdgpu's -I$(srctree)/$(src) headers are found by their real path).
ln -sfn "$KSRC" "$tmp/src-link"
mkdir -p "$tmp/real" "$tmp/link"
ccp kbuild-srctree-src -o "$tmp/real/p.c"
"$tool" --src "$tmp/src-link" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
	-o "$tmp/link/p.c" "$here/diffs/kbuild-srctree-src.diff" > "$tmp/out" 2>&1
rc=$?
ok=1
[ "$rc" = 0 ] && [ -s "$tmp/real/p.c" ] && cmp -s "$tmp/real/p.c" "$tmp/link/p.c" && ok=0
[ "$ok" = 0 ] || diff "$tmp/real/p.c" "$tmp/link/p.c" | head -20 >> "$tmp/out"
result $ok "--src through a symbolic link: the same patch" "$tmp/out"

# A --src that does not exist: exit 2, named, nothing written.
"$tool" --src "$tmp/no-such-tree" --config "$KCONFIG" --symvers "$KHDR/Module.symvers" \
	-o "$tmp/none.c" "$here/diffs/devinfo.diff" > "$tmp/out" 2>&1
rc=$?
ok=1
[ "$rc" = 2 ] && grep -q "no-such-tree: No such file or directory" "$tmp/out" &&
	[ ! -e "$tmp/none.c" ] && ok=0
result $ok "missing --src: exit 2 naming it, nothing written" "$tmp/out"

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
