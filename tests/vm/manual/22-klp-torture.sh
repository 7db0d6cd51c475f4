# SPDX-License-Identifier: GPL-2.0-or-later
# The consistency torture of 21-migrate-torture.sh with the kernel's own
# livepatch in kgr's place: the same target, the same new functions, the
# same apply/revert cycles. It tells whether a crash under the torture is
# kgr's or comes from patching live text under qemu TCG at all.
# timeout: 480
# allow-taint: K
. /tests/lib.sh

CYCLES=6
PATCH=kgr_test_torture_klp

torture_start
i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	load $PATCH
	# Odd cycles: disable at once, reversing the transition midway.
	[ $((i % 2)) = 1 ] || klp_wait $PATCH
	klp_remove $PATCH
done
torture_check 1 2
