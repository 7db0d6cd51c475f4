#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Print the path of an unpacked linux-source-6.1, unpacking Debian's
# tarball into $KGR_KUNIT_CACHE (default build/) the first time. The tree is
# shared by make kunit (which builds in it) and make lint (checkpatch.pl).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${KGR_KUNIT_CACHE:-$repo/build}
src=$cache/linux-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || { echo "ksrc: $tarball is missing (run make deps)" >&2; exit 2; }
mkdir -p "$cache"
exec 8>"$cache/.ksrc.lock"
flock 8
if [ ! -e "$src/.kgr-unpacked" ] || [ "$tarball" -nt "$src/.kgr-unpacked" ]; then
	echo "# unpacking $tarball into $src" >&2
	rm -rf "$src" "$cache/linux-source-6.1"
	tar -C "$cache" -xf "$tarball"
	mv "$cache/linux-source-6.1" "$src"
	echo 'source "kgr/Kconfig"' >> "$src/Kconfig"
	echo 'obj-$(CONFIG_KGR) += kgr/' >> "$src/Kbuild"
	touch "$src/.kgr-unpacked"
fi
echo "$src"
