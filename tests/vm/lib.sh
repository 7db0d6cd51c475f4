# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the VM test scripts (busybox sh, in the guest): . /tests/lib.sh
# A test exits 0 to pass, 77 to skip, anything else to fail.

KGR=/sys/kernel/kgr
KO=/kgr

fail()
{
	echo "FAIL: $*"
	exit 1
}

skip()
{
	echo "SKIP: $*"
	exit 77
}

# "6.1" or "6.12": the kernel the test runs on.
kver()
{
	uname -r | sed 's/^\([0-9]*\.[0-9]*\).*/\1/'
}

load_kgr()
{
	[ -d "$KGR" ] && return 0
	insmod "$KO/kgr.ko" || fail "insmod kgr.ko failed"
	[ -d "$KGR" ] || fail "kgr.ko loaded but $KGR is missing"
}

# insmod that must succeed.
load()
{
	insmod "$KO/$1.ko" || fail "insmod $1.ko failed"
}

# insmod that must fail; prints nothing on the expected failure.
load_must_fail()
{
	if insmod "$KO/$1.ko" 2>/dev/null; then
		rmmod "$1"
		fail "insmod $1.ko succeeded but should have been refused"
	fi
}

# Wait until patch $1 has no transition running (at most $2 seconds).
kgr_wait_transition()
{
	_p=$1
	_t=$(( ${2:-10} * 10 ))
	while [ "$(cat "$KGR/$_p/transition" 2>/dev/null)" = 1 ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "transition of $_p did not finish; blocking: $(cat "$KGR/$_p/blocking" 2>/dev/null)"
		sleep 0.1
	done
}

# 0 once patch $1's transition reads 0, within 30 s; 1 if it does not.
kgr_settled()
{
	_t=300
	while [ "$(cat "$KGR/$1/transition" 2>/dev/null)" != 0 ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || return 1
		sleep 0.1
	done
}

# Wait until kgr.ko's background work on the direct path is done (it
# moves addresses to and from it and detaches the direct calls of
# addresses that went) and, unless the path is switched off, every
# function that is "fast" is called directly (10 s at most each).
kgr_wait_direct()
{
	_t=100
	# The background work: addresses to move, direct calls to detach.
	while [ "$(cat /sys/module/kgr/parameters/direct_pending 2>/dev/null || echo 0)" != 0 ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "kgr's direct path work is still pending: $(cat /sys/module/kgr/parameters/direct_pending)"
		sleep 0.1
	done
	[ "$(cat /sys/module/kgr/parameters/direct 2>/dev/null)" = Y ] || return 0
	_t=100
	for _f in "$KGR"/*/*/*/state; do
		[ -f "$_f" ] && [ "$(cat "$_f")" = fast ] || continue
		until [ "$(cat "${_f%/state}/direct")" = 1 ]; do
			_t=$((_t - 1))
			[ "$_t" -gt 0 ] || fail "${_f%/state} is not called directly"
			sleep 0.1
		done
	done
}

# Revert patch $1, wait for the transition and unload its module $2.
kgr_revert()
{
	echo 0 > "$KGR/$1/enabled" || fail "revert of $1 refused"
	kgr_wait_transition "$1"
	[ -z "$2" ] || rmmod "$2" || fail "rmmod $2 failed after revert"
}

# Fail unless "$1" contains "$2".
expect_contains()
{
	case "$1" in
	*"$2"*) ;;
	*) fail "expected '$2' in: $1" ;;
	esac
}

expect_not_contains()
{
	case "$1" in
	*"$2"*) fail "did not expect '$2' in: $1" ;;
	*) ;;
	esac
}

# Wait until the kernel livepatch $1 has no transition running (30 s).
klp_wait()
{
	_t=300
	while [ "$(cat "/sys/kernel/livepatch/$1/transition" 2>/dev/null)" = 1 ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "klp transition of $1 did not finish"
		sleep 0.1
	done
}

# Disable the kernel livepatch $1 and unload its module, named the same.
klp_remove()
{
	echo 0 > "/sys/kernel/livepatch/$1/enabled" || fail "klp disable of $1 refused"
	klp_wait "$1"
	_t=100
	until rmmod "$1" 2>/dev/null; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "rmmod $1 failed"
		sleep 0.1
	done
}

# The torture tests' callers: kgr_test_torture's kthreads (with its module
# parameters "$@", e.g. hot=1) and two user loops reading /proc/kgr_torture.
torture_start()
{
	insmod "$KO/kgr_test_torture.ko" "$@" || fail "insmod kgr_test_torture.ko failed"
	rm -f /tmp/torture_stop
	for _i in 1 2; do
		( while [ ! -e /tmp/torture_stop ]; do
			cat /proc/kgr_torture > /dev/null
		done ) &
	done
}

# Stop the callers and fail if any pair mixed two versions of the code, or
# if one of the versions "$@" (1: the original, N: kgr_test_torture_vN)
# never ran.
torture_check()
{
	touch /tmp/torture_stop
	wait
	_counts=$(cat /proc/kgr_torture)
	echo "torture: $_counts"
	rmmod kgr_test_torture || fail "rmmod kgr_test_torture failed"
	_mixed=$(echo "$_counts" | sed -n 's/.*mixed \([0-9]*\).*/\1/p')
	[ -n "$_mixed" ] || fail "unexpected /proc/kgr_torture: $_counts"
	[ "$_mixed" = 0 ] || fail "$_mixed pairs mixed two versions: $_counts"
	for _v in "$@"; do
		_n=$(echo "$_counts" | sed -n "s/.*v$_v \([0-9]*\).*/\1/p")
		[ "${_n:-0}" -gt 0 ] || fail "no pair ran version $_v: $_counts"
	done
}

# Wait until task $1 sleeps in kernel function $2 (at most 5 s).
wait_wchan()
{
	_n=50
	while [ "$(cat "/proc/$1/wchan" 2>/dev/null)" != "$2" ]; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || fail "task $1 never slept in $2: $(cat "/proc/$1/wchan" 2>/dev/null)"
		sleep 0.1
	done
}

# Revert torture patch $1 while the pair is hot, and rmmod it as soon as
# the patch's transition file (or, with $2 = in_progress, kgr's) reads 0:
# no task can run its code any more, so the module must go at once.
torture_revert_rmmod()
{
	echo 0 > "$KGR/$1/enabled" || fail "revert of $1 refused"
	if [ "$2" = in_progress ]; then
		_t=1200
		while [ "$(cat $KGR/in_progress)" = 1 ]; do
			_t=$((_t - 1))
			[ "$_t" -gt 0 ] || fail "in_progress stayed 1 reverting $1"
			sleep 0.1
		done
	else
		kgr_wait_transition "$1" 120
	fi
	rmmod "$1" || fail "rmmod $1 failed right after its revert ended ($2)"
}

# The stacked torture: with kgr_test_torture hot, $1 cycles of: apply v3 on
# top of kgr_test_torture_patch (v2), apply v4 on v3 (reverted midway on
# odd cycles), revert and rmmod v4 at once, then v3; every third cycle also
# reverts and re-applies v2, the first patch of the pair. The ftrace hooks
# of the pair stay registered otherwise (qemu's multi-threaded TCG can run
# an int3 that text_poke has already removed: patching live text is kept
# rare). The function tracer traces the pair too, registered before kgr:
# its handler runs after kgr's, between kgr's choice of the pair and the
# start of the chosen one, where no task may change universe. No pair may
# mix two versions.
torture_stacked()
{
	_cycles=$1
	_tr=/sys/kernel/tracing
	load_kgr
	echo 'kgr_torture_pair:mod:kgr_test_torture' > $_tr/set_ftrace_filter ||
		fail "cannot trace kgr_torture_pair"
	echo function > $_tr/current_tracer || fail "no function tracer"
	torture_start hot=1
	load kgr_test_torture_patch
	kgr_wait_transition kgr_test_torture_patch 120
	_i=0
	while [ $_i -lt "$_cycles" ]; do
		_i=$((_i + 1))
		load kgr_test_torture_v3
		kgr_wait_transition kgr_test_torture_v3 120
		load kgr_test_torture_v4
		if [ $((_i % 2)) = 1 ]; then
			echo 0 > $KGR/kgr_test_torture_v4/enabled ||
				fail "reversal of v4 refused"
			kgr_wait_transition kgr_test_torture_v4 120
			rmmod kgr_test_torture_v4 ||
				fail "rmmod v4 failed right after its reversal"
		else
			kgr_wait_transition kgr_test_torture_v4 120
			torture_revert_rmmod kgr_test_torture_v4 in_progress
		fi
		torture_revert_rmmod kgr_test_torture_v3 transition
		if [ $((_i % 3)) = 0 ]; then
			torture_revert_rmmod kgr_test_torture_patch transition
			load kgr_test_torture_patch
			kgr_wait_transition kgr_test_torture_patch 120
		fi
	done
	torture_revert_rmmod kgr_test_torture_patch in_progress
	torture_check 1 2 3 4
	echo nop > $_tr/current_tracer
	echo > $_tr/set_ftrace_filter
}

# The livepatch selftests' functions.sh (tools/testing/selftests/livepatch
# of Linux 6.1), for kgr. Every step logs its command to the kernel log as
# "% ...", as there, so that st_check compares the commands and the
# messages they caused, in order.
st_log()
{
	echo "$*" > /dev/kmsg
}

# Start scenario $1: st_check reads the log from here.
st_start()
{
	ST_MARK="kgr-selftest: $1"
	echo "== $1"
	st_log "$ST_MARK"
}

# insmod $1 with the parameters "$2..." that must succeed.
st_load()
{
	_m=$1
	shift
	st_log "% insmod $_m${*:+ $*}"
	insmod "$KO/$_m.ko" "$@" || fail "insmod $_m.ko $* failed"
}

# st_load of patch module $1, then wait for its transition.
st_load_lp()
{
	st_load "$@"
	kgr_wait_transition "$1" 30
}

# insmod that must fail; its error goes to the log, as modprobe's there.
st_load_failing()
{
	_m=$1
	shift
	st_log "% insmod $_m${*:+ $*}"
	if _out=$(insmod "$KO/$_m.ko" "$@" 2>&1); then
		rmmod "$_m"
		fail "insmod $_m.ko $* succeeded but should have been refused"
	fi
	st_log "$(echo "$_out" | head -n 1)"
}

# Revert patch $1 and wait for the end of the transition.
st_disable()
{
	st_log "% echo 0 > $KGR/$1/enabled"
	echo 0 > "$KGR/$1/enabled" || fail "revert of $1 refused"
	kgr_wait_transition "$1" 30
}

st_unload()
{
	st_log "% rmmod $1"
	rmmod "$1" || fail "rmmod $1 failed"
}

# Wait until patch $1's transition runs (at most 10 s).
st_wait_in_transition()
{
	_t=100
	until [ "$(cat "$KGR/$1/transition" 2>/dev/null)" = 1 ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "transition of $1 did not stall"
		sleep 0.1
	done
}

# The kernel log of the scenario (the commands, kgr's messages, those of
# the kgr_test_klp_* modules, insmod's errors and sysctl values) must be
# stdin; on a mismatch, print a unified diff and fail.
st_check()
{
	cat > /tmp/st_expect
	dmesg | sed 's/^\[[ 0-9.]*\] //' |
		sed -n "\\|^$ST_MARK\$|,\$p" | sed 1d |
		grep -e '^% ' -e '^kgr: ' -e '^kgr_test_klp' -e '^insmod: ' \
			-e '^kernel\.' |
		grep -v -e 'taints kernel' -e 'tainting kernel' \
			-e 'verification failed' > /tmp/st_result
	if ! cmp -s /tmp/st_expect /tmp/st_result; then
		diff -u /tmp/st_expect /tmp/st_result
		fail "$ST_MARK: kernel log differs from the expected one"
	fi
	echo ok
}
