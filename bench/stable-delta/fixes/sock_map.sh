# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/core/sock_map.c
# function: sock_map_alloc
# effect: BPF_MAP_CREATE of a sockmap of 2^31 entries: the fix refuses
#   more than INT_MAX entries (EINVAL) before allocating; before it, the
#   16 GiB array's allocation fails (ENOMEM).
probe() { kgr-fixprobe sockmap-big; }
OLD='errno=12'
NEW='errno=22'
