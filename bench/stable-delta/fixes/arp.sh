# SPDX-License-Identifier: GPL-2.0-or-later
# file: net/ipv4/arp.c
# function: arp_ioctl
# effect: SIOCGARP whose arp_dev is 16 bytes without a NUL, the first 15
#   being lo's name (renamed to 15 characters): the fix terminates it,
#   finds lo and finds no entry (ENXIO); before it, no device of that
#   16-character name (ENODEV).
probe() { kgr-fixprobe arp-dev16; }
OLD='errno=19'
NEW='errno=6'
