# SPDX-License-Identifier: GPL-2.0-or-later
# Changed header inlines and macros, --context-headers, odd configs.
# Sourced by group.sh: lib.sh's helpers, a $tmp of its own.

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

# A function pointer field whose prototype the fix changes (6.1.190's
# syn_recv_sock): the layout stays, every stored function and call
# through it do not. Judged when a .c uses it, dropped when none does.
expect fn-pointer-prototype 1 "^include/linux/proc_fs.h:33: struct proc_ops: NOT PATCHABLE: the prototype of its function pointer proc_open changes from int (\*)(struct inode \*, struct file \*) to int (\*)(struct inode \*, struct file \*, unsigned int)" \
	"function pointer field whose prototype changes: NOT PATCHABLE naming both prototypes"
ccp fn-pointer-prototype --check --context-headers
rc=$?
ok=1
[ "$rc" = 0 ] && grep -q "not judged: include/linux/proc_fs.h: struct proc_ops$" "$tmp/out" && ok=0
result $ok "--context-headers: a changed function pointer no .c file uses gets no row" "$tmp/out"
ccp fn-pointer-prototype-used --check --context-headers
rc=$?
ok=1
[ "$rc" = 1 ] && grep -q "^include/linux/proc_fs.h:33: struct proc_ops: NOT PATCHABLE: the prototype of its function pointer proc_open" "$tmp/out" &&
	grep -q "^fs/proc/inode.c:489: proc_reg_open: PATCHABLE" "$tmp/out" && ok=0
result $ok "--context-headers: a changed function pointer that proc_reg_open calls through: NOT PATCHABLE" "$tmp/out"

# A changed header that does not compile alone (hci.h needs bluetooth.h's
# bdaddr_t first): parsed behind the includes of the diff's .c file that
# includes it, its struct's new field is a layout change. Alone, every
# record of it was invalid, of one made-up size in both versions.
expect header-alone-fails 1 "^include/net/bluetooth/hci_core.h:343: struct hci_dev: NEEDS SHADOW VARIABLE: layout changes" \
	"a header that needs its includer's includes: its struct's new field is a layout change"
also "^net/bluetooth/hci_core.c:[0-9]*: hci_alloc_dev_priv: PATCHABLE" \
	"the .c file's function that uses the field keeps its own row"
