# SPDX-License-Identifier: GPL-2.0-or-later
# Only root with CAP_SYS_MODULE changes kgr: a non-root user (uid 65534)
# can write no file under /sys/kernel/kgr and cannot read blocking nor
# old_addr; root without CAP_SYS_MODULE gets EPERM from every store; kgrctl
# says what it takes in words. Nothing changes state on the way.
# timeout: 60
. /tests/lib.sh

NOBODY=65534
P=kgr_sample_uptime

# Every readable file of the tree and its value: the state that must not move.
snapshot()
{
	find $KGR -type f | sort | while read -r _f; do
		case $_f in */force) continue ;; esac
		echo "$_f=$(cat "$_f" 2>&1)"
	done
}

load_kgr
command -v kgr-drop > /dev/null || fail "kgr-drop is not in the initramfs"
load $P
kgr_wait_transition $P
# Its function goes direct a second later: the snapshot waits for it.
kgr_wait_direct
before=$(snapshot)
files=$(find $KGR -type f | sort)
nfiles=$(echo "$files" | grep -c .)

# uid 65534: no write to any file, not even of a valid value.
tries=0
for f in $files; do
	for v in 0 1; do
		if kgr-drop uid $NOBODY sh -c "echo $v > $f" 2>/dev/null; then
			fail "uid $NOBODY wrote $v to $f"
		fi
		tries=$((tries + 1))
	done
	case $f in
	*/blocking | */old_addr)
		kgr-drop uid $NOBODY cat "$f" > /dev/null 2>&1 &&
			fail "uid $NOBODY read $f"
		;;
	*/force) ;;
	*)
		kgr-drop uid $NOBODY cat "$f" > /dev/null ||
			fail "uid $NOBODY cannot read $f"
		;;
	esac
done
[ "$(snapshot)" = "$before" ] || fail "state changed by uid $NOBODY's writes"

# Root without CAP_SYS_MODULE: the modes let it open, the store says EPERM.
for f in $KGR/$P/enabled $KGR/$P/force; do
	for v in 0 1; do
		out=$(kgr-drop nocap sh -c "echo $v > $f" 2>&1) &&
			fail "root without CAP_SYS_MODULE wrote $v to $f"
		expect_contains "$out" "Operation not permitted"
		tries=$((tries + 1))
	done
done
kgr-drop nocap cat $KGR/$P/blocking > /dev/null ||
	fail "root without CAP_SYS_MODULE cannot read blocking"
[ "$(snapshot)" = "$before" ] || fail "state changed by writes without CAP_SYS_MODULE"

# kgrctl, in words.
need="needs root with CAP_SYS_MODULE"
for who in "uid $NOBODY" nocap; do
	out=$(kgr-drop $who kgrctl revert $P 2>&1) && fail "kgrctl revert as $who succeeded"
	expect_contains "$out" "writing 0 to $KGR/$P/enabled: permission denied: changing kgr patches $need"
	out=$(kgr-drop $who kgrctl force $P --yes 2>&1) && fail "kgrctl force as $who succeeded"
	expect_contains "$out" "writing 1 to $KGR/$P/force: permission denied: changing kgr patches $need"
	out=$(kgr-drop $who kgrctl load $KO/kgr_sample_cmdline.ko 2>&1) &&
		fail "kgrctl load as $who succeeded"
	expect_contains "$out" "load $KO/kgr_sample_cmdline.ko: permission denied: changing kgr patches $need"
	echo "$who: $out"
done
out=$(kgr-drop uid $NOBODY kgrctl status $P 2>&1) && fail "kgrctl status as uid $NOBODY read blocking"
expect_contains "$out" "$KGR/$P/blocking: permission denied: only root may read it"
echo "uid $NOBODY: $out"
kgr-drop uid $NOBODY kgrctl list > /dev/null || fail "kgrctl list as uid $NOBODY failed"
[ -d $KGR/kgr_sample_cmdline ] && fail "kgr_sample_cmdline loaded without the privilege"
[ "$(snapshot)" = "$before" ] || fail "state changed by kgrctl without the privilege"

kgr_revert $P $P
echo "$tries refused writes over $nfiles files"
