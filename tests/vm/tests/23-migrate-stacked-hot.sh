# SPDX-License-Identifier: GPL-2.0-or-later
# The stacked torture (torture_stacked in lib.sh) on multi-threaded TCG: a
# thread per vCPU, so that the vCPUs really run at once. Hot callers of a
# pair patched three times over, migrations landing inside the ftrace
# redirection, and patch modules removed as soon as their revert ends: no
# pair may mix two versions and no task may run a freed module.
# timeout: 900
# qemu-accel: tcg,thread=multi
# soak-only: multi-threaded TCG crashes now and then at text_poke sites (Oops: int3), the kernel's livepatch too (Documentation/consistency.rst)
. /tests/lib.sh

torture_stacked 6
