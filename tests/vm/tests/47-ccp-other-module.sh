# SPDX-License-Identifier: GPL-2.0-or-later
# klp-ccp's patch of ahci.c's ahci_mv_irq_handler (other-module-export.diff),
# which calls libahci's export ahci_handle_port_intr: a shim of libahci,
# not a reference by name, so the patch does not depend on libahci. It
# loads while neither module is (by name, insmod failed: unknown symbol),
# the function waits in state init; libahci's load resolves the shim,
# ahci's patches the function. The revert and the modules' removal leave
# nothing behind. The stock modules come from /lib/modules (vm-samples.sh).
# timeout: 120
. /tests/lib.sh

[ "$(kver)" = 6.1 ] || skip "klp-ccp patches are generated for the 6.1 sources only"
P=kgr_ccp_othermod
MODS="scsi_common scsi_mod libata libahci ahci"
for m in $P $MODS; do
	[ -f "$KO/$m.ko" ] || fail "$m.ko missing: the symbols boot or klp-ccp generation failed (see the prebuild output)"
done
load_kgr
! grep -q "^libahci " /proc/modules || fail "libahci is loaded before the test"
load $P
kgr_wait_transition $P
grep -q "^libahci " /proc/modules && fail "loading $P loaded libahci"
F=$(ls -d "$KGR/$P/ahci/ahci_mv_irq_handler,"*) || fail "$P does not patch ahci_mv_irq_handler"
[ "$(cat "$F/state")" = init ] || fail "state before ahci loads: $(cat "$F/state")"
for m in $MODS; do
	load $m
done
[ "$(cat "$KGR/$P/ahci/patched")" = 1 ] || fail "ahci loaded, not patched"
[ "$(cat "$F/state")" != init ] || fail "ahci_mv_irq_handler still in state init"
kgr_revert $P $P
for m in ahci libahci libata scsi_mod scsi_common; do
	rmmod $m || fail "rmmod $m failed"
done
