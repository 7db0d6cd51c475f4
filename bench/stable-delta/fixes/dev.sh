# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/core/dev.c
# function: dev_change_tx_queue_len
# effect: writing 40000 to /sys/class/net/lo/tx_queue_len: the fix
#   refuses a length above S16_MAX (ERANGE); before it, 40000 is taken.
#   klp-ccp calls the file NOT PATCHABLE (flush_all_backlogs, inlined,
#   has a static local), so no patch is expected here.
probe()
{
	_q=$(cat /sys/class/net/lo/tx_queue_len)
	kgr-try write /sys/class/net/lo/tx_queue_len 40000 2> /dev/null
	echo "errno=$? len=$(cat /sys/class/net/lo/tx_queue_len)"
	echo "$_q" > /sys/class/net/lo/tx_queue_len
}
OLD='errno=0 len=40000'
NEW='errno=34 len=*'
