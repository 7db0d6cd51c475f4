# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of bench/transition: the time from apply to finalize, kgr
# (kgr_sample_uptime) against the kernel's livepatch (kgr_test_klp, on
# another function), alternately in one boot, with 1000 sleeping tasks, a
# CPU-bound user task and looping kthreads (kgr_test_torture) around.
# Prints "RESULT kgr|klp <ms>" per round; times come from the kernel log.
# Single-threaded TCG: see tests/vm/tests/21-migrate-torture.sh.
# timeout: 300
# qemu-accel: tcg,thread=single
. /tests/lib.sh

ROUNDS=${ROUNDS:-5}

# Microseconds of the first kernel log line matching $1 after marker $2.
log_us()
{
	dmesg | sed -n "/$2/,\$p" | grep -m 1 "$1" |
		sed 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1\2/'
}

# Apply with insmod $1, wait for the log line $2; revert with $3; $4 names
# the result; $5, a log line printed once the transition has started (kgr
# prints it after its first round of stack checks).
measure()
{
	marker="bench-$1-$i"
	# The marker's log time is the start: nothing but insmod after it.
	echo "$marker" > /dev/kmsg
	insmod "$KO/$1.ko" || fail "insmod $1 failed"
	t0=$(log_us "$marker" "$marker")
	n=0
	while [ -z "$(log_us "$2" "$marker")" ]; do
		n=$((n + 1))
		[ $n -lt 3000 ] || fail "$1: no '$2' in the log"
		sleep 0.01
	done
	t1=$(log_us "$2" "$marker")
	echo "RESULT $4 $(( (t1 - t0) / 1000 ))"
	[ -z "$5" ] || echo "DETAIL $4: '$5' after $(( ($(log_us "$5" "$marker") - t0) / 1000 )) ms"
	eval "$3"
}

load_kgr
load kgr_test_torture
i=0
while [ $i -lt 1000 ]; do
	sleep 100000 &
	i=$((i + 1))
done
( while :; do :; done ) &
spinner=$!
sleep 2

i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	measure kgr_sample_uptime "kgr_sample_uptime: applied" \
		"kgr_revert kgr_sample_uptime kgr_sample_uptime" kgr \
		"kgr_sample_uptime: applying"
	measure kgr_test_klp "kgr_test_klp': patching complete" \
		"klp_remove kgr_test_klp" klp \
		"kgr_test_klp': starting patching transition"
done
kill $spinner
rmmod kgr_test_torture
