# SPDX-License-Identifier: GPL-2.0-or-later
# A failure at any step leaves the kernel as it was. With kgr-fault.ko
# (kgr.ko built with framework/fault.c), each operation -- kgr.ko's own
# load, apply, revert, a target module coming, replace_all -- is run with
# its Nth fallible step failing, for N = 1, 2, ... until it takes no Nth
# step. After each failure: the errno reaches the caller and a line of kgr
# names the culprit with that errno; the modules and their reference
# counts, /sys/kernel/kgr and enabled_functions are as before; every
# pre_apply hook that ran saw its post_revert; the log holds no warning;
# then the same operation succeeds.
#
# It runs on single-threaded TCG: each load of kgr-fault.ko hooks and
# unhooks the sched_process_free and task_newtask tracepoints: text pokes
# of sites that every fork and every RCU-freed task runs. Dozens of loads
# under multi-threaded TCG once left a vCPU of 6.1 stuck at the
# sched_process_free site for good: qemu's stale int3 (consistency.rst,
# tests/vm/manual/24-tracepoint-flips.sh).
# timeout: 1500
# qemu-accel: tcg,thread=single
. /tests/lib.sh

P=kgr_test_fault_patch
R=kgr_test_fault_replace
T=kgr_test_target
PARAMS=/sys/module/kgr/parameters
EF=/sys/kernel/tracing/enabled_functions
BAD='Oops|BUG:|WARNING:|general protection|refcount_t:|corruption|Call Trace:'
MAX=200

[ -f "$KO/kgr-fault.ko" ] || fail "kgr-fault.ko is not in the initramfs (see the prebuild's output)"
command -v kgr-try > /dev/null || fail "kgr-try is not in the initramfs"
[ -r "$EF" ] || fail "$EF is missing"

# What a failed operation must leave as it was: the loaded modules with
# their reference counts, every file of /sys/kernel/kgr with its value, the
# functions ftrace redirects, once kgr.ko's background switch of finished
# functions to the direct path is done.
state()
{
	kgr_wait_direct
	awk '{ print $1, $3, $5 }' /proc/modules | sort
	if [ -d "$KGR" ]; then
		find "$KGR" | sort | while read -r _f; do
			case $_f in
			*/force) echo "$_f" ;;
			*) [ -f "$_f" ] && echo "$_f=$(cat "$_f" 2>&1)" ||
				echo "$_f" ;;
			esac
		done
	fi
	cat "$EF"
}

# The kernel log since mark $1, without timestamps.
since()
{
	dmesg | sed 's/^\[[ 0-9.]*\] //' | sed -n "\\|^kgr-fault: $1\$|,\$p"
}

arm()
{
	echo "$1" > "$PARAMS/fail_nth" || fail "cannot set fail_nth=$1"
}

wait_applied()
{
	kgr_wait_transition "$1" 30
	[ "$(cat "$KGR/$1/enabled")" = 1 ] || fail "$1 is not applied"
}

revert_unload()
{
	echo 0 > "$KGR/$1/enabled" || fail "revert of $1 refused"
	kgr_wait_transition "$1" 30
	rmmod "$1" || fail "rmmod $1 failed"
}

# Each operation: <op>_do (its argument: fail_nth), <op>_undo after a
# success, <op>_culprit (what kgr's message must name).
init_do()
{
	kgr-try insmod "$KO/kgr-fault.ko" "fail_nth=$1"
}
init_undo()
{
	[ -d "$KGR" ] || fail "kgr.ko loaded without $KGR"
	rmmod kgr || fail "rmmod kgr failed"
}
init_culprit="kgr: not loaded"

apply_do()
{
	arm "$1"
	kgr-try insmod "$KO/$P.ko"
}
apply_undo()
{
	wait_applied $P
	grep -q "kgr_test_fault_patch\$" /proc/cmdline ||
		fail "cmdline_proc_show is not patched: $(cat /proc/cmdline)"
	revert_unload $P
}
apply_culprit="kgr: .*$P"

revert_do()
{
	arm "$1"
	kgr-try write "$KGR/$P/enabled" 0
}
revert_undo()
{
	kgr_wait_transition $P 30
	rmmod $P || fail "rmmod $P failed after its revert"
	insmod "$KO/$P.ko" || fail "insmod $P.ko failed"
	wait_applied $P
}
revert_culprit="kgr: $P: cannot start the revert"

coming_do()
{
	arm "$1"
	kgr-try insmod "$KO/$T.ko"
}
coming_undo()
{
	grep -q patched /proc/kgr_test_target ||
		fail "$T came unpatched: $(cat /proc/kgr_test_target)"
	rmmod $T || fail "rmmod $T failed"
}
coming_culprit="kgr: .*refusing to load module $T"

replace_do()
{
	arm "$1"
	kgr-try insmod "$KO/$R.ko"
}
replace_undo()
{
	wait_applied $R
	[ "$(cat "$KGR/$P/enabled")" = 0 ] || fail "$P is not replaced"
	grep -q "kgr_test_fault_replace\$" /proc/cmdline ||
		fail "cmdline_proc_show is not replaced: $(cat /proc/cmdline)"
	revert_unload $R
	rmmod $P || fail "rmmod $P failed after its replacement"
	insmod "$KO/$P.ko" || fail "insmod $P.ko failed"
	wait_applied $P
}
replace_culprit="kgr: .*$R"

# The only steps whose failure an operation may survive: kgr.ko's lookups
# of the ftrace internals that only name other ftrace users in messages
# (framework/redirect.c); the step of a lookup is the symbol's name.
tolerated()
{
	[ "$1" = init ] || return 1
	case $2 in
	ftrace_ops_test | ftrace_ops_list | ftrace_list_end | ftrace_enabled | \
	return_to_handler | arch_rethook_trampoline)
		return 0 ;;
	esac
	return 1
}

# Fail the steps of operation $1 one by one.
walk()
{
	op=$1
	eval "culprit=\$${op}_culprit"
	n=1
	failed=0
	survived=0
	hooks_undone=0
	while :; do
		[ $n -le $MAX ] || fail "$op: more than $MAX fallible steps"
		before=$(state)
		echo "kgr-fault: $op $n" > /dev/kmsg
		"${op}_do" $n > /tmp/try.out 2>&1
		rc=$?
		log=$(since "$op $n")
		echo "$log" | grep -E "$BAD" &&
			fail "$op: the kernel complained when step $n failed"
		step=$(echo "$log" |
		       sed -n "s/^kgr: fault injected at step $n: //p")
		if [ -z "$step" ]; then
			# No Nth step: the operation ran to its end.
			[ $rc = 0 ] ||
				fail "$op: failed with no fault injected: $(cat /tmp/try.out)"
			steps=$(cat "$PARAMS/fault_steps")
			[ "$steps" = $((n - 1)) ] ||
				fail "$op: kgr counted $steps steps, the walk $((n - 1))"
			arm 0
			"${op}_undo"
			break
		fi
		if [ $rc = 0 ]; then
			tolerated "$op" "$step" ||
				fail "$op: step $n ($step) failed, yet the operation succeeded"
			survived=$((survived + 1))
			arm 0
			"${op}_undo"
			n=$((n + 1))
			continue
		fi
		err=$(sed -n 's/.*(errno \([0-9]*\))$/\1/p' /tmp/try.out)
		[ -n "$err" ] || fail "$op: step $n ($step): $(cat /tmp/try.out)"
		echo "$log" | grep -v "fault injected" |
			grep -qE "^$culprit.*: -$err\$" ||
			fail "$op: step $n ($step): no message \"$culprit ...: -$err\" in:
$log"
		after=$(state)
		if [ "$after" != "$before" ]; then
			echo "$before" > /tmp/before
			echo "$after" > /tmp/after
			diff /tmp/before /tmp/after
			fail "$op: step $n ($step) failed and left the state changed"
		fi
		pre=$(echo "$log" | grep -c "^kgr_test_fault_[a-z]*: pre_apply")
		post=$(echo "$log" | grep -c "^kgr_test_fault_[a-z]*: post_revert")
		[ "$pre" = "$post" ] ||
			fail "$op: step $n ($step): $pre pre_apply hooks ran, $post post_revert"
		hooks_undone=$((hooks_undone + pre))
		"${op}_do" 0 > /tmp/try.out 2>&1 ||
			fail "$op: failed again with no fault: $(cat /tmp/try.out)"
		"${op}_undo"
		failed=$((failed + 1))
		n=$((n + 1))
	done
	echo "$op: $((n - 1)) fallible steps: $failed failures refused cleanly, $survived survived; $hooks_undone pre_apply hooks undone"
}

# kgr.ko as an earlier test of this boot left it: loaded, without patches.
if grep -q "^kgr " /proc/modules; then
	rmmod kgr || fail "cannot unload the kgr.ko of an earlier test"
fi
walk init
insmod "$KO/kgr-fault.ko" || fail "insmod kgr-fault.ko failed"
insmod "$KO/$T.ko" || fail "insmod $T.ko failed"
walk apply
[ "$hooks_undone" -gt 0 ] || fail "apply: no failure after a pre_apply hook"
insmod "$KO/$P.ko" || fail "insmod $P.ko failed"
wait_applied $P
walk revert
walk replace
rmmod $T || fail "rmmod $T failed"
walk coming
revert_unload $P
rmmod kgr || fail "rmmod kgr failed"
