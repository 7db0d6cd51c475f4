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
