#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ksrc.sh [6.1|6.12]: print the path of an unpacked linux-source-<version>
# (default 6.1), unpacking Debian's tarball into $KGR_KUNIT_CACHE (default
# build/) the first time. The 6.1 tree is shared by make kunit (which
# builds in it, with kgr hooked into its Kconfig and Kbuild), make lint
# (checkpatch.pl) and klp-ccp's tests; the VM suite's klp-ccp patches for
# the 6.12 guest are generated from the 6.12 tree.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ver=${1:-6.1}
case $ver in
6.1|6.12) ;;
*) echo "ksrc: no kernel source $ver (6.1 or 6.12)" >&2; exit 2 ;;
esac
cache=${KGR_KUNIT_CACHE:-$repo/build}
src=$cache/linux-$ver
tarball=/usr/src/linux-source-$ver.tar.xz
[ -f "$tarball" ] || { echo "ksrc: $tarball is missing (run make deps)" >&2; exit 2; }
mkdir -p "$cache"
exec 8>"$cache/.ksrc-$ver.lock"
flock 8
if [ ! -e "$src/.kgr-unpacked" ] || [ "$tarball" -nt "$src/.kgr-unpacked" ]; then
	echo "# unpacking $tarball into $src" >&2
	rm -rf "$src" "$cache/linux-source-$ver"
	tar -C "$cache" -xf "$tarball"
	mv "$cache/linux-source-$ver" "$src"
	if [ "$ver" = 6.1 ]; then
		echo 'source "kgr/Kconfig"' >> "$src/Kconfig"
		echo 'obj-$(CONFIG_KGR) += kgr/' >> "$src/Kbuild"
	fi
	touch "$src/.kgr-unpacked"
fi
echo "$src"
