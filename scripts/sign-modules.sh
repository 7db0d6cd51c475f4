#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sign-modules.sh KDIR KEY CERT MODULE...: sign each module with the
# kernel's scripts/sign-file (KDIR's, or linux-kbuild's), the hash of
# KDIR's CONFIG_MODULE_SIG_HASH, the private key KEY (PEM) and the
# certificate CERT (PEM or DER). A module signed already is left alone.
# make SIGN_KEY=... SIGN_CERT=... runs it; Documentation/admin-guide.rst.
die()
{
	echo "sign-modules: $*" >&2
	exit 2
}

[ $# -ge 3 ] || die "usage: sign-modules.sh KDIR KEY CERT MODULE..."
kdir=$1 key=$2 cert=$3
shift 3
[ -n "$key" ] && [ -n "$cert" ] || die "signing needs both SIGN_KEY and SIGN_CERT"
[ -r "$key" ] || die "$key: cannot read the signing key"
[ -r "$cert" ] || die "$cert: cannot read the signing certificate"
release=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) ||
	die "$kdir: not a kernel build directory (no include/config/kernel.release)"
signer=$kdir/scripts/sign-file
major_minor=$(echo "$release" | cut -d. -f1-2)
[ -x "$signer" ] || signer=/usr/lib/linux-kbuild-$major_minor/scripts/sign-file
[ -x "$signer" ] || die "no scripts/sign-file in $kdir nor linux-kbuild-$major_minor (apt-get install linux-kbuild-$major_minor)"
hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$kdir/.config" 2>/dev/null)
hash=${hash:-sha256}

for ko in "$@"; do
	if [ "$(tail -c 28 "$ko" | tr -d '\n')" = "~Module signature appended~" ]; then
		echo "  SIGNED  $ko (already)"
		continue
	fi
	"$signer" "$hash" "$key" "$cert" "$ko" || die "$ko: sign-file failed"
	echo "  SIGN    $ko"
done
