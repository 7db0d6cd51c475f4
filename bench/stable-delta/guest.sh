# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of bench/stable-delta: kgr.ko once, then each built patch
# /kgr/kgr_sd*.ko in turn: insmod, wait (30 s) for transition 0, echo 0
# > enabled, wait, rmmod. Per patch one line
#   PATCH <name> load=ok|fail transition=ok|fail|- revert=ok|fail|-
# followed by the kernel log the patch produced (bench/stable-delta/run
# looks for WARN/Oops/BUG in it). A patch of a module the guest has not
# loaded (the initramfs holds none) applies to vmlinux only.
# timeout: 3000
# allow-taint: K
. /tests/lib.sh

# 0 once patch $1's transition reads 0, within 30 s.
settled()
{
	_t=300
	while [ "$(cat "$KGR/$1/transition" 2>/dev/null)" != 0 ]; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || return 1
		sleep 0.1
	done
}

load_kgr
dmesg -c > /dev/null
for ko in "$KO"/kgr_sd*.ko; do
	[ -e "$ko" ] || break
	p=$(basename "$ko" .ko)
	load=fail trans=- rev=-
	if insmod "$ko" 2>/tmp/err; then
		load=ok
		if settled "$p"; then trans=ok; else trans=fail; fi
		rev=fail
		if echo 0 > "$KGR/$p/enabled" && settled "$p" && rmmod "$p"; then
			rev=ok
		fi
	fi
	echo "PATCH $p load=$load transition=$trans revert=$rev"
	[ "$load" = ok ] || sed 's/^/  insmod: /' /tmp/err
	dmesg -c
done
exit 0
