#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host tests of klp-ccp against the real Debian 6.1 sources: one small diff
# per verdict rule, bad input, and extracted patches built as out-of-tree
# modules (never loaded). The groups of cases/ run side by side, as many
# as KLP_CCP_TEST_JOBS (default: the CPUs), each in its own scratch dir;
# their TAP is printed in order, numbered through. Exits non-zero on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/kernel.sh"
export KSRC KHDR KCONFIG
tmp=$(mktemp -d /tmp/klp-ccp-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# Kbuild's probes are cached in a scratch dir, not in ~/.cache, unless the
# caller names one (make check does: the VM suite's patches then use them).
export KLP_CCP_PROBE_CACHE="${KLP_CCP_PROBE_CACHE:-$tmp/probes}"

if [ ! -f "$KSRC/Makefile" ] || [ ! -f "$KHDR/Module.symvers" ]; then
	echo "not ok 1 - kernel source $KSRC or headers $KHDR missing"
	exit 1
fi

jobs=${KLP_CCP_TEST_JOBS:-$(nproc)}
case $jobs in
'' | *[!0-9]* | 0) echo "not ok 1 - KLP_CCP_TEST_JOBS=$jobs: not a number of jobs"; exit 1 ;;
esac
# A group's output lands in $tmp/<group>.tap when it is done.
for g in "$here"/cases/*.sh; do
	echo "$g"
done | xargs -P "$jobs" -I{} sh -c \
	'g=$(basename "$1" .sh); "$2/group.sh" "$1" "$3/$g" > "$3/$g.tap" 2>&1; echo "$?" > "$3/$g.rc"' \
	sh {} "$here" "$tmp"

n=0
failed=0
for g in "$here"/cases/*.sh; do
	g=$(basename "$g" .sh)
	echo "# group $g"
	# a group that died before its end fails here, whatever it printed
	if [ "$(cat "$tmp/$g.rc" 2>/dev/null)" != 0 ]; then
		echo "# group $g exited $(cat "$tmp/$g.rc" 2>/dev/null || echo "without a status")"
		echo "not ok - group $g ran to its end" >> "$tmp/$g.tap"
	fi
	awk -v n="$n" '
		/^ok [0-9]+ / { sub(/^ok [0-9]+/, "ok " ++n) }
		/^not ok [0-9]+ / { sub(/^not ok [0-9]+/, "not ok " ++n) }
		/^not ok - / { sub(/^not ok/, "not ok " ++n) }
		{ print } END { print n > "/dev/stderr" }' "$tmp/$g.tap" 2> "$tmp/n"
	n=$(cat "$tmp/n")
	failed=$((failed + $(grep -c "^not ok" "$tmp/$g.tap")))
done
echo "1..$n"
[ "$failed" = 0 ]
