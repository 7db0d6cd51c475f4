# SPDX-License-Identifier: GPL-2.0-or-later
# An isolated CPU gets no rounds of IPIs: with CPU 1 isolated, a task
# spinning there in user mode (no system call moves it) holds the
# transition until it is checked once per migrate_signal_ms. The function
# tracer counts kgr_ipi_check on each CPU: at least one on CPU 1 (what
# moved the task), and no more than the signal period allows; a
# non-isolated CPU would get one every round, after 1, 2, 4... jiffies.
# kernel-cmdline: isolcpus=1
# timeout: 120
. /tests/lib.sh

TR=/sys/kernel/tracing
P=kgr_sample_cmdline
PARAMS=/sys/module/kgr/parameters

grep -q 1 /sys/devices/system/cpu/isolated || fail "CPU 1 is not isolated: $(cat /sys/devices/system/cpu/isolated)"
load_kgr
echo 1000 > "$PARAMS/migrate_signal_ms" || fail "cannot set migrate_signal_ms"
taskset -c 1 sh -c 'while :; do :; done' &
spin=$!
sleep 1
echo kgr_ipi_check > "$TR/set_ftrace_filter" || fail "kgr_ipi_check cannot be traced"
echo function > "$TR/current_tracer"
echo > "$TR/trace"
start=$(cut -d' ' -f1 /proc/uptime)
load $P
kgr_wait_transition $P 30
end=$(cut -d' ' -f1 /proc/uptime)
echo nop > "$TR/current_tracer"
echo > "$TR/set_ftrace_filter"
kill $spin
on1=$(grep -c '\[001\].*kgr_ipi_check' "$TR/trace")
# One check per started second of the transition, plus one of slack.
max=$(awk -v s="$start" -v e="$end" 'BEGIN { print int(e - s) + 2 }')
echo "transition $start..$end s: $on1 IPI checks on isolated CPU 1 (at most $max)"
[ "$on1" -ge 1 ] || fail "the task spinning on CPU 1 moved with no check there"
[ "$on1" -le "$max" ] || fail "CPU 1 got $on1 IPI checks, more than $max"
kgr_revert $P $P
echo 200 > "$PARAMS/migrate_signal_ms"
