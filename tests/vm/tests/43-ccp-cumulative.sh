# SPDX-License-Identifier: GPL-2.0-or-later
# A cumulative patch written by klp-ccp supersedes the earlier one
# (tools/klp-ccp/tests/vm-samples.sh): kgr_ccp_cumul_1 is fix A alone
# (/proc/execdomains also lists Linux32), kgr_ccp_cumul_2 is --cumulative
# with fixes A and B (/proc/dma also lists the free channels, read through
# a shim of the static dma_chan_busy) and --supersedes kgr_ccp_cumul_1.
# Once patch 2's transition is over, A and B are both seen, patch 1 shows
# as replaced (not enabled, its object not patched, its function back to
# "init", "replaced by" in the log, no re-enabling) and its module can go
# with A staying; reverting patch 2 gives back the original files.
# timeout: 90
. /tests/lib.sh

P1=kgr_ccp_cumul_1
P2=kgr_ccp_cumul_2
A="8-8	Linux32         	[kernel]"

[ "$(kver)" = 6.1 ] || skip "klp-ccp patches are generated for the 6.1 sources only"
for p in $P1 $P2; do
	[ -f "$KO/$p.ko" ] || fail "$p.ko missing: klp-ccp generation failed (see the prebuild output)"
done
exec_orig=$(cat /proc/execdomains)
dma_orig=$(cat /proc/dma)
expect_not_contains "$exec_orig" Linux32
expect_not_contains "$dma_orig" free
[ -n "$dma_orig" ] || fail "no busy DMA channel: fix B's shim of dma_chan_busy would read nothing"

# /proc/dma as fix B prints it: the busy channels as before, the others free.
dma_fixed=$(i=0
	while [ $i -lt 8 ]; do
		echo "$dma_orig" | grep "^ $i: " || echo " $i: free"
		i=$((i + 1))
	done)

# expect_files <what> <execdomains> <dma>: both /proc files read so.
expect_files()
{
	[ "$(cat /proc/execdomains)" = "$2" ] ||
		fail "$1: /proc/execdomains reads: $(cat /proc/execdomains)"
	[ "$(cat /proc/dma)" = "$3" ] || fail "$1: /proc/dma reads: $(cat /proc/dma)"
}

# fun_state <patch> <function>: the state of the patch's function.
fun_state()
{
	cat "$KGR/$1/vmlinux/$2,1/state" 2>/dev/null || echo "(no $KGR/$1/vmlinux/$2,1)"
}

load_kgr
load $P1
kgr_wait_transition $P1
expect_files "patch 1 (A)" "$exec_orig
$A" "$dma_orig"
[ "$(cat $KGR/$P1/replace_all)" = 0 ] || fail "$P1 is replace_all"

load $P2
kgr_wait_transition $P2 30
expect_files "patch 2 (A and B)" "$exec_orig
$A" "$dma_fixed"
[ "$(cat $KGR/$P2/replace_all)" = 1 ] || fail "$P2 is not replace_all"
[ "$(cat $KGR/$P2/enabled)" = 1 ] || fail "$P2 is not enabled"
for f in execdomains_proc_show proc_dma_show; do
	[ "$(fun_state $P2 $f)" = fast ] || fail "$P2's $f is $(fun_state $P2 $f), not fast"
done
[ "$(cat $KGR/$P1/enabled)" = 0 ] || fail "$P1 still enabled: not replaced"
[ "$(cat $KGR/$P1/transition)" = 0 ] || fail "$P1 in a transition"
[ "$(cat $KGR/$P1/vmlinux/patched)" = 0 ] || fail "$P1's vmlinux still patched"
[ "$(fun_state $P1 execdomains_proc_show)" = init ] ||
	fail "$P1's execdomains_proc_show is $(fun_state $P1 execdomains_proc_show), not init"
dmesg | grep -q "kgr: $P1: replaced by $P2$" || fail "no \"$P1: replaced by $P2\" in the log"
if echo 1 > $KGR/$P1/enabled 2>/dev/null; then
	fail "the replaced $P1 was enabled again"
fi
rmmod $P1 || fail "the replaced $P1 cannot be unloaded"
[ ! -d $KGR/$P1 ] || fail "$KGR/$P1 left after its rmmod"
expect_files "patch 2 alone" "$exec_orig
$A" "$dma_fixed"

kgr_revert $P2 $P2
[ ! -d $KGR/$P2 ] || fail "$KGR/$P2 left after its rmmod"
expect_files "reverted" "$exec_orig" "$dma_orig"
