# SPDX-License-Identifier: GPL-2.0-or-later
# Every refusal of kgr_patch_kernel() from a real module load: insmod fails
# with kgr's errno, the log names the patch and the symbol, and nothing
# is left behind (no sysfs directory, the same patch loads fine after).
# timeout: 120
. /tests/lib.sh

# refuse "<errno text>" "<log text>" insmod-args...
refuse()
{
	_errno=$1
	_log=$2
	shift 2
	dmesg -c > /dev/null
	if _out=$(insmod $KO/kgr_test_patch.ko "$@" 2>&1); then
		rmmod kgr_test_patch
		fail "insmod kgr_test_patch $* succeeded"
	fi
	expect_contains "$_out" "$_errno"
	expect_contains "$(dmesg)" "$_log"
	[ ! -d $KGR/kgr_test_patch ] || fail "$KGR/kgr_test_patch left behind by: $*"
	grep -q '^kgr_test_patch ' /proc/modules && fail "module left loaded by: $*"
	return 0
}

load_kgr
orig=$(cat /proc/cmdline)

# insmod reports ENOENT as "unknown symbol", ENOEXEC as "invalid module format".
refuse "unknown symbol" "kgr_test_patch: symbol 'kgr_no_such_fn' not found in vmlinux" \
	target=kgr_no_such_fn
# In a loaded module (one not loaded yet is patched when it loads).
load kgr_test_target
refuse "unknown symbol" "kgr_test_patch: symbol 'kgr_no_such_fn' not found in kgr_test_target" \
	target=kgr_no_such_fn obj=kgr_test_target
rmmod kgr_test_target || fail "rmmod kgr_test_target failed"
refuse "unknown symbol" "kgr_test_patch: symbol 'kgr_no_such_shim' not found in vmlinux" \
	shim=kgr_no_such_shim
refuse "nvalid argument" "kgr_test_patch: 'do_syscall_64' cannot be traced" \
	target=do_syscall_64
refuse "nvalid argument" "kgr_test_patch: 'cmdline_proc_show' is patched twice" twice=1
refuse "nvalid argument" "kgr_test_patch: entry 0 ('cmdline_proc_show'): empty name, object or new function" \
	empty=1
refuse "nvalid argument" "patch with an empty or invalid name refused" name=a/b
refuse "invalid module format" "kgr_test_patch: built for kernel build-id 00ff" build_id=00ff

# An ambiguous static name: the first text symbol of vmlinux found twice.
dup=$(awk '$2 ~ /^[tT]$/ && NF == 3 { print $3 }' /proc/kallsyms | sort | uniq -d |
	grep -v '[.]' | head -n 1)
[ -n "$dup" ] || fail "no duplicate symbol name in /proc/kallsyms"
refuse "nvalid argument" "kgr_test_patch: symbol '$dup' is ambiguous in vmlinux" target="$dup"
expect_contains "$(dmesg)" "kgr_test_patch:   sympos 2: $dup"
refuse "unknown symbol" "kgr_test_patch: symbol '$dup' has no position 99 in vmlinux" \
	target="$dup" sympos=99

# A name taken by another patch.
load kgr_sample_cmdline
kgr_wait_transition kgr_sample_cmdline
dmesg -c > /dev/null
if _out=$(insmod $KO/kgr_test_patch.ko name=kgr_sample_cmdline target=uptime_proc_show 2>&1); then
	fail "a second patch named kgr_sample_cmdline was accepted"
fi
expect_contains "$_out" "File exists"
expect_contains "$(dmesg)" "kgr_sample_cmdline: a patch of that name is already registered"
kgr_revert kgr_sample_cmdline kgr_sample_cmdline

# A function held by a kprobe (IPMODIFY): -EBUSY naming the holder.
load kgr_test_kprobe
refuse "Device or resource busy" "kgr_test_patch: 'cmdline_proc_show' is already redirected by kprobe_ftrace_handler" \
	target=cmdline_proc_show
rmmod kgr_test_kprobe || fail "rmmod kgr_test_kprobe failed"

# A missing target that may be skipped: applied without it.
insmod $KO/kgr_test_patch.ko must_exist=0 target=kgr_no_such_fn ||
	fail "a patch with a missing target that may be skipped was refused"
kgr_wait_transition kgr_test_patch
state=$(cat "$KGR/kgr_test_patch/vmlinux/kgr_no_such_fn,1/state")
[ "$state" = skipped ] || fail "state of a skipped target is '$state'"
kgr_revert kgr_test_patch kgr_test_patch

# Nothing was left half applied: the target still patches cleanly.
[ "$(cat /proc/cmdline)" = "$orig" ] || fail "/proc/cmdline changed: $(cat /proc/cmdline)"
load kgr_test_patch
kgr_wait_transition kgr_test_patch
[ "$(cat /proc/cmdline)" = kgr_test_patch ] || fail "kgr_test_patch not applied after the refusals"
kgr_revert kgr_test_patch kgr_test_patch
