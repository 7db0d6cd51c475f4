# SPDX-License-Identifier: GPL-2.0-or-later
# file: kernel/sys.c
# function: prctl_set_auxv
# effect: prctl(PR_SET_MM, PR_SET_MM_AUXV) of one 16-byte entry: the fix
#   stores the whole zero-padded vector, so /proc/self/auxv is that entry
#   and AT_NULL (32 bytes); before it, only 16 bytes were copied over
#   and the rest of the exec's vector still shows (hundreds of bytes).
probe() { kgr-fixprobe auxv; }
OLD='errno=0 bytes=[1-9][0-9][0-9]*'
NEW='errno=0 bytes=32'
