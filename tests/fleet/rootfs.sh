#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fleet/rootfs.sh OUTDIR RELEASE: the fleet test's guest, a Debian
# bookworm root filesystem built with mmdebstrap (systemd, openssh-server,
# python3 and python3-apt for Ansible, kmod, the stock kernel RELEASE and
# its modules), as OUTDIR/rootfs.img (ext4) plus the initrd Debian built
# for it (OUTDIR/initrd.img) and the ssh key that logs in as root
# (OUTDIR/id_ed25519). Cached: it is rebuilt only when this script or the
# kernel changes (OUTDIR/stamp). The initrd holds only what finds the root
# disk (MODULES=list): Debian's default, most modules, takes minutes to
# generate, twice, on busy cores.
set -euo pipefail
out=$1
rel=$2
here=$(cd "$(dirname "$0")" && pwd)
stamp="$(sha256sum "$here/rootfs.sh" | cut -c1-16) $rel"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] &&
   [ -f "$out/rootfs.img" ] && [ -f "$out/initrd.img" ]; then
	echo "# rootfs: cached $out/rootfs.img"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "rootfs.sh: mmdebstrap needs root" >&2; exit 2; }
# The guest's kernel package must be the very build the patches target.
kver=$(dpkg-query -W -f='${Version}' "linux-image-$rel" 2>/dev/null) ||
	{ echo "rootfs.sh: linux-image-$rel is not installed on the host" >&2; exit 2; }
mkdir -p "$out"
rm -f "$out/stamp"
[ -f "$out/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C kgr-fleet -f "$out/id_ed25519"
dir=$out/rootfs.d
rm -rf "$dir"
t0=$(date +%s)
# --variant=apt plus what a managed host has; no recommends, small.
# The archive is only used here: the guests' apt sees the kgr repository
# alone.
nice -n 10 mmdebstrap --mode=root --variant=apt \
	--include="systemd,systemd-sysv,udev,dbus,openssh-server,python3,python3-apt,kmod,initramfs-tools,zstd,procps,iproute2,linux-image-$rel=$kver" \
	--essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"; printf "COMPRESS=gzip\nMODULES=list\n" > "$1/etc/initramfs-tools/conf.d/kgr"; printf "virtio_pci\nvirtio_blk\next4\n" > "$1/etc/initramfs-tools/modules"' \
	--customize-hook='echo kgr-fleet > "$1/etc/hostname"' \
	--customize-hook='echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > "$1/etc/fstab"' \
	--customize-hook='printf "[Match]\nName=en*\n[Network]\nDHCP=yes\n" > "$1/etc/systemd/network/10-en.network"' \
	--customize-hook='chroot "$1" systemctl enable systemd-networkd ssh' \
	--customize-hook='chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer' \
	--customize-hook='rm -f "$1"/etc/apt/sources.list "$1"/etc/apt/sources.list.d/*; : > "$1/etc/apt/sources.list"' \
	--customize-hook="mkdir -p -m 700 \"\$1/root/.ssh\"; cp '$out/id_ed25519.pub' \"\$1/root/.ssh/authorized_keys\"" \
	--customize-hook='cp "$1"/boot/initrd.img-* '"'$out/initrd.img.new'" \
	bookworm "$dir" http://deb.debian.org/debian \
	"deb http://deb.debian.org/debian-security bookworm-security main"
# ext4 filled from the directory: no loop mount needed.
rm -f "$out/rootfs.img.new"
truncate -s 3G "$out/rootfs.img.new"
mke2fs -q -t ext4 -L kgr-fleet -d "$dir" "$out/rootfs.img.new"
mv "$out/rootfs.img.new" "$out/rootfs.img"
mv "$out/initrd.img.new" "$out/initrd.img"
rm -rf "$dir"
echo "$stamp" > "$out/stamp"
echo "# rootfs: built $out/rootfs.img in $(( $(date +%s) - t0 ))s"
