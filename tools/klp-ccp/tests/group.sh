#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one group of klp-ccp's host tests: group.sh <cases/NN-name.sh>
# <scratch dir>. Prints the group's TAP lines, numbered from 1, without a
# plan; run.sh gives the environment (KSRC, KHDR, KCONFIG, the probe cache).
set -u
here=$(cd "$(dirname "$0")" && pwd)
tool=$here/../klp-ccp
repo=$(cd "$here/../../.." && pwd)
tmp=$2
mkdir -p "$tmp" || exit 1
. "$here/lib.sh"
group_start=$(date +%s)
. "$1"
# the group ran to its end, in this many seconds
echo "# group $(basename "$1" .sh) took $(( $(date +%s) - group_start ))s"
exit 0
