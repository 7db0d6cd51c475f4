#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kgr-mkdeb host tests (TAP): builds kgr.ko and the samples against the
# newest Debian 6.1 headers, packages them and reads the packages back with
# dpkg-deb (fields, dependencies, contents, maintainer scripts, stripped and
# signed modules), then feeds kgr-mkdeb and kgr-apply bad input. Nothing
# is installed and no module is loaded: tests/fleet does that in guests.

set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
mkdeb=$here/../kgr-mkdeb
apply=$here/../kgr-apply
build=${KGR_BUILD:-$repo/build}/kgr-deb
work=$(mktemp -d /tmp/kgr-deb-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok()
{
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/# /'
}
expect()
{
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"
	fi
}
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; exit; }

kdir=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -z "$kdir" ]; then
	not_ok "Debian 6.1 headers installed (make deps)"
	finish
fi
rel=${kdir#/usr/src/linux-headers-}
kpkgver=$(sed -n 's/^#define LINUX_PACKAGE_ID " Debian \(.*\)"$/\1/p' "$kdir/include/generated/package.h")

# ---- the modules: the tree's framework and samples, built out of place ----
mkdir -p "$build/src"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--include '/framework/***' --include '/include/***' --include '/samples/***' \
	--exclude '/*/' --exclude '/*' "$repo/" "$build/src/"
printf 'obj-y += framework/ samples/\n' > "$build/src/Kbuild"
if log=$(nice -n 10 make -C "$kdir" M="$build/src" CONFIG_KGR=m -j2 modules 2>&1); then
	ok "kgr.ko and the samples build against $rel"
else
	not_ok "kgr.ko and the samples build against $rel" "$(printf '%s\n' "$log" | tail -20)"
	finish
fi
if ! log=$(make -s -C "$repo/tools/kgrctl" kgrctl 2>&1); then
	not_ok "kgrctl builds" "$log"
	finish
fi
kgr=$build/src/framework/kgr.ko
fix=$build/src/samples/kgr_sample_uptime.ko
rep=$build/src/samples/kgr_sample_replace.ko

# ---- the three packages ----
out=$work/out
mkdir -p "$out"
if log=$("$mkdeb" --kdir "$kdir" --kgr "$kgr" --patch "$fix" --version 1 \
	--line uptime --kgr-version 0.7 --out "$out" 2>&1); then
	ok "kgr-mkdeb builds the packages"
else
	not_ok "kgr-mkdeb builds the packages" "$log"
	finish
fi
tools_deb=$out/kgr-tools_0.7_amd64.deb
fw_deb=$out/kgr-${rel}_0.7_amd64.deb
deb=$out/kgr-patch-uptime-${rel}_1_amd64.deb
expect "it prints the three packages it wrote" "$tools_deb
$fw_deb
$deb" "$log"
expect "nothing else in --out" 3 "$(ls "$out" | wc -l)"

field() { dpkg-deb --field "$1" "$2" 2>&1; }
expect "patch: name, version, architecture" "kgr-patch-uptime-$rel 1 amd64" \
	"$(field "$deb" Package) $(field "$deb" Version) $(field "$deb" Architecture)"
expect "patch: Depends on the exact kernel build and kgr.ko" \
	"linux-image-$rel (= $kpkgver), kgr-$rel (= 0.7)" "$(field "$deb" Depends)"
expect "framework: Depends on the exact kernel build and kgr-tools" \
	"linux-image-$rel (= $kpkgver), kgr-tools (= 0.7)" "$(field "$fw_deb" Depends)"
expect "kernel package version from the headers matches dpkg's" \
	"$(dpkg-query -W -f='${Version}' "linux-headers-$rel" 2>/dev/null || echo "$kpkgver")" "$kpkgver"

files() { dpkg-deb --contents "$1" | awk '$1 !~ /^d/ { print $1, $6 }'; }
expect "patch: contents" "-rw-r--r-- ./lib/modules/$rel/updates/kgr/kgr_sample_uptime.ko
-rw-r--r-- ./usr/lib/kgr/patches/uptime-$rel.conf" "$(files "$deb")"
expect "framework: contents" "-rw-r--r-- ./lib/modules/$rel/updates/kgr/kgr.ko" "$(files "$fw_deb")"
expect "tools: contents" "-rw-r--r-- ./etc/default/kgr
-rw-r--r-- ./lib/systemd/system/kgr.service
-rwxr-xr-x ./usr/lib/kgr/kgr-apply
-rwxr-xr-x ./usr/sbin/kgrctl" "$(files "$tools_deb" | sort)"
expect "files owned by root" "" "$(dpkg-deb --contents "$deb" "$tools_deb" "$fw_deb" 2>/dev/null | awk '$2 != "root/root"')"

x=$work/x
dpkg-deb --raw-extract "$deb" "$x"
expect "patch: its description for kgr-apply" "PACKAGE=kgr-patch-uptime-$rel
LINE=uptime
RELEASE=$rel
MODULE=kgr_sample_uptime
PATCH=kgr_sample_uptime
KO=/lib/modules/$rel/updates/kgr/kgr_sample_uptime.ko" "$(cat "$x/usr/lib/kgr/patches/uptime-$rel.conf")"
expect "patch: postinst and prerm, valid sh" "postinst ok
prerm ok" "$(cd "$x/DEBIAN" && for s in postinst prerm; do
	[ -x $s ] && sh -n $s && echo "$s ok"; done)"
expect "patch: prerm reverts on remove only, not on upgrade" "remove|deconfigure)" \
	"$(grep -o 'remove|deconfigure)' "$x/DEBIAN/prerm")"
ko=$x/lib/modules/$rel/updates/kgr/kgr_sample_uptime.ko
expect "patch module: vermagic of $rel" "$rel" "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
expect "patch module: stripped of debug info, not signed" "0 0" \
	"$(readelf -S "$ko" | grep -c '\.debug_info') $(tail -c 28 "$ko" | grep -c 'Module signature appended')"
expect "kgr-apply is valid bash" "" "$(bash -n "$apply" 2>&1)"
if command -v systemd-analyze > /dev/null; then
	expect "kgr.service passes systemd-analyze verify" "" \
		"$(systemd-analyze verify --man=no "$here/../kgr.service" 2>&1 | grep -v 'kgr-apply' || true)"
fi

# ---- a cumulative successor of the line upgrades it ----
out2=$work/out2
mkdir -p "$out2"
"$mkdeb" --kdir "$kdir" --kgr "$kgr" --patch "$rep" --version 2 --line uptime \
	--kgr-version 0.7 --out "$out2" > /dev/null 2>&1
deb2=$out2/kgr-patch-uptime-${rel}_2_amd64.deb
if [ "$(field "$deb2" Package)" = "$(field "$deb" Package)" ] &&
   dpkg --compare-versions "$(field "$deb2" Version)" gt "$(field "$deb" Version)"; then
	ok "version 2 of the line: same package, higher version (apt upgrades)"
else
	not_ok "version 2 of the line: same package, higher version (apt upgrades)" "$(ls "$out2")"
fi

# ---- signed ----
openssl req -new -nodes -utf8 -sha256 -days 2 -batch -x509 -subj "/CN=kgr test signing key/" \
	-outform PEM -out "$work/cert.pem" -keyout "$work/key.pem" > /dev/null 2>&1
out3=$work/out3
mkdir -p "$out3"
if log=$(SIGN_KEY=$work/key.pem SIGN_CERT=$work/cert.pem "$mkdeb" --kdir "$kdir" --kgr "$kgr" \
	--patch "$fix" --version 1 --kgr-version 0.7 --out "$out3" 2>&1); then
	dpkg-deb --raw-extract "$out3/kgr-patch-kgr-sample-uptime-${rel}_1_amd64.deb" "$work/s"
	dpkg-deb --raw-extract "$out3/kgr-${rel}_0.7_amd64.deb" "$work/sf"
	expect "SIGN_KEY/SIGN_CERT: both modules signed by that key" "kgr test signing key
kgr test signing key" "$(modinfo -F signer "$work/s/lib/modules/$rel/updates/kgr/kgr_sample_uptime.ko"; modinfo -F signer "$work/sf/lib/modules/$rel/updates/kgr/kgr.ko")"
	expect "signed: sha256, the kernel's CONFIG_MODULE_SIG_HASH" "sha256" \
		"$(modinfo -F sig_hashalgo "$work/s/lib/modules/$rel/updates/kgr/kgr_sample_uptime.ko")"
else
	not_ok "kgr-mkdeb signs with SIGN_KEY/SIGN_CERT" "$log"
fi

# ---- bad input: exit 2, one line naming the culprit, nothing written ----
bad()
{
	local name=$1 want=$2 o=$work/bad
	shift 2
	rm -rf "$o"
	mkdir -p "$o"
	local err rc
	err=$("$mkdeb" --out "$o" "$@" 2>&1 > /dev/null)
	rc=$?
	expect "bad input: $name" "rc=2 files=0 lines=1 $want" \
		"rc=$rc files=$(ls "$o" | wc -l) lines=$(printf '%s\n' "$err" | wc -l) $err"
}
printf 'not elf' > "$work/junk.ko"
bad "not a headers directory" "kgr-mkdeb: /tmp: no include/generated/utsrelease.h: not a kernel headers directory" \
	--kdir /tmp --kgr "$kgr" --patch "$fix" --version 1
bad "a patch that is not ELF" "kgr-mkdeb: $work/junk.ko: not an ELF file" \
	--kdir "$kdir" --kgr "$kgr" --patch "$work/junk.ko" --version 1
bad "a missing patch" "kgr-mkdeb: $work/none.ko: no such module" \
	--kdir "$kdir" --kgr "$kgr" --patch "$work/none.ko" --version 1
bad "kgr.ko given as the patch" "kgr-mkdeb: $kgr: is kgr.ko, not a patch" \
	--kdir "$kdir" --kgr "$kgr" --patch "$kgr" --version 1
bad "a patch given as kgr.ko" "kgr-mkdeb: $fix: not kgr.ko (module name 'kgr_sample_uptime')" \
	--kdir "$kdir" --kgr "$fix" --patch "$fix" --version 1
bad "a version that is not Debian's" "kgr-mkdeb: --version 'v2': not a Debian version" \
	--kdir "$kdir" --kgr "$kgr" --patch "$fix" --version v2
bad "a line that is no package name" "kgr-mkdeb: --line 'Fix_1': a package name needs [a-z0-9+.-]" \
	--kdir "$kdir" --kgr "$kgr" --patch "$fix" --version 1 --line Fix_1
bad "no --version" "kgr-mkdeb: --version is missing (see --help)" \
	--kdir "$kdir" --kgr "$kgr" --patch "$fix"
bad "a key without a certificate" "kgr-mkdeb: signing needs both --sign-key and --sign-cert" \
	--kdir "$kdir" --kgr "$kgr" --patch "$fix" --version 1 --sign-key "$work/key.pem"
bad "an unknown option" "kgr-mkdeb: unknown argument '--bogus' (see --help)" --bogus
other=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$other" ]; then
	bad "modules of another kernel" "kgr-mkdeb: $kgr: built for kernel $rel, not ${other#/usr/src/linux-headers-} (--kdir $other)" \
		--kdir "$other" --kgr "$kgr" --patch "$fix" --version 1
fi
corrupt=$work/corrupt.ko
cp "$fix" "$corrupt"
# Keep the ELF header, destroy what follows: modinfo finds no vermagic.
dd if=/dev/urandom of="$corrupt" bs=1 seek=64 count=4096 conv=notrunc status=none
bad "a corrupt module" "kgr-mkdeb: $corrupt: not a kernel module" \
	--kdir "$kdir" --kgr "$kgr" --patch "$corrupt" --version 1

# ---- kgr-apply, on what needs no module syscall ----
conf=$x/usr/lib/kgr/patches/uptime-$rel.conf
sed "s/^RELEASE=.*/RELEASE=0.0.0-other/" "$conf" > "$work/other.conf"
err=$(env INVOCATION_ID=test "$apply" load "$work/other.conf" 2>&1)
expect "kgr-apply: a patch for another kernel is not loaded, naming both" \
	"rc=0 kgr: kgr-patch-uptime-$rel: built for kernel 0.0.0-other, running $(uname -r): not loaded" "rc=$? $err"
grep -v '^MODULE=' "$conf" > "$work/nomod.conf"
err=$(env INVOCATION_ID=test "$apply" load "$work/nomod.conf" 2>&1)
expect "kgr-apply: a description without MODULE" "rc=2 kgr-apply: $work/nomod.conf: no MODULE" "rc=$? $err"
printf 'RELEASE=x\nEVIL=$(reboot)\n' > "$work/evil.conf"
err=$(env INVOCATION_ID=test "$apply" load "$work/evil.conf" 2>&1)
expect "kgr-apply: an unknown key is refused, not run" "rc=2 kgr-apply: $work/evil.conf: unknown key 'EVIL'" "rc=$? $err"
err=$("$apply" frob 2>&1)
expect "kgr-apply: an unknown command" "rc=2 usage: kgr-apply load|unload CONF | boot" "rc=$? $err"
finish
