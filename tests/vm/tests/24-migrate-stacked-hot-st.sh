# SPDX-License-Identifier: GPL-2.0-or-later
# The stacked torture (torture_stacked in lib.sh) on single-threaded TCG:
# one thread runs both vCPUs in turn, so they interleave at other points
# than under multi-threaded TCG. Before the bottom-of-stack rule for
# interrupted stacks (framework/stack.c) it counted 4 to 10 mixed pairs
# per run on 6.1.
# timeout: 600
# qemu-accel: tcg,thread=single
. /tests/lib.sh

torture_stacked 6
