# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of bench/stable-delta: kgr.ko once, then each built patch
# /kgr/kgr_sd*.ko in turn: insmod the modules it patches (/mods/<name>.want)
# and what they need (/mods/<name>.list, dependencies first; those not
# loaded yet), insmod it, wait (30 s) for
# transition 0, echo 0 > enabled, wait, rmmod, rmmod those modules in
# reverse order. Per patch the lines
#   MODS <name> target=ok|fail       (if it patches a module; their log)
#   PATCH <name> load=ok|fail transition=ok|fail|- revert=ok|fail|-
#         target=ok|fail|- unload=ok|fail|-
# followed by the kernel log the patch produced (bench/stable-delta/run
# looks for WARN/Oops/BUG in it). target=fail: a module it names did not
# load, so the patch applies to what is loaded.
# timeout: 3000
# allow-taint: K
. /tests/lib.sh

load_kgr
dmesg -c > /dev/null
for ko in "$KO"/kgr_sd*.ko; do
	[ -e "$ko" ] || break
	p=$(basename "$ko" .ko)
	load=fail trans=- rev=- target=- unload=- loaded=
	if [ -s "/mods/$p.list" ]; then
		: > /tmp/moderr
		for m in $(cat "/mods/$p.list"); do
			[ -d "/sys/module/$m" ] && continue
			insmod "/mods/$m.ko" 2>>/tmp/moderr && loaded="$m $loaded"
		done
		# One of a softdep's alternatives may fail (crc32c_intel
		# without SSE4.2): what counts is the modules the patch names.
		target=ok
		for m in $(cat "/mods/$p.want"); do
			[ -d "/sys/module/$m" ] || target=fail
		done
		echo "MODS $p target=$target"
		sed 's/^/  insmod: /' /tmp/moderr
		dmesg -c
	fi
	if insmod "$ko" 2>/tmp/err; then
		load=ok
		if kgr_settled "$p"; then trans=ok; else trans=fail; fi
		rev=fail
		if echo 0 > "$KGR/$p/enabled" && kgr_settled "$p" && rmmod "$p"; then
			rev=ok
		fi
	fi
	: > /tmp/rmerr
	if [ -n "$loaded" ]; then
		unload=ok
		for m in $loaded; do
			rmmod "$m" 2>>/tmp/rmerr || unload=fail
		done
	fi
	echo "PATCH $p load=$load transition=$trans revert=$rev target=$target unload=$unload"
	[ "$load" = ok ] || sed 's/^/  insmod: /' /tmp/err
	sed 's/^/  rmmod: /' /tmp/rmerr
	dmesg -c
done
exit 0
