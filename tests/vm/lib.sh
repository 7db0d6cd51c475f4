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

# The torture test's user callers: two loops reading /proc/kgr_torture.
torture_start()
{
	load kgr_test_torture
	rm -f /tmp/torture_stop
	for _i in 1 2; do
		( while [ ! -e /tmp/torture_stop ]; do
			cat /proc/kgr_torture > /dev/null
		done ) &
	done
}

# Stop the callers and fail if any pair mixed old and new code, or if the
# cycles never ran one of the two versions.
torture_check()
{
	touch /tmp/torture_stop
	wait
	_counts=$(cat /proc/kgr_torture)
	echo "$_counts"
	rmmod kgr_test_torture || fail "rmmod kgr_test_torture failed"
	set -- $_counts
	[ "$1 $3 $5" = "old new mixed" ] || fail "unexpected /proc/kgr_torture: $_counts"
	[ "$6" = 0 ] || fail "$6 pairs mixed old and new code: $_counts"
	[ "$2" -gt 0 ] || fail "no pair ran the old code: $_counts"
	[ "$4" -gt 0 ] || fail "no pair ran the new code: $_counts"
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
