# SPDX-License-Identifier: GPL-2.0-or-later
# QEMU 7.2's TCG pushes wrong flags when an ALU instruction with a memory
# destination faults, with no kgr module loaded: tests/vm/helpers/
# kgr-eflags.c tries 27 such instructions; on 6.12 under this qemu the
# frame of "rcl %cl, (mem)" lost CF. CI once saw a worse corruption of the
# flags in 24-migrate-stacked-hot-st on 6.12: a kernel #DB (the WARN at
# traps.c:1120, exc_debug_kernel) under a fork, EFLAGS c210e302: TF, NT,
# IOPL 2, and bits 25, 30 and 31, which are reserved in RFLAGS and read as
# 0 on every x86-64 CPU, so no guest code, kgr's or not, can have set
# them. tests/vm/run therefore runs a test that fails with such a register
# dump once more, in a fresh boot. This test fails where qemu has the bug.
# timeout: 60
# qemu-accel: tcg,thread=single
. /tests/lib.sh

grep -q kgr /proc/modules && fail "a kgr module is loaded"
out=$(kgr-eflags) || fail "qemu pushed wrong flags: $out"
echo "# $out"
