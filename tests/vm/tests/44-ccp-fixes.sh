# SPDX-License-Identifier: GPL-2.0-or-later
# Five fixes extracted by klp-ccp at build time, one patch each, from
# tools/klp-ccp/tests/diffs/vm-fix-*.diff (tools/klp-ccp/tests/vm-samples.sh).
# For each: the old behaviour, the fixed one while its patch is applied,
# and the old one again once the patch is reverted and unloaded.
#   kgr_ccp_pipe       fs/pipe.c do_proc_dopipe_max_size_conv (static):
#                      fs.pipe-max-size refuses a size below a page
#                      instead of raising it to 4096
#   kgr_ccp_overcommit mm/util.c overcommit_ratio_handler:
#                      vm.overcommit_ratio refuses a negative ratio
#   kgr_ccp_flowlimit  net/core/sysctl_net_core.c flow_limit_table_len_sysctl:
#                      net.core.flow_limit_table_len refuses more than 2^20;
#                      it locks the static flow_limit_update_mutex (a shim)
#   kgr_ccp_taint      kernel/sysctl.c proc_taint (static): kernel.tainted
#                      refuses flags that do not exist instead of ignoring
#                      them
#   kgr_ccp_devkmsg    kernel/printk/printk.c devkmsg_sysctl_set_loglvl:
#                      kernel.printk_devkmsg takes "on" without a newline;
#                      it calls the static __control_devkmsg and reads the
#                      static devkmsg_log through shims
# timeout: 240
. /tests/lib.sh

[ "$(kver)" = 6.1 ] || skip "klp-ccp patches are generated for the 6.1 sources only"
for p in kgr_ccp_pipe kgr_ccp_overcommit kgr_ccp_flowlimit kgr_ccp_taint \
	 kgr_ccp_devkmsg; do
	[ -f "$KO/$p.ko" ] || fail "$p.ko missing: klp-ccp generation failed (see the prebuild output)"
done
command -v kgr-try > /dev/null || fail "kgr-try is not in the initramfs"

# try <file> <value>: one write(2) of <value>, without a newline; prints
# its errno, 0 if it succeeded.
try()
{
	kgr-try write "$1" "$2" 2> /dev/null
	echo $?
}

# expect <when> <what> <seen> <expected>
expect()
{
	[ "$3" = "$4" ] || fail "$1: $2: $3, expected $4"
}

PIPE=/proc/sys/fs/pipe-max-size
pipe_orig=$(cat $PIPE)

pipe_old()
{
	expect "$1" "write of 100 to $PIPE, errno" "$(try $PIPE 100)" 0
	expect "$1" "$PIPE after 100" "$(cat $PIPE)" 4096
	echo "$pipe_orig" > $PIPE
}

pipe_new()
{
	expect "$1" "write of 100 to $PIPE, errno" "$(try $PIPE 100)" 22
	expect "$1" "$PIPE after the refused 100" "$(cat $PIPE)" "$pipe_orig"
	expect "$1" "write of 65536 to $PIPE, errno" "$(try $PIPE 65536)" 0
	expect "$1" "$PIPE after 65536" "$(cat $PIPE)" 65536
	echo "$pipe_orig" > $PIPE
}

RATIO=/proc/sys/vm/overcommit_ratio
ratio_orig=$(cat $RATIO)

overcommit_old()
{
	expect "$1" "write of -5 to $RATIO, errno" "$(try $RATIO -5)" 0
	expect "$1" "$RATIO after -5" "$(cat $RATIO)" -5
	echo "$ratio_orig" > $RATIO
}

overcommit_new()
{
	expect "$1" "write of -5 to $RATIO, errno" "$(try $RATIO -5)" 22
	expect "$1" "$RATIO after the refused -5" "$(cat $RATIO)" "$ratio_orig"
	expect "$1" "write of 60 to $RATIO, errno" "$(try $RATIO 60)" 0
	expect "$1" "$RATIO after 60" "$(cat $RATIO)" 60
	echo "$ratio_orig" > $RATIO
}

FLOW=/proc/sys/net/core/flow_limit_table_len
flow_orig=$(cat $FLOW)
flow_big=1073741824

flowlimit_old()
{
	expect "$1" "write of 1000 to $FLOW, errno" "$(try $FLOW 1000)" 22
	expect "$1" "write of $flow_big to $FLOW, errno" "$(try $FLOW $flow_big)" 0
	expect "$1" "$FLOW after $flow_big" "$(cat $FLOW)" $flow_big
	echo "$flow_orig" > $FLOW
}

flowlimit_new()
{
	expect "$1" "write of 1000 to $FLOW, errno" "$(try $FLOW 1000)" 22
	expect "$1" "write of $flow_big to $FLOW, errno" "$(try $FLOW $flow_big)" 22
	expect "$1" "$FLOW after the refused $flow_big" "$(cat $FLOW)" "$flow_orig"
	expect "$1" "write of 8192 to $FLOW, errno" "$(try $FLOW 8192)" 0
	expect "$1" "$FLOW after 8192" "$(cat $FLOW)" 8192
	echo "$flow_orig" > $FLOW
}

# Flag 19 does not exist in 6.1 (TAINT_FLAGS_COUNT): writing it adds no
# taint, before the fix as after it.
TAINT=/proc/sys/kernel/tainted
taint_bad=524288

taint_old()
{
	_t=$(cat $TAINT)
	expect "$1" "write of $taint_bad to $TAINT, errno" "$(try $TAINT $taint_bad)" 0
	expect "$1" "$TAINT after $taint_bad" "$(cat $TAINT)" "$_t"
}

taint_new()
{
	_t=$(cat $TAINT)
	expect "$1" "write of $taint_bad to $TAINT, errno" "$(try $TAINT $taint_bad)" 22
	expect "$1" "write of the taint $_t to $TAINT, errno" "$(try $TAINT "$_t")" 0
	expect "$1" "$TAINT after $taint_bad and $_t" "$(cat $TAINT)" "$_t"
}

DEVKMSG=/proc/sys/kernel/printk_devkmsg
devkmsg_orig=$(cat $DEVKMSG)

devkmsg_old()
{
	expect "$1" "write of \"on\" to $DEVKMSG, errno" "$(try $DEVKMSG on)" 22
	expect "$1" "$DEVKMSG after the refused \"on\"" "$(cat $DEVKMSG)" "$devkmsg_orig"
}

devkmsg_new()
{
	expect "$1" "write of \"on\" to $DEVKMSG, errno" "$(try $DEVKMSG on)" 0
	expect "$1" "$DEVKMSG after \"on\"" "$(cat $DEVKMSG)" on
	expect "$1" "write of \"onion\" to $DEVKMSG, errno" "$(try $DEVKMSG onion)" 22
	expect "$1" "$DEVKMSG after the refused \"onion\"" "$(cat $DEVKMSG)" on
	echo "$devkmsg_orig" > $DEVKMSG
	expect "$1" "$DEVKMSG after \"$devkmsg_orig\"" "$(cat $DEVKMSG)" "$devkmsg_orig"
}

[ "$devkmsg_orig" != on ] || fail "printk_devkmsg is already \"on\""

# fix <patch> <check>: <check>_old, <check>_new while the patch is applied,
# <check>_old again once it is reverted and unloaded.
fix()
{
	"$2_old" "before $1"
	load "$1"
	kgr_wait_transition "$1" 30
	"$2_new" "$1 applied"
	kgr_revert "$1" "$1"
	"$2_old" "$1 reverted"
	echo "$1: ok"
}

load_kgr
fix kgr_ccp_pipe pipe
fix kgr_ccp_overcommit overcommit
fix kgr_ccp_flowlimit flowlimit
fix kgr_ccp_taint taint
fix kgr_ccp_devkmsg devkmsg
