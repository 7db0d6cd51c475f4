# SPDX-License-Identifier: GPL-2.0-or-later
# kgr_sample_static reaches static symbols of fs/inode.c through shims: the
# spare field of inode-state counts reads while it is applied, the numbers
# stay right, and all is as before once it is reverted and unloaded. Also
# the sysfs ABI of one patch, and that bad writes change nothing.
# timeout: 60
. /tests/lib.sh

P=kgr_sample_static
D=$KGR/$P

spare()
{
	set -- $(cat /proc/sys/fs/inode-state)
	echo "$3"
}

load_kgr
[ "$(spare)" = 0 ] || fail "inode-state spare field not 0 before the patch"
load $P
kgr_wait_transition $P

a=$(spare)
b=$(spare)
# Each read(2) calls the handler: a cat counts at least once.
[ "$a" -ge 1 ] || fail "spare field not counting reads: $a"
[ "$b" -gt "$a" ] || fail "spare field went from $a to $b"
set -- $(cat /proc/sys/fs/inode-nr)
[ "$1" -gt 0 ] || fail "inode-nr shows no inodes with the patch: $*"

# sysfs: the patch and its function, as /sys/kernel/livepatch has them.
[ "$(cat $D/enabled)" = 1 ] || fail "enabled is not 1"
[ "$(cat $D/transition)" = 0 ] || fail "transition is not 0 after the wait"
[ "$(cat $D/replace_all)" = 0 ] || fail "replace_all is not 0"
[ "$(cat $KGR/in_progress)" = 0 ] || fail "in_progress is not 0"
F=$D/vmlinux/proc_nr_inodes,1
[ -d "$F" ] || fail "no $F: $(ls -R $D)"
[ "$(cat $F/object)" = vmlinux ] || fail "object: $(cat $F/object)"
[ "$(cat $F/sympos)" = 0 ] || fail "sympos: $(cat $F/sympos)"
[ "$(cat $F/state)" = fast ] || fail "state after the transition: $(cat $F/state)"
addr=$(grep ' proc_nr_inodes$' /proc/kallsyms | cut -d' ' -f1)
[ "$(cat $F/old_addr)" = "0x$addr" ] ||
	fail "old_addr $(cat $F/old_addr) is not proc_nr_inodes at $addr"
[ -z "$(cat $D/blocking)" ] || fail "blocking not empty: $(cat $D/blocking)"

# Bad writes are refused and change nothing.
for bad in 2 maybe "" -1 " 1" x1; do
	if echo "$bad" > $D/enabled 2>/dev/null; then
		fail "enabled accepted '$bad'"
	fi
done
echo 1 > $D/enabled 2>/dev/null && fail "enabled accepted 1 on an enabled patch"
echo 1 > $D/force 2>/dev/null && fail "force accepted with no transition running"
echo x > $D/force 2>/dev/null && fail "force accepted 'x'"
echo 1 > $F/state 2>/dev/null && fail "state is writable"
[ "$(cat $D/enabled)" = 1 ] || fail "a refused write changed enabled"
[ "$(cat $D/transition)" = 0 ] || fail "a refused write started a transition"
[ "$(cat $F/state)" = fast ] || fail "a refused write changed the state"
c=$(spare)
[ "$c" -gt "$b" ] || fail "patch not in effect after refused writes"

kgr_revert $P $P
[ ! -d "$D" ] || fail "$D still there after rmmod"
[ "$(spare)" = 0 ] || fail "spare field not 0 after revert and rmmod"
[ "$(spare)" = 0 ] || fail "original proc_nr_inodes counts reads"
set -- $(cat /proc/sys/fs/inode-nr)
[ "$1" -gt 0 ] || fail "inode-nr shows no inodes after revert: $*"
exit 0
