#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make deps: install the Debian packages kgr needs, only those missing.
set -e
pkgs="
qemu-system-x86 qemu-system-data busybox-static cpio rsync xz-utils gzip kmod
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-source-6.1 linux-source-6.12
gcc make flex bison bc libssl-dev libelf-dev libdw-dev pkg-config
python3 python3-docutils python3-sphinx sparse coccinelle libclang-dev clang llvm dwarves valgrind
mmdebstrap ansible-core reprepro qemu-utils openssh-client openssl e2fsprogs
gnuplot-nox
"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all installed"
	exit 0
fi
echo "deps: installing$missing"
[ "$(id -u)" = 0 ] || { echo "deps: run as root to install:$missing" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
