# SPDX-License-Identifier: GPL-2.0-or-later
# file: fs/notify/fanotify/fanotify_user.c
# function: fanotify_ioctl
# effect: FIONREAD on a FAN_REPORT_PIDFD group with one FAN_OPEN event:
#   the fix counts the event's info records, 32 bytes as read() returns;
#   before it, 24 (FAN_EVENT_METADATA_LEN) per event.
probe()
{
	echo kgr > /tmp/kgr-fanotify
	kgr-fixprobe fanotify-fionread /tmp/kgr-fanotify
}
OLD='fionread=24 read=32'
NEW='fionread=32 read=32'
