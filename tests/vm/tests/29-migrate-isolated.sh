# SPDX-License-Identifier: GPL-2.0-or-later
# An isolated CPU gets no rounds of IPIs. With CPU 1 isolated, a kthread
# bound there spins inside the patched function for 3 s: it holds the
# transition and no check can move it. The function
# tracer counts kgr_ipi_check on CPU 1: at most one per migrate_signal_ms
# (1 s here), where a CPU that is not isolated gets one every round, after
# 1, 2, 4, ... jiffies up to migrate_period_ms (20 ms).
# Then the kthread spins in calls of 20 ms back to back: with
# migrate_on_entry off it holds the transition as before; switched on, it
# moves at its next entry into the function and runs the new one while
# still spinning.
# kernel-cmdline: isolcpus=1
# timeout: 120
. /tests/lib.sh

TR=/sys/kernel/tracing
T=kgr_test_spin
P=kgr_test_spin_patch
PARAMS=/sys/module/kgr/parameters

# Start the spinner ($1 ms) and wait until it is inside the function, so
# that the patch finds it there.
spin()
{
	echo "$1" > /sys/module/$T/parameters/spin_ms || fail "cannot start the spinner"
	_t=50
	until dmesg | sed -n "/$2/,\$p" | grep -q "kgr_test_spin: spinning"; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || fail "the spinner did not start"
		sleep 0.1
	done
	sleep 0.2
}

grep -q 1 /sys/devices/system/cpu/isolated ||
	fail "CPU 1 is not isolated: '$(cat /sys/devices/system/cpu/isolated)'"
load_kgr
load $T
echo 1000 > "$PARAMS/migrate_signal_ms" || fail "cannot set migrate_signal_ms"
echo kgr_ipi_check > "$TR/set_ftrace_filter" || fail "kgr_ipi_check cannot be traced"
echo function > "$TR/current_tracer"
echo > "$TR/trace"
echo "kgr-test: spinning once" > /dev/kmsg
spin 3000 "kgr-test: spinning once"
start=$(cut -d' ' -f1 /proc/uptime)
load $P
sleep 1
[ "$(cat "$KGR/$P/transition")" = 1 ] ||
	fail "the transition did not wait for the spinning kthread"
kgr_wait_transition $P 30
end=$(cut -d' ' -f1 /proc/uptime)
# The spinner left the old function before the transition could end.
dmesg | grep -E "kgr_test_spin: spun|kgr: $P: applied" | head -n 1 |
	grep -q "spun" || fail "the transition ended while the kthread spun"
# Count before switching the tracer off: that empties the buffer.
echo 0 > "$TR/tracing_on"
on1=$(grep -c '\[001\].*kgr_ipi_check' "$TR/trace")
echo nop > "$TR/current_tracer"
echo > "$TR/set_ftrace_filter"
echo 1 > "$TR/tracing_on"
# One check per started second of the transition, plus one of slack.
max=$(awk -v s="$start" -v e="$end" 'BEGIN { print int(e - s) + 2 }')
echo "transition $start..$end s: $on1 IPI checks on isolated CPU 1 (at most $max)"
[ "$on1" -le "$max" ] || fail "CPU 1 got $on1 IPI checks, more than $max"
kgr_revert $P $P
rmmod $T || fail "rmmod $T failed"

echo "kgr-test: spinning in chunks" > /dev/kmsg
echo N > "$PARAMS/migrate_on_entry" || fail "cannot set migrate_on_entry"
insmod "$KO/$T.ko" chunk_ms=20 || fail "insmod $T.ko chunk_ms=20 failed"
spin 10000 "kgr-test: spinning in chunks"
load $P
sleep 2
[ "$(cat "$KGR/$P/transition")" = 1 ] ||
	fail "the transition did not wait for the spinner with migrate_on_entry off"
expect_contains "$(cat "$KGR/$P/blocking")" kgr_test_spin
echo Y > "$PARAMS/migrate_on_entry"
kgr_wait_transition $P 3
dmesg | sed -n '/kgr-test: spinning in chunks/,$p' |
	grep -E "kgr_test_spin: spun|kgr_test_spin_patch: the new loop runs" |
	head -n 1 | grep -q "new loop" ||
	fail "the spinner did not run the new function before it stopped spinning"
echo 200 > "$PARAMS/migrate_signal_ms"
kgr_revert $P $P
rmmod $T || fail "rmmod $T failed"
