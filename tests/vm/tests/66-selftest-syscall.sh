# SPDX-License-Identifier: GPL-2.0-or-later
# tools/testing/selftests/livepatch/test-syscall.sh of Linux 6.12 on kgr:
# user tasks calling getpid() in a loop (kgr-call-getpid, the selftest's
# test_klp-call_getpid) while a patch of the getpid syscall applies. The
# transition must finish while they run, and every one of them must then
# run the new function. Beyond the selftest: the tasks still run while the
# patch reverts, that transition must finish too, after which nothing runs
# the new function; and every getpid() returned the caller's pid.
#
# It runs on single-threaded TCG: the function is hot on both vCPUs while
# ftrace pokes its fentry site, and with a thread per vCPU qemu now and
# then lets a vCPU run the int3 of text_poke_bp() after it was removed
# ("Oops: int3" at __do_sys_getpid+0x5 on 6.12, at the revert; see
# Documentation/consistency.rst and 21-migrate-torture.sh).
# timeout: 150
# qemu-accel: tcg,thread=single
. /tests/lib.sh

MOD_SYSCALL=kgr_test_klp_syscall
SYSFS=/sys/kernel/$MOD_SYSCALL
# The selftest starts one task per CPU (at most 128); more, on 2 vCPUs.
NTASKS=$(($(grep -c '^processor' /proc/cpuinfo) * 8))

# Wait until patch $1 has no transition running, at most $2 seconds by
# the clock: kgr_wait_transition counts its sleeps, which the hammering
# tasks stretch on single-threaded TCG past the test's timeout.
wait_transition()
{
	_end=$(($(date +%s) + $2))
	while [ "$(cat "$KGR/$1/transition")" = 1 ]; do
		[ "$(date +%s)" -lt "$_end" ] ||
			fail "transition of $1 did not finish in $2 s; blocking: $(cat "$KGR/$1/blocking")"
		sleep 0.1
	done
}

calls()
{
	cat $SYSFS/calls
}

# Fail unless every getpid task is still running.
tasks_alive()
{
	for _t in $tasks; do
		kill -0 "${_t%:*}" 2>/dev/null ||
			fail "getpid task ${_t%:*} ended $1: $(cat /tmp/getpid.${_t#*:})"
	done
}

load_kgr
# x86-64 traces the syscall's wrapper, as the selftest's module patches it.
grep -q ' __x64_sys_getpid$' /proc/kallsyms ||
	fail "no __x64_sys_getpid in /proc/kallsyms"

st_start "patch getpid syscall while being heavily hammered"

# The tasks, as PID:N (its output is /tmp/getpid.N).
tasks=
i=0
while [ $i -lt "$NTASKS" ]; do
	i=$((i + 1))
	kgr-call-getpid > /tmp/getpid.$i &
	tasks="$tasks $!:$i"
done
pid_list=$(for t in $tasks; do echo "${t%:*}"; done | paste -s -d ,)
# On a failure, leave no task hammering the next tests.
trap 'for t in $tasks; do kill "${t%:*}" 2>/dev/null; done' EXIT

st_load $MOD_SYSCALL klp_pids=$pid_list
wait_transition $MOD_SYSCALL 45
tasks_alive "before the transition finished"

# As the selftest's loop_until: every task has run the new function.
end=$(($(date +%s) + 10))
until grep -q '^0$' $SYSFS/npids || [ "$(date +%s)" -ge "$end" ]; do
	sleep 0.1
done
st_log "$MOD_SYSCALL: Remaining not livepatched processes: $(cat $SYSFS/npids)"

c1=$(calls)
sleep 0.3
c2=$(calls)
[ "$c2" -gt "$c1" ] || fail "the new getpid did not run while applied ($c1, then $c2)"

st_log "% echo 0 > $KGR/$MOD_SYSCALL/enabled"
echo 0 > $KGR/$MOD_SYSCALL/enabled || fail "revert of $MOD_SYSCALL refused"
wait_transition $MOD_SYSCALL 45
tasks_alive "before the revert finished"
c1=$(calls)
sleep 0.5
c2=$(calls)
[ "$c2" = "$c1" ] || fail "the new getpid ran after the revert ($c1, then $c2 calls)"

for t in $tasks; do
	kill -INT "${t%:*}"
done
for t in $tasks; do
	out=/tmp/getpid.${t#*:}
	wait "${t%:*}" || fail "getpid task ${t%:*}: $(cat $out)"
	grep -q '^[1-9][0-9]* iterations done$' $out ||
		fail "getpid task ${t%:*}: $(cat $out)"
done
st_unload $MOD_SYSCALL

st_check <<EOT
% insmod $MOD_SYSCALL klp_pids=$pid_list
kgr: $MOD_SYSCALL: applying
kgr: $MOD_SYSCALL: applied
$MOD_SYSCALL: Remaining not livepatched processes: 0
% echo 0 > $KGR/$MOD_SYSCALL/enabled
kgr: $MOD_SYSCALL: reverting
kgr: $MOD_SYSCALL: reverted
% rmmod $MOD_SYSCALL
EOT
exit 0
