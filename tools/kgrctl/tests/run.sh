#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kgrctl host tests on a fake sysfs (--root): list and status in text and
# JSON, wait on a transition that a background job ends, timeouts, revert,
# force, every kind of bad input, and one run under valgrind. Never loads
# or unloads a module: load and --unload are refused with a fake --root,
# and load is only given files it cannot open. TAP output.

set -u
here=$(cd "$(dirname "$0")" && pwd)
tool=$here/../kgrctl
work=$(mktemp -d /tmp/kgrctl-test.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
root=$work/sys
kgr=$root/kernel/kgr

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/# /'
}

# expect NAME EXPECTED ACTUAL
expect() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"
	fi
}

# run ARGS...: $out (stdout), $err (stderr), $rc of kgrctl --root $root ARGS
run() {
	out=$("$tool" --root "$root" "$@" 2> "$work/stderr")
	rc=$?
	err=$(cat "$work/stderr")
}

# expect_error NAME RC STDERR ARGS...: fails with status RC and exactly STDERR
expect_error() {
	local name=$1 want_rc=$2 want_err=$3
	shift 3
	run "$@"
	expect "$name" "rc=$want_rc $want_err" "rc=$rc $err"
}

# patch NAME ENABLED TRANSITION REPLACE_ALL [FORCED]
patch() {
	mkdir -p "$kgr/$1"
	echo "$2" > "$kgr/$1/enabled"
	echo "$3" > "$kgr/$1/transition"
	echo "$4" > "$kgr/$1/replace_all"
	echo "${5:-0}" > "$kgr/$1/forced"
	: > "$kgr/$1/blocking"
	: > "$kgr/$1/force"
}

# fun PATCH OBJECT FUNCTION SYMPOS STATE OLD_ADDR
fun() {
	local d=$kgr/$1/$2/$3,$(( $4 ? $4 : 1 ))
	mkdir -p "$d"
	echo "$2" > "$d/object"
	echo "$4" > "$d/sympos"
	echo "$5" > "$d/state"
	echo "$6" > "$d/old_addr"
}

mkdir -p "$kgr"
echo 0 > "$kgr/in_progress"
patch fix_b 1 0 1 1
fun fix_b vmlinux uptime_proc_show 0 fast 0xffffffff81234560
patch fix_a 1 1 0
fun fix_a vmlinux pipe_read 0 slow 0xffffffff81000010
fun fix_a vmlinux cmdline_proc_show 2 slow 0xffffffff81000020
fun fix_a kgr_test_mod kgr_test_fn 0 init 0x0
printf '%s\n' '42 cat pipe_read' '43 my prog cmdline_proc_show' > "$kgr/fix_a/blocking"

# ---- list and status ----
mkdir -p "$work/empty/kernel/kgr"
echo 0 > "$work/empty/kernel/kgr/in_progress"
run --root "$work/empty" list
expect "list: no patch, the summary says so" "rc=0
PATCH  ENABLED  TRANSITION  REPLACE_ALL
0 patches: 0 applied, 0 reverted, 0 in transition" "rc=$rc
$out"
run list
expect "list: table, sorted by name" "rc=0
PATCH  ENABLED  TRANSITION  REPLACE_ALL
fix_a  1        1           0
fix_b  1        0           1
2 patches: 1 applied, 0 reverted, 1 in transition" "rc=$rc
$out"
run list --json
expect "list --json" 'rc=0 {"in_progress":false,"patches":[{"name":"fix_a","enabled":true,"transition":true,"replace_all":false,"forced":false},{"name":"fix_b","enabled":true,"transition":false,"replace_all":true,"forced":true}]}' "rc=$rc $out"
run status fix_a
expect "status: fields, functions by object, blocking tasks" "rc=0
patch:       fix_a
enabled:     1
transition:  1
replace_all: 0
forced:      0
functions:
  OBJECT        FUNCTION           SYMPOS  STATE      OLD_ADDR
  kgr_test_mod  kgr_test_fn        0       init       0x0
  vmlinux       cmdline_proc_show  2       slow       0xffffffff81000020
  vmlinux       pipe_read          0       slow       0xffffffff81000010
blocking:
  42 cat pipe_read
  43 my prog cmdline_proc_show" "rc=$rc
$out"
run --json status fix_b
expect "status --json (option before the command)" 'rc=0 {"name":"fix_b","enabled":true,"transition":false,"replace_all":true,"forced":true,"functions":[{"object":"vmlinux","function":"uptime_proc_show","sympos":"0","state":"fast","old_addr":"0xffffffff81234560"}],"blocking":[]}' "rc=$rc $out"
run status fix_b
expect "status: no blocking task" "blocking:    none" "$(printf '%s\n' "$out" | tail -n 1)"
chmod 000 "$kgr/fix_b/vmlinux/uptime_proc_show,1/old_addr"
if [ "$(id -u)" != 0 ]; then
	run status fix_b --json
	expect "status: unreadable old_addr shows ?" 1 "$(printf '%s' "$out" | grep -c '"old_addr":"?"')"
fi
chmod 644 "$kgr/fix_b/vmlinux/uptime_proc_show,1/old_addr"

# A sysfs attribute is read whole; a job that changes a fake one while the
# tool reads it replaces the file instead of rewriting it in place.
set_attr()
{
	echo "$2" > "$1.new" && mv "$1.new" "$1"
}

# ---- wait ----
run wait fix_b --timeout 1
expect "wait: a patch without transition returns at once" "rc=0 " "rc=$rc $err"
start=$SECONDS
run wait fix_a --timeout 0.3
expect "wait: timeout exits 1 naming the blocking tasks" "rc=1 kgrctl: transition of fix_a still running after 0.3 s; blocking: 42 cat pipe_read, 43 my prog cmdline_proc_show" "rc=$rc $err"
echo 1 > "$kgr/in_progress"
run wait --timeout=0.2
expect "wait: in_progress timeout finds the patch in transition" "rc=1 kgrctl: transition of fix_a still running after 0.2 s; blocking: 42 cat pipe_read, 43 my prog cmdline_proc_show" "rc=$rc $err"
( sleep 0.5; set_attr "$kgr/fix_a/transition" 0; set_attr "$kgr/in_progress" 0 ) &
start=$(date +%s%N)
run wait --timeout 10
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
wait
if [ $rc = 0 ] && [ $elapsed -ge 400 ] && [ $elapsed -lt 5000 ]; then
	ok "wait: returns when a background job ends the transition (${elapsed} ms)"
else
	not_ok "wait: returns when a background job ends the transition" "rc=$rc after $elapsed ms: $err"
fi
echo 1 > "$kgr/fix_a/transition"
( sleep 0.3; set_attr "$kgr/fix_a/transition" 0 ) &
run wait fix_a
wait
expect "wait: a patch's transition, no timeout" "rc=0 " "rc=$rc $err"
echo 1 > "$kgr/fix_a/transition"
( sleep 5.5; set_attr "$kgr/fix_a/transition" 0 ) &
run wait fix_a --timeout 20
wait
expect "wait: progress every 5 s with the number of blocking tasks" "rc=0 fix_a: waiting (up to 20 seconds) for the transition to complete...
fix_a: still in transition after 5 s, 2 tasks blocking" "rc=$rc $out"

# ---- revert ----
run revert fix_b
expect "revert: writes 0 to enabled" "rc=0 fix_b: reverting 0" "rc=$rc $out $(cat "$kgr/fix_b/enabled")"
run revert fix_b
expect "revert: an already reverted patch is left alone" "rc=0 fix_b: already reverted" "rc=$rc $out"
echo 1 > "$kgr/fix_b/enabled"
echo 1 > "$kgr/fix_b/transition"
( sleep 0.3; set_attr "$kgr/fix_b/transition" 0 ) &
run revert fix_b --wait 10
wait
expect "revert --wait: until the transition ends, saying it waits" "rc=0 fix_b: reverting
fix_b: waiting (up to 10 seconds) for the transition to complete...
fix_b: reverted" "rc=$rc $out"
echo 1 > "$kgr/fix_b/enabled"
echo 1 > "$kgr/fix_b/transition"
run revert fix_b --wait 0.2
expect "revert --wait: timeout exits 1" "rc=1 kgrctl: transition of fix_b still running after 0.2 s; no task listed in blocking" "rc=$rc $err"
echo 0 > "$kgr/fix_b/transition"
chmod 444 "$kgr/fix_b/enabled"
echo 1 > "$kgr/fix_b/enabled"
if [ "$(id -u)" != 0 ]; then
	expect_error "revert: a refused write names the file and what it takes" 1 "kgrctl: writing 0 to $kgr/fix_b/enabled: permission denied: changing kgr patches needs root with CAP_SYS_MODULE" revert fix_b
fi
chmod 644 "$kgr/fix_b/enabled"
expect_error "revert --unload: refused with a fake --root" 2 "kgrctl: --unload acts on the running kernel: not with --root" revert fix_b --unload
expect "revert --unload refused before writing" 1 "$(cat "$kgr/fix_b/enabled")"

# ---- force ----
run force fix_a
if [ $rc = 2 ] && [ "$(cat "$kgr/fix_a/force")" = "" ] && [[ $err == "kgrctl: force declares every task of fix_a moved without checking"*"add --yes"* ]]; then
	ok "force: refused without --yes, explaining the danger"
else
	not_ok "force: refused without --yes, explaining the danger" "rc=$rc $err"
fi
run force fix_a --yes
expect "force --yes: writes 1 to force" "rc=0 1" "rc=$rc $(cat "$kgr/fix_a/force")"

# ---- bad input ----
expect_error "no command" 2 "kgrctl: no command (see kgrctl --help)"
expect_error "unknown command" 2 "kgrctl: unknown command 'frobnicate' (see kgrctl --help)" frobnicate
expect_error "unknown option" 2 "kgrctl: unknown option --bogus (see kgrctl --help)" list --bogus
expect_error "missing argument" 2 "kgrctl: status: missing argument (see kgrctl --help)" status
expect_error "extra argument" 2 "kgrctl: status: unexpected argument 'fix_b'" status fix_a fix_b
expect_error "option of another command" 2 "kgrctl: --yes does not apply to list" list --yes
expect_error "option without its value" 2 "kgrctl: --timeout needs a value" wait --timeout
expect_error "non-numeric timeout" 2 "kgrctl: --timeout: '5s' is not a number of seconds" wait --timeout 5s
expect_error "negative wait" 2 "kgrctl: --wait: '-1' is not a number of seconds" revert fix_b --wait=-1
expect_error "unknown patch" 1 "kgrctl: unknown patch 'nope' (no $kgr/nope)" status nope
expect_error "unknown patch to wait for" 1 "kgrctl: unknown patch 'nope' (no $kgr/nope)" wait nope
expect_error "patch name escaping the directory" 2 "kgrctl: invalid patch name '..'" revert ..
expect_error "load: missing file" 1 "kgrctl: load $work/none.ko: No such file or directory" load "$work/none.ko"
expect_error "load: a directory" 1 "kgrctl: load $work: not a regular file" load "$work"
: > "$work/fake.ko"
expect_error "load: refused with a fake --root" 2 "kgrctl: load acts on the running kernel: not with --root" load "$work/fake.ko"
mv "$kgr/fix_b/vmlinux/uptime_proc_show,1/state" "$work/state"
expect_error "unreadable sysfs file" 1 "kgrctl: $kgr/fix_b/vmlinux/uptime_proc_show,1/state: No such file or directory" status fix_b
mv "$work/state" "$kgr/fix_b/vmlinux/uptime_proc_show,1/state"
echo maybe > "$kgr/fix_b/transition"
expect_error "garbage in a sysfs file" 1 "kgrctl: $kgr/fix_b/transition: expected 0 or 1, read 'maybe'" list
echo 0 > "$kgr/fix_b/transition"
echo 'garbage' > "$kgr/fix_a/blocking"
expect_error "unparsable blocking line" 1 "kgrctl: $kgr/fix_a/blocking: cannot parse 'garbage'" status fix_a
expect_error "no kgr.ko" 1 "kgrctl: $work/none/kernel/kgr: No such file or directory (is kgr.ko loaded?)" --root "$work/none" list
out=$("$tool" --help)
rc=$?
expect "--help: usage on stdout, exit 0" "rc=0 usage: kgrctl [--root DIR] <command> [options] [args]" "rc=$rc $(printf '%s\n' "$out" | head -n 1)"

# ---- make install: kgrctl and its manual page, under DESTDIR/PREFIX ----
dest=$work/dest
if make -s -C "$here/.." install DESTDIR="$dest" PREFIX=/usr > "$work/install.log" 2>&1 &&
   [ -x "$dest/usr/sbin/kgrctl" ] && [ -s "$dest/usr/share/man/man8/kgrctl.8" ]; then
	ok "make install: usr/sbin/kgrctl and usr/share/man/man8/kgrctl.8 under DESTDIR"
else
	not_ok "make install: usr/sbin/kgrctl and usr/share/man/man8/kgrctl.8 under DESTDIR" \
		"$(cat "$work/install.log")"
fi
# The manual page names, in bold, every command and option --help lists.
page=$dest/usr/share/man/man8/kgrctl.8
missing=
for word in $("$tool" --help | sed -n 's/^  \([a-z]*\) [[<].*/\1/p') \
	    $("$tool" --help | grep -o -- '--[a-z]*' | sort -u); do
	grep -qF -- "\\fB${word//-/\\-}\\fP" "$page" 2>/dev/null || missing="$missing $word"
done
[ -s "$page" ] && [ -z "$missing" ] &&
	ok "manual page: every command and option of --help" ||
	not_ok "manual page: every command and option of --help" "missing:$missing"

# ---- valgrind ----
if command -v valgrind > /dev/null; then
	printf '%s\n' '42 cat pipe_read' > "$kgr/fix_a/blocking"
	if valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
		"$tool-dynamic" --root "$root" status fix_a --json > /dev/null 2> "$work/vg" &&
	   valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
		"$tool-dynamic" --root "$root" list > /dev/null 2>> "$work/vg"; then
		ok "valgrind: status and list, no error or leak"
	else
		not_ok "valgrind: status and list, no error or leak" "$(cat "$work/vg")"
	fi
fi

echo "1..$n"
[ $failed -eq 0 ]
