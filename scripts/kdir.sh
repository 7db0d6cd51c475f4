#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel build directory to build against: the running kernel's, or
# else the newest installed Debian linux-headers. Prints "<dir> <why>".
running=/lib/modules/$(uname -r)/build
if [ -d "$running" ]; then
	echo "$running running-kernel"
	exit 0
fi
newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$newest" ]; then
	echo "$newest newest-headers"
	exit 0
fi
echo "none no-headers"
