# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of bench/stable-delta/quality: for each fix of
# /quality/<fix>.sh (bench/stable-delta/fixes/<fix>.sh; its probe()
# prints one line, OLD and NEW are the patterns of that line before and
# after the fix): insmod the modules the fixed file is built into and
# its patch patches, with what they need (/quality/<fix>.mods,
# dependencies first; /mods/<module>.ko), probe, insmod its patch
# /kgr/<patch>.ko (named by /quality/<fix>.patch), wait (30 s) for
# transition 0, probe, echo 0 > enabled, wait, rmmod it, probe again,
# rmmod the modules. Per fix the lines
#   QUALITY <fix> patch=<name>|- before=old|new|other load=ok|fail|nopatch
#           transition=ok|fail|- applied=old|new|other|- revert=ok|fail|-
#           reverted=old|new|other|-
#   SEEN <fix> before|applied|reverted: <the probe's line>
# then the kernel log of the fix.
# timeout: 900
# allow-taint: K
. /tests/lib.sh

# see <fix> <when>: probe once; "old", "new" or "other" by OLD and NEW.
see()
{
	_line=$(probe 2>&1 | tr '\n' ' ' | sed 's/ *$//')
	echo "SEEN $1 $2: $_line" >> /tmp/seen
	# shellcheck disable=SC2254
	case "$_line" in
	$OLD) echo old ;;
	$NEW) echo new ;;
	*) echo other ;;
	esac
}

load_kgr
mkdir -p /tmp
dmesg -c > /dev/null
for f in /quality/*.sh; do
	fix=$(basename "$f" .sh)
	unset -f probe
	OLD='' NEW=''
	. "$f"
	p=$(cat "/quality/$fix.patch" 2>/dev/null)
	: > /tmp/seen
	loaded=
	for m in $(cat "/quality/$fix.mods" 2>/dev/null); do
		[ -d "/sys/module/$m" ] && continue
		insmod "/mods/$m.ko" 2>/dev/null && loaded="$m $loaded"
	done
	before=$(see "$fix" before)
	load=nopatch trans=- applied=- rev=- reverted=-
	if [ -n "$p" ] && [ -e "$KO/$p.ko" ]; then
		load=fail
		if insmod "$KO/$p.ko" 2>/tmp/err; then
			load=ok
			if kgr_settled "$p"; then trans=ok; else trans=fail; fi
			applied=$(see "$fix" applied)
			rev=fail
			if echo 0 > "$KGR/$p/enabled" && kgr_settled "$p" &&
			   rmmod "$p"; then
				rev=ok
			fi
			reverted=$(see "$fix" reverted)
		fi
	fi
	for m in $loaded; do
		rmmod "$m" 2>/dev/null
	done
	echo "QUALITY $fix patch=${p:--} before=$before load=$load transition=$trans applied=$applied revert=$rev reverted=$reverted"
	cat /tmp/seen
	[ "$load" != fail ] || sed 's/^/  insmod: /' /tmp/err
	dmesg -c
done
exit 0
