# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: live-patch the running stock kernel, as in the kGraft demo.
# timeout: 120
. /tests/lib.sh

patch=kgr_sample_uptime
say()
{
	echo
	echo "==> $*"
}

say "uname -r: $(uname -r), an unmodified Debian kernel"
say "cat /proc/uptime   (before)"
cat /proc/uptime
say "insmod kgr.ko"
load_kgr
ls $KGR
say "insmod kgr_sample_uptime.ko   (replaces uptime_proc_show)"
load kgr_sample_uptime
echo "transition running: $(cat $KGR/$patch/transition), in_progress: $(cat $KGR/in_progress)"
kgr_wait_transition $patch 30
echo "transition finished: transition=$(cat $KGR/$patch/transition) enabled=$(cat $KGR/$patch/enabled)"
for f in $KGR/$patch/*/*/state; do
	echo "  ${f#$KGR/}: $(cat "$f")"
done
say "cat /proc/uptime   (patched, no reboot)"
after=$(cat /proc/uptime)
echo "$after"
say "echo 0 > $KGR/$patch/enabled   (revert)"
kgr_revert $patch kgr_sample_uptime
say "cat /proc/uptime   (original again)"
orig=$(cat /proc/uptime)
echo "$orig"
[ "$after" != "$orig" ] || fail "the patch did not change /proc/uptime"
case "$orig" in
*[!0-9.\ ]*) fail "the revert did not restore /proc/uptime" ;;
esac
echo
echo "==> done: patched and reverted live"
