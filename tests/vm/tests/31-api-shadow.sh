# SPDX-License-Identifier: GPL-2.0-or-later
# kgr_sample_shadow counts per task, in shadow variables, the reads of
# /proc/<pid>/personality; the post_revert hook frees what is left, so
# kgr.ko finds nothing to free when it is unloaded.
# timeout: 60
. /tests/lib.sh

P=kgr_sample_shadow

reads()
{
	sed -n 's/^reads: //p' /proc/$1/personality
}

load_kgr
load $P
kgr_wait_transition $P
for f in proc_pid_personality exit_task_namespaces; do
	[ "$(cat "$KGR/$P/vmlinux/$f,1/state")" = fast ] ||
		fail "no fast $f in one vmlinux directory: $(ls -R $KGR/$P)"
done

sleep 1000 &
a=$!
sleep 1000 &
b=$!
[ "$(reads $a)" = 1 ] || fail "first read of $a: $(cat /proc/$a/personality)"
[ "$(reads $a)" = 2 ] || fail "second read of $a is not 2"
[ "$(reads $b)" = 1 ] || fail "task $b does not have its own count"
[ "$(reads $a)" = 3 ] || fail "count of $a disturbed by $b"
[ "$(head -n 1 /proc/$a/personality)" = 00000000 ] ||
	fail "personality line changed: $(cat /proc/$a/personality)"

# New tasks start at 1, also one that reuses an exited task's task_struct.
kill $a
wait $a 2>/dev/null
for i in 1 2 3 4 5; do
	sleep 1000 &
	c=$!
	[ "$(reads $c)" = 1 ] || fail "new task $c starts at $(reads $c)"
	kill $c
	wait $c 2>/dev/null
done

kgr_revert $P $P
[ "$(cat /proc/$b/personality)" = 00000000 ] ||
	fail "personality after revert: $(cat /proc/$b/personality)"
kill $b
wait $b 2>/dev/null

# kgr.ko frees and counts leftovers when it goes; it can only go when no
# other patch module (of an earlier, failed test) still uses it.
[ -z "$(ls /sys/module/kgr/holders)" ] ||
	fail "cannot check for leftovers: kgr used by $(ls /sys/module/kgr/holders)"
rmmod kgr || fail "rmmod kgr failed"
dmesg | grep -q "shadow variables were never freed" &&
	fail "shadow variables left over: $(dmesg | grep 'never freed')"
exit 0
