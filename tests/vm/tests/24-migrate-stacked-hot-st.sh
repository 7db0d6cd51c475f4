# SPDX-License-Identifier: GPL-2.0-or-later
# The stacked torture (torture_stacked in lib.sh) on single-threaded TCG:
# one thread runs both vCPUs in turn, so they interleave at other points
# than under multi-threaded TCG.
# timeout: 900
# qemu-accel: tcg,thread=single
# soak-only: mixed pairs remain (0 to 4 per run on 6.1, issue 11)
. /tests/lib.sh

torture_stacked 6
